"""The enterprise timeline (培育档案): everything that happened to an enterprise in the pool, in time order.

The timeline is assembled from *sources*: small functions that each read one table with **one query** and turn
its rows into ``TimelineEvent`` s, merged here in Python by time. So the page reads a fixed number of queries
whatever the length of the history. The sources of the pool and of matching are registered below; another app
adds its own without touching this module or the page, e.g. ``finance/`` in its ``AppConfig.ready``::

    from pool.services.lifecycle.timeline import timeline_source

    @timeline_source
    def loans(subject):
        for loan in Loan.objects.visible_to(subject.user).filter(enterprise_id=subject.enterprise_id):
            yield TimelineEvent(at=moment(loan.issued_on), kind="finance", title=f"获得质押贷款 {loan.amount} 元")

Every source reads through the person's scope (``visible_to``) or through the members already scoped, so the
timeline shows nothing the person could not open elsewhere. The enterprise sees the decisions about it and their
reasons, not the bureaus' deliberation on open proposals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.models import AuditEntry, User

from ...lifecycle.rules import reason_label
from ...lifecycle.workflow import AppealStatus, ProposalKind, ProposalStatus
from ...models import (
    Appeal,
    ApplicationStatus,
    ApplicationTransition,
    FollowUpMilestone,
    LifecycleProposal,
    Membership,
    MisconductRecord,
    MonitoringReport,
    MonitoringRevision,
    MonitoringStatus,
)

KIND_LABELS = {
    "application": "申报", "admission": "入库", "monitoring": "年度监测", "proposal": "出库退库",
    "appeal": "申诉", "misconduct": "违规失信", "status": "培育状态", "milestone": "接续培育",
    "matching": "供需对接", "finance": "质押融资",
}


@dataclass(frozen=True)
class TimelineEvent:
    """One line of the timeline. ``kind`` is a key of ``KIND_LABELS`` (or a new app's own); ``tone`` is "good",
    "bad" or "" (how the line is marked); ``timed`` is False when only the day is known."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""
    tone: str = ""
    timed: bool = True

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class TimelineSubject:
    """What a source reads for: the enterprise, its memberships the person may see, and the person."""

    membership: Membership
    user: User
    memberships: list[Membership] = field(default_factory=list)

    @property
    def enterprise_id(self) -> int:
        return self.membership.enterprise_id

    @property
    def membership_ids(self) -> list[int]:
        return [m.pk for m in self.memberships]

    @property
    def is_enterprise(self) -> bool:
        return self.user.role == "enterprise"


TimelineSource = Callable[[TimelineSubject], Iterable[TimelineEvent]]
#: Every source of the timeline, in registration order (the order of events at the same moment).
TIMELINE_SOURCES: list[TimelineSource] = []


def timeline_source(source: TimelineSource) -> TimelineSource:
    """Register ``source`` (usable as a decorator). A source runs one query and yields events."""
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def moment(value: date | datetime | None, *, late: bool = False) -> datetime | None:
    """An aware datetime for sorting: a day without a time is placed at its start (or, ``late``, at its end, so
    it follows that day's timed events)."""
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.max if late else time.min))


def url_for(name: str, *args) -> str:
    """The URL of a page that may belong to another part of the portal (or not exist yet): ``""`` if unknown."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def person(user: User | None, fallback: str = "") -> str:
    if user is None:
        return fallback
    return str(user)


def enterprise_memberships(*, membership: Membership, user: User) -> list[Membership]:
    """The enterprise's memberships ``user`` may see (an enterprise admitted twice has two), oldest first."""
    return list(Membership.objects.visible_to(user).filter(enterprise_id=membership.enterprise_id)
                .select_related("batch", "region").order_by("admitted_on", "pk"))


def membership_timeline(*, membership: Membership, user: User) -> list[TimelineEvent]:
    """Every event of the enterprise of ``membership`` that ``user`` may see, oldest first."""
    subject = TimelineSubject(membership=membership, user=user)
    subject.memberships = enterprise_memberships(membership=membership, user=user)
    events = [event for source in TIMELINE_SOURCES for event in source(subject) if event.at is not None]
    events.sort(key=lambda e: e.at)  # stable: events at the same moment keep the sources' order
    return events


