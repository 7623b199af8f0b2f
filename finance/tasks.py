"""Celery tasks of the finance app: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from portal.models import Job
from portal.models.jobs import JobStatus
from portal.services.jobs import job_fail

from .models import Whitelist, WhitelistStatus


@shared_task(name="finance.tasks.generate_whitelist", acks_late=True)
def generate_whitelist(job_id: int, whitelist_id: int) -> dict:
    """Evaluate every pool member of the whitelist's region, fanned out in chunks of enterprises over the workers;
    a redelivered or repeated run changes nothing once the draft is ready (a started run is resumed)."""
    from portal.models import FanoutRun
    from portal.services.fanout import fanout_resume

    from .services.generation_fanout import whitelist_generate_fanout

    if Job.objects.filter(pk=job_id, status=JobStatus.DONE).exists():
        return {"skipped": "done"}
    run = FanoutRun.objects.filter(job_id=job_id).first()
    try:
        if run is not None:
            run = fanout_resume(run)
        else:
            run = whitelist_generate_fanout(whitelist=Whitelist.objects.get(pk=whitelist_id), job_id=job_id)
            if run is None:
                return {"skipped": Whitelist.objects.get(pk=whitelist_id).status}
    except Exception as exc:
        Whitelist.objects.filter(pk=whitelist_id, status=WhitelistStatus.GENERATING).update(
            status=WhitelistStatus.FAILED)
        job_fail(job_id=job_id, message=f"生成失败：{exc}")
        raise
    return run.result if run.status == FanoutRun.Status.DONE else {"run": run.pk, "chunks": run.chunk_count}


@shared_task(name="finance.run_finance_simulation", acks_late=True)
def run_finance_simulation(simulation_id: int) -> None:
    """A what-if simulation of a draft financing policy; generates no whitelist, a finished one is left alone."""
    from .services.what_if import finance_simulation_execute

    finance_simulation_execute(simulation_id=simulation_id)
