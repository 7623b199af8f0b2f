"""Reading an uploaded table (CSV or .xlsx) into numbered rows, and the report of what was wrong with it.

The size cap is checked before a byte is parsed; columns are found by their DEV-set name or a Chinese alias;
a missing required column is one message naming every missing column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from portal.numbers import refusal

MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: Data rows one import may hold; rows the sheet (or CSV) may hold at all, empty ones included, and columns.
MAX_IMPORT_ROWS = 10_000
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 2 * MAX_IMPORT_ROWS, 100
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValidationError):
    """The file as a whole cannot be imported (too big, unreadable, columns missing)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: a file-level message or every bad row."""

    file_name: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def summary(self) -> str:
        if self.file_error:
            return f"未导入：{self.file_error}"
        if self.errors:
            return f"未导入：共 {self.rows} 行，其中 {len(self.errors)} 处错误，请修改后重新上传。"
        return f"导入成功：共 {self.rows} 行，新增 {self.created} 条，更新 {self.updated} 条。"

    def as_dict(self) -> dict:
        return {"file_name": self.file_name, "rows": self.rows, "created": self.created, "updated": self.updated,
                "file_error": self.file_error, "ok": self.ok, "summary": self.summary(),
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.key, self.label, *self.aliases)}


def normalise_header(name: str) -> str:
    return re.sub(r"[\s（）()]", "", str(name or "")).lower()


def file_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return size


def read_table(upload, columns: list[Column]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, {column key: text})`` for every non-empty data row (the header is row 1)."""
    if file_size(upload) > MAX_IMPORT_BYTES:
        raise TableError(f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB 上限，未读取。请拆分后分批导入。")
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    raw_rows = _xlsx_rows(upload) if head == XLSX_MAGIC or name.endswith(".xlsx") else _csv_rows(upload)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise TableError("文件是空的：第一行应为列名。") from None
    positions = _map_header(header, columns)
    data_rows = 0
    for number, values in enumerate(raw_rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise TableError(f"文件超过 {MAX_SHEET_ROWS} 行上限（空行也计算在内），未导入。请删除多余的行或拆分后分批导入。")
        row = {key: cell_text(values[i]) if i < len(values) else "" for key, i in positions.items()}
        if any(row.values()):
            data_rows += 1
            if data_rows > MAX_IMPORT_ROWS:
                raise TableError(f"数据超过 {MAX_IMPORT_ROWS} 行上限，未导入。请拆分后分批导入。")
            yield number, row


def _map_header(header, columns: list[Column]) -> dict[str, int]:
    found = {normalise_header(h): i for i, h in enumerate(header) if h not in (None, "")}
    positions, missing = {}, []
    for column in columns:
        index = next((found[n] for n in column.names() if n in found), None)
        if index is not None:
            positions[column.key] = index
        elif column.required:
            missing.append(f"{column.label}（{column.key}）")
    if missing:
        raise TableError(f"缺少必需的列：{'、'.join(missing)}。请使用导入模板的列名。")
    return positions


def _csv_rows(upload) -> Iterator[list]:
    data = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("无法识别文件编码：请保存为 UTF-8 编码的 CSV 或 Excel（.xlsx）文件。")
    # NUL: csv refuses the line and no database column takes it; a stray one is dropped
    return iter(csv.reader(io.StringIO(text.replace("\x00", ""))))


def _xlsx_rows(upload) -> Iterator[list]:
    from openpyxl import load_workbook

    from portal.archives import ArchiveRefused, check_sheets

    try:
        check_sheets(upload, max_rows=MAX_SHEET_ROWS, max_columns=MAX_SHEET_COLUMNS)
    except ArchiveRefused as refused:
        raise TableError(refused.messages[0]) from None
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise TableError("无法读取该 Excel 文件：请确认是 .xlsx 格式且未损坏。") from exc
    return (list(row) for row in workbook.worksheets[0].iter_rows(values_only=True))


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: empty for none, 12 for 12.0, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_money(text: str, *, column: str, row: int, errors: list[RowError]) -> Decimal | None:
    """Yuan as Decimal; empty or 面议 is None; anything else that is not a number is a row error."""
    cleaned = re.sub(r"[,，\s元¥￥]", "", text or "")
    if cleaned in ("", "面议"):
        return None
    if refusal(cleaned) or len(cleaned) > 64:  # bounded before parsing (portal.numbers)
        errors.append(RowError(row, column, f"金额“{text[:30]}”超出范围：应为 0 至 1 万亿元之间的数，请直接填写数字。"))
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        errors.append(RowError(row, column, f"“{text}”不是数字：请填写以元为单位的金额，面议请留空。"))
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        errors.append(RowError(row, column, f"金额“{text}”超出范围：应为 0 至 1 万亿元之间的数。"))
        return None
    return value.quantize(Decimal("0.01"))


def parse_choice(text: str, choices, *, column: str, row: int, errors: list[RowError], default=None):
    """A TextChoices value from its Chinese label or its code."""
    value = (text or "").strip()
    if not value and default is not None:
        return default
    for choice in choices:
        if value in (choice.value, choice.label):
            return choice.value
    allowed = "、".join(c.label for c in choices)
    errors.append(RowError(row, column, f"“{value}”不是有效取值，应为：{allowed}。"))
    return None
