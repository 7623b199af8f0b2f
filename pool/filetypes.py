"""Is an uploaded file what its extension says? Checked on the bytes, never on the browser's content type.

PDF starts with ``%PDF-``; JPEG with ``FF D8 FF``; PNG with its 8-byte signature; XLSX and DOCX are ZIP
packages whose ``[Content_Types].xml`` declares the main part of a workbook or a word-processing document and
which contain that part (``xl/workbook.xml`` / ``word/document.xml``).
"""

from __future__ import annotations

import zipfile
import zlib

from django.core.exceptions import ValidationError

from portal.archives import ArchiveRefused, open_package, read_part

from .policy import ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: ``[Content_Types].xml`` lists a few dozen part types; a real one is a few kilobytes.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
OOXML_PARTS = {
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LABELS = {"pdf": "PDF", "jpg": "JPG", "jpeg": "JPG", "png": "PNG", "xlsx": "Excel（xlsx）", "docx": "Word（docx）"}


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _ooxml_matches(upload, extension: str) -> bool:
    """Whether the package declares and holds the main part; an archive built to inflate is refused (raises
    ``ArchiveRefused``) from its directory, before anything is inflated."""
    part, main_type = OOXML_PARTS[extension]
    try:
        with open_package(upload) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or part not in names:
                return False
            declared = read_part(package, "[Content_Types].xml", CONTENT_TYPES_MAX_BYTES).decode("utf-8", "replace")
    except ArchiveRefused as refused:
        if refused.code == "archive":
            return False
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, KeyError, EOFError):
        return False
    return main_type in declared


def content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return head == PNG_SIGNATURE
    if extension in OOXML_PARTS:
        return head.startswith(b"PK\x03\x04") and _ooxml_matches(upload, extension)
    return False


def validate_upload(upload) -> str:
    """The file's (lower-case) extension if it may be stored; a Chinese ValidationError otherwise."""
    extension = extension_of(upload.name or "")
    allowed = "、".join(dict.fromkeys(LABELS[e] for e in ATTACHMENT_EXTENSIONS))
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(f"不支持该文件类型，只能上传 {allowed} 文件。", code="extension")
    if upload.size > ATTACHMENT_MAX_BYTES:
        limit = ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），单个附件不得超过 {limit} MB。",
                              code="size")
    if upload.size == 0:
        raise ValidationError("文件是空的，请重新选择。", code="empty")
    try:
        matches = content_matches(upload, extension)
    except ArchiveRefused as refused:
        raise ValidationError(refused.messages[0], code="content") from None
    if not matches:
        raise ValidationError(f"文件内容与扩展名不符：它不是有效的 {LABELS[extension]} 文件。", code="content")
    upload.seek(0)
    return "jpg" if extension == "jpeg" else extension
