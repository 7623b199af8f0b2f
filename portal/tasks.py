"""Celery tasks of the portal core: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from .models import User
from .services.jobs import purge_expired_exports as purge_expired_exports_service
from .services.notifications import notify


@shared_task(name="portal.tasks.send_notification", ignore_result=True)
def send_notification(recipient_ids: list[int], verb: str, title: str, body: str = "", url: str = "",
                      email: bool = True) -> int:
    """Deliver a notification after the change that caused it has committed (see ``notify_on_commit``)."""
    recipients = User.objects.filter(pk__in=recipient_ids)
    return len(notify(recipients=recipients, verb=verb, title=title, body=body, url=url, email=email))


@shared_task(name="portal.tasks.purge_expired_exports", ignore_result=True)
def purge_expired_exports() -> int:
    return purge_expired_exports_service()
