"""Follow-up of a match — suggested → contacted → negotiating → deal | dropped — and the deal it ends in.

The TRANSITIONS table (``matching.choices``) says which move is allowed from which status and by whom; the
same table lists the buttons a person sees. Each move is one service, audited; the other party is told.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.services.audit import audit
from portal.services.notifications import notify

from ..choices import TRANSITIONS, DealMode, MatchStatus
from ..models import Deal, Match


def party_of(user, match: Match) -> bool:
    """Whether ``user`` may act on this match at all: it must be able to see it (scope) as a party or bureau."""
    return Match.objects.visible_to(user).filter(pk=match.pk).exists()


def may_record_deals(user) -> bool:
    """Whether ``user``'s role records a deal and updates its payments (the roles of the move to a deal)."""
    return user.role in TRANSITIONS[MatchStatus.NEGOTIATING][MatchStatus.DEAL]["roles"]


def can_transition(user, match: Match, to: str) -> tuple[bool, str]:
    rule = TRANSITIONS.get(match.status, {}).get(to)
    if rule is None:
        return False, f"当前状态“{match.get_status_display()}”不能变更为“{MatchStatus(to).label}”。"
    if user.role not in rule["roles"]:
        return False, "您的角色不能跟进该匹配。"
    if not party_of(user, match):
        return False, "您不是该匹配的当事方或主管部门。"
    return True, ""


def available_transitions(user, match: Match) -> list[dict]:
    """The buttons ``user`` sees on a match (the deal form is a link, not a plain button)."""
    buttons = []
    for to, rule in match.next_statuses().items():
        if user.role in rule["roles"]:
            buttons.append({"to": to, "label": rule["label"], "needs_deal": rule.get("needs_deal", False),
                            "danger": to == MatchStatus.DROPPED})
    return buttons


def _move(*, match: Match, actor, to: str, comment: str = "", deal: bool = False) -> Match:
    match = Match.objects.select_for_update().select_related("demand__enterprise", "patent__supplier").get(
        pk=match.pk)
    allowed, reason = can_transition(actor, match, to)
    if not allowed:
        # A move the workflow does not allow is bad input; a person who may not act is refused.
        raise (ValidationError if to not in match.next_statuses() else PermissionDenied)(reason)
    if TRANSITIONS[match.status][to].get("needs_deal") and not deal:
        raise ValidationError("登记成交须填写成交信息（转化方式、合同金额、签约日期）。")
    previous = match.status
    match.status, match.status_changed_at = to, timezone.now()
    match.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit(actor=actor, action=f"match.{to}", target=match, comment=comment, data={"from": previous, "to": to})
    _tell_other_party(match, actor, f"对接进展：{MatchStatus(to).label}")
    return match


def match_contact(*, match: Match, actor, comment: str = "") -> Match:
    with transaction.atomic():
        return _move(match=match, actor=actor, to=MatchStatus.CONTACTED, comment=comment)


def match_negotiate(*, match: Match, actor, comment: str = "") -> Match:
    with transaction.atomic():
        return _move(match=match, actor=actor, to=MatchStatus.NEGOTIATING, comment=comment)


def match_drop(*, match: Match, actor, comment: str = "") -> Match:
    with transaction.atomic():
        return _move(match=match, actor=actor, to=MatchStatus.DROPPED, comment=comment)


TRANSITION_SERVICES = {
    MatchStatus.CONTACTED: match_contact,
    MatchStatus.NEGOTIATING: match_negotiate,
    MatchStatus.DROPPED: match_drop,
}


def match_transition(*, match: Match, actor, to: str, comment: str = "") -> Match:
    """Dispatch a button press to its service; the deal status only through ``deal_record``."""
    service = TRANSITION_SERVICES.get(to)
    if service is None:
        raise ValidationError("该操作须通过成交登记表完成。" if to == MatchStatus.DEAL else "未知的跟进操作。")
    return service(match=match, actor=actor, comment=comment)


def _check_amounts(contract_amount: Decimal, amount_received: Decimal, signed_on: date) -> None:
    errors = {}
    if contract_amount is None or contract_amount <= 0:
        errors["contract_amount"] = "合同金额须大于 0。"
    if amount_received is None or amount_received < 0:
        errors["amount_received"] = "已到账金额不能为负数。"
    elif contract_amount is not None and amount_received > contract_amount:
        errors["amount_received"] = "已到账金额不能超过合同金额。"
    if signed_on is None or signed_on > timezone.localdate():
        errors["signed_on"] = "签约日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)


def deal_record(*, match: Match, actor, mode: str, contract_amount: Decimal, amount_received: Decimal,
                signed_on: date, note: str = "") -> Deal:
    """A negotiation ends in a contract: the match becomes a deal and enters the conversion list."""
    if mode not in DealMode.values:
        raise ValidationError({"mode": "请选择转化方式：转让、许可或作价入股。"})
    _check_amounts(contract_amount, amount_received, signed_on)
    with transaction.atomic():
        match = _move(match=match, actor=actor, to=MatchStatus.DEAL, deal=True)
        deal = Deal.objects.create(match=match, mode=mode, contract_amount=contract_amount,
                                   amount_received=amount_received, signed_on=signed_on, note=note,
                                   recorded_by=actor)
        audit(actor=actor, action="deal.recorded", target=deal, data={
            "mode": mode, "contract_amount": str(contract_amount), "amount_received": str(amount_received),
            "signed_on": signed_on.isoformat()})
    return deal


def deal_update_received(*, deal: Deal, actor, amount_received: Decimal, note: str | None = None) -> Deal:
    """Payments arrive over time: the amount received grows up to the contract amount."""
    with transaction.atomic():
        deal = Deal.objects.select_for_update().select_related("match").get(pk=deal.pk)
        if not party_of(actor, deal.match) or not may_record_deals(actor):
            raise PermissionDenied("您不能修改该成交记录。")
        _check_amounts(deal.contract_amount, amount_received, deal.signed_on)
        previous = deal.amount_received
        deal.amount_received = amount_received
        if note is not None:
            deal.note = note
        deal.save(update_fields=["amount_received", "note", "updated_at"])
        audit(actor=actor, action="deal.received_updated", target=deal,
              data={"from": str(previous), "to": str(amount_received)})
    return deal


def _tell_other_party(match: Match, actor, title: str) -> None:
    """The enterprise hears of what the supplier did and the other way round; bureaus act for either."""
    people = []
    if actor.organisation_id != match.demand.enterprise_id:
        people += list(match.demand.enterprise.users.filter(is_active=True))
    if actor.organisation_id != match.patent.supplier_id:
        people += list(match.patent.supplier.users.filter(is_active=True))
    url = reverse("matching:match-detail", args=[match.pk])
    body = f"需求“{match.demand.title}”与专利“{match.patent.title}”：{title}"
    transaction.on_commit(lambda: notify(recipients=people, verb="matching.follow_up", title=title, body=body,
                                         url=url, email=False))
