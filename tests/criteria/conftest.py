import pytest
from django.core.management import call_command


@pytest.fixture
def shipped(db):
    """The shipped criteria sets and reference tables (a transactional test elsewhere may have flushed them)."""
    from criteria.models import CriteriaSet, SmeSizeThreshold
    from criteria.services import clear_caches

    if not CriteriaSet.objects.exists():
        call_command("load_criteria_sets", verbosity=0, stdout=None)
    if not SmeSizeThreshold.objects.exists():
        call_command("load_reference_data", verbosity=0)
    clear_caches()
    yield
    clear_caches()
