"""Imported lists keyed by 统一社会信用代码 (serious dishonesty, abnormal patent filing, major accidents).

An import is all or nothing: every bad row is reported with its row number and nothing is written; a good file
is stored with its import record, audited, and ``lists_changed`` is sent after commit so open batches re-score.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.services.audit import audit
from portal.validators import normalise_uscc, validate_uscc

from ..models import ListEntry, ListImport, ListType
from ..signals import lists_changed

IMPORT_ROLES = frozenset({"city", "province", "admin"})
MAX_ROWS = 100_000
#: Rows the sheet may hold at all, empty ones included (a reader walks those too), and columns.
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = MAX_ROWS + 1000, 50
COLUMNS = {"uscc": ("统一社会信用代码", "uscc"), "name": ("企业名称", "名称", "name"),
           "reason": ("列入事由", "事由", "reason"), "listed_on": ("列入日期", "日期", "listed_on")}
REQUIRED = ("uscc", "name")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}" if self.row else self.message


class ListImportError(ValidationError):
    """The file was refused; ``errors`` lists every problem (``RowError``), in row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__([str(e) for e in errors])


def can_import_lists(user) -> bool:
    return user is not None and user.is_authenticated and user.role in IMPORT_ROLES


def _read_rows(file, file_name: str) -> list[list]:
    lowered = file_name.lower()
    raw = file.read()
    if lowered.endswith(".xlsx"):
        import openpyxl

        from portal.archives import ArchiveRefused, check_sheets

        try:
            check_sheets(raw, max_rows=MAX_SHEET_ROWS, max_columns=MAX_SHEET_COLUMNS,
                         unreadable="无法读取该 Excel 文件，请确认是 .xlsx 格式")
        except ArchiveRefused as refused:
            raise ListImportError([RowError(0, refused.messages[0].rstrip("。"))]) from None
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
            raise ListImportError([RowError(0, "无法读取该 Excel 文件，请确认是 .xlsx 格式")]) from exc
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS)]
        book.close()
        return rows
    if lowered.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            text = text.replace("\x00", "")  # csv refuses NUL and no database column takes it
            rows = list(itertools.islice(csv.reader(io.StringIO(text)), MAX_SHEET_ROWS + 1))
            if len(rows) > MAX_SHEET_ROWS:
                raise ListImportError([RowError(0, f"文件超过 {MAX_SHEET_ROWS} 行上限，请拆分后分批导入")])
            return rows
        raise ListImportError([RowError(0, "无法识别 CSV 文件的编码，请另存为 UTF-8")])
    raise ListImportError([RowError(0, "仅支持 .xlsx 或 .csv 文件")])


def _columns(header: list) -> tuple[dict[str, int], list[RowError]]:
    titles = [str(cell).strip() if cell is not None else "" for cell in header]
    positions, errors = {}, []
    for key, names in COLUMNS.items():
        index = next((i for i, title in enumerate(titles) if title in names), None)
        if index is not None:
            positions[key] = index
        elif key in REQUIRED:
            errors.append(RowError(1, f"缺少表头“{names[0]}”"))
    return positions, errors


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError
    return date(*(int(part) for part in match.groups()))


def _cell(row: list, positions: dict, key: str) -> object:
    index = positions.get(key)
    value = row[index] if index is not None and index < len(row) else None
    return value.strip() if isinstance(value, str) else value


