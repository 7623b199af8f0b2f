"""Matchmaking events invite the enterprises and suppliers with matches in the event's chain."""

from datetime import date

import pytest
from django.urls import reverse

from matching.models import EventInvitation, Match, MatchmakingEvent
from portal.models import Notification
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db):
    casting_firm, welding_firm = user_with_role("enterprise", "420202"), user_with_role("enterprise", "420202")
    yichang_firm = user_with_role("enterprise", "420502")
    supplier, other_supplier = user_with_role("supplier", "420200"), user_with_role("supplier", "420500")
    patent = SupplyPatentFactory(supplier=supplier.organisation)
    welding_patent = SupplyPatentFactory(supplier=other_supplier.organisation, industry_chain="智能制造")
    for firm, chain_name, the_patent in ((casting_firm, "铸造", patent), (welding_firm, "智能制造", welding_patent),
                                         (yichang_firm, "铸造", patent)):
        demand = DemandFactory(enterprise=firm.organisation, industry_chain=chain_name)
        Match.objects.create(demand=demand, patent=the_patent, score=0.5, rank=1, patent_rank=1)
    return {"casting": casting_firm, "welding": welding_firm, "yichang": yichang_firm, "supplier": supplier,
            "other_supplier": other_supplier}


def test_city_creates_an_event_and_invites_the_matched_parties_of_its_region(client, chain,
                                                                              django_capture_on_commit_callbacks):
    city = user_with_role("city", "420200")
    client.force_login(city)
    response = client.post(reverse("matching:event-create"), {"title": "铸造产业专利对接会", "industry_chain": "铸造",
                                                              "held_on": "2026-05-20", "place": "黄石市科技馆"})
    event = MatchmakingEvent.objects.get()
    assert response.status_code == 302 and event.region_id == "420200"
    assert "2 家待邀请" in client.get(reverse("matching:event-detail", args=[event.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:event-invite", args=[event.pk]))
    invited = set(EventInvitation.objects.values_list("organisation_id", flat=True))
    assert invited == {chain["casting"].organisation_id, chain["supplier"].organisation_id}
    assert Notification.objects.filter(recipient=chain["casting"], title__contains="铸造产业专利对接会").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:event-invite", args=[event.pk]))
    assert EventInvitation.objects.count() == 2


def test_invited_parties_see_the_event_others_get_404(client, chain):
    city = user_with_role("city", "420200")
    event = MatchmakingEvent.objects.create(title="对接会", industry_chain="铸造", held_on=date(2026, 5, 20),
                                            place="黄石", organiser=city.organisation, region_id="420200")
    EventInvitation.objects.create(event=event, organisation=chain["casting"].organisation)
    client.force_login(chain["casting"])
    assert client.get(reverse("matching:event-detail", args=[event.pk])).status_code == 200
    client.force_login(chain["welding"])
    assert client.get(reverse("matching:event-detail", args=[event.pk])).status_code == 404
    assert client.post(reverse("matching:event-invite", args=[event.pk])).status_code == 404


def test_enterprises_cannot_organise_events(client, chain):
    client.force_login(chain["casting"])
    assert client.get(reverse("matching:event-create")).status_code == 404
