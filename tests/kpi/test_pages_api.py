"""The dashboard, the records behind a figure, the API and the reports, scoped: a county sees its own figures only."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from portal.models import KpiReport, Notification, Region
from portal.services.kpi import reports_prepare, target_set
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def targets(deals):
    province = user_with_role("province")
    target_set(user=province, indicator="sme_deal_count", region=Region.objects.get(code="420200"), year=2026,
               absolute=8)
    target_set(user=province, indicator="academic_deal_count", region=Region.objects.get(code="420200"),
               year=2026, growth_rate=30)
    return province


def test_the_city_dashboard_shows_figures_targets_charts_and_counties(client, targets):
    client.force_login(user_with_role("city"))
    response = client.get(reverse("portal:kpi-dashboard"), {"region": "420200", "period": "2026Q2"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "黄石市" in page and "2026年第2季度" in page
    rows = {r.indicator.code: r for r in response.context["rows"]}
    # Q2: d2; year to date Q1+Q2: d1, d6, d3, d2 → 4 of 8
    assert (rows["sme_deal_count"].value, rows["sme_deal_count"].ytd) == (1, 4)
    assert rows["sme_deal_count"].completion == 50
    # growth target only and no deal last year: no implied target, no completion
    assert rows["academic_deal_count"].completion is None
    assert rows["academic_deal_count"].text_ytd_growth == "—"
    assert 'id="kpi-chart-data"' in page and "echarts.min.js" in page and 'id="table-regions"' in page
    assert [name for name, _, _ in response.context["breakdown"]][:2] == ["黄石港区", "西塞山区"]


def test_a_county_sees_its_own_figures_and_404_elsewhere(client, deals):
    county = user_with_role("county")  # 黄石港区 420202
    client.force_login(county)
    url = reverse("portal:kpi-dashboard")
    assert client.get(url).context["region"].code == "420202"
    assert client.get(url, {"region": "420202", "period": "2026"}).status_code == 200
    for other in ("420203", "420200", "420000", "420502", "999999"):
        assert client.get(url, {"region": other}).status_code == 404
        assert client.get(reverse("portal:kpi-records"),
                          {"region": other, "indicator": "sme_deal_count"}).status_code == 404
        assert api(county).get("/api/kpi/actuals/", {"region": other}).status_code == 404
        assert client.get(reverse("portal:kpi-report"), {"region": other}).status_code == 404
    assert client.get(reverse("portal:kpi-targets")).status_code == 404


def test_enterprises_and_banks_have_no_dashboard(client):
    for role in ("enterprise", "bank", "supplier"):
        user = user_with_role(role)
        client.force_login(user)
        assert client.get(reverse("portal:kpi-dashboard")).status_code == 404
        assert api(user).get("/api/kpi/actuals/").status_code == 404


def test_records_behind_a_figure(client, deals):
    client.force_login(user_with_role("city"))
    response = client.get(reverse("portal:kpi-records"),
                          {"region": "420200", "indicator": "sme_deal_amount", "period": "2026Q1"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    page = response.content.decode()
    assert "一号企业" in page and "三号企业" in page and "999999" not in page


def test_api_actuals_and_indicators(targets):
    city = user_with_role("city")
    data = api(city).get("/api/kpi/actuals/", {"region": "420200", "period": "2026Q1"}).json()
    rows = {r["indicator"]: r for r in data["rows"]}
    assert rows["sme_deal_count"]["value"] == 3 and rows["sme_deal_count"]["previous"] == 1
    assert rows["sme_deal_count"]["growth"] == 200
    assert rows["academic_deal_count"]["growth"] is None  # zero base
    assert data["breakdown"]["420202"][0]["ytd"] == 2
    indicators = api(city).get("/api/kpi/indicators/").json()
    assert {"code", "name", "unit", "period", "region"} <= set(indicators[0])
    county = user_with_role("county")
    assert api(county).get("/api/kpi/actuals/", {"region": "420202", "period": "2026"}).json()["rows"][0][
        "value"] == 3


def test_api_targets_set_and_read(targets):
    province = targets
    response = api(province).post("/api/kpi/targets/", {"indicator": "sme_deal_count", "region": "420200",
                                                        "year": 2026, "absolute": "10"}, format="json")
    assert response.status_code == 201 and response.json()["version"] == 2
    listed = api(province).get("/api/kpi/targets/", {"region": "420200", "year": 2026, "history": "1"}).json()
    assert sorted(t["version"] for t in listed if t["indicator"] == "sme_deal_count") == [1, 2]
    county = user_with_role("county")
    assert api(county).post("/api/kpi/targets/", {"indicator": "sme_deal_count", "region": "420202",
                                                  "year": 2026, "absolute": "1"}, format="json").status_code == 400
    assert api(county).get("/api/kpi/targets/", {"region": "420200"}).status_code == 404


def test_the_schema_documents_the_kpi_api(client):
    client.force_login(user_with_role("city"))
    schema = client.get("/api/schema/").content.decode()
    assert "/api/kpi/actuals/" in schema and "/api/kpi/targets/" in schema and "/api/kpi/records/" in schema


def test_the_province_report_has_a_sheet_per_city(client, targets):
    client.force_login(targets)
    response = client.get(reverse("portal:kpi-report"), {"region": "420000", "year": 2026, "quarter": 2})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "汇总" and "黄石市" in book.sheetnames and "宜昌市" in book.sheetnames
    header = [c.value for c in book["黄石市"][1]]
    assert header == ["序号", "任务", "年度绩效目标", "完成情况", "完成率", "同比增长"]
    huangshi = {row[1]: row for row in book["黄石市"].iter_rows(min_row=2, values_only=True)}
    count = huangshi["中小微企业受让、许可、作价入股专利数量"]
    assert count[2] == "8件" and count[3] == "4件" and count[4] == "50.0%"
    province = {row[1]: row for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert province["中小微企业受让、许可、作价入股专利数量"][3] == "5件"
    assert KpiReport.objects.filter(region_id="420000", year=2026, quarter=2).exists()


def test_the_quarterly_job_stores_reports_and_tells_the_bureaus(targets, django_capture_on_commit_callbacks,
                                                                 settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = user_with_role("city")
    user_with_role("city", region="420500")
    with django_capture_on_commit_callbacks(execute=True):
        reports_prepare(today=date(2026, 7, 5))
    report = KpiReport.objects.get(region_id="420200")
    assert (report.year, report.quarter) == (2026, 2) and report.xlsx and report.pdf
    assert Notification.objects.filter(recipient=city, verb="kpi.report_ready").count() == 1
    client = APIClient()
    client.force_login(city)
    assert client.get(reverse("portal:kpi-report-file", args=[report.pk, "xlsx"])).status_code == 200
    other = KpiReport.objects.get(region_id="420500")
    assert client.get(reverse("portal:kpi-report-file", args=[other.pk, "xlsx"])).status_code == 404


def test_a_county_report_is_one_sheet_and_its_pdf_renders(client, deals, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_with_role("county"))
    response = client.get(reverse("portal:kpi-report"), {"region": "420202", "year": 2026, "quarter": 1})
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 1
    rows = {r[1]: r for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows["中小微企业受让、许可、作价入股专利数量"][3] == "2件"  # d1, d6 in 黄石港区 by 31 March
    pdf = client.get(reverse("portal:kpi-report"), {"region": "420202", "year": 2026, "quarter": 1,
                                                    "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    listed = client.get(reverse("portal:kpi-reports")).content.decode()
    assert "2026年第1季度" in listed


def test_records_are_narrowed_by_the_apps_own_filterset(client, deals):
    client.force_login(user_with_role("city"))
    url = reverse("portal:kpi-records")
    base = {"region": "420200", "indicator": "sme_deal_amount", "period": "2026Q1"}
    assert client.get(url, {**base, "q": "一号"}).context["page_obj"].paginator.count == 2
    assert client.get(url, {**base, "mode": "shares"}).context["page_obj"].paginator.count == 1
    page = client.get(url, base).content.decode()
    assert 'id="records-filter"' in page and 'name="mode"' in page


@pytest.mark.parametrize("code", ["pool_applications", "pool_admissions", "pool_graduations", "pool_removals",
                                  "pool_replenishments", "pool_monitoring_on_time", "pledge_amount",
                                  "academic_deal_count", "sme_filing_rate"])
def test_every_record_list_opens(client, code):
    client.force_login(user_with_role("city"))
    response = client.get(reverse("portal:kpi-records"), {"region": "420200", "indicator": code, "period": "2026"})
    assert response.status_code == 200


def test_api_records_behind_a_figure_with_the_apps_filters(deals):
    city = user_with_role("city")
    url = "/api/kpi/records/"
    data = api(city).get(url, {"indicator": "sme_deal_amount", "region": "420200", "period": "2026Q1"}).json()
    assert data["count"] == 3 and data["columns"][0] == "签约日期"
    assert sorted(row[7] for row in data["results"]) == ["100000.00", "300000.00", "50000.00"]
    narrowed = api(city).get(url, {"indicator": "sme_deal_amount", "region": "420200", "period": "2026Q1",
                                   "mode": "shares"}).json()
    assert narrowed["count"] == 1
    county = user_with_role("county")
    assert api(county).get(url, {"indicator": "sme_deal_amount", "region": "420203"}).status_code == 404
