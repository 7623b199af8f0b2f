"""The whole review journey in real headless Chromium: the enterprise submits, the county returns it with a
comment, the enterprise sees the comment beside the fields, fixes and resubmits, the county approves, the city
recommends and downloads the Excel list, the province admits."""

from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pool.models import Application, ApplicationStatus, Batch
from pool.services.review.upper import CITY_PLACES
from portal.models import Notification, User
from tests.browser_support import login, menu
from tests.pool.helpers import make_application, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENTERPRISE = "黄石示范智能装备有限公司"


def as_user(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def submit_form(page) -> None:
    page.click("#submit-application")
    page.click("#confirm-submit")  # checked first, confirmed second
    page.wait_for_selector("#application-status")
    assert page.get_attribute("#application-status", "data-status") == "submitted"


def open_review(page, live_server) -> None:
    menu(page, "审核队列")
    page.get_by_role("link", name=ENTERPRISE).click()
    page.wait_for_selector("#review-actions")


def enterprise_submits(page, live_server, application) -> None:
    as_user(page, live_server, "demo_enterprise")
    page.goto(f"{live_server.url}/pool/applications/{application.pk}/edit/")
    submit_form(page)


def county_returns(page, live_server) -> None:
    as_user(page, live_server, "demo_county")
    open_review(page, live_server)
    form = page.locator('form.decision[data-action="returned"]')
    form.locator("summary").click()  # the per-section comments fold out
    form.locator("#section-rnd").fill("研发投入与专项审计报告金额不一致，请核实后修改")
    form.locator("#comment-returned").fill("请按分栏目意见修改")
    form.get_by_role("button", name="退回修改").click()
    page.wait_for_selector("text=已办理：退回修改")  # and back on the queue, where it no longer waits
    assert ENTERPRISE not in page.inner_text("#queue-table")


def enterprise_fixes_and_resubmits(page, live_server) -> None:
    as_user(page, live_server, "demo_enterprise")
    page.click("a.notice-link")
    assert "申报被退回修改" in page.content()
    page.goto(f"{live_server.url}/pool/applications/")
    page.get_by_role("link", name=ENTERPRISE).first.click()
    page.get_by_role("link", name="修改并重新提交").click()
    page.wait_for_selector("#application-form")
    assert "请按分栏目意见修改" in page.inner_text("#return-notice")
    page.click('.tabs a[data-tab="rnd"]')
    comment = page.locator('#sec-rnd [data-return-comment="rnd"]')
    assert comment.is_visible() and "研发投入与专项审计报告金额不一致" in comment.inner_text()
    page.fill("#f-rnd-rnd_expense", "9600000")
    page.wait_for_function("() => window.poolApplicationForm && !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")
    submit_form(page)


def county_approves(page, live_server) -> None:
    as_user(page, live_server, "demo_county")
    open_review(page, live_server)
    diff = page.inner_text("#revision-diff")
    assert "与第 1 版相比的修改" in diff and "9000000" in diff and "9600000" in diff
    page.locator("#action-county_approved").click()
    page.wait_for_selector("text=已办理：审核通过")


def city_recommends_and_downloads(page, live_server, tmp_path: Path) -> Path:
    as_user(page, live_server, "demo_city")
    menu(page, "推荐排序")
    page.wait_for_selector("#ranking-table")
    assert "评分相同时" in page.inner_text("#rank-rule")
    row = page.locator("#ranking-table tbody tr", has_text=ENTERPRISE)
    row.locator("input[name=ids]").check()
    page.select_option("#batch-to", "recommended")
    page.click("#batch-submit")
    page.wait_for_selector("#batch-report")
    assert "成功 1 件" in page.inner_text("#batch-report")
    page.select_option("#id_status", "recommended")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("#ranking-table")
    with page.expect_download() as download:
        page.click("#ranking-export")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    return target


def province_admits(page, live_server) -> None:
    as_user(page, live_server, "demo_province")
    menu(page, "推荐排序")
    assert "全省推荐名额" in page.inner_text("#quota")
    page.get_by_role("link", name=ENTERPRISE).click()
    page.locator("#action-province_recommended").click()
    page.wait_for_selector("text=已办理：省级推荐")
    page.select_option("#id_status", "province_recommended")
    page.get_by_role("button", name="筛选").click()
    page.locator("#ranking-table tbody tr", has_text=ENTERPRISE).locator("input[name=ids]").check()
    page.select_option("#batch-to", "admitted")
    page.click("#batch-submit")
    page.wait_for_selector("#batch-report")
    assert "批量确认入库：成功 1 件" in page.inner_text("#batch-report")


def test_the_whole_review_journey(live_server, page, tmp_path):
    call_command("seed_demo", "--force", verbosity=0)
    user = User.objects.get(username="demo_enterprise")
    batch = Batch.objects.get(name__contains="2026 年度")
    application = make_application(user, batch, data=valid_data(user.organisation))

    enterprise_submits(page, live_server, application)
    county_returns(page, live_server)
    enterprise_fixes_and_resubmits(page, live_server)
    county_approves(page, live_server)
    workbook = load_workbook(city_recommends_and_downloads(page, live_server, tmp_path))
    names = [row[1] for sheet in workbook.sheetnames[1:] for row in
             workbook[sheet].iter_rows(min_row=2, values_only=True)]
    # The list holds what the city recommended: this enterprise beside those the demo data had recommended.
    recommended = Application.objects.filter(batch=batch, region__code__startswith="4202", status__in=CITY_PLACES)
    assert ENTERPRISE in names and sorted(names) == sorted(recommended.values_list("enterprise_name", flat=True))
    assert workbook.sheetnames == ["汇总", "黄石港区"]
    province_admits(page, live_server)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert application.revision_number == 2
    assert list(application.transitions.values_list("to_status", flat=True)) == [
        "submitted", "returned", "submitted", "county_approved", "recommended", "province_recommended", "admitted"]
    assert Notification.objects.filter(recipient=user, verb="application.admitted").exists()
