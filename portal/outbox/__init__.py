"""Transactional outbox: every Celery task a service asks for goes through ``enqueue``.

With a broker (production), ``enqueue`` writes an ``OutboxTask`` row in the caller's transaction and hands the
task to the broker after commit. If the broker cannot be reached the change still stands, the row stays pending,
the person is told (``OutboxNoticeMiddleware``) and the row is sent later: by the next successful send, by the
beat task ``portal.outbox.drain`` or by ``manage.py drain_outbox``. Each row is claimed before it is sent, so
concurrent drains send it once. Without a broker (eager mode) the task runs after commit as before, no row.
"""

import logging
from contextvars import ContextVar
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFERRED_MESSAGE = "已保存。后台处理暂时无法启动，系统将在稍后自动执行，请勿重复提交。"
#: one publishing attempt and one retry: a person waits a second at most when the broker is down
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
#: a row claimed this long ago by a sender that died is sent again
STALE_CLAIM = timedelta(minutes=10)
SENT_RETENTION = timedelta(days=7)

#: tasks of the current request that could not be handed to the broker (read by OutboxNoticeMiddleware)
deferred: ContextVar[list | None] = ContextVar("outbox_deferred", default=None)


def _eager(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def enqueue(task, *args, **kwargs) -> None:
    """Run ``task(*args, **kwargs)`` in a worker once the current transaction commits (at once outside one)."""
    if _eager(task):
        transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
        return
    from portal.models import OutboxTask

    row = OutboxTask.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send(row.pk, drain_after=True))


def send(pk: int, *, drain_after: bool = False) -> bool:
    """Hand one pending row to the broker; False if another sender has it or the broker is unreachable."""
    from portal.celery import app
    from portal.models import OutboxStatus, OutboxTask

    now = timezone.now()
    claimed = OutboxTask.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    row = OutboxTask.objects.get(pk=pk)
    try:
        app.tasks[row.task].apply_async(args=row.args, kwargs=row.kwargs, retry=True, retry_policy=PUBLISH_RETRY)
    except Exception as exc:  # any failure to publish (connection refused, timeout, auth): the row waits
        OutboxTask.objects.filter(pk=pk).update(status=OutboxStatus.PENDING, last_error=str(exc)[:200])
        logger.warning("outbox: task %s (row %s) not sent, will retry: %s", row.task, pk, exc)
        waiting = deferred.get()
        if waiting is not None:
            waiting.append(pk)
        return False
    OutboxTask.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    if drain_after and OutboxTask.objects.filter(status=OutboxStatus.PENDING).exists():
        drain()
    return True


def drain(limit: int = 500) -> int:
    """Send the pending rows, oldest first, until the broker refuses one; returns how many were sent."""
    from portal.models import OutboxStatus, OutboxTask

    now = timezone.now()
    OutboxTask.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=OutboxStatus.PENDING)
    OutboxTask.objects.filter(status=OutboxStatus.SENT, sent_at__lt=now - SENT_RETENTION).delete()
    sent = 0
    pending = OutboxTask.objects.filter(status=OutboxStatus.PENDING).order_by("created_at", "pk")
    for pk in pending.values_list("pk", flat=True)[:limit]:
        if send(pk):
            sent += 1
        elif OutboxTask.objects.filter(pk=pk, status=OutboxStatus.PENDING).exists():
            break  # the broker is still down: the rest wait for the next drain
    return sent
