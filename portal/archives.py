"""Opening uploaded Office packages (.xlsx, .docx) without letting one small file take the memory or the CPU.

An Office file is a ZIP archive; a few hundred kilobytes can inflate to gigabytes (a "zip bomb") or declare
millions of empty spreadsheet rows that a reader walks one by one. Every place that opens such a package asks
here first: ``check_package`` looks only at the archive's directory (declared sizes, compression ratio, number
of parts) before a byte is inflated; ``read_part`` reads one part with a bound; ``check_sheets`` reads each
worksheet's declared dimension and counts its rows and columns while streaming, refusing beyond a cap before
any workbook library parses the file. The ZIP reader never yields more than a part's declared size, so the
declared sizes checked here bound what any later reader inflates.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers import expat

from django.core.exceptions import ValidationError

MAX_PARTS = 5000
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: Text parts of real workbooks and documents compress 5–50 times; beyond this a part is built to inflate.
MAX_RATIO = 100
#: Below this size a part may compress as well as it likes (a sheet of one repeated value).
RATIO_FLOOR_BYTES = 1024 * 1024
CHUNK = 64 * 1024
UNREADABLE = "无法读取该 Excel 文件：请确认是 .xlsx 格式且未损坏。"
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class ArchiveRefused(ValidationError):
    """The package is refused before it is read; the message says why, in Chinese."""


def _as_file(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    source.seek(0)
    return source


def check_package(source) -> None:
    """Refuse a ZIP package whose directory promises too much; ``source`` is bytes or a seekable file."""
    with open_package(source):
        pass


def open_package(source) -> zipfile.ZipFile:
    """The package opened after ``check_package``'s checks (the caller closes it)."""
    try:
        package = zipfile.ZipFile(_as_file(source))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRefused("文件已损坏或不是有效的 Office 文件（.xlsx / .docx）。", code="archive") from exc
    try:
        _check_directory(package.infolist())
    except ArchiveRefused:
        package.close()
        raise
    return package


def _check_directory(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise ArchiveRefused(f"文件内部结构异常（包含 {len(parts)} 个部件），已拒绝读取。", code="archive_parts")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise ArchiveRefused("文件解压后过大（超过 256 MB），已拒绝读取：请删除无关内容或拆分后重新上传。",
                                 code="archive_size")
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise ArchiveRefused("文件压缩比异常（疑似“压缩炸弹”），已拒绝读取。", code="archive_ratio")


def read_part(package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One part's bytes, at most ``limit`` of them; a part larger than that is refused, never read whole."""
    with package.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ArchiveRefused("文件内部部件过大，已拒绝读取。", code="archive_part")
    return data


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetTooLarge(Exception):
    pass


class _SheetCounter:
    """Counts a worksheet's rows and columns from its XML events: the declared ``<dimension>``, each ``<row r>``
    and each cell reference, stopping at the first one beyond the caps."""

    def __init__(self, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.rows = 0
        self.last_row = 0

    def start(self, tag: str, attributes: dict) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name == "row":
            self.rows += 1
            declared = attributes.get("r", "")
            self.last_row = int(declared) if declared.isdigit() and len(declared) < 10 else self.last_row + 1
            if self.rows > self.max_rows or self.last_row > self.max_rows:
                raise _SheetTooLarge("rows")
        elif name == "c":
            match = CELL_REF.match(attributes.get("r", ""))
            if match and column_number(match.group(1)) > self.max_columns:
                raise _SheetTooLarge("columns")
        elif name == "dimension":
            for ref in attributes.get("ref", "").split(":"):
                match = CELL_REF.match(ref)
                if match and int(match.group(2)) > self.max_rows:
                    raise _SheetTooLarge("rows")
                if match and column_number(match.group(1)) > self.max_columns:
                    raise _SheetTooLarge("columns")


def _count_sheet(package: zipfile.ZipFile, name: str, counter: _SheetCounter) -> None:
    parser = expat.ParserCreate()
    parser.StartElementHandler = counter.start

    def no_entities(*_args):
        raise ArchiveRefused("文件内部结构异常，已拒绝读取。", code="archive_xml")

    parser.EntityDeclHandler = no_entities
    with package.open(name) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def check_sheets(source, *, max_rows: int, max_columns: int = 100, unreadable: str = UNREADABLE) -> None:
    """Refuse a workbook any of whose worksheets declares or holds more than ``max_rows`` rows (counting empty
    ones, which readers walk too) or cells beyond column ``max_columns``; nothing is parsed past the cap.
    ``unreadable`` is the import's own message for a file that is no workbook at all."""
    try:
        package = open_package(source)
    except ArchiveRefused as refused:
        if refused.code == "archive":
            raise ArchiveRefused(unreadable, code="archive") from None
        raise
    with package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for name in sheets:
            counter = _SheetCounter(max_rows, max_columns)
            try:
                _count_sheet(package, name, counter)
            except _SheetTooLarge as exc:
                if str(exc) == "columns":
                    raise ArchiveRefused(f"表格列数超过 {max_columns} 列上限，已拒绝读取：请删除多余的列后重新上传。",
                                         code="sheet_columns") from None
                raise ArchiveRefused(f"表格行数超过 {max_rows} 行上限（空行也计算在内），已拒绝读取："
                                     "请删除多余的行或拆分后分批导入。", code="sheet_rows") from None
            except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise ArchiveRefused(unreadable, code="archive_xml") from exc
    if hasattr(source, "seek"):
        source.seek(0)
