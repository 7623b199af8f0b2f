"""The pre-check API and the read APIs of criteria sets and imported lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from criteria.examples import EXAMPLE_FACTS
from criteria.models import CriteriaSet, ListEntry, ListImport
from tests.factories import make_uscc

from .helpers import facts

pytestmark = pytest.mark.django_db
URL = "/api/criteria/precheck/"


@pytest.fixture
def api(shipped, enterprise_user):
    client = APIClient()
    client.force_authenticate(enterprise_user)
    return client


def test_precheck_returns_the_ten_verdicts_and_the_overall_verdict(api):
    response = api.post(URL, {"facts": EXAMPLE_FACTS, "on": "2025-06-01"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "eligible"
    assert body["criteria_set"] == {"code": "national-2024", "version": 1}
    assert [r["outcome"] for r in body["results"]] == ["pass"] * 10
    assert body["score"] == "70.95"


def test_precheck_uses_the_chosen_criteria_set(api):
    data = facts(identity={"region_code": "420102", "uscc": make_uscc(5, "420102")})
    body = api.post(URL, {"facts": data, "criteria_set": "huangshi-2024", "on": "2025-06-01"}, format="json").json()
    assert body["results"][0]["outcome"] == "fail"
    assert body["criteria_set"]["code"] == "huangshi-2024"


def test_missing_sections_evaluate_as_fail_or_manual(api):
    response = api.post(URL, {"facts": {"identity": {"name": "半成品公司"}}}, format="json")
    assert response.status_code == 200
    assert response.json()["verdict"] == "ineligible"
    assert {r["outcome"] for r in response.json()["results"]} <= {"fail", "manual", "warn"}


def test_a_blank_criteria_set_means_the_default_one(api):
    body = api.post(URL, {"facts": EXAMPLE_FACTS, "criteria_set": "", "on": "2025-06-01"}, format="json").json()
    assert body["criteria_set"] == {"code": "national-2024", "version": 1}


def test_without_any_usable_criteria_set_the_precheck_says_so(api):
    CriteriaSet.objects.update(is_active=False)
    response = api.post(URL, {"facts": EXAMPLE_FACTS}, format="json")
    assert response.status_code == 400
    assert response.json() == {"criteria_set": ["系统中没有可用的入库标准。"]}


@pytest.mark.parametrize(("payload", "path"), [
    ({"facts": {"identity": {"revenue": "一千万"}}}, ("facts", "identity", "revenue")),
    ({"facts": {"identity": {"employees": -3}}}, ("facts", "identity", "employees")),
    ({"facts": {"qualifications": [{"valid_to": "2025-02-30"}]}}, ("facts", "qualifications", "0", "valid_to")),
    ({"facts": {"patents": [{}, {"patent_type": "software"}]}}, ("facts", "patents", "1", "patent_type")),
    ({"facts": {"rnd": {"cooperations": "university"}}}, ("facts", "rnd", "cooperations")),
    ({"facts": {"integrity": {"declared": "maybe"}}}, ("facts", "integrity", "declared")),
    ({"facts": {}, "on": "tomorrow"}, ("on",)),
    ({"facts": {}, "criteria_set": "mars-2024"}, ("criteria_set",)),
    ({"facts": "everything is fine"}, ("facts",)),
    ({}, ("facts",)),
])
def test_malformed_input_answers_400_with_the_field(api, payload, path):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert messages(errors) and all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages(errors))


def messages(errors) -> list[str]:
    """Every message under a field (a list, or nested ``non_field_errors``)."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in messages(value)]
    return [m for value in errors for m in messages(value)]


def test_non_json_body_answers_400(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_precheck_writes_nothing(api):
    with CaptureQueriesContext(connection) as queries:
        assert api.post(URL, {"facts": EXAMPLE_FACTS}, format="json").status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_precheck_sees_list_hits_of_the_own_organisation(api, enterprise_user):
    own = enterprise_user.organisation.uscc
    source = ListImport.objects.create(list_type="serious_dishonesty", file_name="x.csv")
    ListEntry.objects.create(list_type="serious_dishonesty", uscc=own, name="x",
                             reason="失信被执行人", source_import=source)
    facts_of_own = {**EXAMPLE_FACTS, "identity": {**EXAMPLE_FACTS["identity"], "uscc": own}}
    body = api.post(URL, {"facts": facts_of_own}, format="json").json()
    assert body["results"][9]["outcome"] == "fail"
    assert "失信被执行人" in body["results"][9]["explanation"]


def test_precheck_needs_a_login(shipped):
    assert APIClient().post(URL, {"facts": {}}, format="json").status_code in (401, 403)


def test_criteria_sets_list_shows_parameters_and_weights(api):
    body = api.get("/api/criteria/sets/").json()
    codes = {item["code"]: item for item in body["results"]}
    assert set(codes) == {"national-2024", "huangshi-2024"}
    national = codes["national-2024"]
    assert national["parameters"]["rnd_amount_min"] == "5000000"
    assert {row["label"] for row in national["weights_display"]} >= {"专利产业化率", "研发投入强度"}
    assert api.get("/api/criteria/sets/?code=huangshi-2024").json()["count"] == 1


def test_schema_documents_the_facts_shape_with_an_example(api):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/criteria/precheck/"]["post"]
    assert "examples" in operation["requestBody"]["content"]["application/json"]
    components = schema["components"]["schemas"]
    assert "rnd_expense" in components["RnDRequest"]["properties"]
