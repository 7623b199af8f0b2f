"""Periodic work of matching (collected into CELERY_BEAT_SCHEDULE by the settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "matching-nightly-full-run": {"task": "matching.match_all", "schedule": crontab(hour=2, minute=30)},
}
