"""Periodic work of the pool app (collected into ``CELERY_BEAT_SCHEDULE`` by the settings). Plain data only."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Before office hours, so reviewers find yesterday's arrivals in their inbox when they start.
    "pool.send_review_digest": {
        "task": "pool.tasks.send_review_digest",
        "schedule": crontab(hour=7, minute=30),
    },
}
