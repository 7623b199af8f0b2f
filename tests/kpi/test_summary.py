"""The monthly summary the dashboard, the API and the report read: every figure equal to the live aggregate over
the records, kept current by the records' own changes, rebuilt idempotently."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models.signals import post_save, pre_save
from rest_framework.test import APIClient

from matching.choices import HolderType, MatchStatus
from pool.models import Attachment
from portal.indicators import all_indicators, values_by_subregion_many, values_many
from portal.models import KpiEntityYear, KpiMaskCount, KpiMonthly, KpiSummaryBuild
from portal.services.kpi import summary_rebuild, summary_values, summary_values_by_subregion
from portal.services.kpi.periods import month_end
from tests.factories import OrganisationFactory, user_with_role
from tests.kpi.data import deal
from tests.kpi.test_finance_indicators import pledges  # noqa: F401
from tests.kpi.test_pool_indicators import pool_data  # noqa: F401

pytestmark = pytest.mark.django_db

MONTHS = [(date(y, m, 1), month_end(y, m)) for y in (2025, 2026) for m in range(1, 13)]
QUARTERS = [(date(y, 3 * q - 2, 1), month_end(y, 3 * q)) for y in (2025, 2026) for q in range(1, 5)]
CUMULATIVE = [(date(y, 1, 1), month_end(y, m)) for y in (2025, 2026) for m in (2, 3, 6, 9)]
YEARS = [(date(y, 1, 1), date(y, 12, 31)) for y in (2024, 2025, 2026)]
RANGES = MONTHS + QUARTERS + CUMULATIVE + YEARS
PREFIXES = ["42", "4202", "4205", "420202", "420203", "420502"]


def assert_summary_is_live() -> None:
    indicators = all_indicators()
    for prefix in PREFIXES:
        summary = summary_values(indicators, prefix, RANGES)
        live = values_many(indicators, prefix, RANGES)
        for indicator in indicators:
            assert summary[indicator.code] == live[indicator.code], (indicator.code, prefix)
    for prefix, digits in (("42", 4), ("4202", 6), ("4205", 6)):
        summary = summary_values_by_subregion(indicators, prefix, digits, RANGES)
        live = values_by_subregion_many(indicators, prefix, digits, RANGES)
        for indicator in indicators:
            none = [None if indicator.is_ratio else Decimal(0)] * len(RANGES)
            for sub in set(summary[indicator.code]) | set(live[indicator.code]):
                assert (summary[indicator.code].get(sub, none) == live[indicator.code].get(sub, none)), (
                    indicator.code, sub)


@pytest.fixture
def built():
    """The summary built before the data: everything after it arrives through the records' own changes."""
    summary_rebuild()


def test_the_summary_follows_every_record_as_it_is_written(built, deals, pledges, batch):  # noqa: F811
    assert KpiMonthly.objects.filter(series="sme_deal_count").exists()
    assert KpiMaskCount.objects.filter(series="sme_benefited", scope="4202", year=2026).exists()
    assert_summary_is_live()


def test_the_rebuilt_summary_equals_the_records_and_rebuilding_changes_nothing(deals, pledges,  # noqa: F811
                                                                                 pool_data):  # noqa: F811
    summary_rebuild()  # the pool data were written with QuerySet.update, past the signals: the nightly rebuild
    assert_summary_is_live()

    def rows():
        return (sorted(KpiMonthly.objects.values_list("series", "scope", "ym", "value")),
                sorted(KpiEntityYear.objects.values_list("series", "entity", "region", "year", "months")),
                sorted(KpiMaskCount.objects.values_list("series", "scope", "year", "months", "count")))

    first = rows()
    summary_rebuild()
    assert rows() == first
    assert KpiSummaryBuild.objects.count() == 2


def figure(code: str, region: str = "420200", period: str = "2026Q1", field: str = "value"):
    client = APIClient()
    client.force_authenticate(user_with_role("province"))
    response = client.get("/api/kpi/actuals/", {"region": region, "period": period})
    assert response.status_code == 200
    return next(r for r in response.json()["rows"] if r["indicator"] == code)[field]


