"""Shared fixtures. Regions are loaded once per session (they are reference data, like in production)."""

import os

import pytest
from django.core.management import call_command

from tests.browser_support import chromium, page  # noqa: F401  (real headless Chromium)
from tests.factories import user_with_role
from tests.services import *  # noqa: F401,F403  (service probes: postgres, redis_url, celery_worker)

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)


@pytest.fixture(autouse=True)
def _regions_present(request):
    """Transactional tests start from flushed tables; put the region table back before such a test runs."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and bool(marker.kwargs.get("transaction", marker.args[:1] == (True,)))) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
        from portal.models import Region

        if not Region.objects.exists():
            call_command("load_regions", verbosity=0)
    yield


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run in-process unless a test asks for the real worker (``celery_worker`` fixture)."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def make_user(db):
    return user_with_role


@pytest.fixture
def enterprise_user(db):
    return user_with_role("enterprise")


@pytest.fixture
def county_user(db):
    return user_with_role("county")


@pytest.fixture
def city_user(db):
    return user_with_role("city")


@pytest.fixture
def province_user(db):
    return user_with_role("province")


@pytest.fixture
def county(db):
    """The county bureau of 黄石港区 (420202), where the builders register enterprises by default."""
    return user_with_role("county", "420202")


@pytest.fixture
def other_county(db):
    """The county bureau of 西塞山区 (420203), next door in the same city."""
    return user_with_role("county", "420203")


@pytest.fixture
def city(db):
    return user_with_role("city", "420200")


@pytest.fixture
def province(db):
    return user_with_role("province", "420000")


@pytest.fixture
def shipped(db):
    """The shipped criteria sets, reference tables and policies (their data migrations load them; a transactional
    test elsewhere may have flushed them)."""
    from criteria.models import CriteriaSet, SmeSizeThreshold
    from criteria.services import clear_caches
    from finance.models import FinancePolicy
    from pool.services.lifecycle.policies import publish_shipped_policies

    if not CriteriaSet.objects.exists():
        call_command("load_criteria_sets", verbosity=0)
    if not SmeSizeThreshold.objects.exists():
        call_command("load_reference_data", verbosity=0)
    if not FinancePolicy.objects.exists():
        call_command("load_finance_policies", verbosity=0)
    publish_shipped_policies()  # the lifecycle policies: a version only where the newest differs or none exists
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; the production hasher would spend most of the suite's time there."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
