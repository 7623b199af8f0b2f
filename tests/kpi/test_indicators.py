"""Each indicator against hand-computed figures on the small data set of ``tests/kpi/data.py``."""

from datetime import date
from decimal import Decimal

import pytest

from portal.indicators import get_indicator, growth, percent_text, registry
from portal.services.kpi import Period

pytestmark = pytest.mark.django_db

Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))
Y2025 = (date(2025, 1, 1), date(2025, 12, 31))


def figures(code, prefix, *ranges):
    return get_indicator(code).values(prefix, list(ranges))


def test_the_registry_collects_matching_and_pool_indicators():
    codes = set(registry())
    assert {"sme_deal_count", "sme_deal_amount", "sme_deal_received", "academic_deal_count",
            "academic_deal_amount", "academic_deal_received", "sme_benefited", "sme_filing_rate",
            "pool_applications", "pool_admissions", "pool_graduations", "pool_removals", "pool_replenishments",
            "pool_monitoring_on_time"} <= codes
    for indicator in registry().values():
        assert indicator.name and indicator.unit and indicator.period_note and indicator.region_note


def test_deals_to_smes_by_signing_date_and_the_smes_region(deals):
    # Huangshi (4202), Q1: d1 (03-31), d6, d3; d2 signed 04-01 is Q2; dx dropped; d4's SME is in Yichang.
    assert figures("sme_deal_count", "4202", Q1, Q2, Y2026, Y2025) == [3, 1, 4, 1]
    assert figures("sme_deal_amount", "4202", Q1, Q2, Y2026) == [Decimal(450000), Decimal(200000), Decimal(650000)]
    assert figures("sme_deal_received", "4202", Q1, Y2026) == [Decimal(50000), Decimal(100000)]
    # a county takes its own only: 黄石港区 d1, d6, d2 (not d3 of 西塞山区)
    assert figures("sme_deal_count", "420202", Y2026) == [3]
    assert figures("sme_deal_count", "420203", Y2026) == [1]
    # Yichang: only d4, bought from a Huangshi university
    assert figures("sme_deal_count", "4205", Y2026) == [1]
    assert figures("sme_deal_amount", "4205", Y2026) == [Decimal(500000)]
    # the province: everything that counts, the dropped match never
    assert figures("sme_deal_count", "42", Y2026) == [5]
    assert figures("sme_deal_amount", "42", Y2026) == [Decimal(1150000)]


def test_deals_from_universities_and_institutes_by_the_patents_region(deals):
    # Huangshi universities: d1, d6 in Q1; d4 (sold to a Yichang SME) in Q2; d3 is an SOE's, d5 an enterprise's.
    assert figures("academic_deal_count", "4202", Q1, Q2, Y2026, Y2025) == [2, 1, 3, 0]
    assert figures("academic_deal_amount", "4202", Y2026) == [Decimal(650000)]
    assert figures("academic_deal_received", "4202", Y2026) == [Decimal(550000)]
    # Yichang's institute sold d2 to a Huangshi SME: counted in Yichang
    assert figures("academic_deal_count", "4205", Y2026) == [1]
    assert figures("academic_deal_amount", "4205", Y2026) == [Decimal(200000)]
    assert figures("academic_deal_count", "42", Y2026) == [4]


def test_smes_benefited_count_each_enterprise_once(deals):
    # Huangshi 2026: e1 (d1, d6), e2 (d2), e3 (d3); e2's dropped match adds nothing
    assert figures("sme_benefited", "4202", Y2026, Q1) == [3, 2]
    assert figures("sme_benefited", "42", Y2026) == [4]


def test_product_filing_rate_of_benefited_smes(deals):
    # of e1, e2, e3 only e1 has a live filing (e2's was withdrawn): 1/3
    [rate] = figures("sme_filing_rate", "4202", Y2026)
    assert round(rate, 4) == Decimal("33.3333")
    assert figures("sme_filing_rate", "4205", Y2026) == [Decimal(0)]
    # no benefited SME at all: no rate, shown "—"
    assert figures("sme_filing_rate", "4202", Y2025) == [Decimal(100)]
    assert figures("sme_filing_rate", "4203", Y2026) == [None]


def test_subregion_breakdown_is_one_grouped_query(deals, django_assert_num_queries):
    indicator = get_indicator("sme_deal_count")
    with django_assert_num_queries(1):
        by_county = indicator.values_by_subregion("4202", 6, [Y2026, Q1])
    assert by_county == {"420202": [3, 2], "420203": [1, 1]}
    with django_assert_num_queries(1):
        by_city = get_indicator("academic_deal_count").values_by_subregion("42", 4, [Y2026])
    assert by_city == {"4202": [3], "4205": [1]}


def test_growth_with_a_zero_base_is_a_dash_not_a_division_error():
    assert growth(Decimal(3), Decimal(0)) is None
    assert percent_text(growth(Decimal(3), Decimal(0))) == "—"
    assert growth(Decimal(3), Decimal(1)) == Decimal(200)
    assert percent_text(growth(Decimal(1), Decimal(4))) == "-75.0%"
    assert growth(None, Decimal(1)) is None


def test_periods_from_the_url():
    assert Period.parse("2026Q3").range == (date(2026, 7, 1), date(2026, 9, 30))
    assert Period.parse("2026Q3C").range == (date(2026, 1, 1), date(2026, 9, 30))
    assert Period.parse("2026M02").range == (date(2026, 2, 1), date(2026, 2, 28))
    assert Period.parse("2024M02C").range == (date(2024, 1, 1), date(2024, 2, 29))
    assert Period.parse("2026").range == (date(2026, 1, 1), date(2026, 12, 31))
    assert Period.parse("2026Q3").year_to_date().token == "2026Q3C"
    assert Period.parse("nonsense", today=date(2026, 5, 2)).token == "2026Q2"
    assert Period.parse("2026Q4").shifted(-1).label == "2025年第4季度"


def test_indicators_read_together_give_the_same_figures_as_one_by_one(deals):
    from portal.indicators import all_indicators, values_by_subregion_many, values_many

    indicators = all_indicators()
    ranges = [Q1, Q2, Y2026, Y2025]
    together = values_many(indicators, "42", ranges)
    by_city = values_by_subregion_many(indicators, "42", 4, ranges)
    for indicator in indicators:
        assert together[indicator.code] == indicator.values("42", ranges), indicator.code
        for city in ("4202", "4205"):
            expected = indicator.values_by_subregion("42", 4, ranges).get(city)
            assert by_city[indicator.code].get(city) == expected, (indicator.code, city)
    assert together["sme_benefited"] == [2, 2, 4, 1]  # province: e1, e3 in Q1; e2, e4 in Q2
    assert by_city["sme_filing_rate"]["4202"][2] == indicator_rate(1, 3)


def indicator_rate(numerator, denominator):
    return Decimal(numerator) * 100 / Decimal(denominator)
