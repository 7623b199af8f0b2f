"""Monitoring pages and API: the province's reporting years, the enterprise's form (autosave, errors that keep the
input, submit), the county's verification, the summary with its export, scoping (another county → 404) and the
query counts of the lists."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from pool.models import MisconductRecord, MonitoringReport, MonitoringStatus, ReportingYear
from pool.services.lifecycle.monitoring import report_start, report_submit, reports_materialise
from tests.lifecycle.conftest_monitoring import *  # noqa: F403
from tests.lifecycle.conftest_monitoring import (
    admitted_member,
    bulk_reports,
    open_year,
    report_post,
    started,
    valid_report,
)

pytestmark = pytest.mark.django_db
R = MonitoringStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def submitted(batch, province):
    """A member of 黄石港区 with its report submitted."""
    member = admitted_member(batch)
    report = report_submit(report=started(member, open_year(province)), user=member.login)
    report.member = member
    return report


# --- the province's reporting years ------------------------------------------------------------------------------

def test_province_opens_a_year_on_the_page(client, province):
    client.force_login(province)
    page = client.get("/pool/monitoring/years/")
    assert page.status_code == 200 and "开启年度监测" in page.content.decode()
    today = timezone.localdate()
    response = client.post("/pool/monitoring/years/", {
        "year-year": today.year - 1, "year-opens_on": today.isoformat(),
        "year-deadline": (today + timedelta(days=60)).isoformat(), "year-note": "请按时填报"})
    assert response.status_code == 302
    assert ReportingYear.objects.get().note == "请按时填报"


def test_a_refused_year_keeps_what_was_typed_with_the_message_at_the_field(client, province):
    client.force_login(province)
    today = timezone.localdate()
    response = client.post("/pool/monitoring/years/", {
        "year-year": today.year - 1, "year-opens_on": today.isoformat(),
        "year-deadline": (today - timedelta(days=1)).isoformat(), "year-note": "说明文字不丢"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "填报截止日期不能早于开始日期。" in body and "说明文字不丢" in body
    assert (today - timedelta(days=1)).isoformat() in body
    assert not ReportingYear.objects.exists()


@pytest.mark.parametrize("role,region", [("county", "420202"), ("city", "420200")])
def test_only_the_province_sees_the_form_and_may_post_it(client, make_user, role, region):
    client.force_login(make_user(role, region))
    assert 'id="year-form"' not in client.get("/pool/monitoring/years/").content.decode()
    today = timezone.localdate()
    response = client.post("/pool/monitoring/years/", {"year-year": today.year - 1, "year-opens_on": today,
                                                       "year-deadline": today})
    assert response.status_code == 404 and not ReportingYear.objects.exists()


def test_reporting_years_api_opens_for_the_province_only(province, county):
    today = timezone.localdate()
    body = {"year": today.year - 1, "opens_on": today.isoformat(), "deadline": today.isoformat()}
    refused = api(county).post("/api/pool/reporting-years/", body, format="json")
    assert refused.status_code == 400 and "只有省级" in str(refused.json())
    created = api(province).post("/api/pool/reporting-years/", body, format="json")
    assert created.status_code == 201 and created.json()["region"] == "420000"
    again = api(province).post("/api/pool/reporting-years/", body, format="json")
    assert again.status_code == 400 and "不能重复开启" in again.json()["year"][0]
    assert api(county).get("/api/pool/reporting-years/").json()["count"] == 1


# --- the enterprise's form ------------------------------------------------------------------------------------------

def test_the_enterprise_starts_fills_and_submits_its_report(client, batch, province):
    member = admitted_member(batch)
    reporting_year = open_year(province)
    client.force_login(member.login)
    mine = client.get("/pool/monitoring/mine/").content.decode()
    assert f"{reporting_year.year} 年度" in mine
    home = client.get("/").content.decode()
    assert "年度监测待填报" in home and reporting_year.deadline.isoformat() in home
    started_page = client.post(f"/pool/monitoring/years/{reporting_year.pk}/start/")
    report = MonitoringReport.objects.get(membership=member)
    assert started_page.status_code == 302 and started_page["Location"] == f"/pool/monitoring/{report.pk}/edit/"
    form = client.get(f"/pool/monitoring/{report.pk}/edit/").content.decode()
    assert 'id="monitoring-rate"' in form and "营业收入" in form and "重大事项申报" in form

    saved = client.post(f"/pool/monitoring/{report.pk}/autosave/", report_post(valid_report()))
    body = saved.json()
    assert body["ok"] and body["errors"] == {} and body["rate"] == {"used": 2, "counted": 3, "percent": "66.66"}
    assert "66.66%" in body["precheck_html"]
    confirm = client.post(f"/pool/monitoring/{report.pk}/submit/")  # checked first, confirmed second
    assert confirm.status_code == 200 and 'id="confirm-submit"' in confirm.content.decode()
    assert "66.66%" in confirm.content.decode()
    report.refresh_from_db()
    assert report.status == R.DRAFT and report.revision_number == 0  # nothing submitted before the confirmation
    submitted = client.post(f"/pool/monitoring/{report.pk}/submit/", {"confirmed": "1"})
    assert submitted.status_code == 302 and submitted["Location"] == f"/pool/monitoring/{report.pk}/"
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    detail = client.get(f"/pool/monitoring/{report.pk}/").content.decode()
    assert "66.66%" in detail and "已提交" in detail


def test_autosave_answers_field_errors_and_the_page_shows_the_input_as_typed(client, batch, province):
    member = admitted_member(batch)
    report = report_start(reporting_year=open_year(province), user=member.login)
    client.force_login(member.login)
    data = valid_report()
    data["figures"]["revenue"] = "一千万"
    body = client.post(f"/pool/monitoring/{report.pk}/autosave/", report_post(data, ["figures"])).json()
    assert body["errors"] == {"figures.revenue": "请输入数字（单位：元）。"}
    assert body["error_counts"] == {"figures": 1}
    page = client.get(f"/pool/monitoring/{report.pk}/edit/").content.decode()
    assert 'value="一千万"' in page and "请输入数字（单位：元）。" in page


def test_a_refused_submission_shows_every_error_and_loses_nothing(client, batch, province):
    member = admitted_member(batch)
    data = valid_report()
    data["figures"]["rnd_expense"] = ""
    data["incidents"] = [{"kind": "serious_dishonesty", "occurred_on": "", "description": "被列入失信名单"}]
    report = started(member, open_year(province), data)
    client.force_login(member.login)
    response = client.post(f"/pool/monitoring/{report.pk}/submit/")
    body = response.content.decode()
    assert response.status_code == 400 and 'id="confirm-submit"' not in body  # no confirmation before the check
    assert "监测报告有 2 处需要修改" in body and "此项为必填项。" in body and "被列入失信名单" in body
    report.refresh_from_db()
    assert report.status == R.DRAFT and report.data["incidents"][0]["description"] == "被列入失信名单"


def test_the_form_without_javascript_saves_every_section(client, batch, province):
    member = admitted_member(batch)
    report = report_start(reporting_year=open_year(province), user=member.login)
    client.force_login(member.login)
    response = client.post(f"/pool/monitoring/{report.pk}/edit/", {**report_post(valid_report()), "tab": "products"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=products")
    report.refresh_from_db()
    assert report.data["figures"]["revenue"] == "90000000" and len(report.data["patents"]) == 4


def test_a_submitted_report_is_no_longer_editable(client, submitted):
    client.force_login(submitted.member.login)
    assert client.get(f"/pool/monitoring/{submitted.pk}/edit/").status_code == 302
    refused = client.post(f"/pool/monitoring/{submitted.pk}/autosave/", report_post(valid_report()))
    assert refused.status_code == 409 and "不能修改" in refused.json()["message"]


def test_patent_import_into_the_report(client, batch, province):
    from openpyxl import Workbook

    from pool.schema import PATENTS
    from tests.pool.helpers import patent_no

    member = admitted_member(batch)
    report = report_start(reporting_year=open_year(province), user=member.login)
    workbook = Workbook()
    workbook.active.append([f.label for f in PATENTS.fields])
    workbook.active.append([patent_no(765432), "一种新装置", "发明", "是", "是", "自有", "", None, None, "是"])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "patents.xlsx"
    client.force_login(member.login)
    response = client.post(f"/pool/monitoring/{report.pk}/patents/import/", {"import-file": buffer, "import-mode": "replace"})
    assert response.status_code == 302 and response["Location"].endswith("/edit/?tab=patents")
    report.refresh_from_db()
    assert [p["application_no"] for p in report.data["patents"]] == [patent_no(765432)]


# --- the county's verification -----------------------------------------------------------------------------------

def test_county_returns_on_the_page_and_a_missing_comment_keeps_the_form(client, submitted, county):
    client.force_login(county)
    home = client.get("/").content.decode()
    assert "待核实的监测报告" in home and submitted.member.enterprise_name in home
    todos = home[home.index('id="todos"'):home.index("</section>", home.index('id="todos"'))]
    assert "待核实的监测报告" in todos
    page = client.get(f"/pool/monitoring/{submitted.pk}/").content.decode()
    assert "县级核实" in page and "66.66%" in page
    refused = client.post(f"/pool/monitoring/{submitted.pk}/verify/", {"verify-decision": "returned",
                                                                       "verify-comment": ""})
    assert refused.status_code == 400 and "请填写退回意见" in refused.content.decode()
    returned = client.post(f"/pool/monitoring/{submitted.pk}/verify/", {"verify-decision": "returned",
                                                                        "verify-comment": "利润总额有误"})
    assert returned.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == R.RETURNED and submitted.comment == "利润总额有误"
    client.force_login(submitted.member.login)
    form = client.get(f"/pool/monitoring/{submitted.pk}/edit/").content.decode()
    assert "利润总额有误" in form and 'value="90000000"' in form  # the returned report keeps its data


def test_county_accepts_by_api_and_the_incidents_are_recorded(batch, province, county):
    member = admitted_member(batch)
    data = valid_report()
    data["incidents"] = [{"kind": "abnormal_filing", "occurred_on": "2025-03-03", "description": "被通报"}]
    report = started(member, open_year(province), data)
    submitted = api(member.login).post(f"/api/pool/monitoring/{report.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    accepted = api(county).post(f"/api/pool/monitoring/{report.pk}/accept/", {"comment": "属实"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert MisconductRecord.objects.get(membership=member).source_key == f"report:{report.pk}:0"
    again = api(county).post(f"/api/pool/monitoring/{report.pk}/return/", {"comment": "x"}, format="json")
    assert again.status_code == 409


def test_return_by_api_needs_a_comment(submitted, county):
    refused = api(county).post(f"/api/pool/monitoring/{submitted.pk}/return/", {"comment": ""}, format="json")
    assert refused.status_code == 400 and "请填写退回意见" in refused.json()["comment"][0]


# --- scoping ---------------------------------------------------------------------------------------------------------

def test_another_county_gets_404_on_page_verify_and_api(client, submitted, other_county, city):
    client.force_login(other_county)
    assert client.get(f"/pool/monitoring/{submitted.pk}/").status_code == 404
    assert client.post(f"/pool/monitoring/{submitted.pk}/verify/",
                       {"verify-decision": "accepted"}).status_code == 404
    assert api(other_county).get(f"/api/pool/monitoring/{submitted.pk}/").status_code == 404
    assert api(other_county).post(f"/api/pool/monitoring/{submitted.pk}/accept/").status_code == 404
    assert api(other_county).get("/api/pool/monitoring/").json()["count"] == 0
    assert submitted.member.enterprise_name not in client.get("/pool/monitoring/").content.decode()
    client.force_login(city)  # the city sees its counties' reports, but does not verify
    page = client.get(f"/pool/monitoring/{submitted.pk}/").content.decode()
    assert submitted.member.enterprise_name in page and 'id="report-verify"' not in page


def test_another_enterprise_gets_404(client, submitted, applicant):
    client.force_login(applicant)
    for url in (f"/pool/monitoring/{submitted.pk}/", f"/pool/monitoring/{submitted.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/pool/monitoring/{submitted.pk}/autosave/", {}).status_code == 404
    assert client.post(f"/pool/monitoring/{submitted.pk}/submit/").status_code == 404
    assert api(applicant).get(f"/api/pool/monitoring/{submitted.pk}/").status_code == 404
    assert client.get("/pool/monitoring/").status_code == 404  # the summary is a bureau's page


def test_a_bureau_reads_the_submitted_version_not_the_draft(client, submitted, county):
    from pool.services.lifecycle.monitoring import report_autosave, report_return

    report_return(report=submitted, user=county, comment="请修改")
    report_autosave(report=submitted, user=submitted.member.login,
                    post=report_post({"figures": {"revenue": "123"}}, ["figures"]))
    detail = api(county).get(f"/api/pool/monitoring/{submitted.pk}/").json()
    assert detail["data"]["figures"]["revenue"] == "90000000"
    own = api(submitted.member.login).get(f"/api/pool/monitoring/{submitted.pk}/").json()
    assert own["data"]["figures"]["revenue"] == "123"


# --- the summary, the overdue list, the export -------------------------------------------------------------------------

def test_summary_filters_and_export(client, batch, province, county, submitted):
    waiting = admitted_member(batch)
    reports_materialise(reporting_year=submitted.reporting_year)  # the daily job's part for late admissions
    year = submitted.year
    client.force_login(county)
    page = client.get("/pool/monitoring/", {"year": year, "status": "submitted"}).content.decode()
    assert submitted.member.enterprise_name in page and waiting.enterprise_name not in page
    listed = api(county).get("/api/pool/monitoring/", {"year": year, "region": "420202"}).json()
    assert listed["count"] == 2
    row = next(r for r in listed["results"] if r["id"] == submitted.pk)
    assert row["rate"] == "66.66" and row["revenue"] == "90000000" and row["patents_granted"] == 3
    assert row["new_products"] == 1 and row["late"] is False
    assert api(county).get("/api/pool/monitoring/", {"overdue": "missing"}).json()["count"] == 0
    response = client.get("/pool/monitoring/export/", {"year": year})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "汇总"
    sheet = workbook[workbook.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("监测年度", "企业名称", "统一社会信用代码", "所在县（市、区）")
    names = {r[1] for r in rows[1:]}
    assert names == {submitted.member.enterprise_name, waiting.enterprise_name}


def test_overdue_list_for_the_county(client, batch, province, county, other_county):
    from pool.models import Membership

    here, there = admitted_member(batch), admitted_member(batch, region="420203")
    Membership.objects.update(admitted_on=timezone.localdate() - timedelta(days=200))
    open_year(province, opens_in=-60, deadline_in=-1)
    client.force_login(county)
    page = client.get("/pool/monitoring/overdue/").content.decode()
    assert here.enterprise_name in page and there.enterprise_name not in page and "共 1 家" in page
    assert "逾期未报" in client.get("/").content.decode()
    assert api(county).get("/api/pool/monitoring/", {"overdue": "missing"}).json()["count"] == 1


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/pool/monitoring/", "/api/pool/monitoring/", "/pool/monitoring/overdue/",
                                 "/pool/monitoring/years/", "/api/pool/reporting-years/"])
def test_lists_run_the_same_queries_for_6_and_30_rows(client, batch, province, county, url,
                                                      django_assert_num_queries):
    reporting_year = open_year(province, opens_in=-300, deadline_in=-1 if "overdue" in url else 30)
    getter = api(county) if url.startswith("/api/") else client
    client.force_login(county)
    bulk_reports(batch, reporting_year, 6)
    getter.get(url)  # warm what the first request of a session caches
    few = _queries(lambda: getter.get(url))
    bulk_reports(batch, reporting_year, 24)
    with django_assert_num_queries(few):
        response = getter.get(url)
    if url == "/pool/monitoring/":
        assert response.content.decode().count("data-report=") == 30
    if url == "/api/pool/monitoring/":
        assert len(response.json()["results"]) == 30


def test_the_overdue_filter_tells_late_from_on_time_filings(batch, province, county):
    from pool.models import Membership

    on_time, late, missing = admitted_member(batch), admitted_member(batch), admitted_member(batch)
    Membership.objects.update(admitted_on=timezone.localdate() - timedelta(days=200))
    reporting_year = open_year(province, opens_in=-60, deadline_in=-1)
    report_submit(report=started(late, reporting_year), user=late.login)
    report = started(on_time, reporting_year)
    report_submit(report=report, user=on_time.login)
    MonitoringReport.objects.filter(pk=report.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    report.revisions.update(submitted_at=timezone.now() - timedelta(days=5))

    def names(value):
        rows = api(county).get("/api/pool/monitoring/", {"overdue": value}).json()["results"]
        return {r["enterprise_name"] for r in rows}

    assert names("late") == {late.enterprise_name}
    assert names("on_time") == {on_time.enterprise_name}
    assert names("missing") == {missing.enterprise_name}


def test_a_confirmed_submission_is_still_checked(client, batch, province):
    """The confirmation is no bypass: a draft emptied after the confirmation page was shown is refused."""
    member = admitted_member(batch)
    data = valid_report()
    data["figures"]["rnd_expense"] = ""
    report = started(member, open_year(province), data)
    client.force_login(member.login)
    response = client.post(f"/pool/monitoring/{report.pk}/submit/", {"confirmed": "1"})
    assert response.status_code == 400 and "此项为必填项。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == R.DRAFT
