"""Follow-up cultivation (接续培育): a graduate moves on to follow-up, and its milestones toward 专精特新“小巨人”
and 单项冠军 are recorded by the county or by the enterprise itself.

Both are state changes: one transaction, the member row locked, audited, the other party told after commit.
Who may take the member step is ``MEMBERSHIP_STEPS`` (``pool.lifecycle.workflow``); who may record a milestone is
``milestone_refusal`` below, which the pages also ask before showing the form.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from criteria.facts import QualificationLevel
from portal.models import User
from portal.services import audit, notify_on_commit

from ...lifecycle.workflow import (
    MEMBERSHIP_STEPS,
    MembershipStatus,
    StepError,
    available_steps,
    ensure_step,
    in_region,
)
from ...models import FollowUpMilestone, Membership, MilestoneKind

M = MembershipStatus
STATUS_LABELS = dict(M.CHOICES)
#: Members whose follow-up milestones are recorded: graduates keep their support and are tracked onwards.
MILESTONE_STATUSES = (M.GRADUATED, M.FOLLOW_UP)
#: Who records a milestone: the member's county bureau, or the enterprise for itself.
MILESTONE_ROLES = ("county", "enterprise")
LEVEL_CHOICES = [*QualificationLevel.CHOICES, ("other", "其他")]
LEVEL_LABELS = dict(LEVEL_CHOICES)


def _lock(membership: Membership) -> Membership:
    return Membership.objects.select_for_update(of=("self",)).select_related("region").get(pk=membership.pk)


def _enterprise_users(membership: Membership) -> list[User]:
    return list(User.objects.filter(organisation_id=membership.enterprise_id, is_active=True))


def _county_users(membership: Membership) -> list[User]:
    return list(User.objects.filter(organisation__kind="county", organisation__region_id=membership.region_id,
                                    is_active=True))


def member_steps(user: User, membership: Membership) -> list:
    """The member steps ``user`` may take on this page: those of ``MEMBERSHIP_STEPS`` that have a service here
    (graduation, removal and restoration are taken through proposals and appeals, on their own pages)."""
    steps = available_steps(MEMBERSHIP_STEPS, source=membership.status, user=user,
                            region_code=membership.region_id, labels=STATUS_LABELS)
    return [s for s in steps if s.target in MEMBER_SERVICES]


def membership_start_follow_up(*, membership: Membership, user: User, comment: str = "") -> Membership:
    """A graduate enters follow-up cultivation (转入接续培育): its county or city bureau moves it; it keeps its
    support, and its milestones are tracked from now on."""
    with transaction.atomic():
        locked = _lock(membership)
        ensure_step(MEMBERSHIP_STEPS, source=locked.status, target=M.FOLLOW_UP, user=user,
                    region_code=locked.region_id, labels=STATUS_LABELS)
        before = locked.status
        locked.status = M.FOLLOW_UP
        locked.status_changed_on = timezone.localdate()
        locked.save(update_fields=["status", "status_changed_on", "updated_at"])
        audit(actor=user, action="membership.follow_up_started", target=locked, comment=(comment or "").strip(),
              data={"from": before, "to": M.FOLLOW_UP})
        notify_on_commit(
            recipients=_enterprise_users(locked), verb="membership.follow_up_started",
            title="贵企业已转入接续培育",
            body=(f"{locked.enterprise_name}：贵企业出库后转入接续培育，继续享受培育库支持政策，"
                  "取得专精特新“小巨人”、制造业单项冠军等资质后，请在“我的培育档案”中登记。"),
            url=reverse("pool:membership-detail", args=[locked.pk]))
    return locked


#: The member steps this module takes, by target status (the page's buttons call them by target).
MEMBER_SERVICES = {M.FOLLOW_UP: membership_start_follow_up}


def membership_step(*, membership: Membership, user: User, target: str, comment: str = "") -> Membership:
    service = MEMBER_SERVICES.get(target)
    if service is None:
        raise StepError("该操作不能在此办理。")
    return service(membership=membership, user=user, comment=comment)


def milestone_refusal(user: User, membership: Membership) -> str:
    """Why ``user`` may not record a milestone of ``membership`` now, or ``""``."""
    if membership.status not in MILESTONE_STATUSES:
        return (f"只有已出库或接续培育中的企业可以登记接续培育节点（当前状态："
                f"{STATUS_LABELS.get(membership.status, membership.status)}）。")
    if user is None or not user.is_authenticated or user.role not in MILESTONE_ROLES:
        return "接续培育节点由企业本身或所在县（市、区）主管部门登记。"
    if user.role == "enterprise":
        return "" if user.organisation_id == membership.enterprise_id else "只能登记本企业的接续培育节点。"
    return "" if in_region(user, membership.region_id) else "该企业不在您的辖区内。"


def _clean_milestone(*, membership: Membership, kind: str, level: str, certificate_no: str, obtained_on,
                     note: str) -> dict:
    errors: dict[str, str] = {}
    if kind not in MilestoneKind.values:
        errors["kind"] = "请选择取得的资质。"
    level = (level or "").strip()
    if level and level not in LEVEL_LABELS:
        errors["level"] = "请选择资质级别。"
    if not isinstance(obtained_on, date):
        errors["obtained_on"] = "请填写取得日期（如 2025-06-30）。"
    elif obtained_on > timezone.localdate():
        errors["obtained_on"] = "取得日期不能晚于今天。"
    elif obtained_on < membership.admitted_on:
        errors["obtained_on"] = f"取得日期不能早于入库日期（{membership.admitted_on:%Y-%m-%d}）。"
    certificate_no = (certificate_no or "").strip()
    if len(certificate_no) > 60:
        errors["certificate_no"] = "证书编号不超过 60 个字符。"
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "level": level, "certificate_no": certificate_no, "obtained_on": obtained_on,
            "note": (note or "").strip()}


def milestone_record(*, membership: Membership, user: User, kind: str, obtained_on, level: str = "",
                     certificate_no: str = "", note: str = "") -> FollowUpMilestone:
    """Record a qualification a graduate obtained (接续培育节点), by its county bureau or by the enterprise; the
    other party is told."""
    with transaction.atomic():
        locked = _lock(membership)
        reason = milestone_refusal(user, locked)
        if reason:
            raise StepError(reason)
        fields = _clean_milestone(membership=locked, kind=kind, level=level, certificate_no=certificate_no,
                                  obtained_on=obtained_on, note=note)
        milestone = FollowUpMilestone.objects.create(membership=locked, recorded_by=user, **fields)
        audit(actor=user, action="membership.milestone_recorded", target=locked,
              data={"milestone": milestone.pk, "kind": milestone.kind, "level": milestone.level,
                    "obtained_on": milestone.obtained_on.isoformat()})
        others = _county_users(locked) if user.role == "enterprise" else _enterprise_users(locked)
        who = locked.enterprise_name if user.role == "enterprise" else "县级主管部门"
        notify_on_commit(
            recipients=[u for u in others if u.pk != user.pk], verb="membership.milestone_recorded",
            title=f"接续培育节点已登记：{locked.enterprise_name}",
            body=(f"{who}登记了{locked.enterprise_name}的接续培育节点：{milestone.get_kind_display()}"
                  f"{('（' + LEVEL_LABELS[milestone.level] + '）') if milestone.level else ''}，"
                  f"取得日期 {milestone.obtained_on:%Y-%m-%d}。"),
            url=reverse("pool:membership-detail", args=[locked.pk]))
    return milestone
