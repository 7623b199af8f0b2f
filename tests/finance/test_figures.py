"""Pledge figures per region and period, computed by the database, with year-on-year growth."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from finance.figures import pledge_figures
from finance.models import PledgeRegistration
from finance.services.feedback import loan_issue, pledge_register
from tests.finance.helpers import listed, member, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledges(batch, city, bank_user):
    """Pledges registered in two counties over two years."""
    people = {"420202": member(batch=batch), "420203": member(batch=batch, region="420203")}
    for user in people.values():
        listed(user)
    publish(city, [bank_user])
    plan = [("420202", date(2025, 2, 10), "1000000"), ("420202", date(2025, 8, 1), "500000"),
            ("420202", date(2026, 2, 3), "3000000"), ("420203", date(2026, 5, 6), "800000")]
    for index, (county, day, amount) in enumerate(plan):
        loan = loan_issue(user=bank_user, enterprise=people[county].organisation, contract_no=f"HT-{index}",
                          amount=Decimal(amount), annual_rate=Decimal("4"), term_months=12, start_on=day,
                          end_on=day.replace(year=day.year + 1))
        pledge_register(user=bank_user, loan=loan, registration_no=f"ZY-{index}", registered_on=day,
                        pledged_assets=["x"], pledged_value=Decimal("1"))


def test_amount_count_and_growth_per_city_and_year(pledges, city):
    rows = pledge_figures(user=city, period="year", level="city", since=date(2025, 1, 1), until=date(2026, 12, 31))
    assert [(r.region_name, r.period.year, r.amount, r.projects) for r in rows] == [
        ("黄石市", 2025, Decimal("1500000.00"), 2), ("黄石市", 2026, Decimal("3800000.00"), 2)]
    assert rows[0].amount_growth is None  # nothing registered in 2024 to compare with
    assert rows[1].amount_growth == Decimal("1.5333") and rows[1].projects_growth == Decimal("0.0000")


def test_per_county_and_quarter_compares_the_same_quarter_a_year_earlier(pledges, city):
    rows = pledge_figures(user=city, period="quarter", level="county", since=date(2026, 1, 1),
                          until=date(2026, 12, 31))
    assert [(r.region_code, r.period_label, r.amount, r.amount_growth) for r in rows] == [
        ("420202", "2026 年第 1 季度", Decimal("3000000.00"), Decimal("2.0000")),
        ("420203", "2026 年第 2 季度", Decimal("800000.00"), None)]


def test_it_is_one_grouped_query_and_scoped(pledges, county):
    with CaptureQueriesContext(connection) as captured:
        rows = pledge_figures(queryset=PledgeRegistration.objects.all(), period="month", level="province",
                              since=date(2025, 1, 1), until=date(2026, 12, 31))
    grouped = [q["sql"] for q in captured if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "SUM" in grouped[0]
    assert len(rows) == 4 and {r.region_code for r in rows} == {"420000"}
    own = pledge_figures(user=county, period="year", level="county", since=date(2025, 1, 1), until=date(2026, 12, 31))
    assert {r.region_code for r in own} == {"420202"}  # 黄石港区 sees only itself


def test_the_api_and_the_page(pledges, city, client):
    api = APIClient()
    api.force_authenticate(city)
    data = api.get("/api/finance/figures/", {"period": "year", "level": "city", "since": "2025-01-01",
                                             "until": "2026-12-31"}).json()
    assert data["total_amount"] == "5300000.00" and data["total_projects"] == 4
    assert data["rows"][1]["amount_growth"] == "1.5333"
    client.force_login(city)
    page = client.get("/finance/figures/?period=year&since=2025-01-01&until=2026-12-31").content.decode()
    assert "3,800,000.00" in page and "153.33%" in page
