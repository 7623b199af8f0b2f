"""An .xlsx written in pieces: rows serialised by any worker into part files, put together into one workbook.

A large export is split into chunks of rows that different workers write (``portal.exports``). Each chunk
writes its rows of each sheet as lines of sheet XML, one line per row, with the row number left as a
placeholder (a chunk does not know how many rows of a sheet come before its own). The finish builds the
workbook's frame with openpyxl (styles, the summary sheet, each sheet's columns, frozen header and header row)
with one marker row per sheet, and copies it into the final file, replacing each marker row by the sheet's part
files in chunk order with the row numbers filled in.

The cells are written as openpyxl writes them (inline strings, ``r`` on every row and cell, ``"%.16g"``
numbers, dates as serial numbers with a date format); style ids agree between the chunks and the finish because
both register the same styles first, in the same order (``register_styles``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from math import isfinite
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.excel import ExcelWriter

ROW = "\x00"  # the row number's place in a written line; never in XML text, which may not hold NUL
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
MAX_TEXT = 32767  # the most characters a spreadsheet cell holds
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
WRITE_BUFFER = 1 << 20
NUMBERS = (int, float, Decimal)


def register_styles(workbook, formats: Sequence[str | None]) -> dict[str, int]:
    """Style id of each number format (and of the two date formats), registered first in ``workbook`` so any
    process registering the same formats in the same order gets the same ids."""
    worksheet = workbook.create_sheet("_styles") if workbook.write_only else workbook.active
    ids = {}
    for number_format in (DATE_FORMAT, DATETIME_FORMAT, *formats):
        if number_format and number_format not in ids:
            cell = WriteOnlyCell(worksheet)
            cell.number_format = number_format
            ids[number_format] = cell.style_id
    if workbook.write_only:
        workbook.remove(worksheet)
    return ids


def style_ids(formats: Sequence[str | None]) -> dict[str, int]:
    from openpyxl import Workbook

    return register_styles(Workbook(write_only=True), formats)


def _is_date_format(number_format: str | None) -> bool:
    return bool(number_format) and "yy" in number_format


def _number(value) -> str:
    """As openpyxl writes a number: 16 significant digits, nothing for NaN and infinity."""
    number = float(value)
    return f"{number:.16g}" if isfinite(number) else ""


def _text(value: str) -> str:
    if ILLEGAL_XML.search(value):
        value = ILLEGAL_XML.sub("", value)
    value = value[:MAX_TEXT]
    space = ' xml:space="preserve"' if value != value.strip() else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\n" in value or "\r" in value:  # one row, one line
        value = value.replace("\n", "&#10;").replace("\r", "&#13;")
    return f"<t{space}>{value}</t>"


class RowWriter:
    """Serialises rows of plain values (str, numbers, dates, None) for columns with the given number formats."""

    def __init__(self, formats: Sequence[str | None], styles: dict[str, int]):
        self.columns = []
        for index, number_format in enumerate(formats, start=1):
            ref = f'<c r="{get_column_letter(index)}{ROW}"'
            dated = _is_date_format(number_format)
            number_style = f' s="{styles[number_format]}"' if number_format and not dated else ""
            date_style = styles[number_format] if dated else None
            self.columns.append((ref, f'{ref}{number_style} t="n"><v>', date_style))
        self.date_style = f' s="{styles[DATE_FORMAT]}" t="n"><v>'
        self.datetime_style = f' s="{styles[DATETIME_FORMAT]}" t="n"><v>'

    def line(self, values: Iterable) -> str:
        cells = []
        for (ref, number, date_style), value in zip(self.columns, values, strict=False):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                cells.append(f'{ref} t="inlineStr"><is>{_text(value)}</is></c>' if value else
                             f'{ref} t="inlineStr"/>')
            elif kind in NUMBERS:
                cells.append(f"{number}{_number(value)}</v></c>")
            elif isinstance(value, date):
                cells.append(self._date(ref, date_style, value))
            else:
                cells.append(f'{ref} t="inlineStr"><is>{_text(str(value))}</is></c>')
        return "".join(cells)

    def _date(self, ref: str, date_style: int | None, value: date) -> str:
        if date_style is not None:
            style = f' s="{date_style}" t="n"><v>'
        else:
            style = self.datetime_style if isinstance(value, datetime) else self.date_style
        return f"{ref}{style}{_number(to_excel(value))}</v></c>"


@dataclass
class SheetRows:
    """A sheet of the final file: its row count and the part files holding its rows, in order."""

    rows: int
    parts: list[Path]


def write_workbook(target: Path, workbook, sheets: dict[object, SheetRows], markers: dict[object, str]) -> None:
    """Save ``workbook`` (a write-only workbook whose sheets named in ``markers`` end with one marker row) to
    ``target``, each marker row replaced by the rows of its sheet's part files."""
    frame = BytesIO()
    with ZipFile(frame, "w") as archive:
        ExcelWriter(workbook, archive).save()
    target.parent.mkdir(parents=True, exist_ok=True)
    tokens = {marker.encode(): sheets[key] for key, marker in markers.items()}
    # The fastest deflate level: it halves the time the save takes for a file about a third larger.
    with ZipFile(frame) as source, ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as out:
        for info in source.infolist():
            data = source.read(info)
            found = next((token for token in tokens if token in data), None)
            if found is None:
                out.writestr(info.filename, data)
            else:
                _splice(out, info.filename, data, found, tokens[found])


def _splice(archive: ZipFile, name: str, data: bytes, token: bytes, sheet: SheetRows) -> None:
    at = data.index(token)
    start, end = data.rindex(b"<row", 0, at), data.index(b"</row>", at) + len(b"</row>")
    with archive.open(name, "w", force_zip64=True) as out:
        out.write(data[:start])
        buffer, size, number = [], 0, 1
        for part in sheet.parts:
            with part.open(encoding="utf-8") as lines:
                for line in lines:
                    number += 1
                    text = f'<row r="{number}">{line[:-1].replace(ROW, str(number))}</row>'
                    buffer.append(text)
                    size += len(text)
                    if size > WRITE_BUFFER:
                        out.write("".join(buffer).encode())
                        buffer, size = [], 0
        out.write("".join(buffer).encode())
        out.write(data[end:])


def new_marker() -> str:
    return f"rows-{secrets.token_hex(12)}"
