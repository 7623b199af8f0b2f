"""Targets: who sets them, versions that keep their history, and the all-or-nothing Excel import."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from portal.indicators import get_indicator
from portal.models import KpiTarget, Region
from portal.services.kpi import ImportRejected, parse_target_cell, target_import, target_set
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def region(code):
    return Region.objects.get(code=code)


def workbook(rows, header=("序号", "任务", "2026年", "2027年")) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["年度绩效目标"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_changed_target_is_a_new_version_and_the_old_one_stays():
    province = user_with_role("province")
    first = target_set(user=province, indicator="sme_deal_count", region=region("420000"), year=2026,
                       absolute=480, growth_rate=30)
    assert target_set(user=province, indicator="sme_deal_count", region=region("420000"), year=2026,
                      absolute=480, growth_rate=30) is None  # unchanged: no new version
    second = target_set(user=province, indicator="sme_deal_count", region=region("420000"), year=2026,
                        absolute=620, growth_rate=30)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_current and first.absolute == Decimal(480) and second.is_current
    assert KpiTarget.objects.filter(indicator="sme_deal_count", year=2026).count() == 2


def test_who_may_set_which_region():
    province, city, county = user_with_role("province"), user_with_role("city"), user_with_role("county")
    target_set(user=province, indicator="sme_deal_count", region=region("420200"), year=2026, absolute=100)
    target_set(user=city, indicator="sme_deal_count", region=region("420202"), year=2026, absolute=60)
    for user, code in [(city, "420200"), (city, "420502"), (county, "420202"), (province, "420202"),
                       (user_with_role("province", region="110000"), "420200")]:
        with pytest.raises(ValidationError):
            target_set(user=user, indicator="sme_deal_count", region=region(code), year=2026, absolute=1)


def test_cells_in_the_seeds_wording():
    count, amount, rate = (get_indicator(c) for c in ("sme_deal_count", "sme_deal_amount", "sme_filing_rate"))
    assert parse_target_cell("专利数量480件,年均增幅30%", count) == (Decimal(480), Decimal(30))
    assert parse_target_cell("成交金额0.75亿元,年均增幅30%", amount) == (Decimal("75000000.00"), Decimal(30))
    assert parse_target_cell("实际到账金额0.375亿元", amount) == (Decimal("37500000.000"), None)
    assert parse_target_cell("每年政策惠及企业专利产品备案率达到100%", rate) == (Decimal(100), None)
    assert parse_target_cell("年均增幅20%", count) == (None, Decimal(20))
    for bad, indicator in [("很多", count), ("480", count), ("成交金额1亿件", amount), ("480万元", count)]:
        with pytest.raises(ValueError):
            parse_target_cell(bad, indicator)


def test_the_seed_table_imports():
    province = user_with_role("province")
    book = workbook([
        (1, "全省中小微企业接受相关主体转让、许可、作价入股的专利数量及年均增幅", "专利数量480件,年均增幅30%",
         "专利数量620件,年均增幅30%"),
        (None, "全省中小微企业接受相关主体转让、许可、作价入股的成交金额及年均增幅", "成交金额0.75亿元,年均增幅30%", ""),
        (2, "全省高校院所专利转让、许可、作价入股的专利数量及年均增幅", "专利数量1160件,年均增幅20%", None),
        (4, "全省相关中小微企业专利产品备案和相关专利实施情况", "每年政策惠及企业专利产品备案率达到100%", None),
    ])
    assert target_import(file=book, region=region("420000"), user=province) == 5
    current = {(t.indicator, t.year): t for t in KpiTarget.objects.filter(is_current=True)}
    assert current[("sme_deal_count", 2027)].absolute == Decimal(620)
    assert current[("sme_deal_amount", 2026)].absolute == Decimal(75000000)
    assert current[("academic_deal_count", 2026)].growth_rate == Decimal(20)
    assert current[("sme_filing_rate", 2026)].absolute == Decimal(100)


def test_a_malformed_file_imports_nothing_and_names_every_bad_row():
    province = user_with_role("province")
    target_set(user=province, indicator="sme_deal_count", region=region("420000"), year=2026, absolute=1)
    book = workbook([
        (1, "全省中小微企业接受相关主体转让、许可、作价入股的专利数量及年均增幅", None, "专利数量480件,年均增幅30%"),
        (2, "全省水电站发电量", None, "100件"),
        (3, "全省高校院所专利转让、许可、作价入股的成交金额及年均增幅", "420000", "很多"),
        (4, "", None, "100件"),
        (5, "全省中小微企业接受相关主体转让、许可、作价入股的专利数量", None, "专利数量500件"),
    ], header=("序号", "任务", "行政区划代码", "2026年"))
    with pytest.raises(ImportRejected) as rejected:
        target_import(file=book, region=region("420000"), user=province)
    errors = rejected.value.errors
    assert len(errors) == 4, errors
    assert any("第4行" in e and "无法识别的指标" in e for e in errors)
    assert any(e.startswith("第5行（2026年）：未填写目标值") for e in errors)
    assert any("第6行" in e and "任务" in e for e in errors)
    assert any("第7行" in e and "重复" in e for e in errors)
    assert KpiTarget.objects.count() == 1 and KpiTarget.objects.get().absolute == Decimal(1)


def test_a_row_for_a_region_out_of_reach_rejects_the_file():
    city = user_with_role("city")
    book = workbook([(1, "中小微企业受让、许可、作价入股专利数量", "420202", "50件"),
                     (2, "中小微企业受让、许可、作价入股专利数量", "420502", "50件")],
                    header=("序号", "任务", "行政区划代码", "2026年"))
    with pytest.raises(ImportRejected) as rejected:
        target_import(file=book, region=region("420200"), user=city)
    assert len(rejected.value.errors) == 1 and "第4行" in rejected.value.errors[0]
    assert not KpiTarget.objects.exists()


def test_import_page_shows_row_errors(client):
    province = user_with_role("province")
    client.force_login(province)
    book = workbook([(1, "全省水电站发电量", "100件", None)])
    book.name = "targets.xlsx"
    response = client.post(reverse("portal:kpi-target-import"), {"region": "420000", "year": 2026, "file": book},
                           follow=True)
    assert "导入失败" in response.content.decode() and "无法识别的指标" in response.content.decode()
    assert not KpiTarget.objects.exists()


def test_the_target_form_saves_versions(client):
    province = user_with_role("province")
    client.force_login(province)
    url = reverse("portal:kpi-targets")
    client.post(url, {"region": "420200", "year": 2026, "sme_deal_count-absolute": "120",
                      "sme_deal_count-growth": "30"})
    client.post(url, {"region": "420200", "year": 2026, "sme_deal_count-absolute": "150",
                      "sme_deal_count-growth": "30"})
    page = client.get(url, {"region": "420200", "year": 2026}).content.decode()
    assert "第 2 版" in page and "1 个旧版本" in page
    assert KpiTarget.objects.filter(region_id="420200").count() == 2


def test_the_downloaded_template_imports_as_it_is(client):
    from portal.indicators import all_indicators

    province = user_with_role("province")
    client.force_login(province)
    response = client.get(reverse("portal:kpi-target-template"), {"year": 2026})
    book = BytesIO(response.content)
    book.name = "template.xlsx"
    client.post(reverse("portal:kpi-target-import"), {"region": "420000", "year": 2026, "file": book})
    current = KpiTarget.objects.filter(is_current=True, year=2026, region_id="420000")
    assert current.count() == len(all_indicators())
    assert current.get(indicator="sme_deal_count").growth_rate == Decimal(30)
    assert current.get(indicator="sme_filing_rate").absolute == Decimal(100)
