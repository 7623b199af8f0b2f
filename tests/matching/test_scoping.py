"""Who sees what: out-of-scope objects answer 404 on pages and in the API."""

import pytest
from django.urls import reverse

from matching.models import Demand, Match, SupplyPatent
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


def match_between(demand, patent, **extra):
    return Match.objects.create(demand=demand, patent=patent, score=0.5, rank=1, patent_rank=1,
                                explanation={"matched_terms": ["气孔"], "components": {"text": 0.5}}, **extra)


@pytest.fixture
def world(db):
    mine, other = user_with_role("enterprise", "420202"), user_with_role("enterprise", "420202")
    supplier, stranger_supplier = user_with_role("supplier", "420200"), user_with_role("supplier", "420500")
    my_demand = DemandFactory(enterprise=mine.organisation)
    other_demand = DemandFactory(enterprise=other.organisation)
    patent = SupplyPatentFactory(supplier=supplier.organisation)
    lonely_patent = SupplyPatentFactory(supplier=stranger_supplier.organisation)
    match = match_between(my_demand, patent)
    return {"mine": mine, "other": other, "supplier": supplier, "stranger_supplier": stranger_supplier,
            "my_demand": my_demand, "other_demand": other_demand, "patent": patent, "lonely_patent": lonely_patent,
            "match": match}


def test_enterprise_gets_404_for_another_enterprises_demand(client, world):
    client.force_login(world["mine"])
    assert client.get(reverse("matching:demand-detail", args=[world["my_demand"].pk])).status_code == 200
    assert client.get(reverse("matching:demand-detail", args=[world["other_demand"].pk])).status_code == 404
    assert client.get(f"/api/matching/demands/{world['other_demand'].pk}/").status_code == 404
    assert client.get(reverse("matching:demand-edit", args=[world["other_demand"].pk])).status_code == 404


def test_enterprise_list_holds_only_its_own_demands(client, world):
    client.force_login(world["mine"])
    ids = [row["id"] for row in client.get("/api/matching/demands/").json()["results"]]
    assert ids == [world["my_demand"].pk]


def test_supplier_sees_only_demands_matched_to_its_patents(client, world):
    assert list(Demand.objects.visible_to(world["supplier"])) == [world["my_demand"]]
    assert not Demand.objects.visible_to(world["stranger_supplier"]).exists()
    client.force_login(world["supplier"])
    assert client.get(reverse("matching:demand-detail", args=[world["my_demand"].pk])).status_code == 200
    assert client.get(reverse("matching:demand-detail", args=[world["other_demand"].pk])).status_code == 404
    client.force_login(world["stranger_supplier"])
    assert client.get(reverse("matching:demand-detail", args=[world["my_demand"].pk])).status_code == 404
    assert client.get(f"/api/matching/matches/{world['match'].pk}/").status_code == 404


def test_supplier_sees_only_its_own_patents_matches_under_a_shared_demand(client, world):
    rival = SupplyPatentFactory(supplier=world["stranger_supplier"].organisation)
    rival_match = match_between(world["my_demand"], rival)
    client.force_login(world["supplier"])
    page = client.get(reverse("matching:demand-detail", args=[world["my_demand"].pk])).content.decode()
    assert world["patent"].application_no in page and rival.application_no not in page
    assert client.get(reverse("matching:match-detail", args=[rival_match.pk])).status_code == 404
    api = [row["id"] for row in client.get("/api/matching/matches/").json()["results"]]
    assert api == [world["match"].pk]


def test_county_sees_demands_of_its_county_only(client, world):
    yichang = DemandFactory(enterprise=user_with_role("enterprise", "420502").organisation)
    county = user_with_role("county", "420202")
    visible = set(Demand.objects.visible_to(county))
    assert {world["my_demand"], world["other_demand"]} <= visible and yichang not in visible
    client.force_login(county)
    assert client.get(reverse("matching:demand-detail", args=[yichang.pk])).status_code == 404


def test_catalogue_is_public_but_unlisted_patents_only_to_their_supplier(client, world):
    withdrawn = SupplyPatentFactory(supplier=world["supplier"].organisation, is_listed=False)
    bank = user_with_role("bank", "420200")
    assert world["patent"] in SupplyPatent.objects.visible_to(bank)
    assert withdrawn not in SupplyPatent.objects.visible_to(bank)
    client.force_login(bank)
    assert client.get(reverse("matching:patent-detail", args=[world["patent"].pk])).status_code == 200
    assert client.get(reverse("matching:patent-detail", args=[withdrawn.pk])).status_code == 404
    client.force_login(world["supplier"])
    assert client.get(reverse("matching:patent-detail", args=[withdrawn.pk])).status_code == 200


def test_only_the_owner_may_edit_a_patent(client, world):
    client.force_login(world["stranger_supplier"])
    assert client.get(reverse("matching:patent-edit", args=[world["patent"].pk])).status_code == 404
    response = client.patch(f"/api/matching/patents/{world['patent'].pk}/", {"title": "改名"},
                            content_type="application/json")
    assert response.status_code == 404
    world["patent"].refresh_from_db()
    assert world["patent"].title != "改名"


def test_supplier_sees_only_its_own_patents_in_a_demands_match_count(client, world):
    # Before one annotation served both, the API counted every supplier's suggested patents for the demand.
    Match.objects.create(demand=world["my_demand"], patent=world["lonely_patent"], score=0.4, rank=2, patent_rank=1)
    client.force_login(world["supplier"])
    rows = client.get("/api/matching/demands/").json()["results"]
    assert [(row["id"], row["match_count"]) for row in rows] == [(world["my_demand"].pk, 1)]
    client.force_login(world["mine"])
    rows = client.get("/api/matching/demands/").json()["results"]
    assert [(row["id"], row["match_count"]) for row in rows] == [(world["my_demand"].pk, 2)]
