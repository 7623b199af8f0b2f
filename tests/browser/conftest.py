"""The demo portal, built once per module and served by its own live server.

``seed_demo`` takes seconds (far more on a loaded machine); the accessibility sweep visits some forty pages that
only read it, and the keyboard journeys each change a different application. So the data is committed once for
the module instead of once per test (a transactional test flushes the tables after itself), and the tables are
emptied afterwards, as a transactional test leaves them, with the regions put back. The module's tests take
``demo_site`` instead of ``live_server`` and a plain ``django_db`` mark (each test in a transaction rolled back after
it; with in-memory SQLite the server shares the test's connection, so what a page changes is rolled back too — on
PostgreSQL a test puts back what it changed)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.management import call_command

from tests.browser.demo_state import DemoState, demo_state


@dataclass(frozen=True)
class DemoSite:
    url: str
    state: DemoState


def _regions() -> None:
    from portal.models import Region

    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


def _seeded() -> DemoState:
    """As the suite's per-test fixtures would have it: the fast password hasher, Celery tasks run in-process."""
    from django.test import override_settings

    from portal.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            return demo_state()
    finally:
        app.conf.task_always_eager = eager


def _release_connections() -> None:
    """The server's threads drew connections from PostgreSQL's pool (DATABASE_URL); closing the pool ends those
    sessions, so the test database can be dropped at the end of the run. The next use opens a new pool."""
    from django.db import connections

    for connection in connections.all():
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        _regions()
        state = _seeded()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield DemoSite(url=server.url, state=state)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            _regions()
            _release_connections()
