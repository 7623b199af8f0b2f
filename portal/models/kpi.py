"""Yearly performance targets (年度绩效目标) and the stored quarterly reports (季度绩效报告)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..scoping import ScopedQuerySet


class TargetQuerySet(ScopedQuerySet):
    scope_region = "region"

    def current(self):
        return self.filter(is_current=True)


class TargetSource(models.TextChoices):
    FORM = "form", "页面填报"
    IMPORT = "import", "Excel 导入"
    API = "api", "接口"


class KpiTarget(models.Model):
    """年度绩效目标 — one version of the target a region is set for one indicator in one year: an absolute value
    (in the indicator's unit: 件, 元, 家, %) and/or a year-on-year growth rate in percent (30 means 30 %).

    A change never overwrites: it adds the next version and the previous one stops being current, so the history
    of a target stays readable (who changed it, when, from what to what)."""

    indicator = models.CharField("指标", max_length=40)
    region = models.ForeignKey("portal.Region", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    absolute = models.DecimalField("目标值", max_digits=18, decimal_places=2, null=True, blank=True)
    growth_rate = models.DecimalField("年均增幅目标（%）", max_digits=7, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    source = models.CharField("来源", max_length=10, choices=TargetSource.choices, default=TargetSource.FORM)
    note = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "年度绩效目标"
        verbose_name_plural = "年度绩效目标"
        ordering = ["year", "region", "indicator", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "version"], name="kpi_target_version"),
            models.UniqueConstraint(fields=["indicator", "region", "year"], condition=Q(is_current=True),
                                    name="kpi_target_one_current"),
            models.CheckConstraint(condition=Q(absolute__isnull=False) | Q(growth_rate__isnull=False),
                                   name="kpi_target_has_value"),
        ]
        indexes = [models.Index(fields=["region", "year", "is_current"], name="kpi_target_region_year")]

    def __str__(self) -> str:
        from ..indicators import get_indicator

        indicator = get_indicator(self.indicator)
        name = indicator.name if indicator is not None else "绩效指标"
        return f"{self.region.name} {self.year} 年度“{name}”目标（第 {self.version} 版）"


class ReportQuerySet(ScopedQuerySet):
    scope_region = "region"


class KpiReport(models.Model):
    """季度绩效报告 — the quarterly report of one region (Excel in the shape of seed 001's table, and its PDF),
    prepared after the quarter ends and kept so it can be downloaded again."""

    region = models.ForeignKey("portal.Region", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    xlsx = models.FileField("Excel 文件", upload_to="kpi-reports/", max_length=200)
    pdf = models.FileField("PDF 文件", upload_to="kpi-reports/", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "季度绩效报告"
        verbose_name_plural = "季度绩效报告"
        ordering = ["-year", "-quarter", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "quarter"], name="kpi_report_quarter")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} 年第 {self.quarter} 季度绩效报告"
