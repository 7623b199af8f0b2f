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
from functools import lru_cache

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.models import AuditEntry, User

from ...lifecycle.policy import MisconductKind
from ...lifecycle.rules import reason_label
from ...lifecycle.workflow import AppealStatus, ProposalKind, ProposalStatus
from ...models import (
    Appeal,
    ApplicationStatus,
    ApplicationTransition,
    FollowUpMilestone,
    LifecyclePolicy,
    LifecycleProposal,
    Membership,
    MilestoneKind,
    MisconductRecord,
    MisconductSource,
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
    policy_names: dict[str, str] = field(default_factory=dict)

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


SENTINEL = 987654321


@lru_cache(maxsize=64)
def _url_parts(name: str) -> tuple[str, str] | None:
    url = url_for(name, SENTINEL)
    return tuple(url.split(str(SENTINEL), 1)) if url else None


def url_of(name: str, pk) -> str:
    """``url_for(name, pk)`` for a page taking one id, reversed once per name: a long timeline links every line."""
    parts = _url_parts(name)
    return f"{parts[0]}{pk}{parts[1]}" if parts else ""


def named(full_name: str | None, username: str | None, fallback: str = "") -> str:
    """A person's name from the two columns read with ``values`` (as ``str(user)`` gives it)."""
    return full_name or username or fallback


def enterprise_memberships(*, membership: Membership, user: User) -> list[Membership]:
    """The enterprise's memberships ``user`` may see (an enterprise admitted twice has two), oldest first."""
    return list(Membership.objects.visible_to(user).filter(enterprise_id=membership.enterprise_id)
                .select_related("batch", "region").order_by("admitted_on", "pk"))


def policy_names() -> dict[str, str]:
    """Each lifecycle policy's name by code (its newest version), one query."""
    return dict(LifecyclePolicy.objects.order_by("code", "version").values_list("code", "name"))


def membership_timeline(*, membership: Membership, user: User) -> list[TimelineEvent]:
    """Every event of the enterprise of ``membership`` that ``user`` may see, oldest first."""
    subject = TimelineSubject(membership=membership, user=user)
    subject.memberships = enterprise_memberships(membership=membership, user=user)
    subject.policy_names = policy_names()
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
    labels = dict(ApplicationStatus.choices)
    rows = (ApplicationTransition.objects.visible_to(subject.user)
            .filter(application__enterprise_id=subject.enterprise_id).order_by("created_at", "pk")
            .values_list("created_at", "to_status", "revision_number", "comment", "application_id",
                         "application__batch__name", "actor__full_name", "actor__username"))
    for at, to_status, number, comment, application_id, batch, full_name, username in rows:
        submitted = to_status == ApplicationStatus.SUBMITTED
        title = f"提交申报（第 {number} 版）" if submitted else f"申报{labels.get(to_status, to_status)}"
        yield TimelineEvent(
            at=at, kind="application", title=f"{title}：{batch}", detail=comment,
            actor=named(full_name, username, "企业" if submitted else ""),
            url=url_of("pool:application-detail", application_id), tone=APPLICATION_TONES.get(to_status, ""))


@timeline_source
def admissions(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """入库 — each membership's admission (read with the subject, no query of its own)."""
    for membership in subject.memberships:
        how = "增补入库" if membership.replenishment else "入库"
        yield TimelineEvent(
            at=moment(membership.admitted_on, late=True), kind="admission", timed=False, tone="good",
            title=f"{how}，进入培育期：{membership.batch.name}",
            detail=(f"所在地：{membership.region.name}；适用动态调整规则："
                    f"{subject.policy_names.get(membership.policy_code, membership.policy_code)}"),
            url=url_of("pool:membership-detail", membership.pk))


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
    rows = (AuditEntry.objects.filter(members | returned, action__in=list(AUDITED_STEPS)).order_by("created_at", "pk")
            .values_list("created_at", "action", "target_id", "comment", "data", "actor__full_name",
                         "actor__username", "actor_name"))
    for at, action, target_id, comment, data, full_name, username, actor_name in rows:
        kind, title, tone = AUDITED_STEPS[action]
        url = url_of("pool:monitoring-detail", target_id) if kind == "monitoring" else ""
        if kind == "monitoring" and (data or {}).get("number"):
            title = f"{title}（第 {data['number']} 版）"
        yield TimelineEvent(at=at, kind=kind, title=title, detail=comment, tone=tone, url=url,
                            actor=named(full_name, username, "系统" if actor_name == "system" else actor_name))


@timeline_source
def monitoring_submissions(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """年度监测 — every submitted version of every report (drafts are the enterprise's own business)."""
    rows = (MonitoringRevision.objects.filter(report__membership_id__in=subject.membership_ids)
            .order_by("submitted_at", "pk")
            .values_list("submitted_at", "number", "report_id", "report__year", "submitted_by__full_name",
                         "submitted_by__username"))
    for at, number, report_id, year, full_name, username in rows:
        yield TimelineEvent(at=at, kind="monitoring", title=f"提交 {year} 年度监测报告（第 {number} 版）",
                            actor=named(full_name, username, "企业"), url=url_of("pool:monitoring-detail", report_id))


@timeline_source
def monitoring_acceptances(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """年度监测 — each report the county accepted (returns are read from the audit log, see ``audited_steps``)."""
    rows = (MonitoringReport.objects.filter(membership_id__in=subject.membership_ids,
                                            status=MonitoringStatus.ACCEPTED, verified_at__isnull=False)
            .order_by("verified_at", "pk")
            .values_list("verified_at", "pk", "year", "comment", "verified_by__full_name", "verified_by__username"))
    for at, pk, year, comment, full_name, username in rows:
        yield TimelineEvent(at=at, kind="monitoring", title=f"{year} 年度监测报告经县级核实", detail=comment,
                            actor=named(full_name, username), tone="good", url=url_of("pool:monitoring-detail", pk))


def _reasons(reasons) -> str:
    return "、".join(reason_label(r) for r in reasons or [])


PROPOSAL_FIELDS = ("pk", "kind", "status", "reasons", "explanation", "opened_at", "proposed_at", "county_comment",
                   "decided_at", "decision_comment", "appeal_until", "proposed_by__full_name",
                   "proposed_by__username", "decided_by__full_name", "decided_by__username")


@timeline_source
def proposals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """出库退库 — a proposal opened by the evaluation, the county's step and the city's decision. The enterprise
    sees the decision and its reasons only."""
    kinds = dict(ProposalKind.CHOICES)
    rows = (LifecycleProposal.objects.filter(membership_id__in=subject.membership_ids)
            .order_by("opened_at", "pk").values(*PROPOSAL_FIELDS))
    for p in rows:
        kind = kinds.get(p["kind"], p["kind"])
        url = url_of("pool:proposal-detail", p["pk"])
        if not subject.is_enterprise:
            yield TimelineEvent(at=p["opened_at"], kind="proposal", title=f"系统评估提出{kind}建议",
                                detail=p["explanation"], actor="系统评估", url=url)
            if p["proposed_at"] is not None:
                dismissed = p["status"] == ProposalStatus.DISMISSED
                yield TimelineEvent(
                    at=p["proposed_at"], kind="proposal", title=f"县级{'不予提议' if dismissed else '提议'}{kind}",
                    detail=p["county_comment"], actor=named(p["proposed_by__full_name"], p["proposed_by__username"]),
                    url=url)
        if p["decided_at"] is None:
            continue
        decider = named(p["decided_by__full_name"], p["decided_by__username"])
        if p["status"] == ProposalStatus.APPROVED:
            title = f"决定{kind}" + (f"（理由：{_reasons(p['reasons'])}）" if p["reasons"] else "")
            detail = p["explanation"] + (f"决定意见：{p['decision_comment']}" if p["decision_comment"] else "")
            if p["appeal_until"] and p["kind"] == ProposalKind.REMOVE:
                detail += f"。如有异议，可于 {p['appeal_until']:%Y-%m-%d} 前提出申诉。"
            yield TimelineEvent(at=p["decided_at"], kind="proposal", title=title, detail=detail, actor=decider,
                                url=url, tone="bad" if p["kind"] == ProposalKind.REMOVE else "good")
        elif not subject.is_enterprise:
            yield TimelineEvent(at=p["decided_at"], kind="proposal", title=f"市级不同意{kind}",
                                detail=p["decision_comment"], actor=decider, url=url)


@timeline_source
def appeals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """申诉 — the enterprise's appeal against a decision, and its outcome."""
    rows = (Appeal.objects.filter(membership_id__in=subject.membership_ids).order_by("filed_at", "pk")
            .values_list("pk", "proposal_id", "reason", "status", "filed_at", "decided_at", "decision_comment",
                         "filed_by__full_name", "filed_by__username", "decided_by__full_name",
                         "decided_by__username"))
    for pk, proposal_id, reason, status, filed_at, decided_at, comment, f_name, f_user, d_name, d_user in rows:
        url = url_of("pool:appeal-detail", pk) or url_of("pool:proposal-detail", proposal_id)
        yield TimelineEvent(at=filed_at, kind="appeal", title="提出申诉", detail=reason,
                            actor=named(f_name, f_user, "企业"), url=url)
        if decided_at is not None and status != AppealStatus.PENDING:
            upheld = status == AppealStatus.UPHELD
            yield TimelineEvent(at=decided_at, kind="appeal", title="申诉成立，恢复培育" if upheld else "申诉驳回",
                                detail=comment, actor=named(d_name, d_user), url=url,
                                tone="good" if upheld else "bad")


@timeline_source
def misconduct(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """违规失信 — what became known of the enterprise, from its report, an imported list or a bureau, on the day
    it became known."""
    kinds, sources = dict(MisconductKind.CHOICES), dict(MisconductSource.choices)
    rows = (MisconductRecord.objects.filter(membership_id__in=subject.membership_ids).order_by("known_on", "pk")
            .values_list("kind", "known_on", "occurred_on", "source", "description", "recorded_by__full_name",
                         "recorded_by__username"))
    for kind, known_on, occurred_on, source, description, full_name, username in rows:
        when = f"（发生于 {occurred_on:%Y-%m-%d}）" if occurred_on else ""
        yield TimelineEvent(
            at=moment(known_on), timed=False, kind="misconduct", tone="bad",
            title=f"知悉{kinds.get(kind, kind)}情形{when}",
            detail="；".join(filter(None, [f"来源：{sources.get(source, source)}", description])),
            actor=named(full_name, username))


@timeline_source
def milestones(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """接续培育 — qualifications obtained on the way to 专精特新“小巨人” and 单项冠军."""
    from .follow_up import LEVEL_LABELS

    kinds = dict(MilestoneKind.choices)
    rows = (FollowUpMilestone.objects.filter(membership_id__in=subject.membership_ids).order_by("obtained_on", "pk")
            .values_list("kind", "level", "certificate_no", "obtained_on", "note", "recorded_by__full_name",
                         "recorded_by__username"))
    for kind, level, certificate_no, obtained_on, note, full_name, username in rows:
        detail = "；".join(filter(None, [f"证书编号：{certificate_no}" if certificate_no else "", note]))
        yield TimelineEvent(at=moment(obtained_on), timed=False, kind="milestone", tone="good",
                            title=f"取得{LEVEL_LABELS.get(level, level)}{kinds.get(kind, kind)}", detail=detail,
                            actor=named(full_name, username))


# --- matching: the enterprise's demands, the matches it followed up and its deals ------------------------------

@timeline_source
def demands(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    from matching.models import Demand

    rows = (Demand.objects.visible_to(subject.user).filter(enterprise_id=subject.enterprise_id)
            .with_match_count(subject.user).order_by("created_at", "pk")
            .values_list("pk", "title", "created_at", "match_count"))
    for pk, title, created_at, match_count in rows:
        yield TimelineEvent(at=created_at, kind="matching", title=f"发布技术需求：{title}",
                            detail=f"系统推荐匹配专利 {match_count} 项" if match_count else "",
                            url=url_of("matching:demand-detail", pk))


@timeline_source
def matches(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    """The matches someone acted on (an untouched suggestion is counted on its demand instead)."""
    from matching.choices import MatchStatus
    from matching.models import Match

    labels = dict(MatchStatus.choices)
    rows = (Match.objects.visible_to(subject.user).filter(demand__enterprise_id=subject.enterprise_id)
            .exclude(status=MatchStatus.SUGGESTED).order_by("status_changed_at", "pk")
            .values_list("pk", "status", "status_changed_at", "updated_at", "demand__title", "patent__title"))
    for pk, status, changed_at, updated_at, demand, patent in rows:
        yield TimelineEvent(
            at=changed_at or updated_at, kind="matching", title=f"供需对接{labels.get(status, status)}：{patent}",
            detail=f"对应需求：{demand}", url=url_of("matching:match-detail", pk),
            tone="bad" if status == MatchStatus.DROPPED else "")


@timeline_source
def deals(subject: TimelineSubject) -> Iterable[TimelineEvent]:
    from matching.choices import DealMode
    from matching.models import Deal

    modes = dict(DealMode.choices)
    rows = (Deal.objects.visible_to(subject.user).filter(match__demand__enterprise_id=subject.enterprise_id)
            .order_by("signed_on", "pk")
            .values_list("match_id", "mode", "contract_amount", "amount_received", "signed_on", "match__patent__title"))
    for match_id, mode, amount, received, signed_on, patent in rows:
        yield TimelineEvent(
            at=moment(signed_on), timed=False, kind="matching", tone="good",
            title=f"专利{modes.get(mode, mode)}成交：{patent}",
            detail=f"合同金额 {amount:,.2f} 元，已到账 {received:,.2f} 元", url=url_of("matching:match-detail", match_id))


def kinds_of(events: list[TimelineEvent]) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the kinds present, for the page's filter chips."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    order = list(KIND_LABELS)
    ranked = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    return [(k, KIND_LABELS.get(k, k), counts[k]) for k in ranked]


__all__ = ["KIND_LABELS", "TIMELINE_SOURCES", "TimelineEvent", "TimelineSubject", "membership_timeline",
           "moment", "named", "timeline_source", "url_for", "url_of"]
