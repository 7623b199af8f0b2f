"""A number is bounded at parsing wherever it enters: ``1e1000000`` (or sixty digits) in the autosave, the API's
facts, the demand form or an import is refused at once with a Chinese message, never stored, and a draft
holding one from before opens at once (it once cost 27 s per autosave and 26 s per opening)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from criteria.facts import ApplicationFacts
from pool.formdata import typed_value
from pool.models import Application
from pool.services.applications import application_autosave
from pool.validation import field_errors, refused_numbers
from tests.factories import user_with_role
from tests.pool.helpers import enterprise_login, form_post, make_application, make_batch

pytestmark = pytest.mark.django_db
HUGE = ["1e1000000", "1E+999999999", "9" * 60, "-1e1000000"]


@pytest.fixture
def draft(shipped):
    applicant = enterprise_login()
    return applicant, make_application(applicant, make_batch())


@pytest.mark.parametrize("value", HUGE)
def test_parsing_refuses_within_a_tenth_of_a_second(value):
    started = time.perf_counter()
    assert typed_value("int", value) is None and typed_value("decimal", value) is None
    errors = refused_numbers({"identity.employees": value, "identity.revenue": value})
    facts = ApplicationFacts.from_dict({"identity": {"employees": value, "revenue": value}})
    assert time.perf_counter() - started < 0.1
    assert set(errors) == {"identity.employees", "identity.revenue"}
    assert all("\u4e00" <= errors[k][0] <= "\u9fff" for k in errors)
    assert facts.identity.employees is None and facts.identity.revenue is None


@pytest.mark.parametrize("value", HUGE[:2])
def test_autosave_refuses_and_never_stores(draft, value):
    applicant, application = draft
    post = form_post(application.data, ["identity"])
    post["identity.employees"] = value
    started = time.perf_counter()
    result = application_autosave(application=application, user=applicant, post=post)
    assert time.perf_counter() - started < 2
    assert "科学计数法" in result.errors["identity.employees"]
    stored = Application.objects.get(pk=application.pk).data["identity"]["employees"]
    assert stored is None


def test_the_autosave_endpoint_answers_at_the_field(client, draft):
    applicant, application = draft
    client.force_login(applicant)
    url = reverse("pool:application-autosave", args=[application.pk])
    started = time.perf_counter()
    client.post(url, {"_section": "identity", "identity.employees": "200"})  # the first request warms up
    ordinary = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post(url, {"_section": "identity", "identity.employees": "1e1000000"})
    assert time.perf_counter() - started < ordinary + 1
    assert response.status_code == 200 and "科学计数法" in response.json()["errors"]["identity.employees"]
    assert "1e1000000" not in str(Application.objects.get(pk=application.pk).data)


def test_a_draft_stored_with_a_huge_number_opens_at_once(client, draft):
    applicant, application = draft
    data = application.data
    data["identity"]["employees"] = "1e1000000"
    data["identity"]["revenue"] = "9" * 60
    Application.objects.filter(pk=application.pk).update(data=data)
    client.force_login(applicant)
    started = time.perf_counter()
    response = client.get(reverse("pool:application-edit", args=[application.pk]))
    assert response.status_code == 200
    assert time.perf_counter() - started < 2
    assert field_errors(Application.objects.get(pk=application.pk).data)["identity.employees"]


def test_the_precheck_api_bounds_numbers(shipped):
    from criteria.examples import EXAMPLE_FACTS

    client = APIClient()
    client.force_authenticate(user_with_role("enterprise"))
    facts = {**EXAMPLE_FACTS, "identity": {**EXAMPLE_FACTS["identity"], "employees": "1e1000000",
                                           "revenue": "1e1000000", "total_assets": "9" * 60}}
    started = time.perf_counter()
    response = client.post("/api/criteria/precheck/", {"facts": facts}, format="json")
    assert time.perf_counter() - started < 2
    assert response.status_code in (200, 400)


def test_the_demand_form_refuses_a_huge_budget(client, shipped):
    client.force_login(user_with_role("enterprise", "420202"))
    started = time.perf_counter()
    response = client.post(reverse("matching:demand-create"), {
        "title": "压铸气孔", "description": "压铸件气孔缩松", "industry_chain": "铸造", "budget": "1e1000000",
        "cooperation_mode": "any"})
    assert time.perf_counter() - started < 2
    assert response.status_code == 200 and response.context["form"].errors["budget"]


def test_an_import_row_with_a_huge_price_is_a_row_error(client, shipped):
    from matching.models import SupplyPatent
    from tests.matching.conftest import SUPPLY_HEADER

    client.force_login(user_with_role("supplier", "420200"))
    row = "P1,,invention,一种装置,一种装置,B22D,,湖北理工学院,university,valid,transfer,1e1000000,铸造"
    upload = SimpleUploadedFile("patents.csv", f"{SUPPLY_HEADER}\n{row}\n".encode(), content_type="text/csv")
    started = time.perf_counter()
    response = client.post(reverse("matching:patent-import"), {"file": upload})
    assert time.perf_counter() - started < 2
    report = response.context["report"]
    assert not report.ok and any("超出范围" in e.message for e in report.errors)
    assert not SupplyPatent.objects.exists()
