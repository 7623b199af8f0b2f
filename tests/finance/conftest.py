import pytest
from django.core.management import call_command

from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _policies(db):
    """The shipped policies (the data migration loads them; a transactional test elsewhere may have flushed)."""
    from finance.models import FinancePolicy

    if not FinancePolicy.objects.exists():
        call_command("load_finance_policies", verbosity=0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def city(db):
    return user_with_role("city", "420200")


@pytest.fixture
def county(db):
    return user_with_role("county", "420202")


@pytest.fixture
def province(db):
    return user_with_role("province", "420000")


@pytest.fixture
def batch(shipped):
    from tests.pool.helpers import make_batch

    return make_batch(name="入库批次")


@pytest.fixture
def bank_user(db):
    from tests.finance.helpers import bank

    return bank("湖北测试银行黄石分行")


@pytest.fixture
def other_bank(db):
    from tests.finance.helpers import bank

    return bank("另一家银行黄石分行")
