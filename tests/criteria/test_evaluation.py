"""The whole evaluation: overall verdict, composite score and its terms, the stored dict, robustness."""

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.facts import ApplicationFacts
from criteria.rules import RulesError, build_rules
from criteria.services.shipped import read_criteria_set, shipped_criteria_set_files

from .helpers import VARIANTS, criterion, facts, patents, run


@pytest.mark.parametrize("variant", VARIANTS)
def test_complete_example_is_eligible(variant):
    result = run(facts(), variant)
    assert result.verdict == "eligible"
    assert [r.number for r in result.results] == list(range(1, 11))


def test_any_fail_makes_it_ineligible():
    assert run(facts(integrity={"declared": False})).verdict == "ineligible"


def test_warn_or_manual_without_fail_makes_it_conditional():
    assert run(facts(qualifications=[])).verdict == "conditional"
    assert run(facts(identity={"legal_form": "other"})).verdict == "conditional"


def test_score_is_the_sum_of_its_explained_terms():
    result = run(facts())
    assert result.score == sum(t.points for t in result.score_terms)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert all(t.explanation and t.points <= t.weight for t in result.score_terms)
    assert {t.code for t in result.score_terms} == {"industrialisation_rate", "rnd_intensity", "qualification_level",
                                                    "filed_products", "rnd_staff_ratio", "brand", "ip_certification"}


def test_stronger_indicators_score_higher():
    weak = run(facts(ip_management={"gbt29490_certified": False}, qualifications=[]))
    assert weak.score < run(facts()).score


def test_qualification_term_follows_the_level_weights():
    national = run(facts())
    provincial = run(facts(qualifications=[{"type": "high_tech", "level": "provincial"}]))
    term = {t.code: t for t in provincial.score_terms}["qualification_level"]
    assert term.points == Decimal("9.00")  # 0.6 of 15
    assert {t.code: t for t in national.score_terms}["qualification_level"].points == Decimal("15.00")


def test_to_dict_is_json_with_stable_keys():
    data = run(facts()).to_dict()
    assert set(data) == {"criteria_set", "evaluated_on", "verdict", "verdict_label", "score", "counts", "results",
                         "score_terms"}
    assert set(data["results"][0]) == {"number", "code", "title", "outcome", "outcome_label", "explanation",
                                       "evidence", "kind"}
    assert json.loads(json.dumps(data)) == data


def test_each_criterion_explains_itself_in_chinese():
    for result in run(facts()).results + run({}).results:
        assert result.explanation and any("\u4e00" <= ch <= "\u9fff" for ch in result.explanation)


def test_empty_facts_fail_or_need_a_person_never_pass():
    result = run({})
    assert {r.outcome for r in result.results} <= {"fail", "manual", "warn"}
    assert criterion(result, 5).outcome == "fail"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
    | st.sampled_from(["2025-06-01", "2025-13-01", "1e9999", "-1", "NaN", "invention", "owned", "licensed_in",
                       "C3973", "420202", "national", "university", "0", ""]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
FIELDS = ["uscc", "region_code", "legal_form", "industry_code", "employees", "revenue", "total_assets", "type",
          "level", "valid_from", "valid_to", "application_no", "patent_type", "granted", "valid", "ownership",
          "licence_kind", "licence_from", "licence_to", "used_in_product", "core_patents", "filing_no", "owned",
          "used_on_products", "registration_no", "rnd_expense", "rnd_staff", "total_staff", "leader_name",
          "cooperations", "partner_type", "agreement_attached", "system", "organisation", "personnel", "safeguard",
          "gbt29490_certified", "declared", "evidence", "patent_intensive"]
sections = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=12)
facts_dicts = st.fixed_dictionaries({}, optional={
    "identity": sections | json_values, "qualifications": st.lists(sections, max_size=3) | json_values,
    "patents": st.lists(sections, max_size=5), "products": st.lists(sections, max_size=3),
    "trademarks": st.lists(sections, max_size=2), "rnd": sections, "ip_management": sections,
    "integrity": sections | json_values, "list_hits": st.lists(sections, max_size=2)})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(facts_dicts, json_values), variant=st.sampled_from(VARIANTS))
def test_evaluation_never_raises_on_arbitrary_facts(data, variant):
    result = run(data, variant)
    assert len(result.results) == 10
    assert result.verdict in {"eligible", "conditional", "ineligible"}
    json.dumps(result.to_dict())


@settings(max_examples=100, deadline=None)
@given(data=facts_dicts)
def test_facts_survive_a_round_trip(data):
    parsed = ApplicationFacts.from_dict(data)
    assert run(parsed.to_dict()).to_dict() == run(data).to_dict()


@pytest.mark.parametrize("path", shipped_criteria_set_files(), ids=lambda p: p.name)
def test_shipped_criteria_sets_are_valid(path):
    data = read_criteria_set(path)
    rules = build_rules(code=data["code"], version=1, parameters=data["parameters"], weights=data["weights"])
    assert sum(w.weight for w in rules.weights) == 100
    assert rules.industrialisation_rate_min == Decimal("0.50")
    assert rules.rnd_amount_min == Decimal("5000000")


def test_weights_must_sum_to_one_hundred():
    data = read_criteria_set(shipped_criteria_set_files()[0])
    data["weights"]["terms"][0]["weight"] = "26"
    with pytest.raises(RulesError, match="之和应为 100"):
        build_rules(code="x", version=1, parameters=data["parameters"], weights=data["weights"])


def test_unknown_parameter_values_are_refused():
    data = read_criteria_set(shipped_criteria_set_files()[0])
    data["parameters"]["licence_kinds"] = ["exclusive", "handshake"]
    with pytest.raises(RulesError, match="handshake"):
        build_rules(code="x", version=1, parameters=data["parameters"], weights=data["weights"])


def test_rank_keys_are_the_quotients_criteria_5_and_6_compared():
    result = run(facts(patents=patents(2, 1), rnd={"rnd_expense": "1000000"}, identity={"revenue": "8000000"}))
    assert result.rank_keys() == (2 / 3, 0.125)


def test_rank_keys_are_empty_where_a_quotient_cannot_be_taken():
    assert run(facts(patents=[], identity={"revenue": "0"})).rank_keys() == (None, None)
    assert run(facts(rnd={"rnd_expense": None})).rank_keys()[1] is None
