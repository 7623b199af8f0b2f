"""Who may move an application from which status to which, as data (DESIGN §4.3).

``TRANSITIONS`` both guards every status change (``ensure_transition``) and lists the buttons a person sees
(``available_actions``). ``scope`` says what ties the actor to the application: ``"own"`` = the actor's
organisation is the applying enterprise; ``"region"`` = the actor's region contains the application's county.
Services lock the row (``select_for_update``) before calling ``ensure_transition``, so of two reviewers acting
at once the second sees the new status and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Application, ApplicationStatus

S = ApplicationStatus


class TransitionError(Exception):
    """A refused status change; ``str(error)`` is the Chinese reason shown to the person."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    role: str
    scope: str  # "own" | "region"
    label: str
    comment_required: bool = False
    style: str = "primary"  # the button's look: primary | secondary | danger


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SUBMITTED, "enterprise", "own", "提交申报"),
    Transition(S.RETURNED, S.SUBMITTED, "enterprise", "own", "重新提交"),
    # 撤回: until the county acts, the enterprise may take its submission back and submit again later.
    Transition(S.SUBMITTED, S.DRAFT, "enterprise", "own", "撤回申报", style="secondary"),
    Transition(S.SUBMITTED, S.RETURNED, "county", "region", "退回修改", comment_required=True, style="secondary"),
    Transition(S.SUBMITTED, S.REJECTED, "county", "region", "不予通过", comment_required=True, style="danger"),
    Transition(S.SUBMITTED, S.COUNTY_APPROVED, "county", "region", "审核通过"),
    Transition(S.COUNTY_APPROVED, S.CITY_REJECTED, "city", "region", "不予推荐", comment_required=True,
               style="danger"),
    Transition(S.COUNTY_APPROVED, S.RECOMMENDED, "city", "region", "推荐至省"),
    Transition(S.RECOMMENDED, S.PROVINCE_REJECTED, "province", "region", "省级不予推荐", comment_required=True,
               style="danger"),
    Transition(S.RECOMMENDED, S.PROVINCE_RECOMMENDED, "province", "region", "省级推荐"),
    Transition(S.PROVINCE_RECOMMENDED, S.ADMITTED, "province", "region", "确认入库"),
)

ROLE_LABELS = {"enterprise": "申报企业", "county": "县级审核员", "city": "市级管理员", "province": "省级管理员"}


def transition_for(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def _in_scope(transition: Transition, user, application: Application) -> bool:
    if transition.scope == "own":
        return user.organisation_id is not None and user.organisation_id == application.enterprise_id
    region = user.region
    return region is not None and region.contains(application.region_id)


def actor_refusal(transition: Transition, user, application: Application) -> str:
    """Why ``user`` may not take ``transition`` on ``application`` (wrong role or out of scope), or ``""``."""
    if user is None or not user.is_authenticated or user.role != transition.role:
        return f"“{transition.label}”只能由{ROLE_LABELS.get(transition.role, transition.role)}操作。"
    if not _in_scope(transition, user, application):
        if transition.scope == "own":
            return "只能操作本企业的申报。"
        return "该申报不在您的辖区内。"
    return ""


def check_transition(application: Application, *, to: str, user) -> tuple[bool, str]:
    """``(allowed, reason)``: may ``user`` move ``application`` to status ``to`` now?"""
    current = ApplicationStatus(application.status).label
    transition = transition_for(application.status, to)
    if transition is None:
        target = ApplicationStatus(to).label if to in ApplicationStatus.values else to
        return False, f"申报当前状态为“{current}”，不能变更为“{target}”。"
    reason = actor_refusal(transition, user, application)
    return not reason, reason


def ensure_transition(application: Application, *, to: str, user) -> Transition:
    allowed, reason = check_transition(application, to=to, user=user)
    if not allowed:
        raise TransitionError(reason)
    return transition_for(application.status, to)


def available_actions(user, application: Application) -> list[Transition]:
    """The transitions ``user`` may take on ``application`` now, in table order (the buttons to show)."""
    return [t for t in TRANSITIONS
            if t.source == application.status and check_transition(application, to=t.target, user=user)[0]]
