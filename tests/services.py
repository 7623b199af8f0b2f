"""Probes for the real services. Under CI=true an unreachable service fails the test; elsewhere it skips."""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres(db):
    """The test runs on PostgreSQL (DATABASE_URL); required under CI."""
    if connection.vendor != "postgresql":
        unavailable("the suite is not running on PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture
def redis_url():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        unavailable("no Redis broker configured (set CELERY_BROKER_URL)")
    parsed = urlparse(url)
    if not _reachable(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        unavailable(f"Redis at {url} is unreachable")
    return url


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker consuming from Redis in a background thread, sharing the test database."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.task_always_eager = True
