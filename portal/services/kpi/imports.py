"""Import of yearly targets from Excel in the layout of seed 001's table (all or nothing)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction

from ...indicators import (
    Indicator,
    all_indicators,
)
from ...models import Region, TargetSource, User
from ..audit import audit
from .targets import _target_save, can_set_target


class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*年?\s*$")
# Digits bounded in the pattern (and never a partial match of a longer number), so no cell's number costs CPU.
GROWTH = re.compile(r"(?:年均)?增幅\s*(?:达到)?\s*(?<![\d.])(\d{1,15}(?:\.\d{1,6})?)\s*%")
ABSOLUTE = re.compile(r"(?<![\d.])(\d{1,15}(?:\.\d{1,6})?)\s*(亿元|万元|元|件|家|项|份|%)")
#: A target sheet is one row per indicator and region; far more rows or columns than that is not one.
TARGET_SHEET_MAX_ROWS, TARGET_SHEET_MAX_COLUMNS = 2000, 100
UNIT_FACTOR = {"亿元": Decimal(100_000_000), "万元": Decimal(10_000)}
REGION_HEADERS = ("行政区划代码", "地区代码", "地区")


def parse_target_cell(text: str, indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """``专利数量480件,年均增幅30%`` → (480, 30); ``成交金额0.75亿元,年均增幅30%`` → (75000000, 30);
    ``备案率达到100%`` → (100, None). Raises ValueError when the cell says nothing usable."""
    text = str(text).strip()
    growth_rate = None
    match = GROWTH.search(text)
    if match:
        growth_rate = Decimal(match.group(1))
        text = text[:match.start()] + text[match.end():]
    absolute = None
    match = ABSOLUTE.search(text)
    if match:
        number, unit = Decimal(match.group(1)), match.group(2)
        if indicator.is_money and unit not in ("亿元", "万元", "元"):
            raise ValueError(f"金额须以元、万元或亿元为单位：{match.group(0)}")
        if not indicator.is_money and unit in ("亿元", "万元", "元"):
            raise ValueError(f"该指标不是金额：{match.group(0)}")
        absolute = number * UNIT_FACTOR.get(unit, Decimal(1))
    elif re.search(r"\d", text):
        raise ValueError(f"无法识别目标值（请写明单位，如 480件、0.75亿元、100%）：{text}")
    if absolute is None and growth_rate is None:
        raise ValueError("未填写目标值或增幅")
    return absolute, growth_rate


def match_indicator(task: str) -> Indicator | None:
    task = re.sub(r"\s+", "", str(task or ""))
    for indicator in all_indicators():
        if task == indicator.name or task == indicator.code or any(alias in task for alias in indicator.aliases):
            return indicator
    return None


def parse_target_workbook(file, *, region: Region, user: User) -> tuple[list[dict], list[str]]:
    """Read the sheet: a header row with 任务 and year columns (2021年 …), an optional 行政区划代码 column; one row
    per indicator. Returns the targets it would set and every problem, by row."""
    from openpyxl import load_workbook

    from portal.archives import ArchiveRefused, check_sheets

    try:
        check_sheets(file, max_rows=TARGET_SHEET_MAX_ROWS, max_columns=TARGET_SHEET_MAX_COLUMNS,
                     unreadable="无法读取 Excel 文件：请确认是 .xlsx 格式且未损坏")
    except ArchiveRefused as refused:
        raise ImportRejected([refused.messages[0]]) from None
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - anything openpyxl cannot read is "not an Excel file" to the person
        raise ImportRejected([f"无法读取 Excel 文件：{exc.__class__.__name__}"]) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next((i for i, row in enumerate(rows) if any(str(c or "").strip() == "任务" for c in row)), None)
    if header_index is None:
        return [], ["未找到表头：须有“任务”列（可从本页下载模板）"]
    header = [str(c or "").strip() for c in rows[header_index]]
    task_col = header.index("任务")
    region_col = next((header.index(h) for h in REGION_HEADERS if h in header), None)
    year_cols = {}
    for scan in rows[max(0, header_index - 1): header_index + 2]:  # the year row may sit under a merged title
        for col, cell in enumerate(scan):
            match = YEAR_HEADER.match(str(cell or ""))
            if match:
                year_cols[col] = int(match.group(1))
    if not year_cols:
        return [], ["未找到年度列（如“2026年”）"]
    first_data = header_index + 1
    while first_data < len(rows) and any(YEAR_HEADER.match(str(c or "")) for c in rows[first_data]):
        first_data += 1
    found, errors, seen = [], [], {}
    for index in range(first_data, len(rows)):
        row, line = rows[index], index + 1
        cells = [c for c in row if c not in (None, "")]
        if not cells:
            continue
        task = row[task_col] if task_col < len(row) else None
        if not task:
            errors.append(f"第{line}行：“任务”为空")
            continue
        indicator = match_indicator(task)
        if indicator is None:
            errors.append(f"第{line}行：无法识别的指标“{task}”")
            continue
        target_region = region
        if region_col is not None and region_col < len(row) and row[region_col]:
            code = str(row[region_col]).strip()
            target_region = Region.objects.filter(code=code).first() or Region.objects.filter(name=code).first()
            if target_region is None:
                errors.append(f"第{line}行：未知的行政区划“{code}”")
                continue
        allowed, reason = can_set_target(user, target_region)
        if not allowed:
            errors.append(f"第{line}行：{target_region.name}——{reason}")
            continue
        for col, year in year_cols.items():
            cell = row[col] if col < len(row) else None
            if cell in (None, ""):
                continue
            try:
                absolute, growth_rate = parse_target_cell(cell, indicator)
            except ValueError as exc:
                errors.append(f"第{line}行（{year}年）：{exc}")
                continue
            key = (indicator.code, target_region.code, year)
            if key in seen:
                errors.append(f"第{line}行（{year}年）：与第{seen[key]}行重复")
                continue
            seen[key] = line
            found.append({"indicator": indicator.code, "region": target_region, "year": year,
                          "absolute": absolute, "growth_rate": growth_rate, "line": line})
    if not found and not errors:
        errors.append("文件中没有目标数据")
    return found, errors


def target_import(*, file, region: Region, user: User) -> int:
    """Import every target of the file, or none: any bad row rejects the whole file with every row's problem."""
    found, errors = parse_target_workbook(file, region=region, user=user)
    if errors:
        raise ImportRejected(errors)
    changed = 0
    with transaction.atomic():
        for item in found:
            target = _target_save(indicator=item["indicator"], region=item["region"], year=item["year"],
                                  absolute=item["absolute"], growth_rate=item["growth_rate"], user=user,
                                  source=TargetSource.IMPORT, note=f"Excel 导入第{item['line']}行")
            changed += target is not None
        audit(actor=user, action="kpi.targets_imported", comment=f"导入 {len(found)} 项，变更 {changed} 项",
              data={"region": region.code, "rows": len(found), "changed": changed})
    return changed
