"""The matching API writes through the same services as the pages and keeps their scoping and messages."""

import pytest

from matching.models import Demand, SupplyPatent
from tests.factories import OrganisationFactory, user_with_role
from tests.matching.factories import make_patent_no

pytestmark = pytest.mark.django_db

NEED = {"title": "电机壳漏气", "description": "压铸电机壳打压漏气。", "industry_chain": "铸造", "cooperation_mode": "any"}


def test_enterprise_posts_a_demand_for_itself(client, enterprise_user, django_capture_on_commit_callbacks):
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/api/matching/demands/", NEED, content_type="application/json")
    assert response.status_code == 201 and response.json()["enterprise"] == enterprise_user.organisation_id
    assert len(queued) == 1  # incremental matching is queued after commit
    other = OrganisationFactory(region_id="420202")
    response = client.post("/api/matching/demands/", {**NEED, "enterprise": other.pk}, content_type="application/json")
    assert response.status_code == 400 and "本辖区" in response.json()["enterprise"][0]


def test_county_posts_for_an_enterprise_of_its_county_only(client, county_user):
    client.force_login(county_user)
    mine, elsewhere = OrganisationFactory(region_id="420202"), OrganisationFactory(region_id="420502")
    ok = client.post("/api/matching/demands/", {**NEED, "enterprise": mine.pk}, content_type="application/json")
    assert ok.status_code == 201 and Demand.objects.get().entered_by == county_user
    refused = client.post("/api/matching/demands/", {**NEED, "enterprise": elsewhere.pk},
                          content_type="application/json")
    assert refused.status_code == 400 and Demand.objects.count() == 1


def test_bad_ipc_hint_is_a_400_with_the_chinese_message(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post("/api/matching/demands/", {**NEED, "ipc_hint": "铸造"}, content_type="application/json")
    assert response.status_code == 400 and "格式不正确" in response.json()["ipc_hint"][0]


def test_supplier_adds_a_patent_through_the_api(client, supplier_user):
    client.force_login(supplier_user)
    data = {"application_no": make_patent_no(9, 2020), "title": "一种真空压铸方法", "abstract": "抽真空减少气孔。",
            "ipc_main": "b22d 17/14", "holder_name": "磁湖理工学院", "holder_type": "university",
            "legal_status": "valid", "offer_type": "open_licence", "price": "20000"}
    response = client.post("/api/matching/patents/", data, content_type="application/json")
    assert response.status_code == 201, response.json()
    patent = SupplyPatent.objects.get()
    assert patent.ipc_main == "B22D17/14" and patent.open_licence_fee == patent.price
    duplicate = client.post("/api/matching/patents/", data, content_type="application/json")
    assert duplicate.status_code == 400 and "已在供给库中登记" in duplicate.json()["application_no"][0]


def test_enterprises_cannot_add_patents(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post("/api/matching/patents/", {"application_no": make_patent_no(9), "title": "x",
                                                      "ipc_main": "B22D17/14", "holder_name": "x",
                                                      "holder_type": "university", "legal_status": "valid",
                                                      "offer_type": "transfer"}, content_type="application/json")
    assert response.status_code == 403 and not SupplyPatent.objects.exists()


def test_schema_documents_the_matching_endpoints(client):
    client.force_login(user_with_role("city", "420200"))
    schema = client.get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/matching/patents/", "/api/matching/demands/", "/api/matching/matches/{id}/transition/",
            "/api/matching/matches/{id}/deal/", "/api/matching/deals/", "/api/matching/events/"} <= paths
