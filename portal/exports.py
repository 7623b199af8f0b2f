"""Excel exports: small exporter classes over one base (after pretix's exporters).

An exporter declares its columns and yields rows; the base writes an .xlsx with openpyxl in write-only mode
(constant memory): Chinese headers, frozen header row, column widths, number formats, an optional summary
sheet and one sheet per group (e.g. per county). Text that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) is neutralised. Every export is audited: who, which filter, when, how many
rows. Small exports are written at once; large ones (over ``ASYNC_THRESHOLD`` rows) run in Celery, split into
chunks of rows that any worker writes (``portal.services.export_runs``, ``portal.xlsx``), and the person watches
a progress bar and downloads the file when it is ready.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from itertools import islice
from pathlib import Path
from tempfile import TemporaryDirectory
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .services.audit import audit
from .xlsx import WRITE_BUFFER, RowWriter, SheetRows, new_marker, register_styles, style_ids, write_workbook

ASYNC_THRESHOLD = 2000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Text that begins like a formula gets a leading apostrophe, so a spreadsheet shows it, never runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: float = 14
    number_format: str | None = None  # e.g. "#,##0.00", "0.00%", "yyyy-mm-dd"


MONEY = "#,##0.00"
PERCENT = "0.00%"
DATE = "yyyy-mm-dd"
INTEGER = "#,##0"


@dataclass
class Sheet:
    """A sheet as ``summary_rows`` sees it: its row count."""

    rows: int = 0


class Exporter:
    """Subclass and set ``title``, ``filename``, ``columns``; implement ``objects()``, or ``window()`` where the
    rows can be read from any position (a sliced queryset).

    ``group_of(obj)`` names the sheet an object goes to (None: one sheet only); ``summary_rows(sheets)`` gives
    the rows of the summary sheet. An exporter is rebuilt in the worker from ``user`` and ``params`` alone
    (the filter the person applied), so it must read nothing else from the request.
    """

    title = "导出"
    filename = "export"
    columns: list[Column] = []
    summary_headers: list[str] = ["分组", "行数"]

    def __init__(self, *, user, params: dict | None = None):
        self.user = user
        self.params = dict(params or {})

    # --- to implement ---------------------------------------------------------------------------------
    def objects(self) -> Iterable[Any]:
        if type(self).window is Exporter.window:
            raise NotImplementedError
        return self.window(0, None)

    def count(self) -> int:
        objects = self.objects()
        return len(objects) if isinstance(objects, (list, tuple)) else objects.count()

    def group_of(self, obj) -> str | None:
        return None

    def row_of(self, obj) -> Any:
        """What the columns read for ``obj`` (the object itself unless ``objects()`` yields it wrapped)."""
        return obj

    def summary_rows(self, sheets: dict[str, Sheet]) -> Iterable[list]:
        for name, sheet in sheets.items():
            yield [name, sheet.rows]

    # --- writing ----------------------------------------------------------------------------------------
    def path(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}"

    def full_filename(self) -> str:
        return f"{self.filename}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"

    @property
    def grouped(self) -> bool:
        return type(self).group_of is not Exporter.group_of

    def window(self, offset: int, stop: int | None) -> Iterable[Any]:
        """The objects at positions ``offset`` to ``stop`` (excluded; None: to the end) of ``objects()``, for a
        chunk of a large export. Override where the positions can be read directly (a sliced queryset)."""
        return islice(self.objects(), offset, stop)

    def chunk_state(self) -> dict:
        """What ``group_of`` gathered for the summary sheet, as JSON, for a chunk to hand to the finish."""
        return {}

    def merge_states(self, states: list[dict]) -> None:
        """Set the summary's state from the chunks' ``chunk_state()`` (replacing, not adding to, this one's)."""

    def write(self, target: Path) -> int:
        """Write the whole file in this process; returns the number of rows."""
        with TemporaryDirectory(prefix="export-") as folder:
            piece = self.write_piece(Path(folder), self.objects())
            return self.assemble(target, [(Path(folder), piece)])

    def write_piece(self, directory: Path, objects: Iterable[Any], *, limit: int | None = None) -> dict:
        """Write the rows of ``objects`` (the first ``limit`` of them) into part files in ``directory``, one per
        sheet; returns, as JSON, the sheets in order of their first row with their row counts, the key of the
        first object and of the one after the last (``limit`` + 1 objects are read, so the next chunk's first
        object can be checked), and the summary's state."""
        directory.mkdir(parents=True, exist_ok=True)
        writer = RowWriter(self.formats(), style_ids(self.formats()))
        getters = [(c.value, c.number_format == DATE) for c in self.columns]
        grouped, files, written = self.grouped, {}, 0
        row_of = self.row_of
        first = following = None
        try:
            for obj in objects:
                if written == limit:
                    following = key_of(obj)
                    break
                if not written:
                    first = key_of(obj)
                name = self.group_of(obj) if grouped else self.title
                part = files.get(name)
                if part is None:
                    part = files[name] = [(directory / f"{len(files)}.rows").open("w", encoding="utf-8",
                                                                                  buffering=WRITE_BUFFER), 0]
                part[0].write(writer.line(_values(row_of(obj), getters)) + "\n")
                part[1] += 1
                written += 1
        finally:
            for handle, _ in files.values():
                handle.close()
        groups = [[name, count, Path(handle.name).name] for name, (handle, count) in files.items()]
        return {"rows": written, "groups": groups, "first": first, "next": following, "state": self.chunk_state()}

    def assemble(self, target: Path, pieces: list[tuple[Path, dict]]) -> int:
        """Put the pieces (part directory and ``write_piece``'s account, in chunk order) together into the
        file: the summary sheet first, then one sheet per group in order of its first row."""
        sheets: dict[Any, SheetRows] = {}
        for directory, piece in pieces:
            for name, count, filename in piece["groups"]:
                sheet = sheets.setdefault(name, SheetRows(rows=0, parts=[]))
                sheet.rows += count
                sheet.parts.append(directory / filename)
        workbook = Workbook(write_only=True)
        register_styles(workbook, self.formats())
        summary = workbook.create_sheet("汇总") if self.grouped else None
        markers = {}
        for name, sheet in sheets.items():
            worksheet = self._new_sheet(workbook, name, self.columns)
            if sheet.rows:
                markers[name] = new_marker()
                worksheet.append([markers[name]])
        if not sheets:
            self._new_sheet(workbook, self.title, self.columns)
        if summary is not None:
            self.merge_states([piece["state"] for _, piece in pieces])
            self._fill_summary(summary, {name: Sheet(rows=sheet.rows) for name, sheet in sheets.items()})
        write_workbook(target, workbook, sheets, markers)
        return sum(sheet.rows for sheet in sheets.values())

    def formats(self) -> list[str | None]:
        return [column.number_format for column in self.columns]

    def _new_sheet(self, workbook, name: str, columns: list[Column]):
        worksheet = workbook.create_sheet(self._sheet_title(workbook, name))
        for index, column in enumerate(columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = "A2"
        worksheet.append([self._header_cell(worksheet, c.header) for c in columns])
        return worksheet

    @staticmethod
    def _sheet_title(workbook, name: str) -> str:
        base = INVALID_SHEET_CHARS.sub("_", name or "未分组")[:31]
        title, n = base, 2
        while title in workbook.sheetnames:
            title = f"{base[:28]}({n})"
            n += 1
        return title

    @staticmethod
    def _header_cell(worksheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(worksheet, value=text)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        return cell

    def _fill_summary(self, worksheet, sheets: dict[str, Sheet]) -> None:
        worksheet.freeze_panes = "A2"
        for index, _ in enumerate(self.summary_headers, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = 18
        worksheet.append([self._header_cell(worksheet, h) for h in self.summary_headers])
        for row in self.summary_rows(sheets):
            worksheet.append([neutralise(_cell_value(v)) for v in row])


NATIVE = frozenset({str, int, float, Decimal, date, type(None)})
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def _values(obj, getters: list[tuple[Callable, bool]]) -> list:
    """A row's plain values: text neutralised, a date column's date-times as dates."""
    row = []
    for value_of, as_date in getters:
        value = value_of(obj)
        if type(value) not in NATIVE:
            value = _cell_value(value)
        if isinstance(value, str):
            value = neutralise(value)
        elif as_date and isinstance(value, datetime):
            value = value.date()
        row.append(value)
    return row


def key_of(obj) -> Any:
    """What tells one exported object from another (its id), to check that chunks met end to end."""
    if isinstance(obj, dict):
        return obj.get("pk")
    pk = getattr(obj, "pk", None)
    return pk if isinstance(pk, (int, str)) else None


def _cell_value(value: Any) -> Any:
    if type(value) in NATIVE:
        return value
    if isinstance(value, datetime):
        # The default time zone, not the request's: a file written by the worker must read the same.
        return value.astimezone(timezone.get_default_timezone()).replace(tzinfo=None) if timezone.is_aware(
            value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal, date, str)) or value is None:
        return value
    return str(value)


def audit_export(exporter: Exporter, rows: int, *, job_id: int | None = None) -> None:
    audit(actor=exporter.user, action="export.created", comment=exporter.title,
          data={"exporter": exporter.path(), "filter": exporter.params, "rows": rows, "job": job_id})


def export_now(exporter: Exporter) -> tuple[Path, int]:
    """Write the file synchronously; returns its path and the number of rows."""
    target = Path(settings.EXPORT_ROOT) / "direct" / f"{timezone.now():%Y%m%d%H%M%S%f}" / exporter.full_filename()
    rows = exporter.write(target)
    audit_export(exporter, rows)
    return target, rows


def needs_background(exporter: Exporter) -> bool:
    return exporter.count() > ASYNC_THRESHOLD


def load_exporter(path: str, user, params: dict) -> Exporter:
    module, _, name = path.rpartition(".")
    cls = getattr(import_module(module), name)
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise ValueError(f"not an exporter: {path}")
    return cls(user=user, params=params)


def iterate(queryset, chunk_size: int = 2000) -> Iterator:
    """Stream a queryset without caching it (server-side cursor on PostgreSQL)."""
    return queryset.iterator(chunk_size=chunk_size)


def total_order(queryset):
    """``queryset`` ordered as it is, then by id: the same rows in the same order whichever window of it is
    read (PostgreSQL may return tied rows in another order under another LIMIT)."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
        ordering.append("pk")
    return queryset.order_by(*ordering)


def sliced(queryset, offset: int = 0, stop: int | None = None) -> Iterator:
    """Stream the rows of ``queryset`` (totally ordered) from position ``offset`` to ``stop`` (excluded)."""
    queryset = total_order(queryset)
    return iterate(queryset if not offset and stop is None else queryset[offset:stop])


def numbered(queryset, offset: int = 0, stop: int | None = None, *, field: str = "number") -> Iterator[dict]:
    """The rows of a ``values()`` queryset from ``offset`` to ``stop``, each with its place in the whole list
    (1 = first) under ``field``."""
    for number, row in enumerate(sliced(queryset, offset, stop), start=offset + 1):
        row[field] = number
        yield row


def filtered(filterset_class, params: dict, queryset, user):
    """``queryset`` narrowed by the person's filter exactly as the page narrows it (an exporter has no request,
    only the person, which is all a FilterSet reads from it)."""
    filterset = filterset_class(params or None, queryset=queryset, request=SimpleNamespace(user=user))
    return filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
