"""Periodic work of the portal core (collected into ``CELERY_BEAT_SCHEDULE`` by the settings).

Plain data only: this module is read while the settings load, before any model exists.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Tasks queued while the broker was unreachable (portal.outbox), sent once it answers again.
    "portal.outbox.drain": {"task": "portal.outbox.drain", "schedule": crontab()},  # every minute
    # Audit entries a web process committed and could not seal before it stopped (batched sealing).
    "portal.seal_audit_entries": {"task": "portal.tasks.seal_audit_entries", "schedule": crontab()},  # every minute
    "portal.purge_expired_exports": {
        "task": "portal.tasks.purge_expired_exports",
        "schedule": crontab(hour=3, minute=17),
    },
    # The KPI summary rebuilt from the records each night (catches writes that bypassed the models' signals).
    "portal.rebuild_kpi_summary": {
        "task": "portal.tasks.rebuild_kpi_summary",
        "schedule": crontab(hour=2, minute=40),
    },
    # The quarterly KPI reports, on the 5th after each quarter ends (late deals and pledges have been entered).
    "portal.prepare_kpi_reports": {
        "task": "portal.tasks.prepare_kpi_reports",
        "schedule": crontab(hour=5, minute=40, day_of_month=5, month_of_year="1,4,7,10"),
    },
}
