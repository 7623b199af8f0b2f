"""One messaging entry point: an in-app notification plus the same text by e-mail."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from ..models import Notification, User
from ..outbox import enqueue


def notify(*, recipients: Iterable[User], verb: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> list[Notification]:
    """Tell each recipient; called after commit (``transaction.on_commit``) so nobody hears of a rolled-back change."""
    recipients = [r for r in recipients if r.is_active]
    notes = Notification.objects.bulk_create(
        Notification(recipient=r, verb=verb, title=title, body=body, url=url) for r in recipients
    )
    if email:
        # One message per person: recipients of different organisations never see each other's addresses.
        messages = [(f"【培育库】{title}", f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [r.email])
                    for r in recipients if r.email]
        if messages:
            send_mass_mail(messages, fail_silently=True)
    return notes


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notify_on_commit(*, recipients: Iterable[User], verb: str, title: str, body: str = "", url: str = "",
                     email: bool = True) -> None:
    """Queue ``notify`` for when the current transaction commits, delivered by a Celery worker, so a slow mail
    server never holds a request and nobody hears of a change that was rolled back."""
    from ..tasks import send_notification

    ids = [r.pk for r in recipients]
    if ids:
        queued_at = timezone.now().isoformat()
        enqueue(send_notification, ids, verb, title, body, url, email, queued_at)
