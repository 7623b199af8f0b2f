import pytest

from tests.matching.conftest import catalogue  # noqa: F401  (the development catalogue: 975 patents, 50 demands)
from tests.pool.conftest import batch  # noqa: F401


@pytest.fixture(autouse=True)
def _shared_volume(settings, tmp_path):
    """The volume every worker reads (stored index, chunk files): one per test."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.MATCHING_INDEX_ROOT = None
    return settings.EXPORT_ROOT
