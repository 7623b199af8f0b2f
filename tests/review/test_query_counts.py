"""The queue page, the ranked list and their API lists run a fixed number of queries whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pool.loadgen import generate_applications
from pool.models import Application, ApplicationStatus
from pool.services.batch_scoring import batch_score

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _rows(batch, count: int, status: str) -> None:
    """``count`` more submitted, scored applications, all in 黄石港区 with ``status``."""
    seed = Application.objects.count() + 1
    generate_applications(batch=batch, count=count, seed=seed)
    batch_score(batch=batch)
    Application.objects.update(region_id="420202", status=status)


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def _page_rows(response) -> int:
    if response["Content-Type"].startswith("application/json"):
        return len(response.json()["results"])
    return response.content.decode().count("data-application=")


@pytest.mark.parametrize("role,region,status,url,query", [
    ("county", "420202", S.SUBMITTED, "/pool/review/", {"status": "submitted"}),
    ("county", "420202", S.SUBMITTED, "/api/pool/review/", {"status": "submitted"}),
    ("county", "420202", S.SUBMITTED, "/pool/review/", {"status": "", "ordering": "-score", "q": "有限公司"}),
    ("city", "420200", S.COUNTY_APPROVED, "/pool/ranking/", {"status": ""}),
    ("city", "420200", S.COUNTY_APPROVED, "/api/pool/ranking/", {}),
])
def test_lists_run_the_same_queries_for_5_and_30_rows(client, batch, make_user, role, region, status, url, query,
                                                      django_assert_num_queries):
    user = make_user(role, region)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    getter = api if url.startswith("/api/") else client
    params = {**query, "batch": batch.pk}
    _rows(batch, 5, status)
    getter.get(url, params)  # warm what the first request of a session caches (the user's organisation …)
    few = _queries(lambda: getter.get(url, params))
    _rows(batch, 25, status)
    with django_assert_num_queries(few):
        response = getter.get(url, params)
    assert _page_rows(response) == 30
