"""Pages: criteria sets with weights, list import with history, list entries; scope; fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from criteria.models import CriteriaSet, ListEntry, ListImport
from tests.factories import make_uscc, user_with_role

from .files import csv_file

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_criteria_sets(n):
    base = CriteriaSet.objects.get(code="national-2024", version=1)
    start = CriteriaSet.objects.count()
    for i in range(start, start + n):
        CriteriaSet.objects.create(code=f"copy-{i}", version=1, name=f"副本{i}", parameters=base.parameters,
                                   weights=base.weights)


def add_imports(n, user):
    start = ListImport.objects.count()
    for i in range(start, start + n):
        record = ListImport.objects.create(list_type="abnormal_filing", file_name=f"f{i}.csv", imported_by=user,
                                           organisation=user.organisation, region=user.organisation.region)
        ListEntry.objects.create(list_type="abnormal_filing", uscc=make_uscc(500 + i), name=f"企业{i}",
                                 source_import=record)


def test_criteria_set_page_shows_parameters_and_weights_to_every_role(client, shipped, enterprise_user):
    response = logged_in(client, enterprise_user).get("/criteria/sets/")
    text = response.content.decode()
    assert response.status_code == 200
    for label in ("专利产业化率不低于", "50%", "500 万元", "综合评分权重", "研发投入强度", "仅认可国家级", "黄石市"):
        assert label in text


def test_criteria_set_detail_lists_the_ten_titles(client, shipped, county_user):
    criteria_set = CriteriaSet.objects.get(code="huangshi-2024")
    text = logged_in(client, county_user).get(f"/criteria/sets/{criteria_set.pk}/").content.decode()
    assert "在黄石注册登记" in text and text.count("<li>") >= 10


@pytest.mark.parametrize(("url", "api_url"), [("/criteria/sets/", "/api/criteria/sets/"),
                                              ("/criteria/lists/imports/", "/api/criteria/list-imports/"),
                                              ("/criteria/lists/", "/api/criteria/list-entries/")])
def test_list_pages_and_apis_run_a_fixed_number_of_queries(client, shipped, province_user, url, api_url):
    api = APIClient()
    api.force_authenticate(province_user)
    logged_in(client, province_user)
    add_criteria_sets(3)
    add_imports(5, province_user)
    few = queries(client, url), queries(api, api_url)
    add_criteria_sets(25)
    add_imports(25, province_user)
    assert (queries(client, url), queries(api, api_url)) == few


def test_city_sees_its_own_and_the_provinces_imports_but_not_another_citys(client, shipped, province_user):
    city = user_with_role("city", "420200")
    add_imports(1, province_user)
    add_imports(1, user_with_role("city", "420500"))
    add_imports(1, city)
    api = APIClient()
    api.force_authenticate(city)
    files = {row["file_name"] for row in api.get("/api/criteria/list-imports/").json()["results"]}
    assert files == {"f0.csv", "f2.csv"}
    assert api.get("/api/criteria/list-entries/").json()["count"] == 2
    text = logged_in(client, city).get("/criteria/lists/imports/").content.decode()
    assert "f0.csv" in text and "f2.csv" in text and "f1.csv" not in text


def test_county_sees_entries_of_its_city_and_province(client, shipped, province_user):
    add_imports(1, province_user)
    add_imports(1, user_with_role("city", "420500"))
    api = APIClient()
    api.force_authenticate(user_with_role("county", "420202"))
    assert [row["name"] for row in api.get("/api/criteria/list-entries/").json()["results"]] == ["企业0"]


def test_entry_search_by_uscc_ignores_spaces_and_dashes_as_the_import_does(client, shipped, province_user):
    add_imports(2, province_user)
    code = make_uscc(500)
    typed = f" {code[:4]}-{code[4:10]} {code[10:].lower()}"
    api = APIClient()
    api.force_authenticate(province_user)
    assert [row["name"] for row in api.get("/api/criteria/list-entries/", {"uscc": typed}).json()["results"]] == [
        "企业0"]


@pytest.mark.parametrize("role", ["enterprise", "county", "bank", "supplier"])
def test_import_page_is_not_found_for_other_roles(client, shipped, make_user, role):
    assert logged_in(client, make_user(role)).get("/criteria/lists/imports/").status_code == 404


def test_enterprise_cannot_browse_list_entries(client, shipped, enterprise_user):
    assert logged_in(client, enterprise_user).get("/criteria/lists/").status_code == 404


def test_upload_page_imports_a_good_file_and_shows_it_in_the_history(client, shipped, province_user):
    logged_in(client, province_user)
    upload = csv_file([(make_uscc(1), "甲公司", "失信", "2024-03-01")])
    response = client.post("/criteria/lists/imports/", {"list_type": "serious_dishonesty", "file": upload},
                           follow=True)
    text = response.content.decode()
    assert "已导入 1 条严重失信主体名单条目" in text
    assert "list.csv" in text
    assert ListEntry.objects.count() == 1


def test_upload_page_lists_every_bad_row_and_keeps_the_choice(client, shipped, province_user):
    logged_in(client, province_user)
    wrong = make_uscc(2)[:-1] + ("1" if make_uscc(2)[-1] != "1" else "2")
    upload = csv_file([(make_uscc(1), "", "", ""), (wrong, "乙", "", "")])
    response = client.post("/criteria/lists/imports/", {"list_type": "major_accident", "file": upload})
    text = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行：企业名称不能为空" in text and "第 3 行：统一社会信用代码校验位不正确" in text
    assert 'value="major_accident" selected' in text
    assert not ListEntry.objects.exists()


def test_list_template_offers_the_headers(client, shipped, city_user):
    response = logged_in(client, city_user).get("/criteria/lists/template.csv")
    assert response.content.decode("utf-8-sig").startswith("统一社会信用代码,企业名称,列入事由,列入日期")


def test_results_partial_renders_an_evaluation(shipped):
    from django.template.loader import render_to_string

    from criteria.examples import EXAMPLE_FACTS
    from criteria.services import default_criteria_set, evaluate_application_facts

    data = {**EXAMPLE_FACTS, "integrity": {"declared": False}}
    evaluation = evaluate_application_facts(data, default_criteria_set()).to_dict()
    html = render_to_string("criteria/_results.html", {"evaluation": evaluation})
    assert html.count('class="verdict verdict-pass"') == 9
    assert 'data-criterion="10" data-outcome="fail"' in html
    assert "verdict-ineligible" in html and "不符合入库条件" in html
    assert "综合评分构成" in html and "专利产业化率" in html
