"""The banks' feedback sheet (银行反馈表): the template the page offers, and the cleaning of one filled-in row.

One row is one enterprise of the bank's whitelist and, optionally, one loan: contact, credit line, the loan
(keyed by its contract number), its pledge registration and its repayment status. Columns are found by their
Chinese title (``portal.tables.read_table``); every problem of every row is collected in Chinese.
"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from portal.tables import Column, RowError, parse_money
from portal.validators import normalise_uscc, validate_uscc

from .models import LoanStatus
from .services.feedback import clean_loan, clean_pledge

SHEET_TITLE = "银行反馈"
COLUMNS = [
    Column("uscc", "统一社会信用代码", ("信用代码",), required=True),
    Column("name", "企业名称"),
    Column("contacted_on", "对接日期"),
    Column("credit_amount", "授信金额（元）", ("授信金额",)),
    Column("credit_granted_on", "授信日期"),
    Column("contract_no", "贷款合同编号", ("合同编号",)),
    Column("amount", "放款金额（元）", ("放款金额", "贷款金额")),
    Column("annual_rate", "年利率（%）", ("年利率", "利率")),
    Column("term_months", "期限（月）", ("期限",)),
    Column("start_on", "起始日", ("贷款起始日",)),
    Column("end_on", "到期日", ("贷款到期日",)),
    Column("registration_no", "质押登记编号", ("登记编号",)),
    Column("registered_on", "质押登记日期", ("登记日期",)),
    Column("pledged_assets", "质押物（专利号/商标注册号）", ("质押物",)),
    Column("pledged_value", "质押物评估价值（元）", ("评估价值",)),
    Column("status", "还款状态"),
    Column("status_on", "结清或逾期日期", ("状态日期",)),
]
STATUS_WORDS = {"正常": LoanStatus.OUTSTANDING, "正常还款": LoanStatus.OUTSTANDING,
                **{c.label: c.value for c in LoanStatus}, **{c.value: c.value for c in LoanStatus},
                "结清": LoanStatus.REPAID, "已还清": LoanStatus.REPAID}
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
SPLIT_RE = re.compile(r"[;；,，、\s]+")
FIELD_LABELS = {"contract_no": "贷款合同编号", "amount": "放款金额（元）", "annual_rate": "年利率（%）",
                "term_months": "期限（月）", "start_on": "起始日", "end_on": "到期日", "registration_no": "质押登记编号",
                "registered_on": "质押登记日期", "pledged_assets": "质押物（专利号/商标注册号）",
                "pledged_value": "质押物评估价值（元）"}


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    font, fill = Font(bold=True), PatternFill("solid", fgColor="E8EFF9")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label + ("*" if column.required else ""))
        cell.font, cell.fill = font, fill
        sheet.column_dimensions[cell.column_letter].width = 22 if index in (1, 2, 14) else 14
        if column.key in ("uscc", "contract_no", "registration_no"):
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
    status_letter = sheet.cell(row=1, column=[c.key for c in COLUMNS].index("status") + 1).column_letter
    rule = DataValidation(type="list", formula1='"' + ",".join(c.label for c in LoanStatus) + '"', allow_blank=True)
    rule.add(f"{status_letter}2:{status_letter}5001")
    sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for line in (
        ["列", "说明"],
        ["统一社会信用代码", "必填；须为向贵行发布的白名单上、授权仍有效的企业。"],
        ["授信金额、授信日期", "两项同时填写或同时留空。"],
        ["贷款合同编号", "填写后须同时填写放款金额、年利率（百分数，如 3.85）、期限（月）、起始日、到期日；已登记的合同编号将被更新。"],
        ["质押登记编号", "须对应本行填写的贷款；同时填写登记日期、质押物（多个以分号分隔）和评估价值。"],
        ["还款状态", "正常还款中 / 已结清 / 逾期；已结清填结清日期，逾期填逾期起始日。"],
        ["日期", "格式如 2026-03-15。"],
        ["", "任一行有误则整表不导入，并列出所有错误行；请修改后重新上传。"],
    ):
        notes.append(line)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_date(text: str, *, column: str, row: int, errors: list[RowError]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    match = DATE_RE.match(text)
    try:
        return date(*(int(p) for p in match.groups()))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        errors.append(RowError(row, column, f"“{text}”不是有效日期，请写成 2026-03-15。"))
        return None


def _months(text: str, row: int, errors: list[RowError]) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        errors.append(RowError(row, "期限（月）", f"“{text}”应为整数月数。"))
        return None
    return int(text)


def _service_errors(error: ValidationError, row: int, errors: list[RowError]) -> None:
    for field, messages in error.message_dict.items():
        for message in messages:
            errors.append(RowError(row, FIELD_LABELS.get(field, ""), message))


def clean_row(number: int, row: dict, errors: list[RowError]) -> dict | None:
    """One row's values, or None with every problem appended to ``errors``."""
    before = len(errors)
    out: dict = {"row": number}
    code = normalise_uscc(row.get("uscc", ""))
    try:
        validate_uscc(code)
    except ValidationError as exc:
        errors.append(RowError(number, "统一社会信用代码", f"“{row.get('uscc', '')}”：{exc.messages[0]}"))
    out["uscc"] = code
    out["contacted_on"] = parse_date(row.get("contacted_on"), column="对接日期", row=number, errors=errors)
    credit = parse_money(row.get("credit_amount", ""), column="授信金额（元）", row=number, errors=errors)
    granted_on = parse_date(row.get("credit_granted_on"), column="授信日期", row=number, errors=errors)
    if (credit is None) != (granted_on is None) and len(errors) == before:
        errors.append(RowError(number, "授信金额（元）", "授信金额与授信日期应同时填写。"))
    out["credit"] = (credit, granted_on) if credit is not None and granted_on is not None else None
    out["loan"] = None
    if row.get("contract_no"):
        raw = {"contract_no": row["contract_no"],
               "amount": parse_money(row.get("amount", ""), column="放款金额（元）", row=number, errors=errors),
               "annual_rate": parse_money(row.get("annual_rate", ""), column="年利率（%）", row=number, errors=errors),
               "term_months": _months(row.get("term_months", ""), number, errors),
               "start_on": parse_date(row.get("start_on"), column="起始日", row=number, errors=errors),
               "end_on": parse_date(row.get("end_on"), column="到期日", row=number, errors=errors)}
        try:
            out["loan"] = clean_loan(**raw)
        except ValidationError as exc:
            _service_errors(exc, number, errors)
    out["pledge"] = None
    if row.get("registration_no"):
        if not row.get("contract_no"):
            errors.append(RowError(number, "质押登记编号", "质押登记须对应本行填写的贷款合同编号。"))
        raw = {"registration_no": row["registration_no"],
               "registered_on": parse_date(row.get("registered_on"), column="质押登记日期", row=number, errors=errors),
               "pledged_assets": SPLIT_RE.split(row.get("pledged_assets", "")),
               "pledged_value": parse_money(row.get("pledged_value", ""), column="质押物评估价值（元）", row=number,
                                            errors=errors)}
        try:
            out["pledge"] = clean_pledge(**raw)
        except ValidationError as exc:
            _service_errors(exc, number, errors)
    out["status"] = None
    if row.get("status"):
        status = STATUS_WORDS.get(row["status"].strip())
        on = parse_date(row.get("status_on"), column="结清或逾期日期", row=number, errors=errors)
        if status is None:
            errors.append(RowError(number, "还款状态", f"“{row['status']}”应为：正常还款中、已结清或逾期。"))
        elif not row.get("contract_no"):
            errors.append(RowError(number, "还款状态", "还款状态须对应本行填写的贷款合同编号。"))
        elif status != LoanStatus.OUTSTANDING and on is None:
            errors.append(RowError(number, "结清或逾期日期", "已结清或逾期的贷款须填写日期。"))
        else:
            out["status"] = (status, on)
    return out if len(errors) == before else None
