"""Periodic work of the portal core (collected into ``CELERY_BEAT_SCHEDULE`` by the settings).

Plain data only: this module is read while the settings load, before any model exists.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "portal.purge_expired_exports": {
        "task": "portal.tasks.purge_expired_exports",
        "schedule": crontab(hour=3, minute=17),
    },
}
