"""Criteria 6 (R&D expense) and 7 (research leader, R&D staff or cooperation)."""

from datetime import timedelta

import pytest

from .helpers import ON, VARIANTS, criterion, facts, outcome, run

# 4,999,999 / 50,040,000 = 9.99 % of revenue; 5,000,000 / 50,040,000 = 9.99 % too.
REVENUE = "50040000"


def rnd_facts(expense, revenue=REVENUE, **rnd):
    return facts(identity={"revenue": revenue}, rnd={"rnd_expense": expense, **rnd})


@pytest.mark.parametrize("variant", VARIANTS)
def test_below_ratio_and_below_amount_fails(variant):
    result = criterion(run(rnd_facts("4999999"), variant), 6)
    assert result.outcome == "fail"
    assert "9.99%" in result.explanation


@pytest.mark.parametrize("variant", VARIANTS)
def test_exactly_five_million_passes_whatever_the_ratio(variant):
    result = criterion(run(rnd_facts("5000000"), variant), 6)
    assert result.outcome == "pass"
    assert "9.99%，低于 10%" in result.explanation


def test_exactly_ten_percent_passes():
    assert outcome(rnd_facts("1000000", revenue="10000000"), 6) == "pass"
    assert outcome(rnd_facts("999999.99", revenue="10000000"), 6) == "fail"


def test_zero_revenue_below_five_million_is_manual():
    result = criterion(run(rnd_facts("100000", revenue="0")), 6)
    assert result.outcome == "manual"


def test_zero_revenue_with_five_million_passes():
    assert outcome(rnd_facts("5000000", revenue="0"), 6) == "pass"


def test_missing_rnd_expense_fails_with_reason():
    result = criterion(run(rnd_facts(None)), 6)
    assert result.outcome == "fail"
    assert "未填写" in result.explanation


def team(staff, total=1000, leader="周建华", cooperations=()):
    return facts(rnd={"rnd_staff": staff, "total_staff": total, "leader_name": leader,
                      "cooperations": list(cooperations)})


def cooperation(**fields):
    return {"partner": "湖北理工学院", "partner_type": "university", "valid_from": "2023-01-01",
            "valid_to": "2026-12-31", "agreement_attached": True, **fields}


@pytest.mark.parametrize("variant", VARIANTS)
def test_staff_ratio_below_twenty_percent_fails(variant):
    result = criterion(run(team(199), variant), 7)
    assert result.outcome == "fail"
    assert "19.90%" in result.explanation


@pytest.mark.parametrize("variant", VARIANTS)
def test_staff_ratio_of_twenty_percent_passes(variant):
    assert outcome(team(200), 7, variant) == "pass"


def test_leader_is_required_even_with_a_high_ratio():
    result = criterion(run(team(900, leader="")), 7)
    assert result.outcome == "fail"
    assert "未填写科研带头人" in result.explanation


def test_leader_is_required_even_with_cooperation():
    assert outcome(team(0, leader="", cooperations=[cooperation()]), 7) == "fail"


@pytest.mark.parametrize("variant", VARIANTS)
def test_agreement_valid_on_the_evaluation_day_passes(variant):
    assert outcome(team(10, cooperations=[cooperation(valid_to=ON.isoformat())]), 7, variant) == "pass"


@pytest.mark.parametrize("variant", VARIANTS)
def test_agreement_expired_the_day_before_fails(variant):
    expired = cooperation(valid_to=(ON - timedelta(days=1)).isoformat())
    assert outcome(team(10, cooperations=[expired]), 7, variant) == "fail"


@pytest.mark.parametrize("partner_type", ["enterprise", "other", ""])
def test_only_universities_and_institutes_count(partner_type):
    assert outcome(team(10, cooperations=[cooperation(partner_type=partner_type)]), 7) == "fail"
    assert outcome(team(10, cooperations=[cooperation(partner_type="institute")]), 7) == "pass"


def test_agreement_not_attached_does_not_count():
    assert outcome(team(10, cooperations=[cooperation(agreement_attached=False)]), 7) == "fail"


def test_more_rnd_staff_than_staff_is_manual():
    assert outcome(team(1200, total=1000), 7) == "manual"


@pytest.mark.parametrize("variant", VARIANTS)
def test_absurdly_large_rnd_on_one_yuan_of_revenue_still_explains_itself(variant):
    # Revenue 1 and R&D 10^19 is absurd but parses: the percentage prints instead of raising InvalidOperation.
    result = criterion(run(rnd_facts("1" + "0" * 19, revenue="1"), variant), 6)
    assert result.outcome == "pass"
    assert "1000000000000000000000.00%" in result.explanation


def test_percentages_print_whatever_their_size():
    from criteria.evaluators.common import pct

    assert pct(10**32, 1) == "1" + "0" * 34 + ".00"
    assert pct(1, 3) == "33.33" and pct(2, 3) == "66.66"


@pytest.mark.parametrize("figure", ["1" + "0" * 32, "1e1000000", "9" * 100])
def test_figures_beyond_any_company_read_as_missing_not_as_numbers(figure):
    result = criterion(run(rnd_facts(figure, revenue="1")), 6)
    assert (result.outcome, result.explanation) == ("fail", "未填写上年度研发投入")
