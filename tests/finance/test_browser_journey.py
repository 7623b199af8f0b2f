"""The pledge-financing journey in real headless Chromium (issue 10, "Done when"):

demo_enterprise declares a need and consents → demo_city generates, reviews and publishes a whitelist to
demo_bank's bank → demo_bank downloads it (the .xlsx is opened), records a credit line, a loan and a pledge
registration, and runs a two-way lookup with three codes (listed; in the pool without consent; unknown — only
the first is revealed) → demo_enterprise applies for an interest subsidy → the county verifies, the city
approves → the PDF notice shows the amount in Chinese capitals."""

import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from finance import demo as finance_demo
from finance.models import SubsidyApplication
from finance.money import amount_in_words
from portal import demo as portal_demo
from portal.models import Organisation
from tests.browser_support import login
from tests.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "黄石示范智能装备有限公司"
NO_CONSENT = "黄石鼎盛电子科技有限公司"  # a demo member with a need but no consent
EXCLUDED = "黄石港湾智能制造有限公司"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def seed():
    """The portal's logins and the finance demo (which admits demo_enterprise if the pool's demo has not)."""
    with transaction.atomic():
        portal_demo.seed(StringIO())
        finance_demo.seed(StringIO())


def test_need_to_whitelist_to_loan_to_subsidy_notice(live_server, page, tmp_path, shipped):
    seed()
    today = timezone.localdate()
    url = live_server.url

    # 1. the enterprise declares its need and consents
    login(page, live_server, "demo_enterprise")
    page.goto(f"{url}/finance/my/")
    assert "未授权" in page.locator("#consent").inner_text()
    page.get_by_role("link", name="申报融资需求").click()
    page.get_by_label("融资金额（元）").fill("2000000")
    page.get_by_label("融资用途").fill("购置智能分拣生产线")
    page.get_by_label("期限（月）").fill("24")
    page.get_by_label("成长阶段").select_option("growth")
    boxes = page.locator("input[name=assets]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_role("button", name="保存融资需求").click()
    page.wait_for_url(re.compile(r"/finance/my/$"))
    assert "融资需求已保存" in page.content()
    page.get_by_role("link", name="阅读并授权").click()
    assert "本企业自愿同意" in page.locator("#consent-text").inner_text()
    page.get_by_label("全部合作银行").check()
    page.get_by_label("本企业已阅读上述授权书，同意按其内容向银行提供企业信息").check()
    page.get_by_role("button", name="同意并授权").click()
    page.wait_for_url(re.compile(r"/finance/my/$"))
    assert "已授权" in page.locator("#consent").inner_text()
    checks = page.locator("#whitelist-status .rules li")
    assert checks.count() == 5 and page.locator("#whitelist-status .rules li.failed").count() == 0
    logout(page)

    # 2. the city generates, reviews and publishes
    login(page, live_server, "demo_city")
    page.goto(f"{url}/finance/whitelists/")
    page.get_by_role("button", name="生成新白名单").click()
    page.wait_for_url(re.compile(r"/finance/whitelists/\d+/$"))
    page.reload()  # the generation ran as a task after the request's commit
    assert "待审核" in page.locator("#whitelist-status").inner_text()
    ours = page.locator("#candidate-table tbody tr", has_text=ENTERPRISE)
    assert "符合" in ours.inner_text()
    ours.locator("summary").click()
    assert "可质押" in ours.locator(".rules").inner_text()
    missing = page.locator("#candidate-table tbody tr", has_text=NO_CONSENT)
    assert "不符合：信息共享授权" in missing.inner_text()
    other = page.locator("#candidate-table tbody tr", has_text=EXCLUDED)
    other.get_by_placeholder("排除理由").fill("质押物权属待核实")
    other.get_by_role("button", name="排除").click()
    assert "已排除" in page.locator("#candidate-table tbody tr", has_text=EXCLUDED).inner_text()
    page.get_by_label("湖北银行黄石分行").check()
    page.get_by_label("更正说明（选填）").fill("新增本月授权企业")
    page.get_by_role("button", name="发布白名单").click()
    page.wait_for_url(re.compile(r"/finance/publications/\d+/$"))
    assert "（第 2 版）" in page.locator("h1").inner_text()
    assert "新增 1 家" in page.locator("#changes").inner_text()
    logout(page)

    # 3. the bank downloads the list, records credit, loan and pledge, and runs a two-way lookup
    login(page, live_server, "demo_bank")
    page.goto(f"{url}/finance/publications/")
    page.get_by_role("link", name=re.compile("第 2 版")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel").click()
    target = tmp_path / "whitelist.xlsx"
    download_info.value.save_as(target)
    sheet = load_workbook(target)["授信企业白名单"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    uscc = Organisation.objects.get(name=ENTERPRISE).uscc
    [row] = [r for r in rows if r["统一社会信用代码"] == uscc]
    assert row["企业名称"] == ENTERPRISE and row["融资需求金额（元）"] == 2000000 and row["期限（月）"] == 24
    assert row["可质押知识产权"].startswith("专利")
    assert EXCLUDED not in [r["企业名称"] for r in rows] and NO_CONSENT not in [r["企业名称"] for r in rows]

    page.get_by_role("link", name=ENTERPRISE).first.click()
    page.wait_for_url(re.compile(r"/finance/enterprises/\d+/$"))
    page.get_by_label("授信金额（元）").fill("3000000")
    page.get_by_label("授信日期").fill((today - timedelta(days=100)).isoformat())
    page.get_by_role("button", name="登记授信").click()
    assert "授信情况已登记" in page.content()
    start = today - timedelta(days=95)
    page.get_by_label("贷款合同编号").fill("HBB-HS-2026-0520")
    page.get_by_label("放款金额（元）").fill("2000000")
    page.get_by_label("年利率（%）").fill("4.35")
    page.get_by_label("期限（月）").fill("12")
    page.get_by_label("起始日").fill(start.isoformat())
    page.get_by_label("到期日").fill((start + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="登记放款").click()
    assert "贷款 HBB-HS-2026-0520 已登记" in page.content()
    page.get_by_label("质押登记编号").fill("ZL-ZY-2026-420200-0520")
    page.get_by_label("登记日期").fill((start - timedelta(days=2)).isoformat())
    page.get_by_label("质押物（专利号/商标注册号）").fill(row["可质押知识产权"].split()[1])
    page.get_by_label("质押物评估价值（元）").fill("3200000")
    page.get_by_role("button", name="登记质押").click()
    assert "质押登记 ZL-ZY-2026-420200-0520 已登记" in page.content()
    assert "已授信" in page.locator("h1").inner_text()

    codes = Workbook()
    codes.active.append(["统一社会信用代码"])
    unknown = make_uscc(987654, "420202")
    for code in (uscc, Organisation.objects.get(name=NO_CONSENT).uscc, unknown):
        codes.active.append([code])
    upload = tmp_path / "applicants.xlsx"
    codes.save(upload)
    page.goto(f"{url}/finance/lookups/")
    page.get_by_label("Excel 文件（.xlsx）或 CSV 文件").set_input_files(upload)
    page.get_by_role("button", name="核验").click()
    page.wait_for_url(re.compile(r"/finance/lookups/\d+/$"))
    answers = page.locator("#lookup-results tbody tr")
    assert answers.count() == 3
    assert f"在白名单中：{ENTERPRISE}" in answers.nth(0).inner_text()
    second, third = (answers.nth(i).locator("td").nth(2).inner_text().strip() for i in (1, 2))
    assert second == third == "未在向贵行发布的白名单中"
    assert NO_CONSENT not in page.content()
    logout(page)

    # 4. the enterprise applies for an interest subsidy
    login(page, live_server, "demo_enterprise")
    page.goto(f"{url}/finance/my/")
    page.get_by_role("link", name="申请补贴").first.click()
    page.get_by_label("计息起始日").fill(start.isoformat())
    page.get_by_label("计息截止日").fill((start + timedelta(days=89)).isoformat())
    page.get_by_label("实际支付利息（元）").fill("21450.00")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    page.get_by_label("借款合同").set_input_files({"name": "借款合同.pdf", "mimeType": "application/pdf", "buffer": pdf})
    page.get_by_label("付息凭证").set_input_files({"name": "付息凭证.pdf", "mimeType": "application/pdf", "buffer": pdf})
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/finance/subsidies/\d+/$"))
    assert "补贴申请已提交" in page.content()
    computation = page.locator("#computation").inner_text()
    assert "按参考利率 3.45% 计算的利息" in computation and "核定补贴" in computation
    subsidy_url = page.url
    logout(page)

    # 5. the county verifies, the city approves; the notice shows the amount in Chinese
    login(page, live_server, "demo_county")
    page.goto(subsidy_url)
    page.get_by_role("button", name="核实通过").click()
    assert "县级已核实" in page.locator("#subsidy-status").inner_text()
    logout(page)
    login(page, live_server, "demo_city")
    page.goto(subsidy_url)
    page.get_by_role("button", name="批准补贴").click()
    assert "市级已批准" in page.locator("#subsidy-status").inner_text()
    application = SubsidyApplication.objects.get()
    assert str(application.granted_amount) == "8506.85"  # 2,000,000 × 3.45% × 90 ÷ 365 = 17,013.70, half
    notice = page.request.get(f"{url}/finance/subsidies/{application.pk}/notice.pdf")
    assert notice.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(notice.body()))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert "知识产权质押融资补贴通知书" in text
    assert f"人民币{amount_in_words(application.granted_amount)}" in text
    assert amount_in_words(application.granted_amount) == "捌仟伍佰零陆元捌角伍分"
    assert "8,506.85" in text
