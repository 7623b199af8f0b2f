"""The pool after admission (DESIGN §5): members, lifecycle policies, proposals, appeals, the replenishment
ledger and follow-up milestones. Statuses and who may change them are in ``pool.lifecycle.workflow``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.scoping import ScopedQuerySet

from ..lifecycle.policy import MisconductKind, ReplenishmentScope
from ..lifecycle.workflow import AppealStatus, MembershipStatus, ProposalKind, ProposalStatus
from .fields import JSONField

MembershipStatusChoices = models.TextChoices(
    "MembershipStatusChoices", [(c.upper(), (c, label)) for c, label in MembershipStatus.CHOICES])


class LifecyclePolicy(models.Model):
    """动态调整规则版本 — one version of a lifecycle policy (national or a city's variant): graduation and removal
    thresholds, the appeal period, reminder days and the replenishment factor. Never edited once published."""

    code = models.SlugField("规则代码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    criteria_sets = models.JSONField("适用的入库标准代码", default=list)
    parameters = models.JSONField("参数", default=dict)
    is_active = models.BooleanField("可选用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "动态调整规则版本"
        verbose_name_plural = "动态调整规则版本"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="lifecycle_policy_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"


class MembershipQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "enterprise"


class Membership(models.Model):
    """入库企业 — an enterprise in the pool from its admission on: the admitted application, its batch and criteria
    set, the admission date and county, its lifecycle status and the baseline figures the rules compare."""

    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="memberships")
    application = models.OneToOneField("pool.Application", verbose_name="入库申报", on_delete=models.PROTECT,
                                       related_name="membership")
    batch = models.ForeignKey("pool.Batch", verbose_name="入库批次", on_delete=models.PROTECT, related_name="+")
    criteria_set = models.ForeignKey("criteria.CriteriaSet", verbose_name="入库标准", on_delete=models.PROTECT,
                                     related_name="+")
    policy_code = models.SlugField("动态调整规则", max_length=40)
    region = models.ForeignKey("portal.Region", verbose_name="所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    enterprise_name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    status = models.CharField("状态", max_length=16, choices=MembershipStatusChoices.choices,
                              default=MembershipStatus.CULTIVATING)
    admitted_on = models.DateField("入库日期")
    replenishment = models.BooleanField("增补入库", default=False)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    baseline = JSONField("入库基准数据", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "入库企业"
        verbose_name_plural = "入库企业"
        ordering = ["-admitted_on", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="membership_region_status"),
                   models.Index(fields=["status", "admitted_on"], name="membership_status_admitted")]

    def __str__(self) -> str:
        return self.enterprise_name


class ReportingYearQuerySet(ScopedQuerySet):
    def scope_q(self, user) -> Q:
        # The province's call to report: everyone whose organisation lies in that province sees it.
        if user.role == "admin":
            return Q()
        region = user.region
        return Q(region__code__startswith=region.code[:2]) if region is not None else Q(pk__in=[])


class ReportingYear(models.Model):
    """年度监测 — the province's call for one year's monitoring reports, with its deadline."""

    year = models.PositiveSmallIntegerField("监测年度")
    region = models.ForeignKey("portal.Region", verbose_name="组织省份", on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField("填报开始日期")
    deadline = models.DateField("填报截止日期")
    note = models.TextField("填报说明", blank=True)
    evaluated_at = models.DateTimeField("截止后评估时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ReportingYearQuerySet.as_manager()

    class Meta:
        verbose_name = "年度监测"
        verbose_name_plural = "年度监测"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="reporting_year_unique")]

    def __str__(self) -> str:
        return f"{self.year} 年度监测"


class MonitoringStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交（待县级核实）"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已核实"


class MemberChildQuerySet(ScopedQuerySet):
    """What hangs off a member is visible exactly when the member is."""

    scope_region = "membership__region"
    scope_organisation = "membership__enterprise"


class MonitoringReport(models.Model):
    """年度监测报告 — one member's report for one reporting year: the working draft (``data``), and, from its
    submission on, the figures the lifecycle rules read (``figures``, a snapshot with the computed rate)."""

    membership = models.ForeignKey(Membership, verbose_name="入库企业", on_delete=models.CASCADE,
                                   related_name="reports")
    reporting_year = models.ForeignKey(ReportingYear, verbose_name="监测年度", on_delete=models.PROTECT,
                                       related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=12, choices=MonitoringStatus.choices,
                              default=MonitoringStatus.DRAFT)
    data = JSONField("填报内容", default=dict, blank=True)
    figures = JSONField("核算数据", default=dict, blank=True)
    revision_number = models.PositiveIntegerField("提交次数", default=0)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    autosaved_at = models.DateTimeField("最近保存", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    comment = models.TextField("县级意见", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberChildQuerySet.as_manager()

    class Meta:
        verbose_name = "年度监测报告"
        verbose_name_plural = "年度监测报告"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["membership", "reporting_year"],
                                               name="monitoring_report_one_per_year")]
        indexes = [models.Index(fields=["reporting_year", "status"], name="monitoring_year_status"),
                   models.Index(fields=["membership", "status", "-year"], name="monitoring_member_latest")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.year} 年度监测"


class MonitoringRevision(models.Model):
    """监测报告提交版本 — the frozen copy of a report at one submission; never changed once written."""

    report = models.ForeignKey(MonitoringReport, verbose_name="监测报告", on_delete=models.CASCADE,
                               related_name="revisions")
    number = models.PositiveIntegerField("版本号")
    data = JSONField("填报内容")
    figures = JSONField("核算数据", default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "监测报告提交版本"
        verbose_name_plural = "监测报告提交版本"
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="monitoring_revision_unique")]

    def __str__(self) -> str:
        return f"{self.report} 第 {self.number} 版"

    def save(self, *args, **kwargs):
        from .applications import ImmutableError

        if not self._state.adding:
            raise ImmutableError("已提交的监测报告版本不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from .applications import ImmutableError

        raise ImmutableError("已提交的监测报告版本不可删除。")


class MonitoringReminder(models.Model):
    """监测提醒记录 — one reminder sent (``days_before`` the deadline; 0 = the overdue notice), so each is sent once."""

    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField("提前天数")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "监测提醒记录"
        verbose_name_plural = "监测提醒记录"
        constraints = [models.UniqueConstraint(fields=["reporting_year", "membership", "days_before"],
                                               name="monitoring_reminder_once")]

    def __str__(self) -> str:
        return f"{self.membership_id} · {self.days_before}"


MisconductKindChoices = models.TextChoices(
    "MisconductKindChoices", [(c.upper(), (c, label)) for c, label in MisconductKind.CHOICES])


class MisconductSource(models.TextChoices):
    REPORT = "report", "年度监测报告"
    LIST = "list", "导入名单"
    COUNTY = "county", "主管部门登记"


class MisconductRecord(models.Model):
    """违规失信记录 — a major accident, serious dishonesty, tax evasion, data fraud, abnormal patent filing or other
    violation known of a member, from its report, an imported list or a bureau's record; counts from ``known_on``."""

    membership = models.ForeignKey(Membership, verbose_name="入库企业", on_delete=models.CASCADE,
                                   related_name="misconduct")
    kind = models.CharField("情形", max_length=24, choices=MisconductKindChoices.choices)
    known_on = models.DateField("知悉日期")
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    source = models.CharField("来源", max_length=12, choices=MisconductSource.choices)
    source_key = models.CharField("来源标识", max_length=64)
    description = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = MemberChildQuerySet.as_manager()

    class Meta:
        verbose_name = "违规失信记录"
        verbose_name_plural = "违规失信记录"
        ordering = ["-known_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["membership", "source_key"], name="misconduct_once")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_kind_display()}"


ProposalKindChoices = models.TextChoices(
    "ProposalKindChoices", [(c.upper(), (c, label)) for c, label in ProposalKind.CHOICES])
ProposalStatusChoices = models.TextChoices(
    "ProposalStatusChoices", [(c.upper(), (c, label)) for c, label in ProposalStatus.CHOICES])


class LifecycleProposal(models.Model):
    """出库 / 退库建议 — opened by the lifecycle evaluation with its rule, evidence and explanation; the county
    proposes or dismisses it, the city decides (never the person who proposed), the enterprise may appeal."""

    membership = models.ForeignKey(Membership, verbose_name="入库企业", on_delete=models.CASCADE,
                                   related_name="proposals")
    kind = models.CharField("建议类型", max_length=12, choices=ProposalKindChoices.choices)
    status = models.CharField("状态", max_length=12, choices=ProposalStatusChoices.choices,
                              default=ProposalStatus.OPEN)
    reasons = JSONField("理由", default=list)
    evidence = JSONField("依据", default=dict)
    explanation = models.TextField("说明")
    policy = models.ForeignKey(LifecyclePolicy, verbose_name="依据规则", on_delete=models.PROTECT, related_name="+")
    evaluated_on = models.DateField("评估基准日")
    fingerprint = models.CharField("评估摘要", max_length=64)
    trigger = models.CharField("触发来源", max_length=12, default="job")
    opened_at = models.DateTimeField("提出时间", default=timezone.now)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="县级提议人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("县级处理时间", null=True, blank=True)
    county_comment = models.TextField("县级意见", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="市级决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_comment = models.TextField("决定理由", blank=True)
    appeal_until = models.DateField("申诉截止日期", null=True, blank=True)

    objects = MemberChildQuerySet.as_manager()

    class Meta:
        verbose_name = "出库退库建议"
        verbose_name_plural = "出库退库建议"
        ordering = ["-opened_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["membership", "kind"], condition=Q(status__in=list(ProposalStatus.PENDING)),
            name="proposal_one_pending_per_kind")]
        indexes = [models.Index(fields=["status", "kind"], name="proposal_status_kind"),
                   models.Index(fields=["membership", "kind", "fingerprint"], name="proposal_fingerprint")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_kind_display()}建议"


AppealStatusChoices = models.TextChoices(
    "AppealStatusChoices", [(c.upper(), (c, label)) for c, label in AppealStatus.CHOICES])


class Appeal(models.Model):
    """申诉 — the enterprise's appeal against a decision, filed within the policy's period, decided by the city or
    the province."""

    proposal = models.OneToOneField(LifecycleProposal, verbose_name="所申诉的决定", on_delete=models.CASCADE,
                                    related_name="appeal")
    membership = models.ForeignKey(Membership, verbose_name="入库企业", on_delete=models.CASCADE,
                                   related_name="appeals")
    reason = models.TextField("申诉理由")
    status = models.CharField("状态", max_length=12, choices=AppealStatusChoices.choices,
                              default=AppealStatus.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申诉人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField("申诉时间", default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_comment = models.TextField("处理意见", blank=True)

    objects = MemberChildQuerySet.as_manager()

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.membership} · 申诉"


class ReplenishmentQuerySet(ScopedQuerySet):
    scope_region = "scope_region"

    def extra_scope_q(self, user) -> Q:
        # A province-wide ledger (national variant) is read by every bureau of the province.
        region = user.region
        if user.role in ("county", "city") and region is not None:
            return Q(scope_region_id=region.code[:2] + "0000")
        return Q(pk__in=[])


class ReplenishmentEntry(models.Model):
    """增补名额台账 — one line of the ledger: a decided graduation earns ``factor`` places in its scope (county or
    province, by policy), a replenishment admission uses one. The balance is the sum of ``places``."""

    scope_region = models.ForeignKey("portal.Region", verbose_name="计算范围", on_delete=models.PROTECT,
                                     related_name="+")
    scope = models.CharField("范围类型", max_length=12, choices=ReplenishmentScope.CHOICES)
    places = models.SmallIntegerField("名额变化")
    graduation = models.OneToOneField(LifecycleProposal, verbose_name="所依据的出库决定", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="replenishment_entry")
    admission = models.OneToOneField("pool.Application", verbose_name="使用名额的增补入库", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="replenishment_entry")
    membership = models.ForeignKey(Membership, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    entered_on = models.DateField("日期")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ReplenishmentQuerySet.as_manager()

    class Meta:
        verbose_name = "增补名额台账"
        verbose_name_plural = "增补名额台账"
        ordering = ["scope_region", "entered_on", "id"]
        constraints = [models.CheckConstraint(
            condition=(Q(places__gt=0, graduation__isnull=False, admission__isnull=True)
                       | Q(places__lt=0, graduation__isnull=True, admission__isnull=False)),
            name="replenishment_entry_one_source")]

    def __str__(self) -> str:
        return f"{self.scope_region_id} · {self.places:+d}"


class MilestoneKind(models.TextChoices):
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"
    SINGLE_CHAMPION = "single_champion", "制造业单项冠军"
    SPECIALISED = "specialised", "专精特新中小企业"
    OTHER = "other", "其他"


class FollowUpMilestone(models.Model):
    """接续培育节点 — a qualification a graduate obtained on its way to 专精特新“小巨人” and 单项冠军."""

    membership = models.ForeignKey(Membership, verbose_name="入库企业", on_delete=models.CASCADE,
                                   related_name="milestones")
    kind = models.CharField("资质", max_length=20, choices=MilestoneKind.choices)
    level = models.CharField("级别", max_length=20, blank=True)
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)
    obtained_on = models.DateField("取得日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = MemberChildQuerySet.as_manager()

    class Meta:
        verbose_name = "接续培育节点"
        verbose_name_plural = "接续培育节点"
        ordering = ["-obtained_on", "-id"]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_kind_display()}"



