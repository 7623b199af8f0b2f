"""Progress records of long Celery work, so a person can watch it in the browser (see ``portal/views/jobs``).

A task calls ``job_start``, then ``job_progress`` after each chunk, then ``job_finish`` or ``job_fail``. The
updates are single UPDATE statements outside the task's own transactions, so the browser sees them at once.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import Job
from ..models.jobs import JobStatus


def job_create(*, kind: str, title: str, created_by=None, params: dict | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, title=title, created_by=created_by, params=params or {}, total=total)


def job_start(*, job_id: int, total: int) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, total=total, done=0,
                                         started_at=timezone.now(), message="")


def job_stage(*, job_id: int, total: int, message: str) -> None:
    """A job's next stage: its bar starts again over the stage's own ``total``; the job keeps its start time."""
    Job.objects.filter(pk=job_id).update(total=total, done=0, message=message[:500])


def job_progress(*, job_id: int, advance: int = 0, done: int | None = None, message: str | None = None) -> None:
    changes: dict = {"done": done} if done is not None else {"done": F("done") + advance}
    if message is not None:
        changes["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**changes)


def job_finish(*, job_id: int, result: dict | None = None, result_file: str = "", message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, done=F("total"), finished_at=timezone.now(),
                                         result=result or {}, result_file=result_file, message=message[:500])


def job_fail(*, job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now(), message=message[:500])


def purge_expired_exports(*, now=None) -> int:
    """Delete result files of jobs finished more than ``EXPORT_RETENTION_DAYS`` ago (exports hold personal
    and financial data, so they do not linger); the job keeps its record and says the file has expired."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    expired = list(Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="").values_list("pk", "result_file"))
    root = Path(settings.EXPORT_ROOT).resolve()
    for _pk, relative in expired:
        path = (root / relative).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
    Job.objects.filter(pk__in=[pk for pk, _ in expired]).update(result_file="", message="结果文件已过期删除")
    _purge_parts(root / "jobs", cutoff)
    return len(expired)


def _purge_parts(jobs: Path, cutoff) -> None:
    """Chunk files a chunked export left behind (its run failed before the finish, or a late copy of a chunk
    wrote after it), once the job is as old as its file would be."""
    ids = [int(parts.parent.name) for parts in jobs.glob("*/parts") if parts.parent.name.isdigit()]
    for pk in Job.objects.filter(pk__in=ids, finished_at__lt=cutoff).values_list("pk", flat=True):
        shutil.rmtree(jobs / str(pk) / "parts", ignore_errors=True)
