"""The pool's own figures (DESIGN §5): applications, admissions, graduations, removals, replenishments and
monitoring reports filed on time, each in the region of the enterprise's county."""

from django.db.models import F, Q

from portal.indicators import Indicator, Measure

from .lifecycle.workflow import ProposalKind, ProposalStatus
from .models import (
    Application,
    ApplicationStatus,
    LifecycleProposal,
    Membership,
    MonitoringReport,
    ReplenishmentEntry,
)

GROUP = "培育库"
COUNTY = "按企业所在县（市、区）"


def submitted_applications():
    return Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(submitted_at__isnull=False)


def decisions():
    """The city's decisions that took effect (graduation or removal, by ``kind`` in each indicator)."""
    return LifecycleProposal.objects.filter(status=ProposalStatus.APPROVED, decided_on__isnull=False)


def replenishment_admissions():
    return ReplenishmentEntry.objects.filter(admission__isnull=False)


def monitoring_reports():
    return MonitoringReport.objects.filter(submitted_at__isnull=False)


MEMBER_COLUMNS = (("企业", "membership.enterprise_name"), ("所在地", "membership.region.name"))
ON_TIME = Q(submitted_at__date__lte=F("reporting_year__deadline"))
#: the models whose changes move a figure (the member's region included), for the summary
DECISION_SOURCES = (("pool.LifecycleProposal", ""), ("pool.Membership", "membership"))

INDICATORS = [
    Indicator(code="pool_applications", name="入库申报数量", unit="家", group=GROUP,
              records=submitted_applications, date_field="submitted_at__date", order_field="submitted_at",
              region_field="region", measure=Measure("count"), period_note="按提交日期", region_note=COUNTY,
              order=60, columns=(("提交时间", "submitted_at"), ("企业", "enterprise_name"), ("所在地", "region.name"),
                                 ("状态", "get_status_display"), ("申报批次", "batch")),
              select_related=("region", "batch"), filterset="pool.filters.ApplicationFilter",
              sources=(("pool.Application", ""),)),
    Indicator(code="pool_admissions", name="入库企业数量", unit="家", group=GROUP,
              records=Membership.objects.all, date_field="admitted_on", region_field="region",
              measure=Measure("count"), period_note="按入库日期", region_note=COUNTY, order=61,
              columns=(("入库日期", "admitted_on"), ("企业", "enterprise_name"), ("所在地", "region.name"),
                       ("增补入库", "replenishment"), ("状态", "get_status_display")),
              select_related=("region",), filterset="pool.filters.MemberFilter", sources=(("pool.Membership", ""),)),
    Indicator(code="pool_graduations", name="出库企业数量", unit="家", group=GROUP,
              records=decisions, date_field="decided_on", region_field="membership__region",
              measure=Measure("count", where=Q(kind=ProposalKind.GRADUATE)), period_note="按市级决定日期", region_note=COUNTY, order=62,
              columns=(("决定日期", "decided_on"), *MEMBER_COLUMNS, ("决定理由", "decision_comment")),
              select_related=("membership__region",), filterset="pool.filters.DecisionFilter",
              sources=DECISION_SOURCES),
    Indicator(code="pool_removals", name="退库企业数量", unit="家", group=GROUP,
              records=decisions, date_field="decided_on", region_field="membership__region",
              measure=Measure("count", where=Q(kind=ProposalKind.REMOVE)), period_note="按市级决定日期", region_note=COUNTY, order=63,
              columns=(("决定日期", "decided_on"), *MEMBER_COLUMNS, ("决定理由", "decision_comment")),
              select_related=("membership__region",), filterset="pool.filters.DecisionFilter",
              sources=DECISION_SOURCES),
    Indicator(code="pool_replenishments", name="增补入库企业数量", unit="家", group=GROUP,
              records=replenishment_admissions, date_field="entered_on", region_field="membership__region",
              measure=Measure("count"), period_note="按增补入库日期", region_note=COUNTY, order=64,
              columns=(("日期", "entered_on"), *MEMBER_COLUMNS), select_related=("membership__region",),
              sources=(("pool.ReplenishmentEntry", ""), ("pool.Membership", "membership"))),
    Indicator(code="pool_monitoring_on_time", name="按时提交年度监测报告数量", unit="份", group=GROUP,
              records=monitoring_reports, date_field="reporting_year__deadline", region_field="membership__region",
              measure=Measure("count", where=ON_TIME), period_note="按监测填报截止日期（提交不晚于截止日）",
              region_note=COUNTY, order=65,
              columns=(("监测年度", "year"), *MEMBER_COLUMNS, ("提交时间", "submitted_at"),
                       ("截止日期", "reporting_year.deadline"), ("状态", "get_status_display")),
              select_related=("membership__region", "reporting_year"), filterset="pool.filters.MonitoringFilter",
              sources=(("pool.MonitoringReport", ""), ("pool.ReportingYear", "reporting_year"),
                       ("pool.Membership", "membership"))),
]
