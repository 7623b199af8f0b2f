"""Proposals, decisions and appeals of the pool lifecycle (出库 / 退库).

The county verifies an opened proposal and proposes it or dismisses it with a reason; the city decides — never
the person who proposed it (two-person rule) — and on approval the member graduates (earning replenishment
places) or is removed; the enterprise is told the decision and its reasons. A removal may be appealed by the
enterprise until ``appeal_until`` (inclusive); the city or the province decides the appeal, and an upheld appeal
returns the member to cultivation. Graduation is not appealable: it is good news and the graduate keeps its
support. Every step is guarded by the tables of ``pool.lifecycle.workflow``, locked, transactional and audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services import audit, notify_on_commit

from ...lifecycle.rules import reason_label
from ...lifecycle.workflow import (
    APPEAL_STEPS,
    MEMBERSHIP_STEPS,
    PROPOSAL_STEPS,
    AppealStatus,
    MembershipStatus,
    ProposalKind,
    ProposalStatus,
    Step,
    StepError,
    available_steps,
    ensure_step,
)
from ...models import Appeal, LifecycleProposal, Membership
from .evaluation import TRIGGERS
from .membership import ledger_earn
from .policies import rules_of

P, A, M = ProposalStatus, AppealStatus, MembershipStatus
PROPOSAL_LABELS = dict(ProposalStatus.CHOICES)
APPEAL_LABELS = dict(AppealStatus.CHOICES)
MEMBERSHIP_LABELS = dict(MembershipStatus.CHOICES)
KIND_LABELS = dict(ProposalKind.CHOICES)
#: The member's status a decided proposal of each kind moves it to.
DECIDED_STATUS = {ProposalKind.GRADUATE: M.GRADUATED, ProposalKind.REMOVE: M.REMOVED}
TWO_PERSON_REFUSAL = "按“两人原则”，提议人不能决定本人提议的事项，请由市级其他工作人员决定。"


# --- who may do what (guards shared by the services and the buttons) ----------------------------------------

def _refusal_beyond_table(user, proposal: LifecycleProposal, target: str) -> str:
    """What the workflow table cannot say: the two-person rule, and misconduct before graduation."""
    if target in (P.APPROVED, P.DECLINED) and proposal.proposed_by_id is not None \
            and user is not None and proposal.proposed_by_id == user.pk:
        return TWO_PERSON_REFUSAL
    if target == P.APPROVED and proposal.kind == ProposalKind.GRADUATE and LifecycleProposal.objects.filter(
            membership_id=proposal.membership_id, kind=ProposalKind.REMOVE, status__in=P.PENDING).exists():
        return "该企业另有待处理的退库建议（违规失信等情形优先于出库），请先处理退库建议。"
    return ""


def proposal_steps(user, proposal: LifecycleProposal) -> list[Step]:
    """The buttons ``user`` sees on ``proposal`` now."""
    steps = available_steps(PROPOSAL_STEPS, source=proposal.status, user=user,
                            region_code=proposal.membership.region_id, labels=PROPOSAL_LABELS)
    return [s for s in steps if not _refusal_beyond_table(user, proposal, s.target)]


def appeal_steps(user, appeal: Appeal) -> list[Step]:
    return available_steps(APPEAL_STEPS, source=appeal.status, user=user, region_code=appeal.membership.region_id,
                           labels=APPEAL_LABELS)


def appeal_refusal(user, proposal: LifecycleProposal, *, on: date | None = None) -> str:
    """Why ``user`` may not appeal ``proposal`` on ``on`` (today), or ``""``."""
    on = on or timezone.localdate()
    if user is None or not user.is_authenticated or user.role != "enterprise" \
            or user.organisation_id != proposal.membership.enterprise_id:
        return "只有被退库的企业本身可以提出申诉。"
    if proposal.kind != ProposalKind.REMOVE:
        return "出库决定不适用申诉：出库企业继续享受支持并转入接续培育。"
    if proposal.status != P.APPROVED or proposal.appeal_until is None:
        return "只能对已作出的退库决定提出申诉。"
    if Appeal.objects.filter(proposal_id=proposal.pk).exists():
        return "已就该退库决定提出过申诉，不能重复申诉。"
    if on > proposal.appeal_until:
        return f"申诉期限已于 {proposal.appeal_until.isoformat()} 届满，不能再提出申诉。"
    return ""


# --- helpers ------------------------------------------------------------------------------------------------

def _text(value: str, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({"comment": message})
    return value


def _lock(proposal: LifecycleProposal) -> LifecycleProposal:
    return (LifecycleProposal.objects.select_for_update(of=("self",)).select_related("membership", "policy")
            .get(pk=proposal.pk))


def _guard(user, proposal: LifecycleProposal, target: str) -> Step:
    found = ensure_step(PROPOSAL_STEPS, source=proposal.status, target=target, user=user,
                        region_code=proposal.membership.region_id, labels=PROPOSAL_LABELS)
    refusal = _refusal_beyond_table(user, proposal, target)
    if refusal:
        raise StepError(refusal)
    return found


def _enterprise_users(membership: Membership) -> list[User]:
    return list(User.objects.filter(organisation_id=membership.enterprise_id, is_active=True))


def _bureau_users(membership: Membership, kinds: tuple[str, ...]) -> list[User]:
    """The active users of the city (and province) bureaus above the member's county."""
    codes = [membership.region_id[:4] + "00", membership.region_id[:2] + "0000"]
    return list(User.objects.filter(organisation__kind__in=kinds, organisation__region_id__in=codes,
                                    is_active=True))


