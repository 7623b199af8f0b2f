"""In headless Chromium: the province uploads a list with a bad row, sees every error, fixes it, sees the history;
every role can read the criteria sets and their weights."""

import pytest
from django.core.management import call_command

from criteria.models import ListEntry
from tests.browser_support import login, menu
from tests.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_imports_a_list_after_fixing_a_bad_row(live_server, page, tmp_path):
    call_command("seed_demo", "--force", verbosity=0)
    good, wrong = make_uscc(31), make_uscc(32)
    wrong = wrong[:-1] + ("1" if wrong[-1] != "1" else "2")
    bad_file = tmp_path / "accidents.csv"
    bad_file.write_text(f"统一社会信用代码,企业名称,列入事由,列入日期\n{good},甲公司,爆炸事故,2024-05-06\n"
                        f"{wrong},乙公司,火灾,2024-06-01\n", encoding="utf-8")
    login(page, live_server, "demo_province")
    menu(page, "名单导入")
    page.get_by_label("名单类型").select_option("major_accident")
    page.get_by_label("名单文件（.xlsx 或 .csv）").set_input_files(str(bad_file))
    page.get_by_role("button", name="导入").click()
    errors = page.locator("#import-errors")
    assert "第 3 行：统一社会信用代码校验位不正确" in errors.inner_text()
    assert ListEntry.objects.filter(list_type="major_accident").count() == 0

    fixed = tmp_path / "accidents-fixed.csv"
    fixed.write_text(f"统一社会信用代码,企业名称,列入事由,列入日期\n{good},甲公司,爆炸事故,2024-05-06\n", encoding="utf-8")
    page.get_by_label("名单类型").select_option("major_accident")
    page.get_by_label("名单文件（.xlsx 或 .csv）").set_input_files(str(fixed))
    page.get_by_role("button", name="导入").click()
    assert "已导入 1 条重大事故记录条目" in page.locator("main").inner_text()
    assert page.locator("table tr", has_text="accidents-fixed.csv").count() == 1

    menu(page, "名单核查")
    page.get_by_label("代码或名称").fill("甲公司")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("tbody tr").count() == 1
    assert good in page.locator("tbody").inner_text()


def test_enterprise_reads_the_weights_of_the_huangshi_set(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_enterprise")
    menu(page, "入库标准")
    huangshi = page.locator("section[data-criteria-set='huangshi-2024']")
    assert "黄石市" in huangshi.inner_text()
    assert huangshi.locator("tr[data-term='industrialisation_rate']").inner_text().split("\t")[1] == "25"
