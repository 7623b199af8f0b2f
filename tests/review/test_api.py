"""The review API: queue, ranked list with its quota, decisions through the same services, in the schema."""

import pytest
from rest_framework.test import APIClient

from pool.models import ApplicationStatus, BatchCityQuota
from pool.services.review import application_return
from tests.review.helpers import advanced, no_filing, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_queue_filters_like_the_page(batch, county):
    low = submitted(batch, name="低分企业", change=no_filing)
    high = submitted(batch, name="高分企业")
    api = _api(county)
    assert [r["id"] for r in api.get("/api/pool/review/", {"verdict": "conditional"}).json()["results"]] == [low.pk]
    ordered = api.get("/api/pool/review/", {"ordering": "-score"}).json()["results"]
    assert [r["id"] for r in ordered] == [high.pk, low.pk]
    assert [r["id"] for r in api.get("/api/pool/review/", {"industry": "c38"}).json()["results"]] == [low.pk, high.pk]
    assert api.get("/api/pool/review/", {"industry": "C35"}).json()["count"] == 0


def test_a_decision_through_the_api_and_the_history(batch, county):
    application = submitted(batch)
    api = _api(county)
    detail = api.get(f"/api/pool/review/{application.pk}/").json()
    assert [a["to"] for a in detail["actions"]] == ["returned", "rejected", "county_approved"]
    assert len(detail["criteria"]) == 10
    response = api.post(f"/api/pool/review/{application.pk}/decide/",
                        {"to": "returned", "comment": "请补充", "section_comments": {"rnd": "请附审计报告"}},
                        format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    history = api.get(f"/api/pool/review/{application.pk}/transitions/").json()
    assert history[-1]["to_status"] == "returned" and history[-1]["section_comments"] == {"rnd": "请附审计报告"}


def test_a_refused_decision_explains_itself(batch, county):
    application = submitted(batch, change=no_filing)
    api = _api(county)
    refused = api.post(f"/api/pool/review/{application.pk}/decide/", {"to": "county_approved"}, format="json")
    assert refused.status_code == 400 and "第 4 项" in refused.json()["criterion_4"][0]
    done = api.post(f"/api/pool/review/{application.pk}/decide/",
                    {"to": "county_approved", "justifications": {"4": "备案已受理"}}, format="json")
    assert done.status_code == 200


def test_the_second_decision_gets_409_with_the_current_status(batch, county):
    application = submitted(batch)
    application_return(application=application, reviewer=county, comment="请补充")
    response = _api(county).post(f"/api/pool/review/{application.pk}/decide/", {"to": "county_approved"},
                                 format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "该申报已被其他审核人员处理，当前状态：退回修改。"


def test_an_override_through_the_api(batch, county):
    application = submitted(batch)
    response = _api(county).post(f"/api/pool/review/{application.pk}/criteria/",
                                 {"number": 8, "outcome": "fail", "justification": "商标未使用"}, format="json")
    assert response.status_code == 201
    assert response.json()["machine_outcome"] == "pass" and response.json()["outcome"] == "fail"


def test_the_ranked_list_carries_rank_and_tie_breakers_and_the_quota(batch, city):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=3)
    first, second = advanced(batch, S.COUNTY_APPROVED), advanced(batch, S.RECOMMENDED)
    api = _api(city)
    rows = api.get("/api/pool/ranking/").json()["results"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert {r["id"] for r in rows} == {first.pk, second.pk}
    assert rows[0]["industrialisation_rate"] == 1.0 and rows[0]["rnd_intensity"] == pytest.approx(0.1125)
    assert api.get("/api/pool/ranking/", {"status": "recommended"}).json()["count"] == 1
    quota = api.get("/api/pool/ranking/quota/").json()
    assert quota == {"batch": batch.pk, "label": "黄石市推荐名额", "limit": 3, "used": 1, "remaining": 2}


def test_the_schema_documents_the_review_api(client, county):
    client.force_login(county)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in ("/api/pool/review/", "/api/pool/review/{id}/decide/", "/api/pool/review/{id}/transitions/",
                 "/api/pool/review/{id}/criteria/", "/api/pool/review/batch/", "/api/pool/ranking/",
                 "/api/pool/ranking/quota/"):
        assert path in paths, path
    decide = paths["/api/pool/review/{id}/decide/"]["post"]
    assert "409" in decide["responses"]
    names = {p["name"] for p in paths["/api/pool/review/"]["get"]["parameters"]}
    assert {"q", "batch", "status", "verdict", "industry", "min_score", "max_score", "ordering"} <= names
