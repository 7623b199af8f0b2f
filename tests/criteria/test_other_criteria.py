"""Criteria 8 (brand), 9 (IP management system), 10 (integrity and imported lists)."""

import pytest

from .helpers import VARIANTS, criterion, facts, outcome, run


def trademark(**fields):
    return {"registration_no": "38765432", "name": "黄芯", "owned": True, "used_on_products": True,
            "registered_on": "2020-03-14", **fields}


def test_own_trademark_used_on_products_passes_with_a_note_for_the_reviewer():
    result = criterion(run(facts(trademarks=[trademark()])), 8)
    assert result.outcome == "pass"
    assert "请审核人员判断品牌知名度和影响力" in result.explanation


@pytest.mark.parametrize("fields", [{"owned": False}, {"used_on_products": False}, {"registration_no": ""},
                                    {"valid_to": "2020-01-01"}, {"registered_on": ""}, {"registered_on": None}])
def test_trademark_not_own_used_registered_or_valid_fails(fields):
    assert outcome(facts(trademarks=[trademark(**fields)]), 8) == "fail"


def ip(**fields):
    return facts(ip_management={"system": True, "organisation": True, "personnel": True, "safeguard": True,
                                "evidence": "制度文件", "gbt29490_certified": False, **fields})


def test_all_four_parts_with_evidence_pass():
    assert outcome(ip(), 9) == "pass"


@pytest.mark.parametrize("part", ["system", "organisation", "personnel", "safeguard"])
def test_one_part_missing_fails(part):
    assert outcome(ip(**{part: False}), 9) == "fail"


def test_one_part_missing_but_certified_is_manual():
    result = criterion(run(ip(safeguard=None, gbt29490_certified=True)), 9)
    assert result.outcome == "manual"
    assert "矛盾" in result.explanation


def test_all_parts_without_any_evidence_is_manual():
    assert outcome(ip(evidence=""), 9) == "manual"


HIT = {"list_type": "serious_dishonesty", "reason": "拒不履行判决", "listed_on": None}


@pytest.mark.parametrize("variant", VARIANTS)
def test_list_hit_fails_whatever_the_declaration(variant):
    result = criterion(run(facts(integrity={"declared": True}), variant, hits=[HIT]), 10)
    assert result.outcome == "fail"
    assert "严重失信" in result.explanation


@pytest.mark.parametrize("declared", [None, False])
def test_no_declaration_fails(declared):
    assert outcome(facts(integrity={"declared": declared}), 10) == "fail"


def test_declaration_and_no_hit_passes():
    assert outcome(facts(integrity={"declared": True}), 10) == "pass"


@pytest.mark.parametrize(("registered_on", "expected"), [("2025-06-01", "pass"), ("2025-06-02", "fail")])
def test_a_trademark_counts_only_once_registered_on_or_before_the_day(registered_on, expected):
    """A Chinese trademark keeps its application number when registered: the registration date tells them apart."""
    result = criterion(run(facts(trademarks=[trademark(registered_on=registered_on)])), 8)  # evaluated on 2025-06-01
    assert result.outcome == expected
    if expected == "fail":
        assert "尚未注册" in result.explanation


def test_a_trademark_without_its_registration_date_is_an_application_not_a_registration():
    result = criterion(run(facts(trademarks=[trademark(registered_on=None)])), 8)
    assert result.outcome == "fail" and "尚未核准注册的商标不计入" in result.explanation
