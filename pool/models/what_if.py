"""Draft criteria sets and their simulations (what-if): a draft is edited by the province, simulated against a
batch without writing a verdict, and published as a new criteria-set version. Nothing here is ever read by the
real scoring: drafts live in their own table, so no query of published sets can pick one up."""

from django.conf import settings
from django.db import models


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "草案"
    PUBLISHED = "published", "已发布"
    DISCARDED = "discarded", "已作废"


class SimulationStatus(models.TextChoices):
    RUNNING = "running", "模拟中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


#: Who may see, edit and simulate drafts: the province (and the operator).
DRAFT_ROLES = ("province", "admin")


def may_draft(user) -> bool:
    """Drafts are the province's working papers: nobody else sees that they exist."""
    if user is None or not user.is_authenticated or not user.is_active or user.role not in DRAFT_ROLES:
        return False
    return user.role == "province" or user.is_superuser or user.is_staff


class CriteriaDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if may_draft(user) else self.none()


class DraftBase(models.Model):
    """What every draft of a rule set has: a name, its state, who drafted and who published it, when."""

    name = models.CharField("草案名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        abstract = True


class SimulationBase(models.Model):
    """What every simulation of a draft has: the draft's fingerprint as run, its state and job, who ran it, when,
    on which day's rules, and its summary."""

    fingerprint = models.CharField("草案指纹", max_length=64)
    status = models.CharField("状态", max_length=10, choices=SimulationStatus.choices,
                              default=SimulationStatus.RUNNING)
    job = models.ForeignKey("portal.Job", verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    evaluated_on = models.DateField("评价日期", null=True, blank=True)
    summary = models.JSONField("模拟结果汇总", default=dict)
    message = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        abstract = True


class CriteriaDraft(DraftBase):
    """入库标准修订草案 — the province's draft of a new version of a criteria set."""

    base = models.ForeignKey("criteria.CriteriaSet", verbose_name="所依据的标准版本", on_delete=models.PROTECT,
                             related_name="drafts")
    parameters = models.JSONField("阈值参数", default=dict)
    weights = models.JSONField("综合评分权重", default=dict)
    published_as = models.ForeignKey("criteria.CriteriaSet", verbose_name="发布为", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    simulation_seen = models.ForeignKey("pool.Simulation", verbose_name="发布前查看的模拟", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CriteriaDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "入库标准修订草案"
        verbose_name_plural = "入库标准修订草案"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    # A draft reads like a criteria set wherever one is described (``criteria.presentation.describe``).
    @property
    def code(self) -> str:
        return self.base.code

    version = 0


class SimulationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(draft__in=CriteriaDraft.objects.visible_to(user))


class Simulation(SimulationBase):
    """模拟测算 — one run of a draft against a batch: counts only, no verdict written. Keeps the draft's
    parameters as run, so the result can be reread and checked after the draft changed."""

    draft = models.ForeignKey(CriteriaDraft, verbose_name="草案", on_delete=models.CASCADE,
                              related_name="simulations")
    batch = models.ForeignKey("pool.Batch", verbose_name="申报批次", on_delete=models.PROTECT, related_name="+")
    base = models.ForeignKey("criteria.CriteriaSet", verbose_name="对照的现行标准", on_delete=models.PROTECT,
                             related_name="+")
    parameters = models.JSONField("模拟时的阈值参数")
    weights = models.JSONField("模拟时的评分权重")
    application_count = models.PositiveIntegerField("参与模拟的申报", default=0)
    changed_count = models.PositiveIntegerField("结果变化的申报", default=0)

    objects = SimulationQuerySet.as_manager()

    class Meta:
        verbose_name = "模拟测算"
        verbose_name_plural = "模拟测算"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft} · {self.batch} · {self.started_at:%Y-%m-%d %H:%M}"


class SimulationChange(models.Model):
    """One application whose verdict, criterion outcomes or place inside the quota the draft would change."""

    simulation = models.ForeignKey(Simulation, verbose_name="模拟", on_delete=models.CASCADE,
                                   related_name="changes")
    application = models.ForeignKey("pool.Application", verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="+")
    enterprise_name = models.CharField("企业名称", max_length=200)
    region = models.ForeignKey("portal.Region", verbose_name="所在县（市、区）", null=True,
                               on_delete=models.SET_NULL, related_name="+")
    before_verdict = models.CharField("现行标准结论", max_length=16)
    after_verdict = models.CharField("草案结论", max_length=16)
    before_score = models.DecimalField("现行标准评分", max_digits=6, decimal_places=2)
    after_score = models.DecimalField("草案评分", max_digits=6, decimal_places=2)
    flipped = models.JSONField("结果变化的标准", default=list)  # [[criterion number, before, after], …]
    before_in_quota = models.BooleanField("现行标准下在名额内", null=True)
    after_in_quota = models.BooleanField("草案下在名额内", null=True)

    class Meta:
        verbose_name = "模拟结果变化"
        verbose_name_plural = "模拟结果变化"
        ordering = ["simulation", "region_id", "-after_score", "application_id"]
        constraints = [models.UniqueConstraint(fields=["simulation", "application"], name="simulation_change_once")]
        indexes = [models.Index(fields=["simulation", "before_verdict", "after_verdict"])]

    def __str__(self) -> str:
        return self.enterprise_name

    @property
    def verdict_changed(self) -> bool:
        return self.before_verdict != self.after_verdict

    @property
    def quota_changed(self) -> bool:
        return self.before_in_quota != self.after_in_quota




class LifecycleDraft(DraftBase):
    """动态调整规则修订草案 — the province's draft of a new version of a lifecycle policy (graduation growth,
    the rate margin, the no-progress years, appeal days, the replenishment factor)."""

    base = models.ForeignKey("pool.LifecyclePolicy", verbose_name="所依据的规则版本", on_delete=models.PROTECT,
                             related_name="drafts")
    parameters = models.JSONField("参数", default=dict)
    published_as = models.ForeignKey("pool.LifecyclePolicy", verbose_name="发布为", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    simulation_seen = models.ForeignKey("pool.LifecycleSimulation", verbose_name="发布前查看的模拟", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CriteriaDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "动态调整规则修订草案"
        verbose_name_plural = "动态调整规则修订草案"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name


class LifecycleSimulationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(draft__in=LifecycleDraft.objects.visible_to(user))


class LifecycleSimulation(SimulationBase):
    """模拟测算（动态调整） — the members of the policy evaluated under the policy in force and the draft on one
    day: whose outcome (graduate, remove, no change) would differ. No proposal is opened."""

    draft = models.ForeignKey(LifecycleDraft, verbose_name="草案", on_delete=models.CASCADE,
                              related_name="simulations")
    base = models.ForeignKey("pool.LifecyclePolicy", verbose_name="对照的现行规则", on_delete=models.PROTECT,
                             related_name="+")
    parameters = models.JSONField("模拟时的参数")
    member_count = models.PositiveIntegerField("参与模拟的入库企业", default=0)
    changed_count = models.PositiveIntegerField("结果变化的入库企业", default=0)
    changes = models.JSONField("结果变化的入库企业", default=list)

    objects = LifecycleSimulationQuerySet.as_manager()

    class Meta:
        verbose_name = "动态调整规则模拟测算"
        verbose_name_plural = "动态调整规则模拟测算"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft} · {self.started_at:%Y-%m-%d %H:%M}"
