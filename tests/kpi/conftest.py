import pytest

from tests.kpi.data import build_deals
from tests.pool.conftest import _media, batch  # noqa: F401


@pytest.fixture
def deals(batch):  # noqa: F811
    return build_deals(batch)
