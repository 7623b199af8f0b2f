"""Uploaded Office packages are checked from the archive's directory before anything is inflated, read with a
bound, and every Excel import refuses a sheet declaring or holding more rows than its cap before parsing."""

import io
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pool.filetypes import validate_upload
from portal.archives import ArchiveRefused, check_package, check_sheets
from tests.archives import docx_bomb, empty_rows, far_row, inflation, understated, xlsx_with_sheet

HUGE = [
    pytest.param(lambda h: xlsx_with_sheet(h, empty_rows(3_000_000)), id="3M-empty-rows"),
    pytest.param(lambda h: xlsx_with_sheet(h, b"", dimension="A1:C3000000"), id="declares-3M-rows"),
    pytest.param(lambda h: xlsx_with_sheet(h, far_row(3_000_000)), id="one-row-at-3M"),
    # stored uncompressed: no ratio to catch it, only the rows counted while streaming
    pytest.param(lambda h: xlsx_with_sheet(h, empty_rows(200_000), level=0), id="200k-empty-rows-no-dimension"),
    pytest.param(lambda h: xlsx_with_sheet(h, b"", dimension="A1:XFD2"), id="declares-16384-columns"),
]


def _peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_bomb_is_small_and_inflates_a_thousandfold():
    bomb = docx_bomb()
    assert len(bomb) < 200 * 1024 and inflation(bomb) > 500


def test_a_docx_bomb_is_refused_in_chinese_with_bounded_memory():
    bomb = docx_bomb()
    errors = []

    def upload():
        try:
            validate_upload(SimpleUploadedFile("合作协议.docx", bomb))
        except ValidationError as exc:
            errors.append(exc.messages[0])

    assert _peak_bytes(upload) < 4 * 1024 * 1024
    assert errors and "压缩" in errors[0]


def test_a_part_whose_header_understates_its_size_is_still_read_with_a_bound():
    lying = understated(docx_bomb(), "[Content_Types].xml", 2048)
    check_package(lying)  # the directory looks harmless …
    errors = []

    def upload():
        try:
            validate_upload(SimpleUploadedFile("合作协议.docx", lying))
        except ValidationError as exc:
            errors.append(exc.messages[0])

    assert _peak_bytes(upload) < 4 * 1024 * 1024  # … but no more than it declares is ever inflated
    assert errors and "不是有效的" in errors[0]


def test_an_honest_workbook_and_document_pass():
    from tests.pool import files

    assert validate_upload(SimpleUploadedFile("a.docx", files.docx())) == "docx"
    assert validate_upload(SimpleUploadedFile("a.xlsx", files.xlsx())) == "xlsx"
    check_sheets(xlsx_with_sheet(["a", "b"], empty_rows(100)), max_rows=200)


@pytest.mark.parametrize("build", HUGE)
def test_check_sheets_refuses_quickly(build):
    content = build(["a", "b"])
    started = time.perf_counter()
    with pytest.raises(ArchiveRefused) as refused:
        check_sheets(io.BytesIO(content), max_rows=20_000, max_columns=100)
    assert time.perf_counter() - started < 2
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.messages[0])


def _refused_quickly(call) -> str:
    started = time.perf_counter()
    message = call()
    assert time.perf_counter() - started < 2, "refused only after parsing"
    assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


@pytest.mark.parametrize("build", HUGE)
def test_the_patent_list_import_refuses_before_parsing(build):
    from pool.patent_excel import PatentImportError, read_patent_rows
    from pool.schema import PATENTS

    def call():
        with pytest.raises(PatentImportError) as refused:
            read_patent_rows(build([spec.label for spec in PATENTS.fields]))
        return refused.value.errors[0]

    _refused_quickly(call)


@pytest.mark.parametrize("build", HUGE)
def test_the_demand_supply_and_feedback_table_reader_refuses_before_parsing(build):
    from matching.services.imports import DEMAND_COLUMNS
    from portal.tables import TableError, read_table

    def call():
        upload = SimpleUploadedFile("需求.xlsx", build(["需求名称", "需求描述"]))
        with pytest.raises(TableError) as refused:
            list(read_table(upload, DEMAND_COLUMNS))
        return refused.value.messages[0]

    _refused_quickly(call)


def test_the_demand_import_has_a_row_cap():
    from matching.services.imports import DEMAND_COLUMNS
    from portal.tables import MAX_IMPORT_ROWS, TableError, read_table

    rows = "".join(f"需求{i},描述\n" for i in range(MAX_IMPORT_ROWS + 1))
    upload = SimpleUploadedFile("需求.csv", ("需求名称,需求描述\n" + rows).encode())
    with pytest.raises(TableError, match=f"超过 {MAX_IMPORT_ROWS} 行"):
        list(read_table(upload, DEMAND_COLUMNS))


@pytest.mark.parametrize("build", HUGE)
def test_the_list_import_refuses_before_parsing(build):
    from criteria.services.lists import ListImportError, parse_list_file

    def call():
        with pytest.raises(ListImportError) as refused:
            parse_list_file(io.BytesIO(build(["统一社会信用代码", "企业名称"])), "名单.xlsx")
        return str(refused.value.errors[0])

    _refused_quickly(call)


@pytest.mark.django_db
@pytest.mark.parametrize("build", HUGE)
def test_the_target_import_refuses_before_parsing(build, province):
    from portal.services.kpi import ImportRejected, parse_target_workbook

    def call():
        with pytest.raises(ImportRejected) as refused:
            parse_target_workbook(io.BytesIO(build(["任务", "2026年"])), region=province.region, user=province)
        return refused.value.errors[0]

    _refused_quickly(call)


@pytest.mark.django_db
def test_the_feedback_import_refuses_a_sheet_of_empty_rows(shipped):
    from finance.services.feedback_import import feedback_import
    from tests.factories import user_with_role

    bank = user_with_role("bank", "420000")
    upload = SimpleUploadedFile("反馈.xlsx", xlsx_with_sheet(["统一社会信用代码"], empty_rows(3_000_000)))
    started = time.perf_counter()
    report = feedback_import(user=bank, upload=upload)
    assert time.perf_counter() - started < 2
    assert report.file_error and not report.ok
