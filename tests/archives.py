"""Hostile Office packages built in memory: a part that inflates far beyond its compressed size, a sheet that
declares or holds millions of empty rows. Small to build, small to upload."""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

DOCX_TYPES = ('<Types><Override PartName="/word/document.xml" ContentType='
              '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def docx_bomb(inflated: int = 64 * 1024 * 1024) -> bytes:
    """A .docx whose ``[Content_Types].xml`` inflates to ``inflated`` bytes (a real type list, then spaces)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        with package.open("[Content_Types].xml", "w", force_zip64=True) as part:
            part.write(DOCX_TYPES.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def understated(package_bytes: bytes, name: str, declared: int) -> bytes:
    """The same package with ``name``'s uncompressed size in the central directory rewritten to ``declared``
    (a lying header: the reader is told the part is small)."""
    data = bytearray(package_bytes)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46: offset + 46 + name_length].decode() == name:
            if struct.unpack_from("<I", data, offset + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, offset + 24, declared)
        offset = data.find(b"PK\x01\x02", offset + 4)
    return bytes(data)


def xlsx_with_sheet(header: list[str], body: bytes, *, dimension: str | None = None, level: int = 9) -> bytes:
    """A workbook made by openpyxl whose first sheet is replaced by ``header`` then ``body`` (raw ``<row>``
    XML), with a ``<dimension ref>`` when given."""
    template = io.BytesIO()
    Workbook().save(template)
    cells = "".join(f'<c r="{get_column_letter(i + 1)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header))
    sheet = io.BytesIO()
    sheet.write(SHEET_HEAD)
    if dimension:
        sheet.write(f'<dimension ref="{dimension}"/>'.encode())
    sheet.write(f'<sheetData><row r="1">{cells}</row>'.encode())
    sheet.write(body)
    sheet.write(b"</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            content = sheet.getvalue() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, content)
    return out.getvalue()


def empty_rows(count: int) -> bytes:
    return b"<row/>" * count


def far_row(number: int) -> bytes:
    """One row at ``number``: readers walk every empty row before it."""
    return f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'.encode()


def inflation(package_bytes: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as package:
        return sum(i.file_size for i in package.infolist()) / len(package_bytes)



