"""Putting the two sides of a match in touch (牵线): the enterprise (or the supplier) asks, the other side accepts —
or a bureau of the demand's region brokers it. Only then does each side see the other's contact person and phone;
who asked, who agreed and when are recorded and audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.scoping import BUREAU_ROLES
from portal.services.audit import audit
from portal.services.notifications import notify_on_commit

from ..models import Match

PARTY_ROLES = ("enterprise", "supplier")


def side_of(user, match: Match) -> str:
    """``"enterprise"`` (the demand's), ``"supplier"`` (the patent's) or ``""`` (neither party)."""
    if user is None or user.organisation_id is None:
        return ""
    if user.organisation_id == match.demand.enterprise_id:
        return "enterprise"
    if user.organisation_id == match.patent.supplier_id:
        return "supplier"
    return ""


def _other_side_users(match: Match, side: str):
    organisation = match.patent.supplier if side == "enterprise" else match.demand.enterprise
    return list(organisation.users.filter(is_active=True)) if organisation is not None else []


def _locked(match: Match) -> Match:
    return (Match.objects.select_for_update(of=("self",))
            .select_related("demand__enterprise", "patent__supplier").get(pk=match.pk))


def introduction_request(*, match: Match, actor) -> Match:
    with transaction.atomic():
        match = _locked(match)
        side = side_of(actor, match)
        if not side:
            raise PermissionDenied("只有需求方或专利供给方可以申请对接。")
        if match.introduced_at is not None:
            raise ValidationError("双方已同意对接，可直接查看对方联系方式。")
        if match.introduction_requested_at is not None:
            raise ValidationError("已申请对接，请等待对方同意。")
        match.introduction_requested_by, match.introduction_requested_at = actor, timezone.now()
        match.save(update_fields=["introduction_requested_by", "introduction_requested_at", "updated_at"])
        audit(actor=actor, action="match.introduction_requested", target=match, data={"side": side})
        notify_on_commit(recipients=_other_side_users(match, side), verb="match.introduction_requested",
                         title="对方申请与您对接",
                         body=f"“{match.demand.title}”与专利“{match.patent.title}”：对方希望与您取得联系，同意后双方可见联系方式。",
                         url=f"/matching/matches/{match.pk}/")
    return match


def introduction_accept(*, match: Match, actor) -> Match:
    with transaction.atomic():
        match = _locked(match)
        side = side_of(actor, match)
        if match.introduction_requested_at is None or match.introduced_at is not None:
            raise ValidationError("当前没有待您同意的对接申请。")
        if not side or side == side_of(match.introduction_requested_by, match):
            raise PermissionDenied("只有对方可以同意对接申请。")
        match.introduced_by, match.introduced_at = actor, timezone.now()
        match.save(update_fields=["introduced_by", "introduced_at", "updated_at"])
        audit(actor=actor, action="match.introduction_accepted", target=match)
        notify_on_commit(recipients=_other_side_users(match, side), verb="match.introduced", title="对方已同意对接",
                         body=f"“{match.demand.title}”：对方已同意对接，可在匹配详情中查看联系方式。",
                         url=f"/matching/matches/{match.pk}/")
    return match


def introduction_broker(*, match: Match, actor, comment: str = "") -> Match:
    """A bureau of the demand's region puts both sides in touch (e.g. at a matchmaking event)."""
    with transaction.atomic():
        match = _locked(match)
        if actor.role not in BUREAU_ROLES or not Match.objects.visible_to(actor).filter(pk=match.pk).exists():
            raise PermissionDenied("只有需求所在地的主管部门可以促成对接。")
        if match.introduced_at is not None:
            raise ValidationError("双方已对接。")
        match.introduced_by, match.introduced_at, match.introduction_brokered = actor, timezone.now(), True
        match.save(update_fields=["introduced_by", "introduced_at", "introduction_brokered", "updated_at"])
        audit(actor=actor, action="match.introduction_brokered", target=match, comment=comment)
        recipients = _other_side_users(match, "enterprise") + _other_side_users(match, "supplier")
        notify_on_commit(recipients=recipients, verb="match.introduced", title="主管部门已为您促成对接",
                         body=f"“{match.demand.title}”与专利“{match.patent.title}”：双方可在匹配详情中查看对方联系方式。",
                         url=f"/matching/matches/{match.pk}/")
    return match


def counterpart_contact(user, match: Match) -> dict | None:
    """The other side's contact, for a party once both agreed; nothing before, and nothing for anyone else."""
    side = side_of(user, match)
    if not side or match.introduced_at is None:
        return None
    other = match.patent.supplier if side == "enterprise" else match.demand.enterprise
    if other is None:
        return {"name": match.patent.holder_name, "person": "", "phone": ""}
    return {"name": other.name, "person": other.contact_person, "phone": other.contact_phone}


def introduction_actions(user, match: Match) -> list[dict]:
    """The introduction buttons ``user`` sees now."""
    if match.introduced_at is not None:
        return []
    side = side_of(user, match)
    if side and match.introduction_requested_at is None:
        return [{"action": "request", "label": "申请对接（同意后双方可见联系方式）"}]
    if side and side != side_of(match.introduction_requested_by, match):
        return [{"action": "accept", "label": "同意对接"}]
    if user.role in BUREAU_ROLES:
        return [{"action": "broker", "label": "促成双方对接"}]
    return []
