"""The dashboard, the API and the record list read a fixed number of queries, however many records there are."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from matching.choices import HolderType
from tests.factories import OrganisationFactory, user_with_role
from tests.kpi.data import deal

pytestmark = pytest.mark.django_db


def more_deals(count: int) -> None:
    for n in range(count):
        enterprise = OrganisationFactory(kind="enterprise", region_id="420202" if n % 2 else "420203")
        deal(enterprise, holder=HolderType.UNIVERSITY, patent_region="420200", signed=date(2026, 2, 1 + n),
             contract=1000 + n, received=n)


def queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/portal/kpi/?region=420200&period=2026Q1",
                                 "/portal/kpi/records/?region=420200&indicator=sme_deal_count&period=2026Q1",
                                 "/api/kpi/actuals/?region=420200&period=2026Q1",
                                 "/api/kpi/records/?region=420200&indicator=sme_deal_count&period=2026Q1"])
def test_the_same_queries_for_3_and_15_deals(client, url):
    city = user_with_role("city")
    client.force_login(city)
    api = APIClient()
    api.force_authenticate(city)
    fetch = (lambda: api.get(url)) if url.startswith("/api/") else (lambda: client.get(url))
    more_deals(3)
    fetch()  # warm-up: the first request loads what any request loads once (content types, …)
    few = queries(fetch)
    more_deals(12)
    assert queries(fetch) == few
