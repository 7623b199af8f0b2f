"""Patent list import from the Excel template: all rows or none, every bad row reported."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pool.patent_excel import SHEET_TITLE, PatentImportError, read_patent_rows, template_workbook
from pool.schema import PATENTS
from pool.services.patent_import import patent_list_import
from tests.pool.helpers import make_application, patent_no

pytestmark = pytest.mark.django_db
HEADERS = [spec.label + ("*" if spec.required else "") for spec in PATENTS.fields]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_row(serial: int, **changes) -> list:
    values = {"application_no": patent_no(serial), "title": f"一种装置{serial}", "patent_type": "发明",
              "granted": "是", "valid": "是", "ownership": "自有", "licence_kind": None, "licence_from": None,
              "licence_to": None, "used_in_product": "是"} | changes
    return [values[spec.name] for spec in PATENTS.fields]


def test_template_has_chinese_headers_and_instructions():
    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == [SHEET_TITLE, "填写说明"]
    assert [c.value for c in book[SHEET_TITLE][1]] == HEADERS


def test_template_download(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("pool:patent-template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_good_rows_are_read_with_codes_and_iso_dates():
    rows = read_patent_rows(workbook([
        good_row(1),
        good_row(2, ownership="许可使用", licence_kind="独占许可", licence_from=date(2022, 1, 1),
                 licence_to="2027/12/31", patent_type="实用新型", used_in_product="否"),
    ]))
    assert rows[0]["patent_type"] == "invention" and rows[0]["granted"] is True
    assert (rows[1]["ownership"], rows[1]["licence_kind"]) == ("licensed_in", "exclusive")
    assert (rows[1]["licence_from"], rows[1]["licence_to"]) == ("2022-01-01", "2027-12-31")
    assert rows[1]["used_in_product"] is False


def test_every_bad_row_is_reported_and_nothing_is_read():
    wrong_digit = patent_no(3)[:-1] + ("0" if patent_no(3)[-1] != "0" else "1")
    content = workbook([
        good_row(1),
        good_row(2, application_no=wrong_digit),
        good_row(3, patent_type="发明专利", granted="可能"),
        good_row(4, ownership="许可使用"),
        good_row(1),
        good_row(6, licence_from="2024-13-01", title=None),
    ])
    with pytest.raises(PatentImportError) as failed:
        read_patent_rows(content)
    assert failed.value.errors == [
        f"第 3 行：申请号 {wrong_digit}：专利申请号校验位不正确，请核对。",
        "第 4 行：“专利类型”应为 发明 / 实用新型 / 外观设计；“已授权”应为 是 / 否。",
        "第 5 行：许可使用的专利须填写许可类型和许可起始日。",
        f"第 6 行：申请号 {patent_no(1)} 与第 2 行重复。",
        "第 7 行：“专利名称”未填写；“许可起始日”不是有效日期（如 2024-06-30）。",
    ]


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(PatentImportError, match="无法读取该文件"):
        read_patent_rows(b"%PDF-1.4 not excel")


def test_missing_columns_are_named():
    book = Workbook()
    book.active.append(["申请号", "专利名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PatentImportError, match="表头缺少列：专利类型、已授权、有效、权属、用于在售产品"):
        read_patent_rows(buffer.getvalue())


def test_import_replaces_the_list_of_the_draft(applicant, batch):
    application = make_application(applicant, batch)
    count = patent_list_import(application=application, user=applicant,
                               content=workbook([good_row(7), good_row(8)]))
    application.refresh_from_db()
    assert count == 2
    assert [p["application_no"] for p in application.data["patents"]] == [patent_no(7), patent_no(8)]


def test_append_keeps_the_list_and_refuses_duplicates(applicant, batch):
    application = make_application(applicant, batch)
    existing = application.data["patents"][0]["application_no"]
    patent_list_import(application=application, user=applicant, content=workbook([good_row(9)]), mode="append")
    application.refresh_from_db()
    assert len(application.data["patents"]) == 3
    with pytest.raises(PatentImportError, match="与已有清单重复"):
        patent_list_import(application=application, user=applicant,
                           content=workbook([good_row(10, application_no=existing)]), mode="append")


def test_a_failed_import_changes_nothing_and_the_page_lists_the_rows(client, applicant, batch):
    application = make_application(applicant, batch)
    before = application.data
    client.force_login(applicant)
    content = workbook([good_row(11), good_row(12, patent_type="专利")])
    response = client.post(reverse("pool:patent-import", args=[application.pk]),
                           {"import-mode": "replace", "import-file": io.BytesIO(content)}, follow=True)
    application.refresh_from_db()
    assert application.data == before
    page = response.content.decode()
    assert "导入失败，共 1 处错误，未导入任何数据" in page
    assert "第 3 行：“专利类型”应为 发明 / 实用新型 / 外观设计。" in page
