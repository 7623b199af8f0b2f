"""Supply and demand imports: every bad row reported in Chinese, nothing written unless the whole file is good."""

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from matching.choices import CooperationMode, HolderType, LegalStatus, OfferType, PatentType
from matching.models import Demand, SupplyPatent
from matching.services.imports import demand_import, supply_import
from portal.tables import MAX_IMPORT_BYTES
from tests.factories import user_with_role
from tests.matching.conftest import SUPPLY_HEADER, buffer, csv_upload, dev_file

pytestmark = pytest.mark.django_db

GOOD = "P1,201719081250.3,发明,一种压铸件气孔控制方法,真空压铸减少气孔。,B22D17/22,B22D17/32;B22C9/08,磁湖理工学院,高校,有效,转让,180000,铸造"
GOOD2 = "P2,201820000007.7,实用新型,一种挤压装置,局部挤压补缩。,B22D17/22,,磁湖理工学院,高校,实质审查中,开放许可,30000,铸造"


def supply_csv(*rows: str, header: str = SUPPLY_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def run_supply(user, text: str, name: str = "patents.csv"):
    return supply_import(supplier=user.organisation, actor=user, upload=csv_upload(text, name),
                         queue_matching=False)


def test_good_file_imports_every_row_with_derived_fields(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD, GOOD2))
    assert report.ok and (report.created, report.updated) == (2, 0)
    first = SupplyPatent.objects.get(application_no="201719081250.3")
    assert first.patent_type == PatentType.INVENTION and first.holder_type == HolderType.UNIVERSITY
    assert first.ipc_codes == ("B22D17/22", "B22D17/32", "B22C9/08")
    assert first.price == Decimal("180000.00") and first.offer_type == OfferType.TRANSFER
    assert first.supplier == supplier_user.organisation and first.external_id == "P1"
    second = SupplyPatent.objects.get(application_no="201820000007.7")
    assert second.patent_type == PatentType.UTILITY_MODEL and second.legal_status == LegalStatus.EXAMINING
    assert second.open_licence_fee == Decimal("30000.00")


def test_the_whole_dev_set_imports(supplier_user):
    report = supply_import(supplier=supplier_user.organisation, actor=supplier_user,
                           upload=dev_file("patents.csv"), queue_matching=False)
    assert report.ok, report.errors[:3]
    assert report.created == 975 == SupplyPatent.objects.count()
    assert SupplyPatent.objects.filter(price__isnull=True).count() == 145  # 面议 rows stay empty, not zero


def test_wrong_check_digit_is_a_row_error_and_nothing_is_imported(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD, GOOD2.replace("201820000007.7", "201820000007.8")))
    assert not report.ok and SupplyPatent.objects.count() == 0
    [error] = report.errors
    assert (error.row, error.column) == (3, "申请号") and "校验位不正确" in error.message


def test_malformed_ipc_is_a_row_error(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD.replace("B22D17/22,B22D17/32", "B22D-17,B22D17/32")))
    [error] = report.errors
    assert (error.row, error.column) == (2, "主分类号") and "B22D17/22" in error.message
    assert SupplyPatent.objects.count() == 0


def test_malformed_secondary_ipc_is_reported_too(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD.replace("B22C9/08", "22C9/08")))
    assert [(e.row, e.column) for e in report.errors] == [(2, "其他分类号")]


def test_text_in_price_column_is_a_row_error(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD, GOOD2.replace(",30000,", ",三万元,")))
    [error] = report.errors
    assert (error.row, error.column) == (3, "价格（元）") and "不是数字" in error.message
    assert SupplyPatent.objects.count() == 0


def test_every_bad_row_is_reported_not_only_the_first(supplier_user):
    bad_number = GOOD.replace("201719081250.3", "201719081250.4")
    bad_price = GOOD2.replace(",30000,", ",面谈后定,").replace(",B22D17/22,", ",XYZ,")
    report = run_supply(supplier_user, supply_csv(bad_number, GOOD2.replace("P2", "P3").replace(
        "201820000007.7", "201719081250.3"), bad_price))
    cells = {(e.row, e.column) for e in report.errors}
    assert {(2, "申请号"), (4, "价格（元）"), (4, "主分类号")} <= cells
    assert all(str(e).startswith(f"第 {e.row} 行") for e in report.errors)


def test_missing_columns_give_one_clear_message(supplier_user):
    header = SUPPLY_HEADER.replace(",ipc_main", "").replace(",price_yuan", "")
    report = run_supply(supplier_user, supply_csv("x", header=header))
    assert report.errors == []
    assert report.file_error.startswith("缺少必需的列") and "主分类号（ipc_main）" in report.file_error
    assert "价格（元）（price_yuan）" in report.file_error


def test_a_file_over_the_cap_is_refused_before_parsing(supplier_user):
    huge = buffer(b"\xff" * (50 * 1024 * 1024), "patents.csv")  # not even valid text: never read
    report = supply_import(supplier=supplier_user.organisation, actor=supplier_user, upload=huge,
                           queue_matching=False)
    assert "超过" in report.file_error and str(MAX_IMPORT_BYTES // (1024 * 1024)) in report.file_error
    assert SupplyPatent.objects.count() == 0


def test_patent_type_that_contradicts_the_number_is_a_row_error(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD.replace(",发明,", ",实用新型,")))
    [error] = report.errors
    assert error.column == "专利类型" and "第 5 位" in error.message


