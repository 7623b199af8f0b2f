from django.conf import settings
from django.db import models
from django.db.models import Q


class DigestItemKind(models.TextChoices):
    MATCH = "match", "新推荐专利"
    OFFER = "offer", "领域内新开放许可专利"
    PROFILE = "profile", "符合企业画像的新专利"
    DEMAND = "demand", "与本单位专利匹配的新需求"


class DigestPreference(models.Model):
    """每周推送设置 — whether a person receives the weekly digest, and (for pool enterprises, opt-in) patents
    matched to the enterprise's own industry and patent profile without a posted demand."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="digest_preference")
    weekly = models.BooleanField("接收每周匹配推送", default=True)
    profile = models.BooleanField("按本企业产业和专利画像推送（入库企业）", default=False)
    unsubscribed_at = models.DateTimeField("退订时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "每周推送设置"
        verbose_name_plural = "每周推送设置"

    def __str__(self) -> str:
        return f"{self.user}：{'接收' if self.weekly else '已退订'}"


class DigestDelivery(models.Model):
    """每周推送记录 — the one digest a person received for a week (Monday's date); the unique week makes the
    weekly job safe to run twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="digests")
    week = models.DateField("推送周（周一）")
    item_count = models.PositiveIntegerField("条目数", default=0)
    sent_at = models.DateTimeField("推送时间", auto_now_add=True)

    class Meta:
        verbose_name = "每周推送记录"
        verbose_name_plural = "每周推送记录"
        ordering = ["-week", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "week"], name="digest_once_per_week")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.week:%Y-%m-%d} 周推送"


class DigestItem(models.Model):
    """One line of a digest: a match (or an offered patent) never sent twice to the same person."""

    delivery = models.ForeignKey(DigestDelivery, verbose_name="推送", on_delete=models.CASCADE,
                                 related_name="items")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="+")
    kind = models.CharField("类型", max_length=10, choices=DigestItemKind.choices)
    match = models.ForeignKey("matching.Match", verbose_name="匹配", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="digest_items")
    patent = models.ForeignKey("matching.SupplyPatent", verbose_name="专利", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="digest_items")
    title = models.CharField("标题", max_length=300)
    line = models.CharField("说明", max_length=500)
    url = models.CharField("链接", max_length=200)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "推送条目"
        verbose_name_plural = "推送条目"
        ordering = ["delivery", "position"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "match"], condition=Q(match__isnull=False),
                                    name="digest_match_once"),
            models.UniqueConstraint(fields=["recipient", "patent"], condition=Q(match__isnull=True),
                                    name="digest_patent_once"),
        ]

    def __str__(self) -> str:
        return self.title