def _url(proposal: LifecycleProposal) -> str:
    return reverse("pool:proposal-detail", args=[proposal.pk])


def reasons_text(proposal: LifecycleProposal) -> str:
    return "、".join(reason_label(key) for key in proposal.reasons)


def _move_member(membership: Membership, *, target: str, user, on: date, action: str, data: dict) -> Membership:
    """Move the (locked) member by ``MEMBERSHIP_STEPS``."""
    ensure_step(MEMBERSHIP_STEPS, source=membership.status, target=target, user=user,
                region_code=membership.region_id, labels=MEMBERSHIP_LABELS)
    before = membership.status
    membership.status = target
    membership.status_changed_on = on
    membership.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit(actor=user, action=action, target=membership, data={"from": before, "to": target, **data})
    return membership


# --- the county ----------------------------------------------------------------------------------------------

def proposal_propose(*, proposal: LifecycleProposal, user, comment: str = "") -> LifecycleProposal:
    """The county has verified the facts and proposes the graduation or removal to the city."""
    with transaction.atomic():
        proposal = _lock(proposal)
        step = _guard(user, proposal, P.PROPOSED)
        comment = _text(comment, step.reason_required, "提议须填写核实意见。")
        proposal.status, proposal.proposed_by, proposal.proposed_at = P.PROPOSED, user, timezone.now()
        proposal.county_comment = comment
        proposal.save(update_fields=["status", "proposed_by", "proposed_at", "county_comment"])
        audit(actor=user, action="lifecycle_proposal.proposed", target=proposal, comment=comment,
              data={"kind": proposal.kind, "reasons": proposal.reasons})
        membership = proposal.membership
        notify_on_commit(recipients=_bureau_users(membership, ("city",)), verb="lifecycle.proposal_proposed",
                         title=f"{KIND_LABELS[proposal.kind]}建议待决定：{membership.enterprise_name}",
                         body=f"县级已核实并提议{membership.enterprise_name}{KIND_LABELS[proposal.kind]}"
                              f"（理由：{reasons_text(proposal)}）。请决定。", url=_url(proposal))
    return proposal