# --- the pool's sources ---------------------------------------------------------------------------------------

APPLICATION_TONES = {ApplicationStatus.ADMITTED: "good", ApplicationStatus.REJECTED: "bad",
                     ApplicationStatus.CITY_REJECTED: "bad", ApplicationStatus.PROVINCE_REJECTED: "bad",
                     ApplicationStatus.RETURNED: "bad"}


@timeline_source
def application_transitions(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """申报 — every status change of every application of the enterprise (submission, review, admission)."""
    rows = (ApplicationTransition.objects.visible_to(subject.user)
            .filter(application__enterprise_id=subject.enterprise_id)
            .select_related("application__batch", "actor").order_by("created_at", "pk"))
    for entry in rows:
        application = entry.application
        if entry.to_status == ApplicationStatus.SUBMITTED:
            title = f"提交申报（第 {entry.revision_number} 版）"
        else:
            title = f"申报{entry.get_to_status_display()}"
        yield TimelineEvent(
            at=entry.created_at, kind="application", title=f"{title}：{application.batch.name}",
            detail=entry.comment, actor=person(entry.actor, "企业" if entry.to_status == "submitted" else ""),
            url=url_for("pool:application-detail", application.pk), tone=APPLICATION_TONES.get(entry.to_status, ""))


@timeline_source
def admissions(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """入库 — each membership's admission (read with the subject, no query of its own)."""
    for membership in subject.memberships:
        how = "增补入库" if membership.replenishment else "入库"
        yield TimelineEvent(
            at=moment(membership.admitted_on, late=True), kind="admission", timed=False, tone="good",
            title=f"{how}，进入培育期：{membership.batch.name}",
            detail=f"所在地：{membership.region.name}；适用动态调整规则：{membership.policy_code}",
            url=url_for("pool:membership-detail", membership.pk))


#: Steps read from the audit log: (kind, title, tone) by action. A member step (follow-up) is audited on the
#: member; a county's return of a monitoring report on the report (a report keeps only its latest verification,
#: so earlier returns are found here).
AUDITED_STEPS = {
    "membership.follow_up_started": ("status", "转入接续培育", "good"),
    "monitoring.returned": ("monitoring", "年度监测报告被退回修改", "bad"),
}


@timeline_source
def audited_steps(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """培育状态, 年度监测 — member steps taken on the member page and reports returned by the county."""
    reports = (MonitoringReport.objects.filter(membership_id__in=subject.membership_ids)
               .annotate(key=Cast("pk", CharField())).values("key"))
    members = Q(target_type=Membership._meta.label_lower, target_id__in=[str(pk) for pk in subject.membership_ids])
    returned = Q(target_type=MonitoringReport._meta.label_lower, target_id__in=reports)
    rows = (AuditEntry.objects.filter(members | returned, action__in=list(AUDITED_STEPS))
            .select_related("actor").order_by("created_at", "pk"))
    for entry in rows:
        kind, title, tone = AUDITED_STEPS[entry.action]
        url = url_for("pool:monitoring-detail", int(entry.target_id)) if kind == "monitoring" else ""
        if kind == "monitoring" and entry.data.get("number"):
            title = f"{title}（第 {entry.data['number']} 版）"
        yield TimelineEvent(at=entry.created_at, kind=kind, title=title, detail=entry.comment,
                            actor=person(entry.actor, entry.actor_name), tone=tone, url=url)


@timeline_source
def monitoring_submissions(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """年度监测 — every submitted version of every report (drafts are the enterprise's own business)."""
    rows = (MonitoringRevision.objects.filter(report__membership_id__in=subject.membership_ids)
            .select_related("report", "submitted_by").order_by("submitted_at", "pk"))
    for revision in rows:
        report = revision.report
        yield TimelineEvent(
            at=revision.submitted_at, kind="monitoring",
            title=f"提交 {report.year} 年度监测报告（第 {revision.number} 版）",
            actor=person(revision.submitted_by, "企业"), url=url_for("pool:monitoring-detail", report.pk))


@timeline_source
def monitoring_acceptances(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """年度监测 — each report the county accepted (returns are read from the audit log, see ``audited_steps``)."""
    rows = (MonitoringReport.objects.filter(membership_id__in=subject.membership_ids,
                                            status=MonitoringStatus.ACCEPTED, verified_at__isnull=False)
            .select_related("verified_by").only("pk", "year", "comment", "verified_at", "verified_by__username",
                                                 "verified_by__full_name")
            .order_by("verified_at", "pk"))
    for report in rows:
        yield TimelineEvent(at=report.verified_at, kind="monitoring", title=f"{report.year} 年度监测报告经县级核实",
                            detail=report.comment, actor=person(report.verified_by), tone="good",
                            url=url_for("pool:monitoring-detail", report.pk))


def _reasons(proposal: LifecycleProposal) -> str:
    return "、".join(reason_label(r) for r in proposal.reasons or [])


@timeline_source
def proposals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """出库退库 — a proposal opened by the evaluation, the county's step and the city's decision. The enterprise
    sees the decision and its reasons only."""
    rows = (LifecycleProposal.objects.filter(membership_id__in=subject.membership_ids)
            .select_related("proposed_by", "decided_by").order_by("opened_at", "pk"))
    for proposal in rows:
        kind = proposal.get_kind_display()
        url = url_for("pool:proposal-detail", proposal.pk)
        bad = "bad" if proposal.kind == ProposalKind.REMOVE else "good"
        if not subject.is_enterprise:
            yield TimelineEvent(at=proposal.opened_at, kind="proposal", title=f"系统评估提出{kind}建议",
                                detail=proposal.explanation, actor="系统评估", url=url)
            if proposal.proposed_at is not None:
                dismissed = proposal.status == ProposalStatus.DISMISSED
                yield TimelineEvent(
                    at=proposal.proposed_at, kind="proposal",
                    title=f"县级{'不予提议' if dismissed else '提议'}{kind}", detail=proposal.county_comment,
                    actor=person(proposal.proposed_by), url=url)
        if proposal.decided_at is None:
            continue
        if proposal.status == ProposalStatus.APPROVED:
            title = f"决定{kind}" + (f"（理由：{_reasons(proposal)}）" if proposal.reasons else "")
            detail = "；".join(filter(None, [proposal.explanation, proposal.decision_comment]))
            if proposal.appeal_until and proposal.kind == ProposalKind.REMOVE:
                detail += f"。如有异议，可于 {proposal.appeal_until:%Y-%m-%d} 前提出申诉。"
            yield TimelineEvent(at=proposal.decided_at, kind="proposal", title=title, detail=detail,
                                actor=person(proposal.decided_by), url=url, tone=bad)
        elif not subject.is_enterprise:
            yield TimelineEvent(at=proposal.decided_at, kind="proposal", title=f"市级不同意{kind}",
                                detail=proposal.decision_comment, actor=person(proposal.decided_by), url=url)


@timeline_source
def appeals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """申诉 — the enterprise's appeal against a decision, and its outcome."""
    rows = (Appeal.objects.filter(membership_id__in=subject.membership_ids)
            .select_related("filed_by", "decided_by").order_by("filed_at", "pk"))
    for appeal in rows:
        url = url_for("pool:appeal-detail", appeal.pk) or url_for("pool:proposal-detail", appeal.proposal_id)
        yield TimelineEvent(at=appeal.filed_at, kind="appeal", title="提出申诉", detail=appeal.reason,
                            actor=person(appeal.filed_by, "企业"), url=url)
        if appeal.decided_at is not None and appeal.status != AppealStatus.PENDING:
            upheld = appeal.status == AppealStatus.UPHELD
            yield TimelineEvent(at=appeal.decided_at, kind="appeal",
                                title="申诉成立，恢复培育" if upheld else "申诉驳回", detail=appeal.decision_comment,
                                actor=person(appeal.decided_by), url=url, tone="good" if upheld else "bad")


@timeline_source
def misconduct(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """违规失信 — what became known of the enterprise, from its report, an imported list or a bureau, on the day
    it became known."""
    rows = (MisconductRecord.objects.filter(membership_id__in=subject.membership_ids)
            .select_related("recorded_by").order_by("known_on", "pk"))
    for record in rows:
        when = f"（发生于 {record.occurred_on:%Y-%m-%d}）" if record.occurred_on else ""
        yield TimelineEvent(
            at=moment(record.known_on), timed=False, kind="misconduct", tone="bad",
            title=f"知悉{record.get_kind_display()}情形{when}",
            detail="；".join(filter(None, [f"来源：{record.get_source_display()}", record.description])),
            actor=person(record.recorded_by))


@timeline_source
def milestones(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """接续培育 — qualifications obtained on the way to 专精特新“小巨人” and 单项冠军."""
    from .follow_up import LEVEL_LABELS

    rows = (FollowUpMilestone.objects.filter(membership_id__in=subject.membership_ids)
            .select_related("recorded_by").order_by("obtained_on", "pk"))
    for milestone in rows:
        level = LEVEL_LABELS.get(milestone.level, milestone.level)
        detail = "；".join(filter(None, [f"证书编号：{milestone.certificate_no}" if milestone.certificate_no else "",
                                         milestone.note]))
        yield TimelineEvent(at=moment(milestone.obtained_on), timed=False, kind="milestone", tone="good",
                            title=f"取得{level}{milestone.get_kind_display()}", detail=detail,
                            actor=person(milestone.recorded_by))


# --- matching: the enterprise's demands, the matches it followed up and its deals ------------------------------

@timeline_source
def demands(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    from matching.models import Demand

    rows = (Demand.objects.visible_to(subject.user).filter(enterprise_id=subject.enterprise_id)
            .with_match_count(subject.user).only("pk", "title", "created_at").order_by("created_at", "pk"))
    for demand in rows:
        suggested = f"系统推荐匹配专利 {demand.match_count} 项" if demand.match_count else ""
        yield TimelineEvent(at=demand.created_at, kind="matching", title=f"发布技术需求：{demand.title}",
                            detail=suggested, url=url_for("matching:demand-detail", demand.pk))


@timeline_source
def matches(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """The matches someone acted on (an untouched suggestion is counted on its demand instead)."""
    from matching.choices import MatchStatus
    from matching.models import Match

    rows = (Match.objects.visible_to(subject.user).filter(demand__enterprise_id=subject.enterprise_id)
            .exclude(status=MatchStatus.SUGGESTED).select_related("demand", "patent")
            .only("pk", "status", "status_changed_at", "updated_at", "demand__title", "patent__title")
            .order_by("status_changed_at", "pk"))
    for match in rows:
        yield TimelineEvent(
            at=match.status_changed_at or match.updated_at, kind="matching",
            title=f"供需对接{match.get_status_display()}：{match.patent.title}",
            detail=f"对应需求：{match.demand.title}", url=url_for("matching:match-detail", match.pk),
            tone="bad" if match.status == MatchStatus.DROPPED else "")


@timeline_source
def deals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    from matching.models import Deal

    rows = (Deal.objects.visible_to(subject.user).filter(match__demand__enterprise_id=subject.enterprise_id)
            .select_related("match__patent").order_by("signed_on", "pk"))
    for deal in rows:
        yield TimelineEvent(
            at=moment(deal.signed_on), timed=False, kind="matching", tone="good",
            title=f"专利{deal.get_mode_display()}成交：{deal.match.patent.title}",
            detail=f"合同金额 {deal.contract_amount:,.2f} 元，已到账 {deal.amount_received:,.2f} 元",
            url=url_for("matching:match-detail", deal.match_id))


def kinds_of(events: list[TimelineEvent]) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the kinds present, for the page's filter chips."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    order = list(KIND_LABELS)
    ranked = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    return [(k, KIND_LABELS.get(k, k), counts[k]) for k in ranked]


__all__ = ["KIND_LABELS", "TIMELINE_SOURCES", "TimelineEvent", "TimelineSubject", "membership_timeline",
           "moment", "timeline_source", "url_for"]
