"""Celery tasks of the portal core: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .models import Notification, User
from .services.jobs import purge_expired_exports as purge_expired_exports_service
from .services.notifications import notify


@shared_task(name="portal.tasks.send_notification", ignore_result=True)
def send_notification(recipient_ids: list[int], verb: str, title: str, body: str = "", url: str = "",
                      email: bool = True, queued_at: str | None = None) -> int:
    """Deliver a notification after the change that caused it has committed (see ``notify_on_commit``).

    A redelivered message (workers acknowledge late) finds the notes it already wrote since ``queued_at`` and
    skips those recipients, so nobody is told twice.
    """
    recipients = User.objects.filter(pk__in=recipient_ids)
    if queued_at:
        delivered = Notification.objects.filter(recipient_id__in=recipient_ids, verb=verb, title=title, url=url,
                                                created_at__gte=parse_datetime(queued_at))
        recipients = recipients.exclude(pk__in=delivered.values("recipient_id"))
    return len(notify(recipients=recipients, verb=verb, title=title, body=body, url=url, email=email))


@shared_task(name="portal.tasks.seal_audit_entries", ignore_result=True)
def seal_audit_entries() -> int:
    """Every minute: committed audit entries still outside the hash chain sealed (those of a web process that
    stopped before its batch seal; normally none)."""
    from .services.audit import seal_pending

    return seal_pending()


@shared_task(name="portal.tasks.purge_expired_exports", ignore_result=True)
def purge_expired_exports() -> int:
    return purge_expired_exports_service()


@shared_task(name="portal.tasks.rebuild_kpi_summary", ignore_result=True)
def rebuild_kpi_summary() -> float:
    """Nightly: the KPI summary built again from the records (idempotent)."""
    from .services.kpi import summary_rebuild

    return float(summary_rebuild().seconds)


@shared_task(name="portal.tasks.prepare_kpi_reports", ignore_result=True)
def prepare_kpi_reports() -> int:
    """After a quarter ends: every region's quarterly KPI report, stored, and its bureau told."""
    from .services.kpi import reports_prepare

    return reports_prepare()


@shared_task(name="portal.tasks.fanout_chunk", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def fanout_chunk(self, chunk_id: int) -> dict:
    """One chunk of a batch run (see ``portal.services.fanout``). Acknowledged when done, and given back to the
    queue if its worker process dies, so another worker takes it; a second delivery counts once."""
    from .services.fanout import chunk_execute

    return chunk_execute(chunk_id=chunk_id, worker=None if self.request.is_eager else self.request.hostname)


@shared_task(name="portal.run_export", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_export(job_id: int) -> None:
    """Write a queued export in chunks on any worker (``portal.services.export_runs``). Idempotent: a finished
    job is left alone, a second delivery resumes the run already started."""
    from .services.export_runs import export_run_start

    export_run_start(job_id=job_id)
