"""The enterprise's journey in real headless Chromium: fill the form over two visits, watch the pre-check
change as R&D figures are added, attach a PDF, submit."""

import pytest
from django.core.management import call_command

from pool.demo import DEMO_BATCH
from pool.models import Application, ApplicationStatus
from tests.browser_support import login
from tests.pool import files
from tests.pool.helpers import patent_no

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def typed(page, selector: str, value: str) -> None:
    page.fill(selector, value)


def wait_saved(page) -> None:
    page.wait_for_function("() => window.poolApplicationForm && !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")


def open_tab(page, key: str) -> None:
    page.click(f'.tabs a[data-tab="{key}"]')
    page.wait_for_selector(f'#sec-{key}.active')


def outcome(page, number: int) -> str:
    return page.get_attribute(f'#precheck-panel li[data-criterion="{number}"]', "data-outcome")


def first_visit(page, live_server) -> None:
    login(page, live_server, "demo_enterprise")
    page.get_by_role("button", name="开始申报").first.click()
    page.wait_for_selector("#application-form")
    assert page.input_value("#f-identity-name") == "黄石示范智能装备有限公司"
    page.select_option("#f-identity-legal_form", "company")
    typed(page, "#f-identity-registration_date", "2015-03-01")
    typed(page, "#f-identity-industry_code", "C3832")
    typed(page, "#f-identity-employees", "200")
    typed(page, "#f-identity-revenue", "八千万")
    wait_saved(page)
    error = page.locator("#f-identity-revenue").locator("xpath=..").locator("p.error")
    assert error.inner_text() == "请输入数字（单位：元）。"
    typed(page, "#f-identity-revenue", "80000000")
    typed(page, "#f-identity-total_assets", "60000000")
    wait_saved(page)
    assert error.is_hidden()

    open_tab(page, "patents")
    row = page.locator('[data-rows="patents"] tbody tr.row').first
    row.locator('[data-field="application_no"]').fill(patent_no(123456))
    row.locator('[data-field="title"]').fill("一种智能分拣装置")
    row.locator('[data-field="patent_type"]').select_option("invention")
    row.locator('[data-field="granted"]').select_option("true")
    row.locator('[data-field="valid"]').select_option("true")
    row.locator('[data-field="ownership"]').select_option("owned")
    row.locator('[data-field="used_in_product"]').select_option("true")
    open_tab(page, "products")  # leaving a section saves it at once
    wait_saved(page)
    product = page.locator('[data-rows="products"] tbody tr.row').first
    product.locator('[data-field="name"]').fill("智能分拣机")
    product.locator('[data-field="core_patents"]').fill(patent_no(123456))
    product.locator('[data-field="filing_no"]').fill("BA2024420001")
    wait_saved(page)
    page.goto(f"{live_server.url}/")  # the enterprise leaves for now


def second_visit(page, live_server) -> None:
    page.context.clear_cookies()
    login(page, live_server, "demo_enterprise")
    page.get_by_role("link", name="继续填写").click()
    page.wait_for_selector("#application-form")
    assert page.input_value("#f-identity-revenue") == "80000000"
    open_tab(page, "patents")
    assert page.locator('[data-rows="patents"] tbody tr.row').first.locator(
        '[data-field="application_no"]').input_value() == patent_no(123456)

    open_tab(page, "rnd")
    assert outcome(page, 6) in ("fail", "manual")
    typed(page, "#f-rnd-rnd_staff", "50")
    typed(page, "#f-rnd-total_staff", "200")
    typed(page, "#f-rnd-leader_name", "陈工")
    typed(page, "#f-rnd-rnd_expense", "9000000")
    wait_saved(page)
    assert outcome(page, 6) == "pass"
    assert outcome(page, 7) == "pass"

    open_tab(page, "ip_management")
    for name in ("system", "organisation", "personnel", "safeguard"):
        page.select_option(f"#f-ip_management-{name}", "true")
    open_tab(page, "integrity")
    page.select_option("#f-integrity-declared", "true")
    wait_saved(page)

    open_tab(page, "attachments")
    page.select_option("#id_attachment-kind", "financial")
    page.set_input_files("#id_attachment-file", {"name": "研发费用专项审计报告.pdf", "mimeType": "application/pdf",
                                      "buffer": files.PDF})
    page.get_by_role("button", name="上传").click()
    page.wait_for_selector("text=附件已上传。")
    assert "研发费用专项审计报告.pdf" in page.inner_text("#attachment-list")

    page.click("#submit-application")
    page.click("#confirm-submit")  # checked first, confirmed second
    page.wait_for_selector("#application-status")
    assert page.get_attribute("#application-status", "data-status") == "submitted"
    assert "申报已提交" in page.content()


def test_enterprise_fills_the_form_over_two_visits_and_submits(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    first_visit(page, live_server)
    second_visit(page, live_server)
    # The demo enterprise is already a member from an earlier batch: its application of the open batch.
    application = Application.objects.get(enterprise__name="黄石示范智能装备有限公司", batch__name=DEMO_BATCH)
    assert application.status == ApplicationStatus.SUBMITTED
    revision = application.current_revision
    assert revision.number == 1
    assert revision.data["rnd"]["rnd_expense"] == "9000000"
    assert [a["name"] for a in revision.attachments] == ["研发费用专项审计报告.pdf"]
    assert application.evaluations.get().criteria_set_version == 1
