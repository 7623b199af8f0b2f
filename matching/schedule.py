"""Periodic work of matching (collected into CELERY_BEAT_SCHEDULE by the settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "matching-nightly-full-run": {"task": "matching.match_all", "schedule": crontab(hour=2, minute=30)},
    # Monday morning, after the nightly run has refreshed the suggestions.
    "matching-weekly-digest": {"task": "matching.send_weekly_digests",
                               "schedule": crontab(day_of_week=1, hour=8, minute=10)},
}