@pytest.fixture
def cached(settings):
    """Figures cached as in production: a change must still show at once."""
    from django.core.cache import cache

    settings.KPI_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_changing_or_dropping_a_deal_changes_the_dashboard_at_once(deals, cached):
    # Huangshi Q1: d1 (03-31), d6, d3
    assert figure("sme_deal_count") == 3
    assert figure("sme_benefited") == 2
    d1 = deals["d1"]
    d1.signed_on = date(2026, 4, 2)  # across the quarter boundary
    d1.save()
    assert figure("sme_deal_count") == 2
    assert figure("sme_deal_count", period="2026Q2") == 2
    assert figure("sme_deal_amount") == 350000
    match = deals["d6"].match
    match.status = MatchStatus.DROPPED
    match.save()
    assert figure("sme_deal_count") == 1
    assert figure("sme_benefited") == 1  # e1 has no Q1 deal left
    assert figure("academic_deal_count") == 0
    deals["d3"].delete()
    assert figure("sme_deal_count") == 0
    # a new deal in Yichang from a Huangshi university: Huangshi's academic figure, Yichang's SME figure
    yichang = OrganisationFactory(kind="enterprise", region_id="420502")
    deal(yichang, holder=HolderType.UNIVERSITY, patent_region="420200", signed=date(2026, 2, 1), contract=7000,
         received=0)
    assert figure("academic_deal_count") == 1
    assert figure("sme_deal_count", region="420500") == 1
    assert_summary_is_live()


def test_a_deals_region_and_holder_type_follow_their_demand_and_patent(deals, cached):
    demand = deals["d3"].match.demand
    demand.region_id = "420502"  # the SME's demand moved to Yichang
    demand.save()
    assert figure("sme_deal_count") == 2
    patent = deals["d3"].match.patent
    patent.holder_type = HolderType.UNIVERSITY
    patent.save()
    assert figure("academic_deal_count") == 3
    assert_summary_is_live()


def test_a_withdrawn_product_filing_changes_the_filing_rate_at_once(deals, batch, cached):
    assert figure("sme_filing_rate", period="2026") == 33.33  # e1 of e1, e2, e3
    filing = Attachment.objects.get(original_name="备案.pdf")
    filing.removed_at = "2026-06-01T00:00:00+08:00"
    filing.save()
    assert figure("sme_filing_rate", period="2026") == 0


def test_registering_a_pledge_changes_the_dashboard_at_once(pledges, cached):  # noqa: F811
    from finance.models import Loan, PledgeRegistration

    assert figure("pledge_count") == 2
    loan = Loan.objects.get(contract_no="HT-2")
    other = Loan.objects.create(case=loan.case, bank_id=loan.bank_id, enterprise_id=loan.enterprise_id,
                                region_id="420203", contract_no="HT-9", amount=Decimal(1000), annual_rate=Decimal(3),
                                term_months=12, start_on=date(2026, 3, 1), end_on=date(2027, 3, 1))
    PledgeRegistration.objects.create(loan=other, bank_id=loan.bank_id, enterprise_id=loan.enterprise_id,
                                      region_id="420203", registration_no="ZY-9", registered_on=date(2026, 3, 1),
                                      pledged_assets=["x"], pledged_value=Decimal(1000), loan_amount=Decimal(1000))
    assert figure("pledge_count") == 3
    assert figure("pledge_amount") == 1301000
    assert figure("pledge_amount", region="420000", period="2026") == 2501000


def test_the_summary_is_built_on_first_read_and_records_written_past_the_signals_wait_for_the_rebuild(deals):
    assert not KpiSummaryBuild.objects.exists()
    assert figure("sme_deal_count") == 3
    assert KpiSummaryBuild.objects.count() == 1
    # a write that bypasses the models (bulk load, QuerySet.update) is caught by the nightly rebuild
    from matching.models import Deal

    Deal.objects.filter(pk=deals["d1"].pk).update(signed_on=date(2026, 4, 2))
    summary_rebuild()
    assert figure("sme_deal_count") == 2


def test_signals_are_connected_for_every_source_model():
    from matching.models import Deal, Match
    from pool.models import Membership

    for model in (Deal, Match, Membership, Attachment):
        assert pre_save.has_listeners(model)
        assert post_save.has_listeners(model)
