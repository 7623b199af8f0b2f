"""Imported lists: all-or-nothing imports with every bad row reported, replace/append, signal, command."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from criteria.models import ListEntry, ListImport
from criteria.services import list_hits_for
from criteria.services.lists import ListImportError, list_import
from criteria.signals import lists_changed
from portal.models import AuditEntry
from tests.factories import make_uscc

from .files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

A, B, C = make_uscc(101), make_uscc(102), make_uscc(103)


def bad_check_digit(uscc):
    return uscc[:-1] + ("1" if uscc[-1] != "1" else "2")


def test_good_csv_is_imported_and_audited(province_user):
    record = list_import(file=csv_file([(A, "甲公司", "失信", "2024-03-01"), (B, "乙公司", "", "")]),
                         list_type="serious_dishonesty", user=province_user)
    assert record.rows_imported == 2
    assert set(ListEntry.objects.values_list("uscc", flat=True)) == {A, B}
    assert ListEntry.objects.get(uscc=A).listed_on == date(2024, 3, 1)
    assert AuditEntry.objects.filter(action="criteria_list.imported", target_id=str(record.pk)).exists()


def test_good_xlsx_with_excel_dates_is_imported(city_user):
    record = list_import(file=xlsx_file([(A, "甲公司", "重大安全事故", date(2024, 5, 6))]),
                         list_type="major_accident", user=city_user)
    assert record.region_id == "420200"
    assert ListEntry.objects.get().listed_on == date(2024, 5, 6)


def test_gb18030_csv_is_read(province_user):
    list_import(file=csv_file([(A, "甲公司", "失信", "2024年3月1日")], encoding="gb18030"),
                list_type="serious_dishonesty", user=province_user)
    assert ListEntry.objects.get().name == "甲公司"


def test_every_bad_row_is_reported_and_nothing_is_imported(province_user):
    rows = [(A, "甲公司", "", "2024-01-01"),
            (bad_check_digit(B), "乙公司", "", ""),
            (C, "", "", ""),
            (make_uscc(104), "丁公司", "", "2024-02-30"),
            (A, "甲公司", "", "2024-01-01")]
    with pytest.raises(ListImportError) as caught:
        list_import(file=csv_file(rows), list_type="abnormal_filing", user=province_user)
    messages = [str(e) for e in caught.value.errors]
    assert [e.row for e in caught.value.errors] == [3, 4, 5, 6]
    assert "校验位不正确" in messages[0]
    assert "企业名称不能为空" in messages[1]
    assert "无法识别" in messages[2]
    assert "与第 2 行重复" in messages[3]
    assert not ListEntry.objects.exists() and not ListImport.objects.exists()


def test_missing_header_is_reported(province_user):
    with pytest.raises(ListImportError, match="缺少表头“统一社会信用代码”"):
        list_import(file=csv_file([("x",)], header=("代码",)), list_type="abnormal_filing", user=province_user)


@pytest.mark.parametrize("name", ["list.txt", "list.xls"])
def test_other_file_types_are_refused(province_user, name):
    with pytest.raises(ListImportError, match="仅支持"):
        list_import(file=csv_file([(A, "甲", "", "")], name=name), list_type="abnormal_filing", user=province_user)


def test_damaged_xlsx_is_refused_with_a_message(province_user):
    upload = csv_file([(A, "甲", "", "")], name="broken.xlsx")
    with pytest.raises(ListImportError, match="无法读取"):
        list_import(file=upload, list_type="abnormal_filing", user=province_user)


def test_append_refreshes_the_same_entry_instead_of_duplicating(province_user):
    for _ in range(2):
        list_import(file=csv_file([(A, "甲公司", "失信", "2024-03-01")]), list_type="serious_dishonesty",
                    user=province_user)
    assert ListEntry.objects.count() == 1


def test_replace_makes_the_file_the_whole_list_of_its_type(province_user):
    list_import(file=csv_file([(A, "甲", "", ""), (B, "乙", "", "")]), list_type="serious_dishonesty",
                user=province_user)
    list_import(file=csv_file([(C, "丙", "", "")]), list_type="major_accident", user=province_user)
    record = list_import(file=csv_file([(B, "乙", "", "")]), list_type="serious_dishonesty", user=province_user,
                         replace=True)
    assert record.rows_replaced == 2
    assert set(ListEntry.objects.values_list("list_type", "uscc")) == {("serious_dishonesty", B),
                                                                      ("major_accident", C)}


def test_lists_changed_is_sent_after_commit(province_user, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, list_type, **kwargs):
        received.append(list_type)

    lists_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            list_import(file=csv_file([(A, "甲", "", "")]), list_type="abnormal_filing", user=province_user)
            assert received == []
        assert received == ["abnormal_filing"]
    finally:
        lists_changed.disconnect(receiver)


@pytest.mark.parametrize("role", ["enterprise", "county", "bank", "supplier"])
def test_only_city_and_province_staff_import(make_user, role):
    with pytest.raises(PermissionDenied):
        list_import(file=csv_file([(A, "甲", "", "")]), list_type="abnormal_filing", user=make_user(role))


def test_hits_are_found_for_many_codes_in_one_query(province_user, django_assert_num_queries):
    list_import(file=csv_file([(A, "甲", "失信", "2024-03-01")]), list_type="serious_dishonesty", user=province_user)
    list_import(file=csv_file([(A, "甲", "事故", "2024-04-01")]), list_type="major_accident", user=province_user)
    with django_assert_num_queries(1):
        hits = list_hits_for([make_uscc(n) for n in range(1, 2000)] + [A.lower()])
    assert list(hits) == [A]
    assert {h.list_type for h in hits[A]} == {"serious_dishonesty", "major_accident"}


def test_command_imports_and_reports_bad_rows(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([(A, "甲", "", "")]).read())
    call_command("import_list", str(good), "--type", "abnormal_filing")
    assert ListImport.objects.get().region_id == "420000"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([(bad_check_digit(B), "乙", "", "")]).read())
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("import_list", str(bad), "--type", "abnormal_filing")
    assert ListEntry.objects.count() == 1