def proposal_dismiss(*, proposal: LifecycleProposal, user, reason: str) -> LifecycleProposal:
    """The county does not propose it (the facts do not hold, or another reason), with the reason."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _guard(user, proposal, P.DISMISSED)
        reason = _text(reason, True, "不予提议须填写理由。")
        proposal.status, proposal.proposed_by, proposal.proposed_at = P.DISMISSED, user, timezone.now()
        proposal.county_comment = reason
        proposal.save(update_fields=["status", "proposed_by", "proposed_at", "county_comment"])
        audit(actor=user, action="lifecycle_proposal.dismissed", target=proposal, comment=reason,
              data={"kind": proposal.kind})
    return proposal


# --- the city ------------------------------------------------------------------------------------------------

def _decision_text(proposal: LifecycleProposal) -> tuple[str, str]:
    membership = proposal.membership
    kind = KIND_LABELS[proposal.kind]
    lines = [f"{membership.enterprise_name}：经县级核实提议、市级决定，贵企业自 {proposal.decided_on.isoformat()} 起"
             f"{'出库（专利产业化样板企业培育库）' if proposal.kind == ProposalKind.GRADUATE else '退出培育库'}。",
             f"理由：{reasons_text(proposal)}。{proposal.explanation}"]
    if proposal.decision_comment:
        lines.append(f"决定意见：{proposal.decision_comment}")
    if proposal.kind == ProposalKind.GRADUATE:
        lines.append("出库后继续享受相关支持，并转入接续培育（专精特新“小巨人”、单项冠军）。")
    else:
        lines.append(f"如有异议，可于 {proposal.appeal_until.isoformat()}（含当日）前在系统中提出申诉。")
    return f"{kind}决定：{membership.enterprise_name}", "\n".join(lines)


def proposal_approve(*, proposal: LifecycleProposal, user, comment: str = "",
                     on: date | None = None) -> LifecycleProposal:
    """The city approves: the member graduates (earning replenishment places) or is removed (appealable until
    ``appeal_until``); the enterprise is told the decision and its reasons."""
    on = on or timezone.localdate()
    with transaction.atomic():
        proposal = _lock(proposal)
        step = _guard(user, proposal, P.APPROVED)
        comment = _text(comment, step.reason_required, "同意须填写决定意见。")
        membership = Membership.objects.select_for_update().get(pk=proposal.membership_id)
        proposal.membership = membership
        _move_member(membership, target=DECIDED_STATUS[proposal.kind], user=user, on=on,
                     action=f"membership.{DECIDED_STATUS[proposal.kind]}", data={"proposal": proposal.pk})
        proposal.status, proposal.decided_by, proposal.decided_at = P.APPROVED, user, timezone.now()
        proposal.decided_on, proposal.decision_comment = on, comment
        if proposal.kind == ProposalKind.REMOVE:
            proposal.appeal_until = on + timedelta(days=rules_of(proposal.policy).appeal_days)
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decided_on", "decision_comment",
                                     "appeal_until"])
        if proposal.kind == ProposalKind.GRADUATE:
            ledger_earn(proposal=proposal, on=on)
        audit(actor=user, action="lifecycle_proposal.approved", target=proposal, comment=comment,
              data={"kind": proposal.kind, "decided_on": on.isoformat(),
                    "appeal_until": proposal.appeal_until.isoformat() if proposal.appeal_until else None})
        title, body = _decision_text(proposal)
        notify_on_commit(recipients=_enterprise_users(membership), verb=f"lifecycle.{proposal.kind}_decided",
                         title=title, body=body, url=_url(proposal))
    return proposal


def proposal_decline(*, proposal: LifecycleProposal, user, reason: str, on: date | None = None
                     ) -> LifecycleProposal:
    """The city does not agree: the member stays as it is."""
    on = on or timezone.localdate()
    with transaction.atomic():
        proposal = _lock(proposal)
        _guard(user, proposal, P.DECLINED)
        reason = _text(reason, True, "不同意须填写理由。")
        proposal.status, proposal.decided_by, proposal.decided_at = P.DECLINED, user, timezone.now()
        proposal.decided_on, proposal.decision_comment = on, reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decided_on", "decision_comment"])
        audit(actor=user, action="lifecycle_proposal.declined", target=proposal, comment=reason,
              data={"kind": proposal.kind})
    return proposal


#: The services behind each target status (the page and the API post the target).
PROPOSAL_SERVICES = {
    P.PROPOSED: lambda proposal, user, comment: proposal_propose(proposal=proposal, user=user, comment=comment),
    P.DISMISSED: lambda proposal, user, comment: proposal_dismiss(proposal=proposal, user=user, reason=comment),
    P.APPROVED: lambda proposal, user, comment: proposal_approve(proposal=proposal, user=user, comment=comment),
    P.DECLINED: lambda proposal, user, comment: proposal_decline(proposal=proposal, user=user, reason=comment),
}


def proposal_transition(*, proposal: LifecycleProposal, user, to: str, comment: str = "") -> LifecycleProposal:
    service = PROPOSAL_SERVICES.get(to)
    if service is None:
        raise StepError("未知的操作。")
    return service(proposal, user, comment)


# --- appeals -------------------------------------------------------------------------------------------------

def appeal_file(*, proposal: LifecycleProposal, user, reason: str, on: date | None = None) -> Appeal:
    """The removed enterprise appeals the decision, until ``appeal_until`` inclusive."""
    on = on or timezone.localdate()
    with transaction.atomic():
        proposal = _lock(proposal)
        refusal = appeal_refusal(user, proposal, on=on)
        if refusal:
            raise StepError(refusal)
        reason = _text(reason, True, "请填写申诉理由。")
        appeal = Appeal.objects.create(proposal=proposal, membership=proposal.membership, reason=reason,
                                       filed_by=user)
        audit(actor=user, action="appeal.filed", target=appeal, comment=reason, data={"proposal": proposal.pk})
        membership = proposal.membership
        notify_on_commit(recipients=_bureau_users(membership, ("city", "province")), verb="lifecycle.appeal_filed",
                         title=f"退库申诉待处理：{membership.enterprise_name}",
                         body=f"{membership.enterprise_name}对退库决定提出申诉：{reason}", url=_url(proposal))
    return appeal


def _decide_appeal(appeal: Appeal, user, target: str, comment: str, on: date | None) -> Appeal:
    on = on or timezone.localdate()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(of=("self",)).select_related("membership", "proposal").get(
            pk=appeal.pk)
        step = ensure_step(APPEAL_STEPS, source=appeal.status, target=target, user=user,
                           region_code=appeal.membership.region_id, labels=APPEAL_LABELS)
        comment = _text(comment, step.reason_required, "处理申诉须填写意见。")
        membership = Membership.objects.select_for_update().get(pk=appeal.membership_id)
        if target == A.UPHELD:
            _move_member(membership, target=M.CULTIVATING, user=user, on=on, action="membership.reinstated",
                         data={"appeal": appeal.pk})
        appeal.status, appeal.decided_by, appeal.decided_at = target, user, timezone.now()
        appeal.decision_comment = comment
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        audit(actor=user, action=f"appeal.{target}", target=appeal, comment=comment)
        if target == A.UPHELD:
            title = f"申诉成立：{membership.enterprise_name}"
            body = f"{membership.enterprise_name}：贵企业对退库决定的申诉成立，自 {on.isoformat()} 起恢复培育。"
        else:
            title = f"申诉驳回：{membership.enterprise_name}"
            body = f"{membership.enterprise_name}：贵企业对退库决定的申诉经审查予以驳回，维持退库决定。"
        notify_on_commit(recipients=_enterprise_users(membership), verb=f"lifecycle.appeal_{target}", title=title,
                         body=f"{body}\n处理意见：{comment}", url=_url(appeal.proposal))
    return appeal


def appeal_uphold(*, appeal: Appeal, user, comment: str, on: date | None = None) -> Appeal:
    """The appeal holds: the member returns to cultivation."""
    return _decide_appeal(appeal, user, A.UPHELD, comment, on)


def appeal_reject(*, appeal: Appeal, user, comment: str, on: date | None = None) -> Appeal:
    """The appeal fails: the member stays removed."""
    return _decide_appeal(appeal, user, A.REJECTED, comment, on)


APPEAL_SERVICES = {
    A.UPHELD: lambda appeal, user, comment: appeal_uphold(appeal=appeal, user=user, comment=comment),
    A.REJECTED: lambda appeal, user, comment: appeal_reject(appeal=appeal, user=user, comment=comment),
}


def appeal_transition(*, appeal: Appeal, user, to: str, comment: str = "") -> Appeal:
    service = APPEAL_SERVICES.get(to)
    if service is None:
        raise StepError("未知的操作。")
    return service(appeal, user, comment)


# --- scoped reads (the pages, the API and the exports share them) -------------------------------------------

#: Who reads the proposal lists: the bureaus of the member's region (an enterprise reads its own decisions).
PROPOSAL_ROLES = ("county", "city", "province", "admin")
LIST_RELATED = ("membership__region", "policy", "proposed_by", "decided_by", "appeal")


def proposal_list(*, user):
    """The proposals ``user`` may see: a bureau its region's, an enterprise only the decisions about itself (a
    proposal not yet decided is the bureaus' working matter)."""
    queryset = LifecycleProposal.objects.visible_to(user)
    if user.is_authenticated and user.role == "enterprise":
        queryset = queryset.filter(status=P.APPROVED)
    return queryset.select_related(*LIST_RELATED).order_by("-opened_at", "-pk")


