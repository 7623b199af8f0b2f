"""Criteria 4 (core patents behind products, product filing) and 5 (industrialisation rate)."""

from datetime import timedelta

import pytest

from .helpers import ON, VARIANTS, criterion, facts, outcome, patent, patents, run

CORE = "201910123456.7"


def product(**fields):
    return {"name": "模组", "core_patents": [CORE], "filing_no": "BA1", "patent_intensive": True, **fields}


def with_core(core: dict, **product_fields):
    return facts(patents=[core, *patents(1, 0)], products=[product(**product_fields)])


@pytest.mark.parametrize("variant", VARIANTS)
def test_filed_product_with_owned_core_patent_passes(variant):
    assert outcome(with_core(patent(CORE)), 4, variant) == "pass"


@pytest.mark.parametrize("variant", VARIANTS)
def test_product_without_filing_number_warns_not_fails(variant):
    result = criterion(run(with_core(patent(CORE), filing_no=""), variant), 4)
    assert result.outcome == "warn"
    assert "备案" in result.explanation


@pytest.mark.parametrize("variant", VARIANTS)
def test_licensed_in_core_patent_with_expired_licence_fails(variant):
    expired = patent(CORE, ownership="licensed_in", licence_kind="exclusive", licence_from="2020-01-01",
                     licence_to=(ON - timedelta(days=1)).isoformat())
    result = criterion(run(with_core(expired), variant), 4)
    assert result.outcome == "fail"
    assert "许可已于" in result.explanation


def test_licence_ending_on_the_evaluation_day_counts():
    licensed = patent(CORE, ownership="licensed_in", licence_kind="ordinary", licence_to=ON.isoformat())
    assert outcome(with_core(licensed), 4) == "pass"


def test_licence_without_kind_does_not_count():
    licensed = patent(CORE, ownership="licensed_in", licence_kind="")
    assert outcome(with_core(licensed), 4) == "fail"


@pytest.mark.parametrize("fields", [{"granted": False}, {"valid": False}, {"granted": None}])
def test_pending_or_lapsed_core_patent_fails(fields):
    assert outcome(with_core(patent(CORE, **fields)), 4) == "fail"


def test_only_design_patents_behind_products_is_manual():
    result = criterion(run(with_core(patent(CORE, patent_type="design"))), 4)
    assert result.outcome == "manual"
    assert "外观设计" in result.explanation


def test_core_patent_missing_from_the_patent_list_fails():
    data = facts(patents=patents(2, 0), products=[product(core_patents=["202099999999.9"])])
    result = criterion(run(data), 4)
    assert result.outcome == "fail"
    assert "不在专利清单中" in result.explanation


def test_core_patent_number_matches_whatever_the_spacing():
    data = with_core(patent(CORE), core_patents=["ZL 2019 1 0123456.7"])
    assert outcome(data, 4) == "pass"


def test_no_products_fails():
    assert outcome(facts(products=[]), 4) == "fail"


@pytest.mark.parametrize("variant", VARIANTS)
def test_rate_just_below_half_fails(variant):
    result = criterion(run(facts(patents=patents(4999, 5001)), variant), 5)
    assert result.outcome == "fail"
    assert "4999/10000 = 49.99%" in result.explanation


@pytest.mark.parametrize("variant", VARIANTS)
def test_rate_of_exactly_half_passes(variant):
    result = criterion(run(facts(patents=patents(5000, 5000)), variant), 5)
    assert result.outcome == "pass"
    assert "50.00%" in result.explanation


def test_rate_never_rounds_up_to_the_threshold():
    # 99999/200000 = 49.9995 % would show as 50.00 % if rounded; it must fail.
    result = criterion(run(facts(patents=patents(99_999, 100_001))), 5)
    assert result.outcome == "fail"
    assert "49.99%" in result.explanation


def test_pending_and_lapsed_patents_are_in_neither_side_of_the_rate():
    data = facts(patents=[*patents(1, 1), patent("2020001.1", granted=False, used_in_product=False),
                          patent("2020002.2", valid=False, used_in_product=False)])
    result = criterion(run(data), 5)
    assert result.outcome == "pass"
    assert "1/2" in result.explanation


def test_licensed_patent_with_expired_licence_is_excluded_from_the_rate():
    expired = patent("2020003.3", ownership="licensed_in", licence_kind="sole", licence_to="2020-01-01")
    data = facts(patents=[*patents(1, 1), expired])
    assert criterion(run(data), 5).evidence["counted_patents"] == 2


def test_no_counting_patent_fails():
    result = criterion(run(facts(patents=[patent("2020004.4", granted=False)])), 5)
    assert result.outcome == "fail"
    assert "没有可计入" in result.explanation


def test_empty_patent_list_fails():
    assert outcome(facts(patents=[]), 5) == "fail"


def test_a_patent_listed_twice_counts_once_in_the_rate():
    # One used and one unused patent: 50 %. Listing the used one again once made it 2/3.
    rows = patents(1, 1)
    data = facts(patents=[*rows, dict(rows[0])])
    result = criterion(run(data), 5)
    assert result.evidence["counted_patents"] == 2 and result.evidence["used_in_products"] == 1
    assert "1/2 = 50.00%" in result.explanation
