"""One messaging entry point: an in-app notification plus the same text by e-mail."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail

from ..models import Notification, User


def notify(*, recipients: Iterable[User], verb: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> list[Notification]:
    """Tell each recipient; called after commit (``transaction.on_commit``) so nobody hears of a rolled-back change."""
    recipients = [r for r in recipients if r.is_active]
    notes = Notification.objects.bulk_create(
        Notification(recipient=r, verb=verb, title=title, body=body, url=url) for r in recipients
    )
    if email:
        addresses = [r.email for r in recipients if r.email]
        if addresses:
            send_mail(subject=f"【培育库】{title}", message=f"{body}\n\n{url}".strip(),
                      from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=addresses, fail_silently=True)
    return notes


def notification_mark_read(*, notification: Notification) -> Notification:
    from django.utils import timezone

    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
