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


# --- the monthly summary the dashboard, the API and the report read -------------------------------------------
# Each indicator's figure is one or two *series* (its numerator, and a ratio's denominator). A series is filled from
# the records by one INSERT … SELECT … GROUP BY (portal.services.kpi.summary) and kept current by the source models'
# signals; the summary is only ever a sum over the records, so a figure read from it equals the live aggregate.


class KpiMonthly(models.Model):
    """A summed or counted series per region scope and month (``ym`` = year × 100 + month): a province, city or
    county prefix of the records' region codes (a county's rows are its records'; a city's and the province's are
    the sums of those below them), so any region subtree's figure is a few rows."""

    series = models.CharField("序列", max_length=50)
    scope = models.CharField("地区前缀", max_length=12)
    ym = models.PositiveIntegerField("年月")
    value = models.DecimalField("数值", max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = "绩效指标月度汇总"
        verbose_name_plural = "绩效指标月度汇总"
        constraints = [models.UniqueConstraint(fields=["series", "scope", "ym"], name="kpi_monthly_key")]

    def __str__(self) -> str:
        return f"{self.series} {self.scope} {self.ym}：{self.value}"


class KpiEntityYear(models.Model):
    """A distinct-count series (e.g. SMEs benefited) per counted entity, region and year: ``months`` is the bit set
    of the months it counted in (bit 0 = January). Kept so that a change to one entity can be applied to the
    mask counts below without reading every other entity again."""

    series = models.CharField("序列", max_length=50)
    entity = models.BigIntegerField("对象")
    region = models.CharField("行政区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    months = models.PositiveIntegerField("月份位图")

    class Meta:
        verbose_name = "绩效指标去重对象"
        verbose_name_plural = "绩效指标去重对象"
        constraints = [models.UniqueConstraint(fields=["series", "entity", "region", "year"],
                                               name="kpi_entity_key")]

    def __str__(self) -> str:
        return f"{self.series} {self.entity} {self.region} {self.year}"


class KpiMaskCount(models.Model):
    """How many distinct entities of a series counted, within a region scope (a province, city or county prefix)
    and year, in exactly the months ``months``. The distinct count of any month range of the year is then the sum
    of ``count`` over the masks that meet the range — exact, because an entity has one mask per scope and year."""

    series = models.CharField("序列", max_length=50)
    scope = models.CharField("地区前缀", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    months = models.PositiveIntegerField("月份位图")
    count = models.PositiveIntegerField("对象数")

    class Meta:
        verbose_name = "绩效指标去重计数"
        verbose_name_plural = "绩效指标去重计数"
        constraints = [models.UniqueConstraint(fields=["series", "scope", "year", "months"], name="kpi_mask_key")]

    def __str__(self) -> str:
        return f"{self.series} {self.scope} {self.year}：{self.count}"


class KpiSummaryBuild(models.Model):
    """One full build of the summary (nightly, or the first read after installation)."""

    built_at = models.DateTimeField("生成时间", auto_now_add=True)
    seconds = models.DecimalField("耗时（秒）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "绩效指标汇总生成记录"
        verbose_name_plural = "绩效指标汇总生成记录"
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"绩效指标汇总（{self.built_at:%Y-%m-%d %H:%M}）"