def test_duplicate_number_inside_the_file_is_a_row_error(supplier_user):
    report = run_supply(supplier_user, supply_csv(GOOD, GOOD.replace("P1", "P9")))
    [error] = report.errors
    assert error.row == 3 and "与第 2 行重复" in error.message


def test_reimport_updates_by_application_number(supplier_user):
    run_supply(supplier_user, supply_csv(GOOD, GOOD2))
    report = run_supply(supplier_user, supply_csv(GOOD.replace(",180000,", ",150000,"), GOOD2))
    assert report.ok and (report.created, report.updated) == (0, 1)
    assert SupplyPatent.objects.count() == 2
    assert SupplyPatent.objects.get(application_no="201719081250.3").price == Decimal("150000")


def test_a_supplier_cannot_overwrite_another_suppliers_patent(supplier_user):
    run_supply(supplier_user, supply_csv(GOOD))
    other = user_with_role("supplier", "420500")
    report = run_supply(other, supply_csv(GOOD.replace(",180000,", ",1,")))
    [error] = report.errors
    assert "其他供给方" in error.message
    assert SupplyPatent.objects.get().price == Decimal("180000")


def test_excel_file_with_chinese_headers_imports(supplier_user):
    book = Workbook()
    sheet = book.active
    sheet.append(["申请号", "专利名称", "摘要", "主分类号", "专利权人", "权利人类型", "法律状态", "转化方式", "价格（元）"])
    sheet.append(["201719081250.3", "一种压铸件气孔控制方法", "真空压铸。", "B22D 17/22", "磁湖理工学院", "高校", "有效",
                  "许可", 120000])
    handle = buffer(b"", "patents.xlsx")
    book.save(handle)
    handle.seek(0)
    report = supply_import(supplier=supplier_user.organisation, actor=supplier_user, upload=handle,
                           queue_matching=False)
    assert report.ok, report.errors
    patent = SupplyPatent.objects.get()
    assert patent.ipc_main == "B22D17/22" and patent.price == Decimal("120000")


def test_import_page_shows_the_report_with_row_numbers(client, supplier_user):
    client.force_login(supplier_user)
    text = supply_csv(GOOD, GOOD2.replace(",30000,", ",abc,"))
    response = client.post(reverse("matching:patent-import"), {"file": csv_upload(text)})
    page = response.content.decode()
    assert response.status_code == 200 and "未导入" in page
    assert "第 3 行" in page and "“abc”不是数字" in page
    assert SupplyPatent.objects.count() == 0


def test_import_page_refuses_a_50_mb_upload_at_the_field(client, supplier_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supplier_user)
    upload = SimpleUploadedFile("big.csv", b"a" * (50 * 1024 * 1024), content_type="text/csv")
    response = client.post(reverse("matching:patent-import"), {"file": upload})
    assert "超过 20 MB 上限" in response.content.decode()
    assert SupplyPatent.objects.count() == 0


def test_dev_demands_import_and_reimport_updates_by_reference(enterprise_user):
    report = demand_import(enterprise=enterprise_user.organisation, actor=enterprise_user,
                           upload=dev_file("demands.csv"), queue_matching=False)
    assert report.ok and report.created == 50
    demand = Demand.objects.get(reference="D009")
    assert demand.industry_chain == "建材" and demand.cooperation_mode == CooperationMode.LICENCE
    assert demand.budget == Decimal("800000") and demand.region_id == "420202"
    again = demand_import(enterprise=enterprise_user.organisation, actor=enterprise_user,
                          upload=dev_file("demands.csv"), queue_matching=False)
    assert (again.created, again.updated) == (0, 0) and Demand.objects.count() == 50


def test_demand_rows_with_bad_budget_or_mode_are_reported(enterprise_user):
    text = ("demand_id,title,description,industry_field,ipc_hint,budget_yuan,cooperation_mode\n"
            "X1,漏气,压铸件漏气,铸造,,约十万,不限\n"
            "X2,漏气,压铸件漏气,铸造,B22D,100000,买断\n")
    report = demand_import(enterprise=enterprise_user.organisation, actor=enterprise_user,
                           upload=csv_upload(text, "demands.csv"), queue_matching=False)
    assert [(e.row, e.column) for e in report.errors] == [(2, "预算（元）"), (3, "合作方式")]
    assert Demand.objects.count() == 0


def test_stored_tokens_are_stale_once_segmentation_changes(monkeypatch):
    """Another jieba release segments differently: the version stamped on stored tokens changes with it."""
    import jieba

    from matching.services.engine import tokens_version

    before = tokens_version()
    tokens_version.cache_clear()
    monkeypatch.setattr(jieba, "__version__", "0.0-other")
    try:
        assert tokens_version() != before
    finally:
        tokens_version.cache_clear()