def _parse_row(number: int, row: list, positions: dict, errors: list[RowError]) -> dict | None:
    start = len(errors)
    uscc = normalise_uscc(str(_cell(row, positions, "uscc") or ""))
    name = str(_cell(row, positions, "name") or "").strip()
    reason = str(_cell(row, positions, "reason") or "").strip()
    raw_date = _cell(row, positions, "listed_on")
    if not uscc:
        errors.append(RowError(number, "统一社会信用代码不能为空"))
    else:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            errors.append(RowError(number, f"{exc.messages[0]}（{uscc}）"))
    if not name:
        errors.append(RowError(number, "企业名称不能为空"))
    elif len(name) > 200:
        errors.append(RowError(number, "企业名称超过 200 字"))
    if len(reason) > 500:
        errors.append(RowError(number, "列入事由超过 500 字"))
    listed_on = None
    if raw_date not in (None, ""):
        try:
            listed_on = _date(raw_date)
        except ValueError:
            errors.append(RowError(number, f"列入日期“{raw_date}”无法识别，请写成 2024-03-01"))
        else:
            if listed_on > timezone.localdate():
                errors.append(RowError(number, f"列入日期 {listed_on.isoformat()} 晚于今天"))
    if len(errors) > start:
        return None
    return {"uscc": uscc, "name": name, "reason": reason, "listed_on": listed_on}


def parse_list_file(file, file_name: str) -> list[dict]:
    """The rows of a list file, or ``ListImportError`` naming every bad row."""
    rows = _read_rows(file, file_name)
    if not rows:
        raise ListImportError([RowError(0, "文件是空的")])
    positions, errors = _columns(rows[0])
    if errors:
        raise ListImportError(errors)
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        item = _parse_row(number, row, positions, errors)
        if item is None:
            continue
        key = (item["uscc"], item["listed_on"])
        if key in seen:
            errors.append(RowError(number, f"与第 {seen[key]} 行重复（同一代码、同一列入日期）"))
            continue
        seen[key] = number
        parsed.append(item)
    if len(parsed) > MAX_ROWS:
        errors.append(RowError(0, f"单个文件最多 {MAX_ROWS} 行"))
    if not errors and not parsed:
        errors.append(RowError(0, "文件中没有数据行"))
    if errors:
        raise ListImportError(errors)
    return parsed


def _remove_superseded(list_type: str, items: list[dict], replace: bool) -> int:
    existing = ListEntry.objects.filter(list_type=list_type)
    if replace:
        return existing.delete()[0]
    keys = {(i["uscc"], i["listed_on"]) for i in items}
    usccs = list({i["uscc"] for i in items})
    ids = []
    for start in range(0, len(usccs), 5000):
        rows = existing.filter(uscc__in=usccs[start:start + 5000]).values_list("id", "uscc", "listed_on")
        ids.extend(pk for pk, uscc, listed_on in rows if (uscc, listed_on) in keys)
    for start in range(0, len(ids), 5000):
        ListEntry.objects.filter(id__in=ids[start:start + 5000]).delete()
    return 0


def list_import(*, file, list_type: str, user, replace: bool = False, file_name: str | None = None,
                region_code: str | None = None) -> ListImport:
    """Import a list file (.xlsx or .csv) of ``list_type``. ``replace`` makes it the whole list of that type;
    otherwise it adds to the list (a row already present with the same code and date is refreshed)."""
    if list_type not in ListType.values:
        raise ValidationError({"list_type": "请选择名单类型"})
    if user is not None and not can_import_lists(user):
        raise PermissionDenied("只有市级、省级主管部门可以导入名单")
    file_name = file_name or getattr(file, "name", "") or "upload"
    items = parse_list_file(file, file_name)
    organisation = getattr(user, "organisation", None) if user is not None else None
    with transaction.atomic():
        replaced = _remove_superseded(list_type, items, replace)
        record = ListImport.objects.create(
            list_type=list_type, file_name=file_name[-255:], replace=replace, rows_imported=len(items),
            rows_replaced=replaced, imported_by=user if user is not None else None, organisation=organisation,
            region_id=organisation.region_id if organisation is not None else region_code)
        ListEntry.objects.bulk_create([ListEntry(list_type=list_type, source_import=record, **i) for i in items],
                                      batch_size=2000)
        audit(actor=user, action="criteria_list.imported", target=record, actor_name="manage.py",
              data={"list_type": list_type, "rows": len(items), "replace": replace, "replaced": replaced})
        transaction.on_commit(lambda: lists_changed.send(sender=ListImport, list_type=list_type))
    return record
