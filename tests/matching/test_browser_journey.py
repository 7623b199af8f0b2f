"""The matching journey in real headless Chromium: an enterprise posts a need and reads why patents were
suggested; the supplier sees the need against its patent, follows it up to a deal; the deal is in the
conversion list export."""

import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from matching.demo import DEMO_SUPPLIER
from matching.models import Demand, Match
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEED_TITLE = "淬火以后零件变形开裂"
NEED_TEXT = "我们做齿轮和轴类零件，淬火以后变形大，有时候还开裂，返修磨削量大，想找能减少热处理变形的工艺。"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def test_demand_to_deal_to_conversion_list(live_server, page, tmp_path):
    call_command("seed_demo", "--force", verbosity=0)

    login(page, live_server, "demo_enterprise")
    page.goto(f"{live_server.url}/matching/demands/new/")
    page.get_by_label("需求名称").fill(NEED_TITLE)
    page.get_by_label("需求描述").fill(NEED_TEXT)
    page.get_by_label("产业链").fill("模具")
    page.get_by_label("预算（元）").fill("400000")
    page.get_by_role("button", name="发布需求").click()
    page.wait_for_url(re.compile(r"/matching/demands/\d+/$"))
    assert page.locator("h1").inner_text().startswith(NEED_TITLE)
    cards = page.locator("article.match")
    assert cards.count() == 20
    first = cards.first
    assert first.locator("mark").count() > 0  # matched terms highlighted in the patent text
    assert "共同用语" in first.inner_text()
    first.locator("summary", has_text="得分构成").click()
    assert first.locator(".components-table").is_visible() and "文本相关度" in first.inner_text()

    demand = Demand.objects.get(title=NEED_TITLE)
    ours = (Match.objects.filter(demand=demand, rank__isnull=False, patent__supplier__name=DEMO_SUPPLIER)
            .select_related("patent").order_by("rank").first())
    assert ours is not None, "the demo supplier's patents should be among the suggestions"
    logout(page)

    login(page, live_server, "demo_supplier")
    page.goto(f"{live_server.url}/matching/matches/?q={NEED_TITLE}")
    row = page.locator("#match-table tbody tr", has_text=NEED_TITLE).first
    assert ours.patent.title in row.inner_text()
    row.get_by_role("link", name=NEED_TITLE).click()
    page.wait_for_url(re.compile(r"/matching/matches/\d+/$"))
    assert ours.patent.application_no in page.content() and NEED_TEXT in page.content()
    page.get_by_role("button", name="标记已联系").click()
    page.get_by_role("button", name="进入洽谈").click()
    page.get_by_role("link", name="登记成交").click()
    page.get_by_label("转化方式").select_option("licence")
    page.get_by_label("合同金额（元）").fill("360000")
    page.get_by_label("已到账金额（元）").fill("120000")
    page.get_by_role("button", name="登记成交").click()
    page.wait_for_url(re.compile(r"/matching/matches/\d+/$"))
    assert "成交已登记" in page.content() and "已成交" in page.locator("h1").inner_text()

    page.goto(f"{live_server.url}/matching/deals/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出专利转化清单").click()
    target = tmp_path / "conversion.xlsx"
    download_info.value.save_as(target)
    sheet = load_workbook(target)["专利转化清单"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    [deal] = [r for r in rows if r["专利申请号"] == ours.patent.application_no and r["技术需求"] == NEED_TITLE]
    assert deal["需求企业"] == "黄石示范智能装备有限公司" and deal["转化方式"] == "许可"
    assert deal["合同金额（元）"] == 360000 and deal["已到账金额（元）"] == 120000
    assert deal["专利权人"] == ours.patent.holder_name
