"""Opening a draft is idempotent; autosave keeps whatever was typed and answers with the pre-check."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from pool.models import Application
from pool.services.applications import application_autosave, application_open_draft
from pool.workflow import TransitionError
from tests.factories import user_with_role
from tests.pool.helpers import form_post, make_application, make_batch, valid_data

pytestmark = pytest.mark.django_db


def test_opening_twice_returns_the_same_draft(applicant, batch):
    first, created = application_open_draft(batch=batch, user=applicant)
    again, created_again = application_open_draft(batch=batch, user=applicant)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Application.objects.filter(enterprise=applicant.organisation).count() == 1


def test_double_click_on_start_makes_one_draft(client, applicant, batch):
    client.force_login(applicant)
    url = reverse("pool:application-start", args=[batch.pk])
    first, second = client.post(url), client.post(url)
    assert first.url == second.url
    assert Application.objects.filter(enterprise=applicant.organisation, batch=batch).count() == 1


def test_a_lost_race_returns_the_winners_draft(applicant, batch, monkeypatch):
    winner = make_application(applicant, batch)
    real_filter = Application.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args, **kwargs):
        calls["n"] += 1
        return Application.objects.none() if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Application.objects, "filter", first_lookup_misses)
    application, created = application_open_draft(batch=batch, user=applicant)
    assert (application.pk, created) == (winner.pk, False)


def test_the_database_refuses_a_second_application_to_one_batch(applicant, batch):
    make_application(applicant, batch)
    with pytest.raises(IntegrityError):
        make_application(applicant, batch)


def test_new_draft_knows_the_registered_identity(applicant, batch):
    application, _ = application_open_draft(batch=batch, user=applicant)
    identity = application.data["identity"]
    assert identity["name"] == applicant.organisation.name
    assert identity["uscc"] == applicant.organisation.uscc
    assert identity["region_code"] == "420202"


def test_no_draft_outside_the_window(applicant, shipped):
    closed = make_batch(opens_in=-30, closes_in=-1)
    with pytest.raises(ValidationError, match="不在申报期内"):
        application_open_draft(batch=closed, user=applicant)


def test_only_enterprises_open_drafts(county_user, batch):
    with pytest.raises(TransitionError):
        application_open_draft(batch=batch, user=county_user)


def test_autosave_keeps_invalid_values_exactly_as_typed(applicant, batch):
    application = make_application(applicant, batch)
    post = form_post(application.data, ["identity"])
    post.update({"identity.revenue": "八千万", "identity.employees": "12.5"})
    result = application_autosave(application=application, user=applicant, post=post)
    application.refresh_from_db()
    assert application.data["identity"]["revenue"] == "八千万"
    assert result.errors["identity.revenue"] == "请输入数字（单位：元）。"
    assert result.errors["identity.employees"] == "请输入整数。"


def test_autosave_of_one_section_leaves_the_others_untouched(applicant, batch):
    application = make_application(applicant, batch)
    before = dict(application.data)
    post = form_post(application.data, ["rnd"])
    post["rnd.rnd_expense"] = "1200000"
    application_autosave(application=application, user=applicant, post=post)
    application.refresh_from_db()
    assert application.data["rnd"]["rnd_expense"] == "1200000"
    for key in ("identity", "patents", "products", "trademarks", "qualifications", "ip_management", "integrity"):
        assert application.data[key] == before[key]


def test_an_emptied_list_section_is_saved_as_empty(applicant, batch):
    application = make_application(applicant, batch)
    application_autosave(application=application, user=applicant, post={"_section": ["trademarks"]})
    application.refresh_from_db()
    assert application.data["trademarks"] == []
    assert len(application.data["patents"]) == 2


def test_autosave_answers_with_errors_and_the_fresh_precheck(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    post = form_post(application.data, ["rnd"])
    post["rnd.rnd_expense"] = ""
    post["rnd.rnd_staff"] = "300"
    response = client.post(reverse("pool:application-autosave", args=[application.pk]), post)
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["errors"] == {"rnd.rnd_staff": "研发人员不能多于职工总数。"}
    assert body["error_counts"] == {"rnd": 1}
    assert 'data-criterion="6"' in body["precheck_html"]
    assert body["verdict"] == "ineligible"


def test_precheck_changes_as_rnd_figures_are_added(applicant, batch):
    data = valid_data(applicant.organisation)
    data["rnd"]["rnd_expense"] = ""
    application = make_application(applicant, batch, data=data)
    post = form_post(data, ["rnd"])
    missing = application_autosave(application=application, user=applicant, post=post).precheck
    post["rnd.rnd_expense"] = "8000000"
    present = application_autosave(application=application, user=applicant, post=post).precheck
    outcome = {r.number: r.outcome for r in missing.results}[6], {r.number: r.outcome for r in present.results}[6]
    assert outcome[0] in ("fail", "manual")
    assert outcome[1] == "pass"
    assert present.verdict == "eligible"


def test_submitted_application_is_not_autosaved(applicant, batch):
    application = make_application(applicant, batch, status="submitted")
    with pytest.raises(TransitionError, match="不能修改"):
        application_autosave(application=application, user=applicant, post={"_section": ["identity"]})


def test_another_enterprise_cannot_reach_the_autosave(client, applicant, batch):
    application = make_application(applicant, batch)
    other = user_with_role("enterprise")
    client.force_login(other)
    response = client.post(reverse("pool:application-autosave", args=[application.pk]), {"_section": "identity"})
    assert response.status_code == 404


def test_the_county_can_see_but_not_edit_a_draft(client, applicant, batch, county_user):
    application = make_application(applicant, batch)
    client.force_login(county_user)
    assert client.get(reverse("pool:application-detail", args=[application.pk])).status_code == 200
    assert client.get(reverse("pool:application-edit", args=[application.pk])).status_code == 404


def test_form_without_javascript_saves_every_section(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    post = form_post(application.data)
    post["products.0.name"] = "改名后的产品"
    response = client.post(reverse("pool:application-edit", args=[application.pk]), post)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.data["products"][0]["name"] == "改名后的产品"


def test_form_page_shows_stored_errors_at_their_fields(client, applicant, batch):
    data = valid_data(applicant.organisation)
    data["identity"]["uscc"] = "123"
    application = make_application(applicant, batch, data=data)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    assert 'value="123"' in page
    assert "统一社会信用代码应为 18 位。" in page


def test_the_precheck_finds_a_listed_enterprise_whatever_hyphens_the_code_was_typed_with(applicant, batch):
    """The pre-check keys list hits as submission does (``normalise_uscc``), so a draft is not shown as passing
    criterion 10 while the same facts fail it once submitted."""
    from criteria.models import ListEntry, ListImport
    from pool.services.scoring import precheck

    application = make_application(applicant, batch)
    source = ListImport.objects.create(list_type="serious_dishonesty", file_name="x.csv")
    ListEntry.objects.create(list_type="serious_dishonesty", uscc=application.uscc, name="x", source_import=source)
    typed = f"{application.uscc[:6]}-{application.uscc[6:]}".lower()
    data = {**application.data, "identity": {**application.data["identity"], "uscc": typed}}
    result = precheck(application, data=data).to_dict()["results"][9]
    assert (result["number"], result["outcome"]) == (10, "fail")


def test_identity_comes_from_the_registration_not_from_what_is_typed(applicant, batch):
    """Typing another valid code once dodged a serious-dishonesty hit on the registered one (criterion 10)."""
    from criteria.models import ListEntry, ListImport
    from tests.factories import make_uscc

    application = make_application(applicant, batch)
    registered = applicant.organisation.uscc
    source = ListImport.objects.create(list_type="serious_dishonesty", file_name="x.csv")
    ListEntry.objects.create(list_type="serious_dishonesty", uscc=registered, name="x", source_import=source)
    post = form_post(application.data, ["identity"])
    post.update({"identity.uscc": make_uscc(99), "identity.name": "改过名字的公司"})
    result = application_autosave(application=application, user=applicant, post=post)
    application.refresh_from_db()
    assert application.data["identity"]["uscc"] == registered and application.uscc == registered
    assert application.data["identity"]["name"] == applicant.organisation.name == application.enterprise_name
    assert result.precheck.to_dict()["results"][9]["outcome"] == "fail"


def test_the_form_shows_the_registered_identity_read_only(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    field = page[page.index('name="identity.uscc"') - 200:page.index('name="identity.uscc"') + 300]
    assert "readonly" in field and applicant.organisation.uscc in field


def test_autosave_without_a_session_answers_401_in_chinese_with_the_way_back(client, applicant, batch):
    application = make_application(applicant, batch)
    url = reverse("pool:application-autosave", args=[application.pk])
    response = client.post(url, {"_section": "identity"}, HTTP_X_PAGE_PATH=f"/pool/applications/{application.pk}/edit/")
    assert response.status_code == 401
    body = response.json()
    assert body["login_required"] and "登录已超时" in body["message"]
    assert body["login_url"] == f"/login/?next=%2Fpool%2Fapplications%2F{application.pk}%2Fedit%2F"
    outside = client.post(url, {"_section": "identity"}, HTTP_X_PAGE_PATH="https://evil.example/")
    assert outside.json()["login_url"] == "/login/?next=%2F"


def test_the_registered_region_is_chosen_from_the_list_registration_offered(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    select = page[page.index('<select name="identity.region_code"'):]
    select = select[:select.index("</select>")]
    assert '<optgroup label="黄石市">' in select
    assert f'<option value="{application.data["identity"]["region_code"]}" selected>' in select
