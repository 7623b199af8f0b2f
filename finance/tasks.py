"""Celery tasks of the finance app: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from portal.models import Job
from portal.models.jobs import JobStatus
from portal.services.jobs import job_fail

from .models import Whitelist, WhitelistStatus


@shared_task(name="finance.tasks.generate_whitelist", acks_late=True)
def generate_whitelist(job_id: int, whitelist_id: int) -> dict:
    """Evaluate every pool member of the whitelist's region; a redelivered or repeated run changes nothing once
    the draft is ready."""
    from .services.generation import whitelist_generate

    if Job.objects.filter(pk=job_id, status=JobStatus.DONE).exists():
        return {"skipped": "done"}
    whitelist = Whitelist.objects.get(pk=whitelist_id)
    try:
        return whitelist_generate(whitelist=whitelist, job_id=job_id)
    except Exception as exc:
        Whitelist.objects.filter(pk=whitelist_id, status=WhitelistStatus.GENERATING).update(
            status=WhitelistStatus.FAILED)
        job_fail(job_id=job_id, message=f"生成失败：{exc}")
        raise
