import pytest

from tests.kpi.data import build_deals
from tests.pool.conftest import _media, batch  # noqa: F401


@pytest.fixture
def deals(batch):  # noqa: F811
    return build_deals(batch)


@pytest.fixture(autouse=True)
def _figures_not_cached(settings):
    """Each test computes its figures (a cached figure of an earlier test's data would be wrong)."""
    settings.KPI_CACHE_SECONDS = 0
