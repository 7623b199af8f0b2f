from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.scoping import BUREAU_ROLES, ScopedQuerySet

from .facts import ListKind


def _enclosing_regions(user) -> list[str]:
    """The province and city codes above a bureau's region: lists imported there apply to it too."""
    region = user.region
    if user.role not in BUREAU_ROLES or region is None:
        return []
    return [region.code[:2] + "0000", region.code[:4] + "00"]


class CriteriaSet(models.Model):
    """入库标准版本 — one versioned set of the 10 admission standards: its thresholds (``parameters``) and the
    weights of the composite score (``weights``). A batch chooses the set in force; every stored evaluation
    records which set and version produced it. A published set is never edited: a change is a new version."""

    code = models.SlugField("标准代码", max_length=40)  # e.g. national-2024, huangshi-2024
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    parameters = models.JSONField("阈值参数", default=dict)
    weights = models.JSONField("综合评分权重", default=dict)
    is_active = models.BooleanField("可选用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "入库标准版本"
        verbose_name_plural = "入库标准版本"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_set_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"


class SmeSizeThreshold(models.Model):
    """中小企业划型标准 — one industry row of 中小企业划型标准规定: the ceilings below which an enterprise of that
    industry is small or medium-sized, and the GB/T 4754 codes (sections' divisions or classes) the row covers."""

    table_version = models.CharField("标准版本", max_length=20)  # "2011" = 工信部联企业〔2011〕300号
    code = models.SlugField("行业代号", max_length=40)
    name = models.CharField("行业", max_length=50)
    employees_below = models.PositiveIntegerField("从业人员上限（人，不含）", null=True, blank=True)
    revenue_below = models.DecimalField("营业收入上限（元，不含）", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets_below = models.DecimalField("资产总额上限（元，不含）", max_digits=16, decimal_places=2, null=True,
                                             blank=True)
    industry_codes = models.JSONField("对应国民经济行业代码", default=list)  # ["13", "14", …] or ["7010"]
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "中小企业划型标准"
        verbose_name_plural = "中小企业划型标准"
        ordering = ["table_version", "position"]
        constraints = [models.UniqueConstraint(fields=["table_version", "code"], name="sme_threshold_unique_row")]

    def __str__(self) -> str:
        return f"{self.name}（{self.table_version}）"


class PatentIntensiveIndustry(models.Model):
    """专利密集型产业行业小类 — one GB/T 4754 industry class of 知识产权（专利）密集型产业统计分类."""

    table_version = models.CharField("分类版本", max_length=20)  # "2019" = 国家统计局令第25号
    industry_code = models.CharField("国民经济行业代码", max_length=4)
    industry_name = models.CharField("行业名称", max_length=100)
    category_code = models.CharField("分类代码", max_length=10)
    category_name = models.CharField("分类名称", max_length=100)
    partial = models.BooleanField("仅部分活动属于", default=False)

    class Meta:
        verbose_name = "专利密集型产业行业"
        verbose_name_plural = "专利密集型产业行业"
        ordering = ["table_version", "category_code", "industry_code"]
        constraints = [models.UniqueConstraint(fields=["table_version", "industry_code"],
                                               name="patent_intensive_unique_code")]

    def __str__(self) -> str:
        return f"{self.industry_code} {self.industry_name}"


# Built from the one definition in facts (the evaluators and rules read it without Django models).
ListType = models.TextChoices("ListType", [(code.upper(), (code, label)) for code, label in ListKind.CHOICES])


class ListImportQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "organisation"

    def extra_scope_q(self, user) -> Q:
        return Q(region_id__in=_enclosing_regions(user))


class ListImport(models.Model):
    """名单导入记录 — one successful import of a list file (serious dishonesty, abnormal filing, accidents)."""

    list_type = models.CharField("名单类型", max_length=24, choices=ListType.choices)
    file_name = models.CharField("文件名", max_length=255)
    replace = models.BooleanField("替换该类名单原有条目", default=False)
    rows_imported = models.PositiveIntegerField("导入条数", default=0)
    rows_replaced = models.PositiveIntegerField("替换掉的原条目数", default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("portal.Organisation", verbose_name="导入单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="所属行政区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects = ListImportQuerySet.as_manager()

    class Meta:
        verbose_name = "名单导入记录"
        verbose_name_plural = "名单导入记录"
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_list_type_display()} {self.file_name}"


class ListEntryQuerySet(ScopedQuerySet):
    scope_region = "source_import__region"
    scope_organisation = "source_import__organisation"

    def extra_scope_q(self, user) -> Q:
        return Q(source_import__region_id__in=_enclosing_regions(user))


class ListEntry(models.Model):
    """名单条目 — an enterprise (by 统一社会信用代码) on an imported list; a hit fails criterion 10."""

    list_type = models.CharField("名单类型", max_length=24, choices=ListType.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    name = models.CharField("企业名称", max_length=200)
    reason = models.CharField("列入事由", max_length=500, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    source_import = models.ForeignKey(ListImport, verbose_name="来源导入", on_delete=models.CASCADE,
                                      related_name="entries")

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "名单条目"
        verbose_name_plural = "名单条目"
        ordering = ["list_type", "uscc", "-listed_on"]
        indexes = [models.Index(fields=["list_type", "uscc"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"
