"""List pages and API lists: same filters, same scope, a fixed number of queries whatever the rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from pool.loadgen import generate_applications
from pool.services.applications import application_submit
from pool.services.batch_scoring import batch_score
from tests.factories import user_with_role
from tests.pool.helpers import make_application

pytestmark = pytest.mark.django_db


def _count_queries(django_assert_max_num_queries, fetch) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/pool/applications/", "/api/pool/applications/", "/pool/batches/",
                                 "/api/pool/batches/"])
def test_lists_run_the_same_number_of_queries_for_5_and_30_rows(client, batch, url,
                                                               django_assert_max_num_queries):
    from tests.pool.helpers import make_batch

    province = user_with_role("province")
    client.force_login(province)
    generate_applications(batch=batch, count=5)
    for i in range(4):
        make_batch(name=f"批次{i}")
    few = _count_queries(django_assert_max_num_queries, lambda: client.get(url))
    generate_applications(batch=batch, count=25)
    for i in range(25):
        make_batch(name=f"更多批次{i}")
    many = _count_queries(django_assert_max_num_queries, lambda: client.get(url))
    assert few == many


def test_enterprise_list_shows_only_its_own_applications(client, applicant, batch):
    mine = make_application(applicant, batch)
    generate_applications(batch=batch, count=3)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-list")).content.decode()
    assert mine.enterprise_name in page
    assert page.count("data-application=") == 1
    api = APIClient()
    api.force_authenticate(applicant)
    assert [row["id"] for row in api.get("/api/pool/applications/").json()["results"]] == [mine.pk]


@pytest.mark.parametrize("role,region,visible", [
    ("county", "420202", True), ("county", "420203", False), ("city", "420200", True), ("city", "420500", False),
    ("province", "420000", True), ("bank", "420200", False), ("supplier", "420200", False),
])
def test_application_api_is_scoped(applicant, batch, role, region, visible):
    application = make_application(applicant, batch)
    api = APIClient()
    api.force_authenticate(user_with_role(role, region))
    detail = api.get(f"/api/pool/applications/{application.pk}/")
    assert detail.status_code == (200 if visible else 404)
    assert (application.pk in [r["id"] for r in api.get("/api/pool/applications/").json()["results"]]) == visible


def test_filters_are_shared_by_page_and_api(client, batch):
    generate_applications(batch=batch, count=20)
    batch_score(batch=batch)
    province = user_with_role("province")
    client.force_login(province)
    api = APIClient()
    api.force_authenticate(province)
    from pool.models import Application

    city = Application.objects.filter(batch=batch, verdict="ineligible").first().region_id[:4]
    query = f"verdict=ineligible&region={city}00&ordering=-score"
    rows = api.get(f"/api/pool/applications/?{query}").json()["results"]
    assert rows and all(r["verdict"] == "ineligible" and r["region"].startswith(city) for r in rows)
    assert len(rows) < 20
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), key=float, reverse=True)
    page = client.get(f"/pool/applications/?{query}").content.decode()
    assert page.count("data-application=") == len(rows)


def test_evaluation_endpoint_returns_the_stored_result(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    api = APIClient()
    api.force_authenticate(user_with_role("county", "420202"))
    body = api.get(f"/api/pool/applications/{application.pk}/evaluation/").json()
    assert body["criteria_set_code"] == "national-2024"
    assert body["criteria_set_version"] == 1
    assert body["revision_number"] == 1
    assert [r["number"] for r in body["results"]["results"]] == list(range(1, 11))


def test_a_draft_has_a_live_evaluation_for_its_owner_only(applicant, batch):
    application = make_application(applicant, batch)
    api = APIClient()
    api.force_authenticate(applicant)
    body = api.get(f"/api/pool/applications/{application.pk}/evaluation/").json()
    assert body["live"] is True and body["verdict"] == "eligible"
    api.force_authenticate(user_with_role("county", "420202"))
    assert api.get(f"/api/pool/applications/{application.pk}/evaluation/").status_code == 404


def test_reviewers_read_the_submitted_revision_not_the_live_draft(applicant, batch, county_user):
    from pool.services.review import application_return

    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    application_return(application=application, reviewer=county_user, comment="补充")
    application.refresh_from_db()
    application.data = {**application.data, "rnd": {**application.data["rnd"], "rnd_expense": "1"}}
    application.save()
    api = APIClient()
    api.force_authenticate(county_user)
    assert api.get(f"/api/pool/applications/{application.pk}/").json()["data"]["rnd"]["rnd_expense"] == "9000000"
    api.force_authenticate(applicant)
    assert api.get(f"/api/pool/applications/{application.pk}/").json()["data"]["rnd"]["rnd_expense"] == "1"


def test_province_creates_a_batch_through_the_api_and_the_quota_is_capped(batch):
    api = APIClient()
    api.force_authenticate(user_with_role("province"))
    payload = {"name": "2027 年度", "year": 2027, "criteria_set": batch.criteria_set_id, "opens_on": "2027-03-01",
               "closes_on": "2027-04-30", "province_quota": 501}
    refused = api.post("/api/pool/batches/", payload, format="json")
    assert refused.status_code == 400
    assert "全省推荐名额不得超过 500 家。" in str(refused.json())
    created = api.post("/api/pool/batches/", payload | {"province_quota": 500}, format="json")
    assert created.status_code == 201
    assert created.json()["region"] == "420000"


def test_county_cannot_create_a_batch(batch):
    api = APIClient()
    api.force_authenticate(user_with_role("county"))
    payload = {"name": "x", "year": 2027, "criteria_set": batch.criteria_set_id, "opens_on": "2027-03-01",
               "closes_on": "2027-04-30"}
    assert api.post("/api/pool/batches/", payload, format="json").status_code == 403


def test_batches_of_another_province_are_invisible(batch):
    api = APIClient()
    api.force_authenticate(user_with_role("province", "430000"))
    assert api.get(f"/api/pool/batches/{batch.pk}/").status_code == 404
