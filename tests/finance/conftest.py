import pytest
from django.core.management import call_command


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


@pytest.fixture
def applicant(batch):
    """A pool member with a declared need and consent to all partner banks."""
    from tests.finance.helpers import listed, member

    user = member(batch=batch, name="黄石测试装备有限公司")
    listed(user)
    return user


@pytest.fixture
def published(applicant, city, bank_user):
    from tests.finance.helpers import publish

    return publish(city, [bank_user])


@pytest.fixture
def loan(published, applicant, bank_user):
    """A pledged loan of the bank to the applicant, started 200 days ago."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from finance.services.feedback import loan_issue, pledge_register

    start = timezone.localdate() - timedelta(days=200)
    loan = loan_issue(user=bank_user, enterprise=applicant.organisation, contract_no="HT-001",
                      amount=Decimal("2000000"), annual_rate=Decimal("4.35"), term_months=12, start_on=start,
                      end_on=start + timedelta(days=365))
    pledge_register(user=bank_user, loan=loan, registration_no="ZY-001", registered_on=start,
                    pledged_assets=["202010123456.2"], pledged_value=Decimal("3000000"))
    loan.refresh_from_db()
    return loan
