"""The patent list as an Excel sheet: the template the form offers, and reading a filled-in copy back.

Reading is all-or-nothing: ``read_patent_rows`` returns the rows or raises ``PatentImportError`` listing every
bad row with its Excel row number and the reasons, in Chinese. Application numbers are checked with their check
digit (``portal.validators.validate_patent_no``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from portal.archives import ArchiveRefused, check_sheets
from portal.tables import cell_text
from portal.validators import validate_patent_no

from .schema import BOOL_CHOICES, PATENTS, FieldSpec

SHEET_TITLE = "专利清单"
MAX_ROWS = 5000
#: Rows the sheet may hold at all, empty ones included (a reader walks those too), and columns.
SHEET_MAX_ROWS, SHEET_MAX_COLUMNS = 2 * MAX_ROWS, 60
MAX_BYTES = 5 * 1024 * 1024
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class PatentImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("；".join(errors))


def _labels(spec: FieldSpec) -> list[str]:
    return [label for _, label in (BOOL_CHOICES if spec.kind == "bool" else spec.choices)]


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    header_font, fill = Font(bold=True), PatternFill("solid", fgColor="E8EFF9")
    for column, spec in enumerate(PATENTS.fields, start=1):
        cell = sheet.cell(row=1, column=column, value=spec.label + ("*" if spec.required else ""))
        cell.font, cell.fill = header_font, fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 22 if spec.name in ("application_no", "title") else 14
        if spec.kind in ("choice", "bool"):
            rule = DataValidation(type="list", formula1='"' + ",".join(_labels(spec)) + '"', allow_blank=True)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
        if spec.kind == "date" or spec.name == "application_no":
            for row in range(2, 202):
                sheet.cell(row=row, column=column).number_format = "@" if spec.name == "application_no" \
                    else "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for spec in PATENTS.fields:
        hint = spec.help or ("可选：" + " / ".join(_labels(spec)) if spec.kind in ("choice", "bool") else "")
        if spec.kind == "date":
            hint = "日期，如 2024-06-30"
        notes.append([spec.label, ("必填。" if spec.required else "") + hint])
    notes.append(["", "带 * 的列为必填；每行一件专利；导入时任一行有误则整表不导入，并列出所有错误行。"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _convert(spec: FieldSpec, value) -> tuple[object, str | None]:
    """The stored value of one cell and the problem with it, if any."""
    if isinstance(value, datetime | date) and spec.kind == "date":
        return (value.date() if isinstance(value, datetime) else value).isoformat(), None
    text = cell_text(value)
    if not text:
        return (None if spec.kind == "bool" else ""), (f"“{spec.label}”未填写" if spec.required else None)
    if spec.kind in ("choice", "bool"):
        pairs = BOOL_CHOICES if spec.kind == "bool" else spec.choices
        by_label = {label: code for code, label in pairs} | {code: code for code, _ in pairs}
        if text not in by_label:
            return text, f"“{spec.label}”应为 {' / '.join(_labels(spec))}"
        code = by_label[text]
        return ({"true": True, "false": False}[code] if spec.kind == "bool" else code), None
    if spec.kind == "date":
        match = DATE_RE.match(text)
        try:
            return date(*map(int, match.groups())).isoformat(), None  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            return text, f"“{spec.label}”不是有效日期（如 2024-06-30）"
    if spec.name == "application_no":
        try:
            return validate_patent_no(text), None
        except ValidationError as error:
            return text, f"申请号 {text}：{error.messages[0].rstrip('。')}"
    return text, None


def _header_map(header: tuple) -> dict[int, FieldSpec]:
    by_label = {spec.label: spec for spec in PATENTS.fields}
    mapping = {}
    for index, title in enumerate(header):
        spec = by_label.get(cell_text(title).rstrip("*").strip())
        if spec:
            mapping[index] = spec
    return mapping


def _row(values: tuple, mapping: dict[int, FieldSpec]) -> tuple[dict, list[str]]:
    row: dict = {spec.name: (None if spec.kind == "bool" else "") for spec in PATENTS.fields}
    problems = []
    for index, spec in mapping.items():
        value, problem = _convert(spec, values[index] if index < len(values) else None)
        row[spec.name] = value
        if problem:
            problems.append(problem)
    if row["ownership"] == "licensed_in" and not (row["licence_kind"] and row["licence_from"]):
        problems.append("许可使用的专利须填写许可类型和许可起始日")
    if row["licence_from"] and row["licence_to"] and row["licence_to"] < row["licence_from"]:
        problems.append("许可截止日早于起始日")
    return row, problems


def read_patent_rows(content: bytes, *, existing: list[str] = ()) -> list[dict]:
    """The patent rows of an uploaded workbook; ``existing`` are numbers already in the list (duplicates)."""
    if len(content) > MAX_BYTES:
        raise PatentImportError(["文件过大，专利清单不得超过 5 MB。"])
    try:
        check_sheets(content, max_rows=SHEET_MAX_ROWS, max_columns=SHEET_MAX_COLUMNS,
                     unreadable="无法读取该文件，请使用页面提供的模板（.xlsx）填写后导入。")
    except ArchiveRefused as refused:
        raise PatentImportError([refused.messages[0]]) from None
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PatentImportError(["无法读取该文件，请使用页面提供的模板（.xlsx）填写后导入。"]) from exc
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.active
    rows_iter = sheet.iter_rows(values_only=True)
    mapping = _header_map(next(rows_iter, ()) or ())
    missing = [s.label for s in PATENTS.fields if s.required and s not in mapping.values()]
    if missing:
        raise PatentImportError([f"表头缺少列：{'、'.join(missing)}。请使用页面提供的模板。"])
    rows, errors, seen = [], [], {n: "已有清单" for n in existing}
    for number, values in enumerate(rows_iter, start=2):
        if all(cell_text(v) == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(f"超过 {MAX_ROWS} 行，请分批导入。")
            break
        row, problems = _row(values, mapping)
        key = row["application_no"]
        if key and key in seen:
            problems.append(f"申请号 {key} 与{seen[key]}重复")
        if key:
            seen.setdefault(key, f"第 {number} 行")
        if problems:
            errors.append(f"第 {number} 行：{'；'.join(problems)}。")
        rows.append(row)
    workbook.close()
    if errors:
        raise PatentImportError(errors)
    if not rows:
        raise PatentImportError(["表中没有专利数据。"])
    return rows
