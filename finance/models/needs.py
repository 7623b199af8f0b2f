from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class GrowthStage(models.TextChoices):
    """成长阶段 — the stages of seed 004's “一企一策” financing service."""

    INCUBATION = "incubation", "孵化期"
    CULTIVATION = "cultivation", "培育期"
    GROWTH = "growth", "成长期"
    PRE_IPO = "pre_ipo", "拟上市（Pre-IPO）"
    LISTED = "listed", "已上市"


class NeedStatus(models.TextChoices):
    OPEN = "open", "有效"
    WITHDRAWN = "withdrawn", "已撤回"


class EnterpriseOwnedQuerySet(ScopedQuerySet):
    """What an enterprise declares: its own staff and the bureaus of its county see it; banks never do."""

    scope_region = "region"
    scope_organisation = "enterprise"


class FinancingNeed(models.Model):
    """融资需求 — an enterprise's declared need for pledge financing: amount, purpose, term, growth stage and the
    patents and trademarks it can pledge, chosen from its admitted application's lists (``pledge_assets``: a list
    of ``{"kind": "patent"|"trademark", "number", "title", "granted", "valid", "valid_to"}``). One open need per
    enterprise; a new declaration replaces the open one."""

    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="financing_needs")
    membership = models.ForeignKey("pool.Membership", verbose_name="入库企业", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    amount = models.DecimalField("融资金额（元）", max_digits=14, decimal_places=2)
    purpose = models.CharField("融资用途", max_length=200)
    term_months = models.PositiveSmallIntegerField("期限（月）")
    growth_stage = models.CharField("成长阶段", max_length=16, choices=GrowthStage.choices)
    pledge_assets = models.JSONField("可质押知识产权", default=list, blank=True)
    status = models.CharField("状态", max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "融资需求"
        verbose_name_plural = "融资需求"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=Q(status="open"),
                                               name="financing_need_one_open")]
        indexes = [models.Index(fields=["region", "status"], name="financing_need_region_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.amount} 元"

    @property
    def asset_summary(self) -> str:
        return "、".join(f"{'专利' if a.get('kind') == 'patent' else '商标'}{a.get('number', '')}"
                        for a in self.pledge_assets or [])


class Consent(models.Model):
    """信息共享授权 (PIPL 单独同意) — an enterprise's separate, explicit consent to share its data with the banks it
    picked (``banks``) or with all partner banks (``all_banks``): who gave it, when, under which text version
    (the text itself is kept with its hash). Revocable at any time; a revoked consent is kept, with who and when.
    At most one consent of an enterprise is in force."""

    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="financing_consents")
    region = models.ForeignKey("portal.Region", verbose_name="所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    all_banks = models.BooleanField("全部合作银行", default=False)
    banks = models.ManyToManyField("portal.Organisation", verbose_name="选定银行", through="ConsentBank",
                                   related_name="+", blank=True)
    policy = models.ForeignKey("finance.FinancePolicy", verbose_name="授权书所属政策", on_delete=models.PROTECT,
                               related_name="+")
    text_version = models.CharField("授权书版本", max_length=40)
    text = models.TextField("授权书文本")
    text_hash = models.CharField("授权书摘要（SHA-256）", max_length=64)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="授权人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField("授权时间")
    ip_address = models.GenericIPAddressField("授权 IP", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = EnterpriseOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "信息共享授权"
        verbose_name_plural = "信息共享授权"
        ordering = ["-given_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=Q(revoked_at__isnull=True),
                                               name="consent_one_in_force")]

    def __str__(self) -> str:
        return f"{self.enterprise} 授权（{self.text_version}）"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None

    def scope_text(self, banks=None) -> str:
        """全部合作银行 / 湖北银行黄石分行、… (``banks``: the chosen banks when already loaded)."""
        if self.all_banks:
            return "全部合作银行"
        names = [b.name for b in (banks if banks is not None else self.banks.all())]
        return "、".join(names) or "（未选择银行）"

    def covers(self, bank_id: int) -> bool:
        return self.in_force and (self.all_banks or any(b.pk == bank_id for b in self.banks.all()))


class ConsentBank(models.Model):
    """A bank an enterprise chose in its consent."""

    consent = models.ForeignKey(Consent, verbose_name="授权", on_delete=models.CASCADE, related_name="bank_links")
    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "授权银行"
        verbose_name_plural = "授权银行"
        constraints = [models.UniqueConstraint(fields=["consent", "bank"], name="consent_bank_unique")]
        indexes = [models.Index(fields=["bank", "consent"], name="consent_bank_by_bank")]

    def __str__(self) -> str:
        return str(self.bank)