def decision_list(*, user, kind: str):
    """出库名单 / 退库名单: the approved proposals of ``kind``, newest decision first."""
    return (proposal_list(user=user).filter(kind=kind, status=P.APPROVED)
            .order_by("-decided_on", "membership__region_id", "pk"))


def proposal_history(proposal: LifecycleProposal) -> list[dict]:
    """Opened, proposed or dismissed, decided, appealed and the appeal's decision, in time order."""
    appeal = getattr(proposal, "appeal", None)  # the reverse one-to-one raises an AttributeError when absent
    events = [{"at": proposal.opened_at, "label": "系统评估提出建议", "who": "系统",
               "text": f"评估基准日 {proposal.evaluated_on.isoformat()}（{TRIGGERS.get(proposal.trigger, proposal.trigger)}）"}]
    if proposal.proposed_at:
        events.append({"at": proposal.proposed_at, "who": proposal.proposed_by,
                       "label": "县级提议" if proposal.status != P.DISMISSED else "县级不予提议",
                       "text": proposal.county_comment})
    if proposal.decided_at:
        events.append({"at": proposal.decided_at, "who": proposal.decided_by,
                       "label": "市级同意" if proposal.status == P.APPROVED else "市级不同意",
                       "text": proposal.decision_comment})
    if appeal is not None:
        events.append({"at": appeal.filed_at, "who": appeal.filed_by, "label": "企业提出申诉", "text": appeal.reason})
        if appeal.decided_at:
            events.append({"at": appeal.decided_at, "who": appeal.decided_by, "label": appeal.get_status_display(),
                           "text": appeal.decision_comment})
    return events


