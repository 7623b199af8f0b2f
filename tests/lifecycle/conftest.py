"""The bureaus every lifecycle test acts as (the builders put members in 黄石港区 by default)."""

import pytest

from tests.review.helpers import reviewer


@pytest.fixture
def county(db):
    """The county bureau of 黄石港区 (420202)."""
    return reviewer("county", "420202")


@pytest.fixture
def other_county(db):
    """The county bureau of 西塞山区 (420203), next door in the same city."""
    return reviewer("county", "420203")


@pytest.fixture
def city(db):
    return reviewer("city", "420200")


@pytest.fixture
def province(db):
    return reviewer("province", "420000")
