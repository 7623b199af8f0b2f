"""Health check, job progress, downloads of job results, notifications."""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..models import Job, Notification
from ..scoping import get_visible_or_404
from ..services.notifications import notification_mark_read

logger = logging.getLogger(__name__)


def _database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # the health check reports every failure, whatever its kind
        logger.error("health check: database unreachable: %s", exc)
        return {"ok": False, "engine": connection.vendor, "error": "无法连接数据库"}


def _broker_state() -> dict:
    from portal.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    url = settings.CELERY_BROKER_URL
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker", "transport": url.split(":", 1)[0]}
    except Exception as exc:
        logger.error("health check: broker unreachable: %s", exc)
        return {"ok": False, "mode": "broker", "error": "无法连接消息队列"}


def healthz(request):
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(part["ok"] for part in state.values())
    message = {} if healthy else {"detail": "系统暂时不可用，请稍后再试。"}
    return JsonResponse({"status": "ok" if healthy else "error", **message, **state}, status=200 if healthy else 503,
                        json_dumps_params={"ensure_ascii": False})


def job_payload(job: Job) -> dict:
    from django.urls import reverse

    return {
        "id": job.pk, "kind": job.kind, "title": job.title, "status": job.status,
        "status_label": job.get_status_display(), "total": job.total, "done": job.done, "percent": job.percent,
        "message": job.message, "result": job.result, "finished": job.finished,
        "download_url": reverse("portal:job-download", args=[job.pk]) if job.result_file else "",
    }


@login_required
def job_status(request, pk):
    job = get_visible_or_404(Job.objects, request.user, pk=pk)
    if request.headers.get("Accept", "").startswith("application/json") or request.GET.get("format") == "json":
        return JsonResponse(job_payload(job), json_dumps_params={"ensure_ascii": False})
    return render(request, "portal/job_detail.html", {"job": job})


@login_required
def job_download(request, pk):
    job = get_visible_or_404(Job.objects, request.user, pk=pk)
    if not job.result_file:
        raise Http404("该任务没有可下载的文件")
    path = (Path(settings.EXPORT_ROOT) / job.result_file).resolve()
    if not path.is_relative_to(Path(settings.EXPORT_ROOT).resolve()) or not path.exists():
        raise Http404("文件不存在或已过期")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
def notification_list(request):
    notes = Notification.objects.visible_to(request.user)[:100]
    return render(request, "portal/notification_list.html", {"notifications": notes})


@login_required
@require_POST
def notification_read(request, pk):
    note = get_visible_or_404(Notification.objects, request.user, pk=pk)
    notification_mark_read(notification=note)
    return redirect(note.url or "portal:notification-list")
