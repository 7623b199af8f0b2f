"""The proposal list, the graduation and removal lists (pages and API) run a fixed number of queries whatever
their rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pool.models import Appeal, LifecycleProposal
from pool.services.lifecycle.policies import current_policy
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import TODAY, member

pytestmark = pytest.mark.django_db


def _rows(batch, count: int, *, kind: str, status: str, proposer=None, decider=None) -> None:
    policy = current_policy("huangshi-2024")  # published again if an earlier test emptied the tables
    for n in range(count):
        m = member(batch, region="420202" if n % 2 else "420203")
        proposal = LifecycleProposal.objects.create(
            membership=m, kind=kind, status=status, reasons=["no_progress_two_years"], evidence={},
            explanation="自入库之日起满 2 年仍无实质进展，建议退库。", policy=policy, evaluated_on=TODAY,
            fingerprint=f"{m.pk:064d}", proposed_by=proposer, decided_by=decider,
            decided_on=TODAY if status == "approved" else None,
            appeal_until=TODAY + timedelta(days=15) if status == "approved" else None)
        if status == "approved" and n % 3 == 0:
            Appeal.objects.create(proposal=proposal, membership=m, reason="不服")


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def _count(response) -> int:
    if response["Content-Type"].startswith("application/json"):
        return len(response.json()["results"])
    return response.content.decode().count("data-proposal=")


@pytest.mark.parametrize("url,kind,status,query", [
    ("/pool/proposals/", "remove", "open", {}),
    ("/pool/proposals/", "remove", "approved", {"status": "approved", "q": "有限公司"}),
    ("/api/pool/proposals/", "remove", "open", {}),
    ("/pool/graduations/", "graduate", "approved", {}),
    ("/api/pool/graduations/", "graduate", "approved", {}),
    ("/pool/removals/", "remove", "approved", {"region": "4202"}),
    ("/api/pool/removals/", "remove", "approved", {}),
])
def test_lists_run_the_same_queries_for_5_and_30_rows(client, hs_batch, city, county, url, kind, status, query,
                                                      django_assert_num_queries):
    client.force_login(city)
    api = APIClient()
    api.force_authenticate(city)
    getter = api if url.startswith("/api/") else client
    _rows(hs_batch, 5, kind=kind, status=status, proposer=county, decider=city)
    getter.get(url, query)  # warm what the first request of a session caches
    few = _queries(lambda: getter.get(url, query))
    _rows(hs_batch, 25, kind=kind, status=status, proposer=county, decider=city)
    with django_assert_num_queries(few):
        response = getter.get(url, query)
    assert _count(response) == 30
