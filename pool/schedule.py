"""Periodic work of the pool app (collected into ``CELERY_BEAT_SCHEDULE`` by the settings). Plain data only."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Before office hours, so reviewers find yesterday's arrivals in their inbox when they start.
    "pool.send_review_digest": {
        "task": "pool.tasks.send_review_digest",
        "schedule": crontab(hour=7, minute=30),
    },
    # Monitoring reports: reminders before the deadline (30/7/1 days), the county's overdue list once after it.
    "pool.send_monitoring_reminders": {
        "task": "pool.tasks.send_monitoring_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # After each reporting year's deadline, once: evaluate every cultivating member and open proposals.
    "pool.lifecycle_evaluate_due": {
        "task": "pool.tasks.lifecycle_evaluate_due",
        "schedule": crontab(hour=2, minute=15),
    },
}
