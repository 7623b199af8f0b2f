import pytest
from django.core.management import call_command

from tests.pool.helpers import enterprise_login, make_batch


@pytest.fixture
def shipped(db):
    """The shipped criteria sets and reference tables (a transactional test elsewhere may have flushed them)."""
    from criteria.models import CriteriaSet, SmeSizeThreshold
    from criteria.services import clear_caches

    if not CriteriaSet.objects.exists():
        call_command("load_criteria_sets", verbosity=0)
    if not SmeSizeThreshold.objects.exists():
        call_command("load_reference_data", verbosity=0)
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def batch(shipped):
    return make_batch()


@pytest.fixture
def applicant(db):
    """An enterprise login in 黄石港区 (420202)."""
    return enterprise_login()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
