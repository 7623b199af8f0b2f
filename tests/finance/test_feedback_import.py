"""The banks' feedback sheet: the template the page offers, imported all or nothing — a file with any bad row
imports nothing and every bad row is reported in Chinese."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from finance.feedback_excel import COLUMNS
from finance.models import BankCase, Loan, PledgeRegistration
from finance.services.feedback_import import feedback_import
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db
HEADER = [c.label for c in COLUMNS]


def sheet(*rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append([row.get(label, "") for label in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("反馈.xlsx", buffer.getvalue())


def good_row(uscc, **extra):
    return {"统一社会信用代码": uscc, "对接日期": "2026-01-05", "授信金额（元）": "3000000", "授信日期": "2026-01-10",
            "贷款合同编号": "HT-2026-01", "放款金额（元）": "2000000", "年利率（%）": "3.85", "期限（月）": "12",
            "起始日": "2026-01-15", "到期日": "2027-01-14", "质押登记编号": "ZY-2026-01", "质押登记日期": "2026-01-14",
            "质押物（专利号/商标注册号）": "202010123456.2；12345678", "质押物评估价值（元）": "3500000",
            "还款状态": "正常还款中", **extra}


def test_the_template_is_offered_with_the_columns(client, bank_user):
    client.force_login(bank_user)
    response = client.get("/finance/feedback/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value.rstrip("*") for c in book["银行反馈"][1]] == HEADER
    assert "填写说明" in book.sheetnames


def test_a_good_file_records_contact_credit_loan_and_pledge(published, applicant, bank_user):
    report = feedback_import(user=bank_user, upload=sheet(good_row(applicant.organisation.uscc)))
    assert report.ok, report.as_dict()
    assert report.summary() == "导入成功：共 1 行，登记或更新贷款 1 笔。"
    case = BankCase.objects.get()
    assert case.credit_amount == Decimal("3000000.00") and str(case.contacted_on) == "2026-01-05"
    loan = Loan.objects.get()
    assert (loan.contract_no, loan.amount, loan.annual_rate) == ("HT-2026-01", Decimal("2000000.00"),
                                                                 Decimal("3.8500"))
    assert PledgeRegistration.objects.get().pledged_assets == ["202010123456.2", "12345678"]
    again = feedback_import(user=bank_user, upload=sheet(good_row(applicant.organisation.uscc, **{
        "还款状态": "逾期", "结清或逾期日期": "2026-06-01"})))
    assert again.ok and Loan.objects.count() == 1 and Loan.objects.get().status == "overdue"


def test_a_bad_file_imports_nothing_and_names_every_bad_row(published, applicant, bank_user):
    stranger = make_uscc(555001)
    rows = [
        good_row(applicant.organisation.uscc),
        good_row("91420202MA49XXXXX1", **{"贷款合同编号": "HT-2"}),
        good_row(stranger, **{"贷款合同编号": "HT-3", "质押登记编号": "ZY-3"}),
        good_row(applicant.organisation.uscc, **{"贷款合同编号": "HT-4", "质押登记编号": "ZY-4", "放款金额（元）": "两百万",
                                                 "到期日": "2025-01-01", "还款状态": "坏账"}),
        good_row(applicant.organisation.uscc, **{"授信日期": "", "贷款合同编号": "HT-6", "质押登记编号": "ZY-6"}),
        good_row(applicant.organisation.uscc),  # the contract and registration of row 2 again
    ]
    report = feedback_import(user=bank_user, upload=sheet(*rows))
    assert not report.ok
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("第 3 行“统一社会信用代码”") for m in messages)
    assert any(m.startswith("第 4 行") and "不在向贵行发布的白名单上" in m for m in messages)
    assert "第 5 行“放款金额（元）”：“两百万”不是数字：请填写以元为单位的金额，面议请留空。" in messages
    assert any(m.startswith("第 5 行“还款状态”") for m in messages)
    assert "第 6 行“授信金额（元）”：授信金额与授信日期应同时填写。" in messages
    assert "第 7 行“贷款合同编号”：与第 2 行重复。" in messages and "第 7 行“质押登记编号”：与第 2 行重复。" in messages
    assert not any(m.startswith("第 2 行") for m in messages)
    assert report.summary().startswith("未导入：共 6 行")
    assert BankCase.objects.count() == Loan.objects.count() == PledgeRegistration.objects.count() == 0


def test_an_unreadable_file_or_missing_column_imports_nothing(published, bank_user):
    junk = feedback_import(user=bank_user, upload=SimpleUploadedFile("反馈.xlsx", b"PK\x03\x04not a workbook"))
    assert not junk.ok and "无法读取该 Excel 文件" in junk.file_error
    book = Workbook()
    book.active.append(["企业名称"])
    book.active.append(["某公司"])
    buffer = io.BytesIO()
    book.save(buffer)
    missing = feedback_import(user=bank_user, upload=SimpleUploadedFile("反馈.xlsx", buffer.getvalue()))
    assert "缺少必需的列：统一社会信用代码（uscc）" in missing.file_error
    assert BankCase.objects.count() == 0


def test_the_page_shows_every_error(client, published, applicant, bank_user):
    client.force_login(bank_user)
    upload = sheet(good_row(applicant.organisation.uscc, **{"年利率（%）": "40"}))
    response = client.post("/finance/feedback/import/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "未导入" in page and "第 2 行“年利率（%）”：年利率应大于 0 且低于 36%" in page
    assert Loan.objects.count() == 0
