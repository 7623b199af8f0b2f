from django.db import models
from django.utils import timezone

from ..choices import LegalStatus, PatentType, RunKind, RunStatus


def default_dormant_statuses() -> list[str]:
    return [LegalStatus.VALID.value]


def default_dormant_types() -> list[str]:
    return [PatentType.INVENTION.value, PatentType.UTILITY_MODEL.value]


class MatchingPolicy(models.Model):
    """供需对接参数 — the rules of matching as data: what makes a patent dormant (沉睡专利), how many matches
    are kept per demand and per patent, the batch chunk size and the engine's weights. The newest row is in
    force; a change is a new row, so every run can say which rules it used."""

    name = models.CharField("名称", max_length=100, default="默认对接参数")
    dormant_legal_statuses = models.JSONField(
        "沉睡专利：法律状态", default=default_dormant_statuses,
        help_text="处于这些法律状态（如“有效”= 已授权且维持有效）的专利才可能是沉睡专利")
    dormant_patent_types = models.JSONField("沉睡专利：专利类型", default=default_dormant_types)
    dormant_min_years = models.PositiveSmallIntegerField(
        "沉睡专利：申请后至少满（年）", default=0, help_text="按申请号中的申请年份计算；0 表示不限")
    dormant_requires_unlicensed = models.BooleanField("沉睡专利：从未许可或转让", default=True)
    dormant_requires_unused = models.BooleanField("沉睡专利：从未实施", default=True)
    top_k_per_demand = models.PositiveSmallIntegerField("每项需求保留的推荐数", default=20)
    top_k_per_patent = models.PositiveSmallIntegerField("每件专利保留的推荐数", default=20)
    min_score = models.FloatField("最低匹配度", default=0.1,
                                  help_text="低于此匹配度的组合不作推荐（匹配度约在 0～1.5 之间）")
    engine_weights = models.JSONField("引擎权重", default=dict, blank=True,
                                      help_text="留空使用引擎默认权重；键名见引擎说明")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "供需对接参数"
        verbose_name_plural = "供需对接参数"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "MatchingPolicy":
        """The rules in force; the defaults when none has been saved yet."""
        return cls.objects.first() or cls()

    def dormant_rule_text(self) -> str:
        statuses = "、".join(LegalStatus(s).label for s in self.dormant_legal_statuses)
        types = "、".join(PatentType(t).label for t in self.dormant_patent_types)
        parts = [f"法律状态为{statuses}", f"类型为{types}"]
        if self.dormant_min_years:
            parts.append(f"申请满 {self.dormant_min_years} 年")
        if self.dormant_requires_unlicensed:
            parts.append("从未许可或转让")
        if self.dormant_requires_unused:
            parts.append("从未实施")
        return "，".join(parts)


class MatchingRun(models.Model):
    """匹配批次 — one run of the engine: over everything, or for one new demand or patent."""

    kind = models.CharField("类型", max_length=10, choices=RunKind.choices)
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    job = models.ForeignKey("portal.Job", verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="matching_runs")
    started_by = models.ForeignKey("portal.User", verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="matching_runs")
    policy = models.ForeignKey(MatchingPolicy, verbose_name="参数", null=True, blank=True, on_delete=models.SET_NULL)
    demand = models.ForeignKey("matching.Demand", verbose_name="需求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    patent = models.ForeignKey("matching.SupplyPatent", verbose_name="专利", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    demand_count = models.PositiveIntegerField("需求数", default=0)
    patent_count = models.PositiveIntegerField("专利数", default=0)
    created_count = models.PositiveIntegerField("新增推荐", default=0)
    updated_count = models.PositiveIntegerField("更新推荐", default=0)
    deleted_count = models.PositiveIntegerField("撤下推荐", default=0)
    seconds = models.FloatField("耗时（秒）", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "匹配批次"
        verbose_name_plural = "匹配批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
