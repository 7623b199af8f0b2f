"""Celery tasks of the pool app: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from portal.models import FanoutRun, Job
from portal.models.jobs import JobStatus
from portal.services.fanout import fanout_resume
from portal.services.jobs import job_fail

from .models import Batch
from .services.batch_scoring import batch_score_fanout


@shared_task(name="pool.tasks.score_batch", acks_late=True)
def score_batch(job_id: int, batch_id: int) -> dict:
    """Re-score every submitted application of a batch, fanned out in chunks over the workers; a redelivered or
    repeated run changes nothing (a started run is resumed, not started twice)."""
    if Job.objects.filter(pk=job_id, status=JobStatus.DONE).exists():
        return {"skipped": "done"}
    run = FanoutRun.objects.filter(job_id=job_id).first()
    try:
        if run is not None:
            run = fanout_resume(run)
        else:
            batch = Batch.objects.select_related("criteria_set").get(pk=batch_id)
            run = batch_score_fanout(batch=batch, job_id=job_id)
    except Exception as exc:
        job_fail(job_id=job_id, message=f"评分失败：{exc}")
        raise
    return run.result if run.status == FanoutRun.Status.DONE else {"run": run.pk, "chunks": run.chunk_count}


@shared_task(name="pool.tasks.send_review_digest", ignore_result=True)
def send_review_digest(day: str | None = None) -> dict:
    """Reviewers' daily digest of new submissions (beat, each morning); a second run for the same day sends
    nothing."""
    from datetime import date

    from .services.review.digest import review_digest_send

    return review_digest_send(day=date.fromisoformat(day) if day else None)


@shared_task(name="pool.tasks.lifecycle_evaluate", acks_late=True)
def lifecycle_evaluate(job_id: int) -> dict:
    """出库退库评估 started from a page or a list import: the job's params say which members (a region, or ids),
    the trigger and the date; fanned out in chunks of members over the workers. A redelivered job that already
    finished does nothing, a started one is resumed; a repeated run opens nothing."""
    from datetime import date

    from .services.lifecycle.evaluation_fanout import lifecycle_evaluate_fanout

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return {"skipped": "done"}
    params = job.params
    run = FanoutRun.objects.filter(job_id=job_id).first()
    try:
        if run is not None:
            run = fanout_resume(run)
        else:
            run = lifecycle_evaluate_fanout(
                on=date.fromisoformat(params["on"]) if params.get("on") else None,
                membership_ids=params.get("membership_ids"), region=params.get("region") or None,
                trigger=params.get("trigger") or "manual", user=job.created_by, job_id=job_id)
    except Exception as exc:
        job_fail(job_id=job_id, message=f"评估失败：{exc}")
        raise
    return run.result if run.status == FanoutRun.Status.DONE else {"run": run.pk, "chunks": run.chunk_count}


@shared_task(name="pool.tasks.lifecycle_evaluate_due", ignore_result=True)
def lifecycle_evaluate_due(day: str | None = None) -> dict:
    """Beat, daily: evaluate once after each reporting year's deadline (``ReportingYear.evaluated_at``)."""
    from datetime import date

    from .services.lifecycle.evaluation import lifecycle_evaluate_due as evaluate_due

    return evaluate_due(today=date.fromisoformat(day) if day else None)


@shared_task(name="pool.tasks.lifecycle_list_hits", acks_late=True, ignore_result=True)
def lifecycle_list_hits(list_type: str) -> dict:
    """A large list import's hits among cultivating members: recorded as misconduct and evaluated."""
    from .services.lifecycle.misconduct import list_hits_record

    return list_hits_record(list_type=list_type)


@shared_task(name="pool.tasks.send_monitoring_reminders", ignore_result=True)
def send_monitoring_reminders(day: str | None = None) -> dict:
    """Beat, daily: remind enterprises of their monitoring report 30/7/1 days before the deadline, and tell each
    county its overdue list once after it; a repeated run sends nothing twice."""
    from datetime import date

    from .services.lifecycle.reminders import monitoring_reminders_send

    return monitoring_reminders_send(today=date.fromisoformat(day) if day else None)


@shared_task(name="pool.tasks.run_simulation", acks_late=True)
def run_simulation(simulation_id: int, workers: int = 1) -> None:
    """A what-if simulation of a draft criteria set, fanned out in chunks over the workers; writes no verdict, a
    finished one is left alone. (``workers``: accepted from messages queued before the fan-out, unused.)"""
    from .services.what_if.simulation import simulation_execute

    simulation_execute(simulation_id=simulation_id)


@shared_task(name="pool.tasks.run_lifecycle_simulation", acks_late=True)
def run_lifecycle_simulation(simulation_id: int) -> None:
    """A what-if simulation of a draft lifecycle policy; opens no proposal, a finished one is left alone."""
    from .services.what_if.lifecycle import lifecycle_simulation_execute

    lifecycle_simulation_execute(simulation_id=simulation_id)
