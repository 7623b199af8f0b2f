"""Shared start of the bench scripts: put the project on the path, set up Django, optionally insist on
PostgreSQL and bring the schema and reference data up to date.

    from _setup import setup_django, require_postgresql, prepare_database
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def require_postgresql() -> None:
    """Benchmarks of database work mean nothing on SQLite: refuse to run there."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/<your database>.")


def prepare_database() -> None:
    """Migrate, and load regions, criteria sets and reference tables if they are missing."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from criteria.models import CriteriaSet, SmeSizeThreshold
    from portal.models import Region

    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    if not CriteriaSet.objects.exists():
        call_command("load_criteria_sets", verbosity=0)
    if not SmeSizeThreshold.objects.exists():
        call_command("load_reference_data", verbosity=0)


def peak_rss_mb(children: bool = False) -> int:
    """Peak resident memory of this process (or of its largest finished child), in MB."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024)


def cpu_seconds(children: bool = False) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def database_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend so far (when the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
