"""The monitoring report in real headless Chromium: the province opens the year on its page, the enterprise fills
its report (autosaved; a bad figure is flagged at the field and kept; the rate beside the patent list changes as
a patent is marked used), submits; the county returns it, the enterprise corrects and resubmits, the county
accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pool.models import MonitoringReport, MonitoringStatus
from tests.browser_support import login
from tests.lifecycle.conftest_monitoring import *  # noqa: F403
from tests.lifecycle.conftest_monitoring import admitted_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_saved(page) -> None:
    page.wait_for_function("() => window.poolApplicationForm && !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")


def open_tab(page, key: str) -> None:
    page.click(f'.tabs a[data-tab="{key}"]')
    page.wait_for_selector(f"#sec-{key}.active")


def test_open_fill_submit_return_resubmit_accept(live_server, page, shipped, province, county):
    from tests.pool.helpers import make_batch

    member = admitted_member(make_batch())
    today = timezone.localdate()

    login(page, live_server, province.username)
    page.goto(f"{live_server.url}/pool/monitoring/years/")
    page.fill("#id_year-year", str(today.year - 1))
    page.fill("#id_year-opens_on", today.isoformat())
    page.fill("#id_year-deadline", (today - timedelta(days=1)).isoformat())
    page.click("#open-year")
    assert "填报截止日期不能早于开始日期。" in page.inner_text("#year-form")
    page.fill("#id_year-deadline", (today + timedelta(days=30)).isoformat())
    page.click("#open-year")
    page.wait_for_selector(f'#year-table tr[data-year="{today.year - 1}"]')
    page.context.clear_cookies()

    login(page, live_server, member.login.username)
    assert "年度监测待填报" in page.inner_text("#home-monitoring")
    page.locator("#home-monitoring button").first.click()
    page.wait_for_selector("#application-form")
    assert page.inner_text("#rate-percent") == "100.00%"  # carried over: both patents of the application used
    page.fill("#f-figures-revenue", "九千万")
    wait_saved(page)
    error = page.locator("#f-figures-revenue").locator("xpath=..").locator("p.error")
    assert error.inner_text() == "请输入数字（单位：元）。"
    page.reload()
    assert page.input_value("#f-figures-revenue") == "九千万"  # kept as typed
    page.fill("#f-figures-revenue", "90000000")
    page.fill("#f-figures-profit", "-500000")
    page.fill("#f-figures-rnd_expense", "9000000")
    page.fill("#f-figures-patents_granted", "2")
    wait_saved(page)
    assert error.is_hidden()

    open_tab(page, "patents")
    page.locator('[data-rows="patents"] tbody tr.row').first.locator('[data-field="used_in_product"]') \
        .select_option("false")
    page.wait_for_function("() => document.getElementById('rate-percent').textContent === '50.00%'")
    assert "1 件 ÷ 计入专利 2 件" in page.inner_text("#rate-counts")

    open_tab(page, "products")
    row = page.locator('[data-rows="products"] tbody tr.row').first
    row.locator('[data-field="filed_on"]').fill(today.isoformat())
    row.locator('[data-field="sales"]').fill("31000000")
    row.locator('[data-field="profit"]').fill("5200000")
    wait_saved(page)
    page.click("#submit-report")
    page.click("#confirm-submit")  # checked first, confirmed second
    page.wait_for_selector("#report-status")
    assert "已提交" in page.inner_text("#report-status")
    page.context.clear_cookies()

    report = MonitoringReport.objects.get(membership=member)
    login(page, live_server, county.username)
    page.goto(f"{live_server.url}/pool/monitoring/{report.pk}/")
    page.check("#id_verify-decision_1")  # 退回修改
    page.click("#verify-submit")
    assert "请填写退回意见" in page.inner_text("#report-verify")
    page.fill("#id_verify-comment", "研发投入与年报不一致")
    page.click("#verify-submit")
    page.wait_for_selector('#report-status')
    assert "退回修改" in page.inner_text("#report-status")
    page.context.clear_cookies()

    login(page, live_server, member.login.username)
    page.goto(f"{live_server.url}/pool/monitoring/{report.pk}/edit/")
    assert "研发投入与年报不一致" in page.inner_text("#return-comment")
    assert page.input_value("#f-figures-revenue") == "90000000"  # nothing lost
    page.fill("#f-figures-rnd_expense", "9100000")
    wait_saved(page)
    page.click("#submit-report")
    page.click("#confirm-submit")  # checked first, confirmed second
    page.wait_for_selector("#report-status")
    page.context.clear_cookies()

    login(page, live_server, county.username)
    page.goto(f"{live_server.url}/pool/monitoring/{report.pk}/")
    page.check("#id_verify-decision_0")
    page.click("#verify-submit")
    page.wait_for_selector('#report-status[data-status="accepted"]')
    report.refresh_from_db()
    assert report.status == MonitoringStatus.ACCEPTED and report.revision_number == 2
    assert report.figures["rnd_expense"] == "9100000"
    page.goto(f"{live_server.url}/pool/monitoring/?year={today.year - 1}")
    assert page.locator("#monitoring-table tbody tr[data-report]").count() == 1
