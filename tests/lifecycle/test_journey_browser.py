"""The pool after admission, played in real headless Chromium on the demo data (issue 9's journey):

the province opens reporting year 2025 → demo_enterprise files its report with a newly filed patent-intensive
product → demo_county accepts it → the evaluation opens a graduation proposal → the county proposes, demo_city
decides → the ledger of 黄石港区 shows 2 places → a replenishment admission uses one; and a removal by list hit:
the city's list import opens a proposal, it is decided, and the enterprise reads the reason on its timeline.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pool.models import ApplicationStatus, LifecycleProposal, Membership, MonitoringReport
from tests.browser_support import login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = "黄石示范智能装备有限公司"
HUAXIN = "黄石华鑫精密制造有限公司"


def as_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def wait_saved(page):
    page.wait_for_function("() => window.poolApplicationForm && !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")


def open_tab(page, key):
    page.click(f'.tabs a[data-tab="{key}"]')
    page.wait_for_selector(f"#sec-{key}.active")


def province_opens_2025(page, live_server, today):
    as_user(page, live_server, "demo_province")
    page.goto(f"{live_server.url}/pool/monitoring/years/")
    page.fill("#id_year-year", "2025")
    page.fill("#id_year-opens_on", today.isoformat())
    page.fill("#id_year-deadline", (today + timedelta(days=30)).isoformat())
    page.click("#open-year")
    page.wait_for_selector('#year-table tr[data-year="2025"]')


def enterprise_files_with_a_new_filed_product(page, live_server, today):
    as_user(page, live_server, "demo_enterprise")
    page.locator("#home-monitoring button").first.click()
    page.wait_for_selector("#application-form")
    page.fill("#f-figures-revenue", "98000000")
    page.fill("#f-figures-profit", "6100000")
    page.fill("#f-figures-rnd_expense", "9800000")
    page.fill("#f-figures-patents_granted", "2")
    wait_saved(page)
    open_tab(page, "products")
    block = page.locator('[data-rows="products"]')
    carried = block.locator("tbody tr.row").first  # 智能分拣机, recognised before admission: this year's figures
    carried.locator('[data-field="sales"]').fill("34000000")
    carried.locator('[data-field="profit"]').fill("5500000")
    row = block.locator("tbody tr.row").last  # the blank row the form offers
    row.locator('[data-field="name"]').fill("智能分拣控制器")
    row.locator('[data-field="filing_no"]').fill("BA2025420202")
    row.locator('[data-field="filed_on"]').fill(today.isoformat())
    row.locator('[data-field="recognised"]').select_option("true")
    row.locator('[data-field="sales"]').fill("4200000")
    row.locator('[data-field="profit"]').fill("600000")
    wait_saved(page)
    page.click("#submit-report")
    page.click("#confirm-submit")  # checked first, confirmed second
    page.wait_for_selector("#report-status")
    assert "已提交" in page.inner_text("#report-status")


def county_accepts(page, live_server, report):
    as_user(page, live_server, "demo_county")
    page.goto(f"{live_server.url}/pool/monitoring/{report.pk}/")
    page.check("#id_verify-decision_0")
    page.click("#verify-submit")
    page.wait_for_selector('#report-status[data-status="accepted"]')


def city_runs_the_evaluation(page, live_server):
    as_user(page, live_server, "demo_city")
    page.goto(f"{live_server.url}/pool/proposals/")
    page.click("#evaluation-start")
    page.wait_for_selector('[data-status="done"]', timeout=60_000)


def county_proposes_city_decides(page, live_server, proposal):
    as_user(page, live_server, "demo_county")
    page.goto(f"{live_server.url}/pool/proposals/{proposal.pk}/")
    page.click("#action-proposed")
    page.wait_for_selector('#proposal-status[data-status="proposed"]')
    as_user(page, live_server, "demo_city")
    page.goto(f"{live_server.url}/pool/proposals/{proposal.pk}/")
    page.fill("#comment-approved", "经核实，同意")
    page.click("#action-approved")
    page.wait_for_selector('#proposal-status[data-status="approved"]')


def available(page, live_server, scope):
    page.goto(f"{live_server.url}/pool/ledger/")
    return int(page.inner_text(f'#ledger-balances tr[data-scope="{scope}"] .available'))


def replenishment_application():
    """An application of a Huangshi replenishment batch the province has recommended (the steps before admission
    are the review's, tested on their own)."""
    from tests.pool.helpers import make_batch
    from tests.review.helpers import advanced

    batch = make_batch(code="huangshi-2024", name="2026 年度黄石港区增补入库", replenishment=True)
    return advanced(batch, ApplicationStatus.PROVINCE_RECOMMENDED, region="420202", name="黄石增补示范科技有限公司")


def test_graduation_replenishment_and_removal_by_list_hit(live_server, page, tmp_path):
    call_command("seed_demo", "--force", verbosity=0)
    today = timezone.localdate()
    demo = Membership.objects.get(enterprise_name=DEMO)

    province_opens_2025(page, live_server, today)
    enterprise_files_with_a_new_filed_product(page, live_server, today)
    report = MonitoringReport.objects.get(membership=demo, year=2025)
    county_accepts(page, live_server, report)
    city_runs_the_evaluation(page, live_server)
    graduation = LifecycleProposal.objects.get(membership=demo, kind="graduate", status="open")
    assert "new_filed_product" in graduation.reasons
    county_proposes_city_decides(page, live_server, graduation)
    demo.refresh_from_db()
    assert demo.status == "graduated"
    assert available(page, live_server, "420202") == 2

    application = replenishment_application()
    as_user(page, live_server, "demo_province")
    page.goto(f"{live_server.url}/pool/review/{application.pk}/")
    page.click("#action-admitted")
    page.wait_for_selector("text=已办理")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED and application.membership.replenishment
    as_user(page, live_server, "demo_city")
    assert available(page, live_server, "420202") == 1
    assert page.locator('#ledger-table tr[data-kind="used"]', has_text="黄石增补示范科技有限公司").count() == 1

    # Removal by a list hit: the city imports the serious-dishonesty list naming 华鑫.
    huaxin = Membership.objects.get(enterprise_name=HUAXIN)
    listed = tmp_path / "严重失信名单.csv"
    listed.write_text(f"统一社会信用代码,企业名称,列入事由,列入日期\n{huaxin.uscc},{HUAXIN},拒不履行法定义务,"
                      f"{today.isoformat()}\n", encoding="utf-8")
    page.goto(f"{live_server.url}/criteria/lists/imports/")
    page.select_option("#id_list_type", "serious_dishonesty")
    page.set_input_files("#id_file", str(listed))
    page.get_by_role("button", name="导入").click()
    page.wait_for_load_state("networkidle")
    removal = LifecycleProposal.objects.get(membership=huaxin, kind="remove", status="open")
    assert removal.trigger == "list" and "misconduct:serious_dishonesty" in removal.reasons
    county_proposes_city_decides(page, live_server, removal)
    huaxin.refresh_from_db()
    assert huaxin.status == "removed"

    clerk = UserFactory(organisation=huaxin.enterprise, username="huaxin_clerk")
    as_user(page, live_server, clerk.username)
    page.goto(f"{live_server.url}/pool/members/mine/")
    timeline = page.inner_text("#timeline")
    assert "严重失信" in timeline and "退库" in timeline
