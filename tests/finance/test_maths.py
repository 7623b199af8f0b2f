"""Exact money: Chinese capitals, subsidy terms and the caps per loan and per enterprise per year at their
boundaries (exactly at the cap, one fen over)."""

from datetime import date
from decimal import Decimal

import pytest

from finance.money import amount_in_words
from finance.policy import rules_from_file, shipped_policy_files
from finance.subsidy_maths import compute

D = Decimal
HUANGSHI = next(p for p in shipped_policy_files() if p.name == "huangshi-2026.json")
RULES = rules_from_file(HUANGSHI).subsidy  # 50 % of interest at most at 3.45 %; caps 20,000 per loan, 25,000 a year


@pytest.mark.parametrize(("amount", "words"), [
    ("25000", "贰万伍仟元整"),
    ("80000", "捌万元整"),
    ("8506.85", "捌仟伍佰零陆元捌角伍分"),
    ("1020.30", "壹仟零贰拾元叁角整"),
    ("100.05", "壹佰元零伍分"),
    ("100010000", "壹亿零壹万元整"),
    ("100000", "壹拾万元整"),
    ("1000005", "壹佰万零伍元整"),
    ("0.5", "伍角整"),
    ("0", "零元整"),
])
def test_amounts_in_chinese_capitals(amount, words):
    assert amount_in_words(D(amount)) == words


def fee(amount: str, **used):
    """A subsidy of one evaluation fee (50 %), so the subtotal is exactly half the fee."""
    return compute(RULES, principal=D("1000000"), interest_paid=None, period_from=None, period_to=None,
                   fees={"evaluation_fee": D(amount)}, **{k: D(v) for k, v in used.items()}, year=2026)


def test_the_per_loan_cap_exactly_at_it_and_one_fen_over():
    at = fee("40000.00")  # 20,000.00: exactly the cap
    assert (at.subtotal, at.granted, at.capped_by) == (D("20000.00"), D("20000.00"), "")
    over = fee("40000.02")  # 20,000.01
    assert (over.subtotal, over.granted, over.capped_by) == (D("20000.01"), D("20000.00"), "loan")
    assert over.lines[-1] == "受单笔贷款上限限制，核定补贴 20,000.00 元。"


def test_the_per_loan_cap_counts_what_the_loan_already_got():
    assert fee("2000.00", loan_used="19000.00").granted == D("1000.00")
    assert fee("2000.02", loan_used="19000.00").granted == D("1000.00")
    assert fee("2000.00", loan_used="20000.00").granted == D("0.00")


def test_the_per_year_cap_exactly_at_it_and_one_fen_over():
    assert fee("10000.00", year_used="20000.00").granted == D("5000.00")  # 25,000.00 in the year: at the cap
    over = fee("10000.02", year_used="20000.00")  # 25,000.01
    assert (over.granted, over.capped_by) == (D("5000.00"), "year")
    assert "该企业2026 年度已获补贴 20,000.00 元，尚可补贴 5,000.00 元" in over.lines[-2]


def test_the_lower_cap_wins():
    both = fee("40000.00", loan_used="5000.00", year_used="22000.00")
    assert (both.granted, both.capped_by) == (D("3000.00"), "year")


def test_interest_on_the_reference_rate_and_rounding_to_the_fen():
    result = compute(RULES, principal=D("2000000"), interest_paid=D("21450.00"), period_from=date(2026, 1, 1),
                     period_to=date(2026, 3, 31), fees={})
    [term] = result.terms
    assert term.base == D("17013.70")  # 2,000,000 × 3.45 % × 90 ÷ 365 = 17,013.6986…, below what was paid
    assert term.amount == D("8506.85")
    assert "取较低者 17,013.70 元" in term.note
    cheap = compute(RULES, principal=D("2000000"), interest_paid=D("10000.01"), period_from=date(2026, 1, 1),
                    period_to=date(2026, 3, 31), fees={})
    assert cheap.terms[0].base == D("10000.01") and cheap.terms[0].amount == D("5000.01")  # half up


def test_terms_add_up_and_each_is_explained():
    result = compute(RULES, principal=D("1000000"), interest_paid=None, period_from=None, period_to=None,
                     fees={"evaluation_fee": D("3000"), "insurance_fee": D("1000.01"), "guarantee_fee": D("2000")})
    assert [t.amount for t in result.terms] == [D("1500.00"), D("500.01"), D("1000.00")]
    assert result.subtotal == D("3000.01")
    assert result.lines[0] == "1. 评估费补贴：评估费 3,000.00 元 × 补贴比例 50% = 1,500.00 元。"
