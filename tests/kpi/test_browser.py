"""The KPI journey in real headless Chromium: demo_province sets a target for Huangshi, demo_city opens the
dashboard, the charts draw (canvas present, no console errors, nothing fetched from outside) and the quarterly
report downloads and opens in openpyxl."""

import re
from io import StringIO
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook

from portal.demo import seed
from portal.models import KpiTarget
from tests.browser_support import login
from tests.kpi.data import build_deals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_sets_a_target_city_reads_the_dashboard_and_downloads_the_report(live_server, page, tmp_path,
                                                                                  settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed(StringIO())
    build_deals()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    host = urlparse(live_server.url).netloc
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in (host, "") else None)

    login(page, live_server, "demo_province")
    page.goto(f"{live_server.url}/portal/kpi/targets/?region=420200&year=2026")
    page.get_by_label("中小微企业受让、许可、作价入股专利数量目标值（件）").fill("8")
    page.get_by_label("中小微企业受让、许可、作价入股专利数量年均增幅目标（%）").fill("30")
    page.get_by_role("button", name="保存目标").click()
    page.wait_for_url(re.compile(r"/portal/kpi/targets/"))
    assert "已保存" in page.content()
    target = KpiTarget.objects.get(region_id="420200", year=2026, indicator="sme_deal_count", is_current=True)
    assert target.absolute == 8 and target.growth_rate == 30
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))

    login(page, live_server, "demo_city")
    menu = page.get_by_role("navigation", name="主导航")
    menu.locator("summary", has_text="统计").click()
    menu.get_by_role("link", name="绩效指标").click()
    page.wait_for_url(re.compile(r"/portal/kpi/"))
    page.goto(f"{live_server.url}/portal/kpi/?region=420200&period=2026Q2&indicator=sme_deal_count")
    page.wait_for_load_state("networkidle")
    for chart in ("#chart-quarters", "#chart-completion", "#chart-regions"):
        page.wait_for_selector(f"{chart} canvas, {chart} svg", state="attached")
    row = page.locator("#kpi-table tr[data-indicator='sme_deal_count']")
    assert "50.0%" in row.inner_text()  # 4 of 8 by the end of June
    assert "黄石港区" in page.locator("#table-regions").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载季度报告（Excel）").click()
    target_file = tmp_path / "report.xlsx"
    download_info.value.save_as(target_file)
    book = load_workbook(target_file)
    assert book.sheetnames[0] == "汇总" and "黄石港区" in book.sheetnames
    summary = {r[1]: r for r in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["中小微企业受让、许可、作价入股专利数量"][2:5] == ("8件，年均增幅30%", "4件", "50.0%")

    assert not errors, errors
    assert not outside, outside
