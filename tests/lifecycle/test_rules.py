"""The pure lifecycle rules (``pool.lifecycle.rules.evaluate``) at every boundary of DESIGN §5.1, for both
shipped variants: national (graduation needs the rate rise as well) and Huangshi (it does not)."""

from datetime import date
from decimal import Decimal

import pytest

from pool.lifecycle.policy import POLICY_DIR, rules_from_file
from pool.lifecycle.rules import Misconduct, Outcome, anniversary, evaluate, grew
from pool.lifecycle.snapshot import ProductFigures, Snapshot

NATIONAL = rules_from_file(POLICY_DIR / "national-2024.json")
HUANGSHI = rules_from_file(POLICY_DIR / "huangshi-2024.json")
BOTH = [pytest.param(NATIONAL, id="national"), pytest.param(HUANGSHI, id="huangshi")]
ADMITTED = date(2024, 6, 1)
ON = date(2025, 6, 1)  # within two years: no-progress removal is not due yet


def product(name="智能分拣机", *, filing_no="", filed_on=None, recognised=True, sales="1000000.00",
            profit="200000.00") -> ProductFigures:
    return ProductFigures(name=name, filing_no=filing_no, filed_on=filed_on, recognised=recognised,
                          sales=None if sales is None else Decimal(sales),
                          profit=None if profit is None else Decimal(profit))


def snapshot(*, year=2023, revenue="10000000.00", used=1, counted=2, products=()) -> Snapshot:
    return Snapshot(year=year, revenue=None if revenue is None else Decimal(revenue), profit=None,
                    rnd_expense=None, rate_used=used, rate_counted=counted, products=tuple(products))


BASE = snapshot(products=[product()])


def run(rules, *, latest, baseline=BASE, on=ON, admitted_on=ADMITTED, misconduct=(), cultivating=True):
    return evaluate(rules, cultivating=cultivating, admitted_on=admitted_on, on=on, baseline=baseline,
                    latest=latest, misconduct=list(misconduct))


def filed(on=date(2024, 9, 1), **kwargs) -> ProductFigures:
    return product("新型夹持机构", filing_no="BA2024420099", filed_on=on, **kwargs)


# --- parameters as shipped ---------------------------------------------------------------------------------

def test_shipped_parameters_are_the_design_defaults():
    for rules in (NATIONAL, HUANGSHI):
        assert rules.growth_threshold == Decimal("0.20")
        assert rules.rate_margin == Decimal("0.05")
        assert rules.no_progress_years == 2
        assert rules.appeal_days == 15
        assert rules.replenishment_factor == 2
    assert NATIONAL.require_rate_improved and not HUANGSHI.require_rate_improved


# --- new filed product ------------------------------------------------------------------------------------

@pytest.mark.parametrize("filed_on,expected", [
    (date(2024, 5, 31), False),  # the day before admission: filed before admission does not count
    (date(2024, 6, 1), True),  # the admission day counts
    (ON, True),  # the evaluation day counts
    (date(2025, 6, 2), False),  # after the evaluation date
])
def test_new_filed_product_window(filed_on, expected):
    latest = snapshot(year=2024, products=[product(), filed(filed_on)])
    verdict = run(HUANGSHI, latest=latest)
    assert verdict.signals["new_filed_product"] is expected
    assert (verdict.outcome == Outcome.GRADUATE) is expected


def test_a_product_without_filing_number_or_not_recognised_is_no_new_filed_product():
    unfiled = product("甲", filing_no="", filed_on=date(2024, 9, 1))
    unrecognised = product("乙", filing_no="BA1", filed_on=date(2024, 9, 1), recognised=False)
    verdict = run(HUANGSHI, latest=snapshot(year=2024, products=[product(), unfiled, unrecognised]))
    assert not verdict.signals["new_filed_product"]


# --- sales and profit growth ------------------------------------------------------------------------------

@pytest.mark.parametrize("rules", BOTH)
def test_growth_exactly_at_the_threshold_counts_and_one_fen_below_does_not(rules):
    # Base sales 1,000,000.00 and profit 200,000.00; +20 % is 1,200,000.00 and 240,000.00.
    at = run(rules, latest=snapshot(year=2024, used=2, counted=2,
                                    products=[product(sales="1200000.00", profit="240000.00")]))
    assert at.signals["sales_and_profit_growth"]
    assert at.outcome == Outcome.GRADUATE
    assert "sales_and_profit_growth" in at.reasons
    sales_short = run(rules, latest=snapshot(year=2024, used=2, counted=2,
                                             products=[product(sales="1199999.99", profit="240000.00")]))
    profit_short = run(rules, latest=snapshot(year=2024, used=2, counted=2,
                                              products=[product(sales="1200000.00", profit="239999.99")]))
    for verdict in (sales_short, profit_short):
        assert not verdict.signals["sales_and_profit_growth"]
        assert verdict.outcome == Outcome.NONE


