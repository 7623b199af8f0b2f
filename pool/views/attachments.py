"""Attachment upload, scoped download and removal; the patent list's Excel template and import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_GET, require_POST

from portal.scoping import get_visible_or_404

from ..filetypes import CONTENT_TYPES
from ..forms import AttachmentForm, PatentImportForm
from ..models import Attachment
from ..patent_excel import PatentImportError, template_workbook
from ..services.attachments import attachment_remove, attachment_upload
from ..services.patent_import import patent_list_import
from ..workflow import TransitionError
from .applications import _own_application

XLSX = CONTENT_TYPES["xlsx"]


def _back(pk: int, tab: str) -> str:
    return f"{reverse('pool:application-edit', args=[pk])}?tab={tab}"


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
@require_POST
def attachment_upload_view(request, pk):
    application = _own_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            attachment_upload(application=application, user=request.user, upload=form.cleaned_data["file"],
                              kind=form.cleaned_data["kind"])
        except (ValidationError, TransitionError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    else:
        error = next(iter(form.errors.values()))[0]
    if _wants_json(request):
        return JsonResponse({"ok": error is None, "message": error or "已上传。"}, status=400 if error else 200,
                            json_dumps_params={"ensure_ascii": False})
    if error:
        messages.error(request, f"附件未上传：{error}")
    else:
        messages.success(request, "附件已上传。")
    return redirect(_back(pk, "attachments"))


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = get_visible_or_404(Attachment.objects, request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=CONTENT_TYPES.get(attachment.extension, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_remove_view(request, pk):
    attachment = get_visible_or_404(Attachment.objects.select_related("application"), request.user, pk=pk)
    _own_application(request, attachment.application_id)
    try:
        attachment_remove(attachment=attachment, user=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已移除附件：{attachment.original_name}")
    return redirect(_back(attachment.application_id, "attachments"))


@login_required
@require_GET
def patent_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path('专利清单导入模板.xlsx')}"
    return response


@login_required
@require_POST
def patent_import_view(request, pk):
    application = _own_application(request, pk)
    form = PatentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 Excel 文件。")
        return redirect(_back(pk, "patents"))
    try:
        count = patent_list_import(application=application, user=request.user,
                                   content=form.cleaned_data["file"].read(), mode=form.cleaned_data["mode"])
    except PatentImportError as error:
        request.session["patent_import_errors"] = error.errors[:200]
        messages.error(request, f"导入失败，共 {len(error.errors)} 处错误，未导入任何数据。请修改后重新导入。")
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已导入 {count} 件专利。")
    return redirect(_back(pk, "patents"))
