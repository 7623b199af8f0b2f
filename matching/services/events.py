"""Matchmaking events (对接活动): a bureau organises one per industry chain and invites the enterprises and
suppliers that have matches in that chain inside its region."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from portal.models import Organisation, OrganisationKind
from portal.scoping import BUREAU_ROLES
from portal.services.audit import audit
from portal.services.notifications import notify

from ..choices import MatchStatus
from ..models import EventInvitation, Match, MatchmakingEvent


def can_organise(user) -> tuple[bool, str]:
    if user.role in BUREAU_ROLES:
        return True, ""
    return False, "只有县、市、省主管部门可以组织对接活动。"


def event_create(*, actor, title: str, industry_chain: str, held_on: date, place: str,
                 description: str = "") -> MatchmakingEvent:
    allowed, reason = can_organise(actor)
    if not allowed:
        raise PermissionDenied(reason)
    event = MatchmakingEvent(title=title, industry_chain=industry_chain, held_on=held_on, place=place,
                             description=description, organiser=actor.organisation,
                             region_id=actor.organisation.region_id, created_by=actor)
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit(actor=actor, action="matchmaking_event.created", target=event)
    return event


def invitation_candidates(event: MatchmakingEvent) -> dict[int, str]:
    """{organisation id: reason} — enterprises with a demand of the chain in the organiser's region that has
    live matches, and the suppliers of the matched patents."""
    prefix = event.region.scope_prefix
    matches = (Match.objects.exclude(status=MatchStatus.DROPPED)
               .filter(demand__region__code__startswith=prefix, demand__is_open=True)
               .filter(demand__industry_chain=event.industry_chain)
               .values_list("demand__enterprise_id", "patent__supplier_id"))
    demand_count: dict[int, int] = {}
    patent_count: dict[int, int] = {}
    for enterprise_id, supplier_id in matches:
        demand_count[enterprise_id] = demand_count.get(enterprise_id, 0) + 1
        patent_count[supplier_id] = patent_count.get(supplier_id, 0) + 1
    reasons = {pk: f"其“{event.industry_chain}”技术需求有 {n} 项匹配专利" for pk, n in demand_count.items()}
    reasons.update({pk: f"其专利与“{event.industry_chain}”需求匹配 {n} 项" for pk, n in patent_count.items()})
    return reasons


def event_invite_matched(*, event: MatchmakingEvent, actor) -> int:
    """Invite every matched enterprise and supplier of the chain not yet invited; returns how many."""
    if actor.role not in BUREAU_ROLES or not actor.region.contains(event.region_id):
        raise PermissionDenied("只有主办地区的主管部门可以发出邀请。")
    with transaction.atomic():
        event = MatchmakingEvent.objects.select_for_update().get(pk=event.pk)
        reasons = invitation_candidates(event)
        already = set(event.invitations.values_list("organisation_id", flat=True))
        organisations = Organisation.objects.filter(
            pk__in=set(reasons) - already, kind__in=[OrganisationKind.ENTERPRISE, OrganisationKind.SUPPLIER])
        invitations = [EventInvitation(event=event, organisation=o, reason=reasons[o.pk]) for o in organisations]
        EventInvitation.objects.bulk_create(invitations)
        audit(actor=actor, action="matchmaking_event.invited", target=event, data={"invited": len(invitations)})
        _notify_invited(event, [i.organisation for i in invitations])
    return len(invitations)


def _notify_invited(event: MatchmakingEvent, organisations: list[Organisation]) -> None:
    from portal.models import User

    people = list(User.objects.filter(organisation__in=organisations, is_active=True))
    if not people:
        return
    title = f"邀请参加对接活动：{event.title}"
    body = f"{event.held_on:%Y年%m月%d日}，{event.place}。{event.description}".strip()
    url = reverse("matching:event-detail", args=[event.pk])
    transaction.on_commit(lambda: notify(recipients=people, verb="matching.event_invited", title=title,
                                         body=body, url=url))