def test_growth_is_per_product_not_summed():
    base = snapshot(products=[product("甲"), product("乙")])
    # 甲's sales and 乙's profit grow by 20 %, but no single product grows by 20 % in both.
    latest = snapshot(year=2024, products=[product("甲", sales="1200000.00", profit="210000.00"),
                                           product("乙", sales="1100000.00", profit="240000.00")])
    assert not run(HUANGSHI, baseline=base, latest=latest).signals["sales_and_profit_growth"]


def test_a_missing_base_figure_is_not_zero():
    base = snapshot(products=[product(sales=None)])
    latest = snapshot(year=2024, products=[product(sales="5000000.00", profit="900000.00")])
    assert not run(HUANGSHI, baseline=base, latest=latest).signals["sales_and_profit_growth"]
    # A product the baseline does not have at all is no growth either.
    assert not run(HUANGSHI, baseline=snapshot(products=[]), latest=latest).signals["sales_and_profit_growth"]


def test_an_unrecognised_product_does_not_grow():
    latest = snapshot(year=2024, products=[product(recognised=False, sales="9000000.00", profit="900000.00")])
    assert not run(HUANGSHI, latest=latest).signals["sales_and_profit_growth"]


@pytest.mark.parametrize("base,value,expected", [
    ("0", "0.01", True),  # from zero: any positive value is growth
    ("0", "0", False),
    ("-100000.00", "0.01", True),  # from a loss to a profit
    ("-100000.00", "-1.00", False),  # a smaller loss is not growth
    ("-100000.00", "0", False),
    ("100.00", "120.00", True),
    ("100.00", "119.99", False),
])
def test_grew_when_base_is_zero_or_a_loss(base, value, expected):
    assert grew(Decimal(base), Decimal(value), Decimal("0.20")) is expected


def test_profit_from_a_loss_to_a_profit_with_sales_growth_graduates_in_huangshi():
    base = snapshot(products=[product(profit="-50000.00")])
    latest = snapshot(year=2024, products=[product(sales="1200000.00", profit="1.00")])
    assert run(HUANGSHI, baseline=base, latest=latest).outcome == Outcome.GRADUATE
    smaller_loss = snapshot(year=2024, products=[product(sales="1200000.00", profit="-1.00")])
    assert run(HUANGSHI, baseline=base, latest=smaller_loss).outcome == Outcome.NONE


# --- the rate rise (national only) ------------------------------------------------------------------------

def test_rate_rise_exactly_at_the_margin_is_improved():
    # 50 % → 55 %: exactly 5 percentage points.
    base = snapshot(used=1, counted=2, products=[product()])
    latest = snapshot(year=2024, used=11, counted=20, products=[product(), filed()])
    verdict = run(NATIONAL, baseline=base, latest=latest)
    assert verdict.signals["rate_improved"]
    assert verdict.outcome == Outcome.GRADUATE
    assert verdict.reasons == ("new_filed_product", "rate_improved")
    assert "50.00%" in verdict.explanation and "55.00%" in verdict.explanation


def test_rate_rise_just_below_the_margin_is_not_improved():
    # 50 % → 54.99…%: 1/2 → 5499/10000 is 4.99 points.
    base = snapshot(used=1, counted=2, products=[product()])
    latest = snapshot(year=2024, used=5499, counted=10000, products=[product(), filed()])
    verdict = run(NATIONAL, baseline=base, latest=latest)
    assert not verdict.signals["rate_improved"]
    assert verdict.signals["rate_growth"]
    assert verdict.outcome == Outcome.NONE


def test_a_relative_rise_of_five_percent_is_not_five_points():
    # 55 % → 57.75 % is a 5 % relative rise but only 2.75 points.
    base = snapshot(used=11, counted=20, products=[product()])
    latest = snapshot(year=2024, used=231, counted=400, products=[product(), filed()])
    verdict = run(NATIONAL, baseline=base, latest=latest)
    assert not verdict.signals["rate_improved"]
    assert verdict.outcome == Outcome.NONE
    assert run(HUANGSHI, baseline=base, latest=latest).outcome == Outcome.GRADUATE


def test_rate_is_zero_when_no_patent_counts():
    base = snapshot(used=0, counted=0, products=[product()])
    latest = snapshot(year=2024, used=1, counted=20, products=[product(), filed()])  # 0 → 5 %
    assert run(NATIONAL, baseline=base, latest=latest).signals["rate_improved"]


def test_national_needs_the_rate_rise_and_huangshi_does_not():
    same_rate = snapshot(year=2024, used=1, counted=2, products=[product(), filed()])
    national = run(NATIONAL, latest=same_rate)
    huangshi = run(HUANGSHI, latest=same_rate)
    assert national.outcome == Outcome.NONE
    assert huangshi.outcome == Outcome.GRADUATE
    assert huangshi.reasons == ("new_filed_product",)
    # The rate rise alone graduates nobody.
    risen = snapshot(year=2024, used=2, counted=2, products=[product()])
    assert run(NATIONAL, latest=risen).outcome == Outcome.NONE


# --- no progress within two years -------------------------------------------------------------------------

def _flat():
    return snapshot(year=2025, revenue="10000000.00", used=1, counted=2, products=[product()])


