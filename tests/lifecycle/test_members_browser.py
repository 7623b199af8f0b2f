"""In real headless Chromium, on the demo data: the city finds a graduate in the member list, moves it to
follow-up cultivation from its timeline and reads the ledger; the enterprise opens its own timeline from the
menu."""

import pytest
from django.core.management import call_command

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GRADUATE = "黄石西塞山精工阀门有限公司"


def menu(page, group: str, label: str) -> None:
    navigation = page.get_by_role("navigation", name="主导航")
    navigation.locator("summary", has_text=group).click()
    navigation.get_by_role("link", name=label, exact=True).click()


def test_the_city_moves_a_graduate_to_follow_up_and_the_enterprise_reads_its_timeline(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_city")
    menu(page, "培育库", "入库企业")
    page.select_option("#id_status", "graduated")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=GRADUATE).click()
    assert page.inner_text("#membership-status") == "已出库"
    page.fill("#step-comment-follow_up", "已出库，转入接续培育，向专精特新“小巨人”培育")
    page.click("#step-follow_up")
    page.wait_for_selector("text=已办理")
    assert page.inner_text("#membership-status") == "接续培育"
    timeline = page.inner_text("#timeline")
    assert "转入接续培育" in timeline and "决定出库" in timeline and "李主管" in timeline
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    menu(page, "培育库", "增补名额台账")
    row = page.locator('#ledger-balances tr[data-scope="420203"]')
    assert row.locator(".available").inner_text() == "4"

    page.context.clear_cookies()
    login(page, live_server, "demo_enterprise")
    menu(page, "培育库", "我的培育档案")
    assert page.inner_text("#membership-status") == "培育中"
    assert "2024 年度监测报告经县级核实" in page.inner_text("#timeline")
    page.get_by_role("link", name="年度监测 2").click()
    assert page.locator(".timeline-event").count() == 2
