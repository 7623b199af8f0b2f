from celery import shared_task


@shared_task(name="portal.outbox.drain", ignore_result=True)
def drain_outbox() -> int:
    """Beat: send what the outbox still holds (tasks queued while the broker was unreachable)."""
    from . import drain

    return drain()
