from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from portal.scoping import ScopedQuerySet

from ..policy import PROVINCE_QUOTA_DEFAULT, PROVINCE_QUOTA_MAX


class BatchState(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "申报中"
    CLOSED = "closed", "已截止"


class BatchQuerySet(ScopedQuerySet):
    scope_region = "region"

    def scope_q(self, user) -> Q:
        # A batch is the province's public call: everyone whose organisation lies in that province sees it.
        if user.role == "admin":
            return Q()
        region = user.region
        if region is None:
            return Q(pk__in=[])
        return Q(region__code__startswith=region.code[:2])

    def open_on(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Batch(models.Model):
    """申报批次 — a province's call for applications: its window, the criteria set in force and its quotas."""

    name = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("portal.Region", verbose_name="组织省份", on_delete=models.PROTECT,
                               related_name="+", limit_choices_to={"level": "province"})
    criteria_set = models.ForeignKey("criteria.CriteriaSet", verbose_name="适用入库标准", on_delete=models.PROTECT,
                                     related_name="batches")
    opens_on = models.DateField("申报开始日期")
    closes_on = models.DateField("申报截止日期")
    province_quota = models.PositiveIntegerField(
        "全省推荐名额", default=PROVINCE_QUOTA_DEFAULT,
        validators=[MinValueValidator(1, "推荐名额至少为 1。"),
                    MaxValueValidator(PROVINCE_QUOTA_MAX, f"全省推荐名额不得超过 {PROVINCE_QUOTA_MAX} 家。")],
        help_text=f"一般不超过 {PROVINCE_QUOTA_DEFAULT} 家，最多 {PROVINCE_QUOTA_MAX} 家。")
    description = models.TextField("说明", blank=True)
    replenishment = models.BooleanField(
        "增补批次", default=False,
        help_text="增补批次的入库占用出库企业腾出的增补名额（出库企业数的 2 倍，按规则计算），名额用尽时不能入库。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["opens_on", "closes_on"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "截止日期不能早于开始日期。"})

    def state(self, day: date | None = None) -> str:
        day = day or timezone.localdate()
        if day < self.opens_on:
            return BatchState.UPCOMING
        if day > self.closes_on:
            return BatchState.CLOSED
        return BatchState.OPEN

    @property
    def state_label(self) -> str:
        return BatchState(self.state()).label

    def is_open(self, day: date | None = None) -> bool:
        return self.state(day) == BatchState.OPEN


class BatchCityQuota(models.Model):
    """市级推荐名额 — an optional share of a batch's province quota reserved for one city."""

    batch = models.ForeignKey(Batch, verbose_name="申报批次", on_delete=models.CASCADE, related_name="city_quotas")
    city = models.ForeignKey("portal.Region", verbose_name="市（州）", on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"level": "city"})
    quota = models.PositiveIntegerField("推荐名额", validators=[MinValueValidator(1, "名额至少为 1。")])

    class Meta:
        verbose_name = "市级推荐名额"
        verbose_name_plural = "市级推荐名额"
        ordering = ["batch", "city"]
        constraints = [models.UniqueConstraint(fields=["batch", "city"], name="batch_city_quota_unique")]

    def __str__(self) -> str:
        return f"{self.batch} · {self.city}：{self.quota}"

    def clean(self):
        if not (self.batch_id and self.city_id):
            return
        if self.city.level != "city":
            raise ValidationError({"city": "请选择市（州）级行政区划。"})
        if not self.batch.region.contains(self.city):
            raise ValidationError({"city": "该市不在本批次组织省份内。"})
        others = (BatchCityQuota.objects.filter(batch_id=self.batch_id).exclude(pk=self.pk)
                  .aggregate(total=Sum("quota"))["total"] or 0)
        if others + (self.quota or 0) > self.batch.province_quota:
            raise ValidationError({"quota": f"各市名额合计不得超过全省推荐名额（{self.batch.province_quota} 家）。"})
