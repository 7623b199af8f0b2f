"""Celery tasks of the pool app: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from portal.models import Job
from portal.models.jobs import JobStatus
from portal.services.jobs import job_fail, job_finish

from .models import Batch
from .services.batch_scoring import batch_score


@shared_task(name="pool.tasks.score_batch", acks_late=True)
def score_batch(job_id: int, batch_id: int) -> dict:
    """Re-score every submitted application of a batch; a redelivered or repeated run changes nothing."""
    if Job.objects.filter(pk=job_id, status=JobStatus.DONE).exists():
        return {"skipped": "done"}
    batch = Batch.objects.select_related("criteria_set").get(pk=batch_id)
    try:
        result = batch_score(batch=batch, job_id=job_id)
    except Exception as exc:
        job_fail(job_id=job_id, message=f"评分失败：{exc}")
        raise
    job_finish(job_id=job_id, result=result,
               message=f"共 {result['scored']} 件，更新 {result['updated']} 件，未变化 {result['unchanged']} 件")
    return result


@shared_task(name="pool.tasks.send_review_digest", ignore_result=True)
def send_review_digest(day: str | None = None) -> dict:
    """Reviewers' daily digest of new submissions (beat, each morning); a second run for the same day sends
    nothing."""
    from datetime import date

    from .services.review.digest import review_digest_send

    return review_digest_send(day=date.fromisoformat(day) if day else None)


@shared_task(name="pool.tasks.send_monitoring_reminders", ignore_result=True)
def send_monitoring_reminders(day: str | None = None) -> dict:
    """Beat, daily: remind enterprises of their monitoring report 30/7/1 days before the deadline, and tell each
    county its overdue list once after it; a repeated run sends nothing twice."""
    from datetime import date

    from .services.lifecycle.reminders import monitoring_reminders_send

    return monitoring_reminders_send(today=date.fromisoformat(day) if day else None)
