"""Real Celery worker processes for the scale-out tests and the bench: each its own process (prefork, concurrency
1, a name of its own), on the Redis broker and the PostgreSQL database of the caller, sharing its export volume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def database_url() -> str:
    """The URL of the database this process uses now (under pytest: the test database)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _ping(app, names: set[str], timeout: float) -> set[str]:
    deadline, seen = time.monotonic() + timeout, set()
    while time.monotonic() < deadline and not names <= seen:
        for reply in app.control.ping(timeout=1.0) or []:
            seen |= set(reply)
    return seen


@contextmanager
def worker_processes(count: int, log_dir: Path, *, prefix: str = "w", timeout: float = 120):
    """Start ``count`` worker processes, wait until each answers, yield their names; stop them afterwards."""
    from portal.celery import app

    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "EXPORT_ROOT": str(settings.EXPORT_ROOT), "DB_POOL": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_DB_NAME", None)
    app.control.purge()
    log_dir.mkdir(parents=True, exist_ok=True)
    names = {f"{prefix}{i}@scale" for i in range(1, count + 1)}
    processes = []
    try:
        for name in sorted(names):
            log = open(log_dir / f"{name.split('@')[0]}.log", "wb")  # noqa: SIM115 (closed with the process)
            processes.append((subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "prefork", "--concurrency", "1",
                 "--hostname", name, "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True), log))
        seen = _ping(app, names, timeout)
        if not names <= seen:
            raise RuntimeError(f"workers did not answer: {sorted(names - seen)}; logs in {log_dir}")
        yield sorted(names)
    finally:
        for process, _ in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
