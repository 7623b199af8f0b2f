"""Who may move a subsidy application or a risk-compensation claim from which status to which, as data.

Like ``pool/workflow.py``: each table both guards the services (``ensure_transition``) and lists the buttons a
person sees (``available_actions``). ``scope``: ``"region"`` = the actor's region contains the object's county;
``"fund"`` = the actor's bureau is the one that holds the fund claimed from. Services lock the row before calling
``ensure_transition``, so of two people acting at once the second sees the new status and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ClaimStatus, SubsidyStatus

S = SubsidyStatus
C = ClaimStatus


class TransitionError(Exception):
    """A refused status change; ``str(error)`` is the Chinese reason shown to the person."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    role: str
    scope: str  # "region" | "fund"
    label: str
    comment_required: bool = False
    style: str = "primary"


SUBSIDY_TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.SUBMITTED, S.COUNTY_VERIFIED, "county", "region", "核实通过"),
    Transition(S.SUBMITTED, S.COUNTY_REJECTED, "county", "region", "核实不通过", comment_required=True,
               style="danger"),
    Transition(S.COUNTY_VERIFIED, S.APPROVED, "city", "region", "批准补贴"),
    Transition(S.COUNTY_VERIFIED, S.CITY_REJECTED, "city", "region", "不予批准", comment_required=True,
               style="danger"),
    Transition(S.APPROVED, S.PAID, "city", "region", "登记拨付"),
)

CLAIM_TRANSITIONS: tuple[Transition, ...] = (
    Transition(C.SUBMITTED, C.APPROVED, "city", "fund", "批准补偿"),
    Transition(C.SUBMITTED, C.REJECTED, "city", "fund", "不予补偿", comment_required=True, style="danger"),
    Transition(C.SUBMITTED, C.APPROVED, "province", "fund", "批准补偿"),
    Transition(C.SUBMITTED, C.REJECTED, "province", "fund", "不予补偿", comment_required=True, style="danger"),
)

ROLE_LABELS = {"county": "县级审核员", "city": "市级管理员", "province": "省级管理员"}


def _labels(obj) -> type:
    return SubsidyStatus if obj._meta.model_name == "subsidyapplication" else ClaimStatus


def _in_scope(transition: Transition, user, obj) -> bool:
    region = user.region
    if region is None:
        return False
    if transition.scope == "fund":
        return region.code == obj.fund.region_id
    return region.contains(obj.region_id)


def transition_for(table, source: str, target: str, role: str | None = None) -> Transition | None:
    return next((t for t in table if t.source == source and t.target == target and (role is None or t.role == role)),
                None)


def check_transition(table, obj, *, to: str, user) -> tuple[bool, str]:
    """``(allowed, reason)``: may ``user`` move ``obj`` to status ``to`` now?"""
    labels = _labels(obj)
    current = labels(obj.status).label
    candidates = [t for t in table if t.source == obj.status and t.target == to]
    if not candidates:
        target = labels(to).label if to in labels.values else to
        return False, f"当前状态为“{current}”，不能变更为“{target}”。"
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    transition = next((t for t in candidates if t.role == role), None)
    if transition is None:
        who = "或".join(ROLE_LABELS.get(t.role, t.role) for t in candidates)
        return False, f"“{candidates[0].label}”只能由{who}操作。"
    if not _in_scope(transition, user, obj):
        return False, "该事项不在您的辖区内。" if transition.scope == "region" else "该资金池不由贵单位管理。"
    return True, ""


def ensure_transition(table, obj, *, to: str, user) -> Transition:
    allowed, reason = check_transition(table, obj, to=to, user=user)
    if not allowed:
        raise TransitionError(reason)
    return transition_for(table, obj.status, to, user.role)


def available_actions(table, user, obj) -> list[Transition]:
    """The transitions ``user`` may take on ``obj`` now (the buttons to show)."""
    role = getattr(user, "role", None)
    return [t for t in table if t.source == obj.status and t.role == role
            and check_transition(table, obj, to=t.target, user=user)[0]]
