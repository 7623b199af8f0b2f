"""Every list page and API list runs the same number of queries for 5 rows as for 30."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import Deal, EventInvitation, Match, MatchmakingEvent
from tests.factories import OrganisationFactory, user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {"enterprise": user_with_role("enterprise", "420202"), "supplier": user_with_role("supplier", "420200"),
            "county": user_with_role("county", "420202"), "city": user_with_role("city", "420200")}


def add_rows(people, n: int, start: int) -> None:
    city = people["city"]
    for i in range(start, start + n):
        demand = DemandFactory(enterprise=people["enterprise"].organisation)
        other = DemandFactory(enterprise=OrganisationFactory(region_id="420202"))
        patent = SupplyPatentFactory(supplier=people["supplier"].organisation, is_dormant=i % 2 == 0)
        match = Match.objects.create(demand=demand, patent=patent, score=0.5, rank=1, patent_rank=1, status="deal",
                                     explanation={"matched_terms": ["气孔"], "components": {"text": 0.5}})
        Match.objects.create(demand=other, patent=patent, score=0.4, rank=1, patent_rank=2)
        Deal.objects.create(match=match, mode="transfer", contract_amount=Decimal("1000"), signed_on=date(2025, 1, 1))
        event = MatchmakingEvent.objects.create(title=f"活动{i}", industry_chain="铸造", held_on=date(2025, 5, 1),
                                                place="黄石", organiser=city.organisation, region_id="420200")
        EventInvitation.objects.create(event=event, organisation=people["enterprise"].organisation)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


LISTS = [
    ("enterprise", "/matching/patents/"),
    ("enterprise", "/matching/patents/?q=压铸&dormant=true"),
    ("supplier", "/matching/patents/mine/"),
    ("enterprise", "/matching/demands/"),
    ("county", "/matching/demands/"),
    ("supplier", "/matching/matches/"),
    ("enterprise", "/matching/matches/"),
    ("city", "/matching/deals/"),
    ("supplier", "/matching/deals/"),
    ("city", "/matching/events/"),
    ("enterprise", "/matching/events/"),
    ("city", "/matching/runs/"),
    ("enterprise", "/"),
    ("supplier", "/"),
    ("enterprise", "/api/matching/patents/"),
    ("county", "/api/matching/demands/"),
    ("supplier", "/api/matching/matches/"),
    ("city", "/api/matching/deals/"),
    ("enterprise", "/api/matching/events/"),
]


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_list_query_count_does_not_grow_with_rows(client, people, role, url, django_assert_num_queries):
    client.force_login(people[role])
    add_rows(people, 5, 0)
    few = queries(client, url)
    add_rows(people, 25, 5)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200


def test_demand_and_patent_pages_do_not_grow_with_their_matches(client, people, django_assert_num_queries):
    demand = DemandFactory(enterprise=people["enterprise"].organisation)
    patent = SupplyPatentFactory(supplier=people["supplier"].organisation)

    def grow(n, start):
        for i in range(start, start + n):
            other = SupplyPatentFactory(supplier=people["supplier"].organisation)
            Match.objects.create(demand=demand, patent=other, score=0.5, rank=i + 1, explanation={"notes": ["x"]})
            Match.objects.create(demand=DemandFactory(enterprise=people["enterprise"].organisation), patent=patent,
                                 score=0.5, patent_rank=i + 1)

    pages = [("enterprise", f"/matching/demands/{demand.pk}/"), ("supplier", f"/matching/patents/{patent.pk}/")]
    grow(5, 0)
    counts = {}
    for role, url in pages:
        client.force_login(people[role])
        counts[url] = queries(client, url)
    grow(25, 5)
    for role, url in pages:
        client.force_login(people[role])
        with django_assert_num_queries(counts[url]):
            client.get(url)