@pytest.mark.parametrize("rules", BOTH)
def test_no_progress_the_day_before_the_second_anniversary_is_not_yet_removal(rules):
    verdict = run(rules, latest=_flat(), on=date(2026, 5, 31))
    assert verdict.outcome == Outcome.NONE
    assert verdict.evidence["no_progress_from"] == "2026-06-01"


@pytest.mark.parametrize("rules", BOTH)
def test_no_progress_on_the_second_anniversary_is_removal(rules):
    verdict = run(rules, latest=_flat(), on=date(2026, 6, 1))
    assert verdict.outcome == Outcome.REMOVE
    assert verdict.reasons == ("no_progress_two_years",)
    assert "2026-06-01" in verdict.explanation


def test_no_accepted_report_after_two_years_is_no_progress():
    assert run(HUANGSHI, latest=None, on=date(2026, 6, 1)).outcome == Outcome.REMOVE
    verdict = run(HUANGSHI, latest=None, on=date(2026, 5, 31))
    assert verdict.outcome == Outcome.NONE and "尚无经县级核实" in verdict.explanation


def test_admitted_on_29_february_is_due_on_28_february():
    assert anniversary(date(2024, 2, 29), 2) == date(2026, 2, 28)
    admitted = date(2024, 2, 29)
    assert run(HUANGSHI, latest=_flat(), admitted_on=admitted, on=date(2026, 2, 27)).outcome == Outcome.NONE
    assert run(HUANGSHI, latest=_flat(), admitted_on=admitted, on=date(2026, 2, 28)).outcome == Outcome.REMOVE


@pytest.mark.parametrize("change,signal", [
    (dict(revenue="10000000.01"), "revenue_growth"),
    (dict(used=3, counted=5), "rate_growth"),  # 50 % → 60 %
])
def test_any_revenue_or_rate_increase_is_progress(change, signal):
    latest = snapshot(**{"year": 2025, "products": [product()], **change})
    verdict = run(NATIONAL, latest=latest, on=date(2026, 6, 1))
    assert verdict.outcome == Outcome.NONE
    assert signal in verdict.reasons


def test_progress_after_the_anniversary_still_counts():
    latest = snapshot(year=2026, revenue="10000001.00", products=[product()])
    assert run(HUANGSHI, latest=latest, on=date(2027, 3, 1)).outcome == Outcome.NONE


def test_a_missing_revenue_is_no_revenue_growth():
    latest = snapshot(year=2025, revenue=None, products=[product()])
    assert not run(HUANGSHI, latest=latest).signals["revenue_growth"]


# --- misconduct -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rules", BOTH)
def test_misconduct_overrides_graduation(rules):
    graduating = snapshot(year=2024, used=2, counted=2, products=[product(), filed()])
    assert run(rules, latest=graduating).outcome == Outcome.GRADUATE
    known = Misconduct("serious_dishonesty", date(2025, 3, 1), "list")
    verdict = run(rules, latest=graduating, misconduct=[known])
    assert verdict.outcome == Outcome.REMOVE
    assert verdict.reasons == ("misconduct:serious_dishonesty",)
    assert "严重失信" in verdict.explanation


def test_misconduct_counts_from_the_day_it_becomes_known():
    record = Misconduct("tax_evasion", date(2025, 6, 2), "county")
    assert run(HUANGSHI, latest=None, misconduct=[record]).outcome == Outcome.NONE  # known the day after
    assert run(HUANGSHI, latest=None, misconduct=[record], on=date(2025, 6, 2)).outcome == Outcome.REMOVE


def test_misconduct_known_long_after_it_happened_still_counts():
    # Occurred before admission, known now: it counts from the day it is known.
    record = Misconduct("data_fraud", date(2025, 5, 1), "county")
    assert run(HUANGSHI, latest=None, misconduct=[record]).outcome == Outcome.REMOVE


def test_misconduct_lists_every_kind_and_no_progress_when_that_holds_too():
    records = [Misconduct("major_accident", date(2026, 1, 1)), Misconduct("abnormal_filing", date(2026, 2, 1)),
               Misconduct("major_accident", date(2026, 3, 1))]
    verdict = run(HUANGSHI, latest=_flat(), on=date(2026, 6, 1), misconduct=records)
    assert verdict.reasons == ("misconduct:abnormal_filing", "misconduct:major_accident", "no_progress_two_years")
    assert len(verdict.evidence["misconduct"]) == 3


# --- not cultivating --------------------------------------------------------------------------------------

@pytest.mark.parametrize("rules", BOTH)
def test_a_member_not_cultivating_gets_no_proposal(rules):
    verdict = run(rules, latest=_flat(), on=date(2027, 1, 1), cultivating=False,
                  misconduct=[Misconduct("tax_evasion", date(2026, 1, 1))])
    assert verdict.outcome == Outcome.NOT_CULTIVATING
    assert verdict.reasons == ()


def test_none_lists_the_progress_signals_that_hold():
    latest = snapshot(year=2024, revenue="12000000.00", used=1, counted=2, products=[product()])
    verdict = run(HUANGSHI, latest=latest)
    assert verdict.outcome == Outcome.NONE
    assert verdict.reasons == ("revenue_growth",)
    assert "营业收入增长" in verdict.explanation
