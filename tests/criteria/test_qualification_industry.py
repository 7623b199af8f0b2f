"""Criteria 2 and 3 (in principle: not met → warn)."""

from datetime import timedelta

import pytest

from criteria.reference import IndustryEntry, ReferenceData

from .helpers import ON, REFERENCE, VARIANTS, criterion, facts, outcome, run


def qualification(**fields):
    return {"type": "high_tech", "level": "national", "certificate_no": "GR1", "valid_from": "2023-01-01",
            "valid_to": "2026-12-31", **fields}


@pytest.mark.parametrize("variant", VARIANTS)
def test_certificate_expiring_on_the_evaluation_day_counts(variant):
    data = facts(qualifications=[qualification(valid_to=ON.isoformat())])
    assert outcome(data, 2, variant) == "pass"


@pytest.mark.parametrize("variant", VARIANTS)
def test_certificate_expired_the_day_before_warns(variant):
    data = facts(qualifications=[qualification(valid_to=(ON - timedelta(days=1)).isoformat())])
    result = criterion(run(data, variant), 2)
    assert result.outcome == "warn"
    assert "到期" in result.explanation


def test_certificate_starting_later_does_not_count_yet():
    data = facts(qualifications=[qualification(valid_from=(ON + timedelta(days=1)).isoformat())])
    assert outcome(data, 2) == "warn"


def test_open_ended_certificate_counts():
    assert outcome(facts(qualifications=[qualification(valid_to=None)]), 2) == "pass"


@pytest.mark.parametrize("kind", ["ip_advantage", "ip_demonstration"])
def test_huangshi_counts_ip_advantage_only_at_national_level(kind):
    provincial = facts(qualifications=[qualification(type=kind, level="provincial")])
    assert outcome(provincial, 2, "national") == "pass"
    result = criterion(run(provincial, "huangshi"), 2)
    assert result.outcome == "warn"
    assert "仅认可国家级" in result.explanation
    assert outcome(facts(qualifications=[qualification(type=kind, level="national")]), 2, "huangshi") == "pass"


def test_huangshi_national_restriction_does_not_apply_to_other_types():
    data = facts(qualifications=[qualification(type="specialised_sme", level="provincial")])
    assert outcome(data, 2, "huangshi") == "pass"


def test_unlisted_qualification_type_warns():
    assert outcome(facts(qualifications=[qualification(type="other")]), 2) == "warn"


def test_no_qualification_warns_and_is_in_principle():
    result = criterion(run(facts(qualifications=[])), 2)
    assert (result.outcome, result.kind) == ("warn", "in_principle")


def test_patent_intensive_industry_passes():
    result = criterion(run(facts(identity={"industry_code": "C3973"})), 3)
    assert result.outcome == "pass"
    assert "信息通信技术制造业" in result.explanation


def test_industry_outside_the_classification_warns():
    assert outcome(facts(identity={"industry_code": "H6210"}), 3) == "warn"


@pytest.mark.parametrize("code", ["", "C39", "xyz"])
def test_missing_or_incomplete_industry_code_is_manual(code):
    assert outcome(facts(identity={"industry_code": code}), 3) == "manual"


def test_partially_included_industry_class_is_manual():
    table = {"3973": IndustryEntry("3973", "集成电路制造", "信息通信技术制造业", partial=True)}
    reference = ReferenceData(sme_tables=REFERENCE.sme_tables, industry_tables={"2019": table},
                              region_names=REFERENCE.region_names)
    assert outcome(facts(), 3, reference=reference) == "manual"


def test_missing_reference_table_is_manual_not_an_error():
    result = run(facts(), reference=ReferenceData())
    assert criterion(result, 3).outcome == "manual"
    assert criterion(result, 1).outcome == "manual"