def proposal_home_panels(user) -> list[tuple[str, dict]]:
    """County: proposals waiting for its verification; city: proposals and appeals waiting for its decision
    (the province: appeals); enterprise: the decision about it and its appeal deadline."""
    if not user.is_authenticated:
        return []
    role = user.role
    if role == "enterprise":
        decision = proposal_list(user=user).select_related("appeal").order_by("-decided_at", "-pk").first()
        if decision is None:
            return []
        return [("pool/proposals/_home_enterprise.html", {
            "proposal": decision, "reasons": reasons_text(decision),
            "can_appeal": not appeal_refusal(user, decision)})]
    if role not in ("county", "city", "province"):
        return []
    waiting = {"county": [P.OPEN], "city": [P.PROPOSED], "province": []}[role]
    proposals = list(proposal_list(user=user).filter(status__in=waiting).order_by("opened_at", "pk")[:10]) \
        if waiting else []
    counts = dict(proposal_list(user=user).filter(status__in=waiting).order_by().values_list("kind")
                  .annotate(n=models.Count("pk")).values_list("kind", "n")) if waiting else {}
    appeals = list(Appeal.objects.visible_to(user).filter(status=A.PENDING).select_related(
        "membership", "proposal").order_by("filed_at")[:10]) if role in ("city", "province") else []
    if not proposals and not appeals and role == "province":
        return []
    return [("pool/proposals/_home_bureau.html", {
        "role": role, "proposals": proposals, "appeals": appeals,
        "title": "待核实的出库/退库建议" if role == "county" else "待决定的出库/退库建议与申诉",
        "graduate_count": counts.get(ProposalKind.GRADUATE, 0), "remove_count": counts.get(ProposalKind.REMOVE, 0),
        "status": waiting[0] if waiting else ""})]
