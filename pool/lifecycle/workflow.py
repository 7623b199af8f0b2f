"""Who may move a pool member, a lifecycle proposal or an appeal from which status to which, as data.

Like ``pool.workflow`` for applications: each table both guards the services (``ensure_step``) and lists the
buttons a person sees (``available_steps``). ``roles`` are the roles that may take the step; every step of a
bureau is also bound to the member's county lying in the actor's region (checked by ``in_region``).
"""

from __future__ import annotations

from dataclasses import dataclass


class StepError(Exception):
    """A refused lifecycle step; ``str(error)`` is the Chinese reason shown to the person."""


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    roles: frozenset
    label: str
    reason_required: bool = False
    style: str = "primary"


def step(source: str, target: str, roles: str, label: str, **kwargs) -> Step:
    return Step(source, target, frozenset(roles.split()), label, **kwargs)


class MembershipStatus:
    CULTIVATING = "cultivating"
    GRADUATED = "graduated"
    FOLLOW_UP = "follow_up"
    REMOVED = "removed"
    CHOICES = [(CULTIVATING, "培育中"), (GRADUATED, "已出库"), (FOLLOW_UP, "接续培育"), (REMOVED, "已退库")]
    #: Members that file a yearly monitoring report.
    REPORTING = (CULTIVATING, FOLLOW_UP)
    #: Members "in the pool" for support (financing, matching): graduates keep their support.
    SUPPORTED = (CULTIVATING, GRADUATED, FOLLOW_UP)


class ProposalStatus:
    OPEN = "open"
    PROPOSED = "proposed"
    DISMISSED = "dismissed"
    APPROVED = "approved"
    DECLINED = "declined"
    CHOICES = [(OPEN, "待县级核实"), (PROPOSED, "县级已提议，待市级决定"), (DISMISSED, "县级不予提议"),
               (APPROVED, "市级已决定"), (DECLINED, "市级不予同意")]
    #: A proposal in these states blocks a second one of the same kind for the same member.
    PENDING = (OPEN, PROPOSED)


class ProposalKind:
    GRADUATE = "graduate"
    REMOVE = "remove"
    CHOICES = [(GRADUATE, "出库"), (REMOVE, "退库")]


class AppealStatus:
    PENDING = "pending"
    UPHELD = "upheld"
    REJECTED = "rejected"
    CHOICES = [(PENDING, "待处理"), (UPHELD, "申诉成立"), (REJECTED, "申诉驳回")]


M, P, A = MembershipStatus, ProposalStatus, AppealStatus

MEMBERSHIP_STEPS: tuple[Step, ...] = (
    step(M.CULTIVATING, M.GRADUATED, "city", "决定出库"),
    step(M.CULTIVATING, M.REMOVED, "city", "决定退库", style="danger"),
    step(M.GRADUATED, M.FOLLOW_UP, "county city", "转入接续培育"),
    step(M.REMOVED, M.CULTIVATING, "city province", "申诉成立，恢复培育"),
)

PROPOSAL_STEPS: tuple[Step, ...] = (
    step(P.OPEN, P.PROPOSED, "county", "提议"),
    step(P.OPEN, P.DISMISSED, "county", "不予提议", reason_required=True, style="secondary"),
    step(P.PROPOSED, P.APPROVED, "city", "同意", reason_required=True),
    step(P.PROPOSED, P.DECLINED, "city", "不同意", reason_required=True, style="danger"),
)

APPEAL_STEPS: tuple[Step, ...] = (
    step(A.PENDING, A.UPHELD, "city province", "申诉成立", reason_required=True),
    step(A.PENDING, A.REJECTED, "city province", "驳回申诉", reason_required=True, style="danger"),
)

ROLE_LABELS = {"enterprise": "入库企业", "county": "县级主管部门", "city": "市级主管部门", "province": "省级主管部门"}


def find_step(table: tuple[Step, ...], source: str, target: str) -> Step | None:
    return next((s for s in table if s.source == source and s.target == target), None)


def in_region(user, region_code: str) -> bool:
    region = user.region
    return region is not None and region.contains(region_code)


def refusal(table: tuple[Step, ...], *, source: str, target: str, user, region_code: str,
            labels: dict) -> str:
    """Why ``user`` may not take the step from ``source`` to ``target`` now, or ``""``."""
    found = find_step(table, source, target)
    if found is None:
        return f"当前状态为“{labels.get(source, source)}”，不能变更为“{labels.get(target, target)}”。"
    if user is None or not user.is_authenticated or user.role not in found.roles:
        who = "或".join(ROLE_LABELS.get(r, r) for r in sorted(found.roles))
        return f"“{found.label}”只能由{who}操作。"
    if not in_region(user, region_code):
        return "该企业不在您的辖区内。"
    return ""


def ensure_step(table, *, source, target, user, region_code, labels) -> Step:
    reason = refusal(table, source=source, target=target, user=user, region_code=region_code, labels=labels)
    if reason:
        raise StepError(reason)
    return find_step(table, source, target)


def available_steps(table, *, source, user, region_code, labels) -> list[Step]:
    return [s for s in table if s.source == source and not refusal(
        table, source=source, target=s.target, user=user, region_code=region_code, labels=labels)]
