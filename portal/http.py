"""Small HTTP responses shared by the apps."""

from collections.abc import Iterable

from django.http import HttpResponse


def csv_template_response(headers: Iterable[str], filename: str) -> HttpResponse:
    """An import template: one CSV header row, UTF-8 with a BOM so Excel shows the Chinese headers."""
    response = HttpResponse("\ufeff" + ",".join(headers) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
