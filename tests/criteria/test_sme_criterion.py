"""Criterion 1: USCC, jurisdiction by region code, legal person, SME size table."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from tests.factories import make_uscc

from .helpers import VARIANTS, criterion, facts, outcome, run


@pytest.mark.parametrize("variant", VARIANTS)
def test_example_enterprise_passes(variant):
    assert outcome(facts(), 1, variant) == "pass"


@pytest.mark.parametrize("variant", VARIANTS)
def test_wrong_uscc_check_digit_fails(variant):
    good = make_uscc(7)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    result = criterion(run(facts(identity={"uscc": wrong}), variant), 1)
    assert result.outcome == "fail"
    assert "校验位不正确" in result.explanation


def test_registered_outside_huangshi_fails_huangshi_and_passes_national():
    data = facts(identity={"region_code": "420102", "uscc": make_uscc(8, "420102")})
    assert outcome(data, 1, "national") == "pass"
    result = criterion(run(data, "huangshi"), 1)
    assert result.outcome == "fail"
    assert "不在本计划适用的黄石市范围内" in result.explanation


@pytest.mark.parametrize(("code", "name"), [("710000", "台湾省"), ("810000", "香港特别行政区"),
                                            ("820000", "澳门特别行政区")])
def test_taiwan_hong_kong_and_macao_are_outside_the_mainland_not_outside_china(code, name):
    result = criterion(run(facts(identity={"region_code": code}), "national"), 1)
    assert result.outcome == "fail"
    assert f"注册地{name}（{code}）不在本计划适用的中国内地范围内" in result.explanation
    assert "中华人民共和国境内" not in result.explanation


def test_registered_region_counts_not_the_uscc_characters():
    # First registered in Wuhan (characters 3–8 say 420102), now registered in 黄石港区.
    data = facts(identity={"uscc": make_uscc(9, "420102"), "region_code": "420202"})
    assert outcome(data, 1, "huangshi") == "pass"


def test_outside_mainland_fails_national():
    assert outcome(facts(identity={"region_code": "810000"}), 1, "national") == "fail"
    assert outcome(facts(identity={"region_code": "650102"}), 1, "national") == "pass"


def test_unknown_region_code_inside_jurisdiction_is_manual():
    assert outcome(facts(identity={"region_code": "420299"}), 1, "huangshi") == "manual"


@pytest.mark.parametrize("variant", VARIANTS)
def test_above_one_ceiling_is_still_sme(variant):
    # 工业: 1000 employees is not below 1000, revenue 39,999.99万 is below 40,000万.
    data = facts(identity={"employees": 1000, "revenue": "399999999.99"})
    result = criterion(run(data, variant), 1)
    assert result.outcome == "pass"
    assert "营业收入" in result.explanation


@pytest.mark.parametrize("variant", VARIANTS)
def test_above_both_ceilings_is_not_sme(variant):
    data = facts(identity={"employees": 1000, "revenue": "400000000"})
    result = criterion(run(data, variant), 1)
    assert result.outcome == "fail"
    assert "不属于中小企业" in result.explanation


def test_one_below_the_ceiling_is_sme():
    assert outcome(facts(identity={"employees": 999, "revenue": "400000000"}), 1) == "pass"


def test_figures_not_in_the_row_are_ignored():
    # 租赁和商务服务业 sizes by employees and total assets; revenue is not in the row.
    data = facts(identity={"industry_code": "L7211", "employees": 300, "total_assets": "1199999999",
                           "revenue": "99999999999"})
    assert outcome(data, 1) == "pass"
    data["identity"]["total_assets"] = "1200000000"
    assert outcome(data, 1) == "fail"


def test_missing_figure_of_the_row_fails_with_reason():
    result = criterion(run(facts(identity={"employees": 2000, "revenue": None})), 1)
    assert result.outcome == "fail"
    assert "未填写营业收入" in result.explanation


def test_industry_without_a_row_is_manual():
    result = criterion(run(facts(identity={"industry_code": "J6621"})), 1)
    assert result.outcome == "manual"
    assert "无法对应" in result.explanation


def test_class_level_row_wins_over_division():
    # 7010 房地产开发经营: revenue below 200,000万 suffices even though 7020's ceilings would not.
    data = facts(identity={"industry_code": "K7010", "employees": 5000, "revenue": "1999999999",
                           "total_assets": "200000000"})
    assert outcome(data, 1) == "pass"


@pytest.mark.parametrize("form", ["", "other", "nonsense"])
def test_unknown_legal_form_is_manual(form):
    assert outcome(facts(identity={"legal_form": form}), 1) == "manual"


@pytest.mark.parametrize("form", ["partnership", "sole_proprietorship", "individual", "branch"])
def test_non_legal_person_fails(form):
    result = criterion(run(facts(identity={"legal_form": form})), 1)
    assert result.outcome == "fail"
    assert "不具有独立法人资格" in result.explanation


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV abc-"


@settings(max_examples=500, deadline=None)
@given(body=st.text(alphabet=USCC_CHARS, min_size=16, max_size=19), valid_digit=st.booleans())
def test_the_fast_uscc_check_agrees_with_python_stdnum(body, valid_digit):
    value = body
    if valid_digit and len(body) == 17:
        try:
            value = body + stdnum_uscc.calc_check_digit(body)
        except ValueError:
            pass
    # Everything else in the example is valid, so criterion 1 passes exactly when the code is valid.
    assert outcome(facts(identity={"uscc": value}), 1) == ("pass" if stdnum_uscc.is_valid(value) else "fail")


def test_a_negative_revenue_does_not_make_a_large_enterprise_an_sme():
    """Revenue −1 is below every ceiling; taken at face value it made an enterprise of 5,000 staff an SME."""
    result = criterion(run(facts(identity={"employees": 5000, "revenue": "-1", "total_assets": None})), 1)
    assert result.outcome == "fail" and "负数" in result.explanation
