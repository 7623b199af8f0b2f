"""List files for import tests, as uploaded files."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = ("统一社会信用代码", "企业名称", "列入事由", "列入日期")


def csv_file(rows, name="list.csv", header=HEADER, encoding="utf-8"):
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="list.xlsx", header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
