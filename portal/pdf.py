"""PDF documents (申报书, 推荐函, 通知书) rendered from Django templates with weasyprint.

The page style names the Noto CJK fonts that ``scripts/system_deps.sh`` installs (fonts-noto-cjk); without a
CJK font weasyprint would draw boxes instead of Chinese.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(template_name: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
