import pytest

from tests.pool.conftest import _media, applicant, batch  # noqa: F401  (the pool app's fixtures)
from tests.review.helpers import reviewer


@pytest.fixture
def county(db):
    """A county reviewer of 黄石港区 (420202), where ``applicant`` is registered."""
    return reviewer("county", "420202")


@pytest.fixture
def city(db):
    return reviewer("city", "420200")


@pytest.fixture
def province(db):
    return reviewer("province", "420000")
