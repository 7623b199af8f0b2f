import pytest

from tests.pool.helpers import enterprise_login, make_batch


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
