"""Against PostgreSQL, each call on its own connection and released together: two approvals of risk claims on
the same fund never take it below zero; two subsidy approvals of the same enterprise never pass its yearly cap.
Fails under CI=true without PostgreSQL (``postgres``)."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from finance.models import EvidenceKind, FundMovement, RiskClaim, RiskFund, SubsidyApplication, SubsidyStatus
from finance.services import risk as risk_services
from finance.services import subsidies as subsidy_services
from finance.services.feedback import loan_issue, loan_status_report, pledge_register
from finance.services.risk import claim_approve, claim_submit, fund_deposit
from finance.services.subsidies import subsidy_apply, subsidy_approve, subsidy_verify
from tests.finance.helpers import listed, member, publish

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_SECONDS = 0.6


def at_once(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001  (the refusal is what the test looks at)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow(monkeypatch):
    """Whoever locks first keeps its transaction open a while, so the other really arrives meanwhile."""
    def hold(module, name):
        original = getattr(module, name)

        def slowly(*args, **kwargs):
            result = original(*args, **kwargs)
            time.sleep(HOLD_SECONDS)
            return result
        monkeypatch.setattr(module, name, slowly)
    return hold


def loans_of(bank_user, city, count: int, batch):
    """``count`` pledged loans of ``count`` whitelist enterprises, started 200 days ago."""
    users = [member(batch=batch, name=f"并发测试{i}有限公司") for i in range(count)]
    for user in users:
        listed(user)
    publish(city, [bank_user])
    start = timezone.localdate() - timedelta(days=200)
    loans = []
    for i, user in enumerate(users):
        loan = loan_issue(user=bank_user, enterprise=user.organisation, contract_no=f"HT-{i}",
                          amount=Decimal("1000000"), annual_rate=Decimal("4"), term_months=12, start_on=start,
                          end_on=start + timedelta(days=365))
        pledge_register(user=bank_user, loan=loan, registration_no=f"ZY-{i}", registered_on=start,
                        pledged_assets=["x"], pledged_value=Decimal("1"))
        loans.append(loan)
    return users, loans


def test_the_fund_never_goes_negative_under_two_concurrent_approvals(postgres, batch, city, bank_user, slow):
    fund = fund_deposit(fund=RiskFund.objects.create(region_id="420200", name="资金池"), user=city,
                        amount=Decimal("500000"))
    _users, loans = loans_of(bank_user, city, 2, batch)
    claims = []
    for loan in loans:
        loan_status_report(user=bank_user, loan=loan, status="overdue",
                           on=timezone.localdate() - timedelta(days=100))
        claims.append(claim_submit(user=bank_user, loan=loan, loss_amount=Decimal("1000000")))  # 400,000 each
    slow(risk_services, "audit")
    deciders = [city, city]
    results = at_once(*[lambda c=c, u=u: claim_approve(claim=c, user=u) for c, u in zip(claims, deciders,
                                                                                         strict=True)])
    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], ValidationError)
    assert "风险补偿资金池余额不足：余额 100,000.00 元，本次补偿 400,000.00 元" in refusals[0].messages[0]
    fund.refresh_from_db()
    assert fund.balance == Decimal("100000.00") >= 0
    assert RiskClaim.objects.filter(status="approved").count() == 1
    assert FundMovement.objects.filter(kind="payout").count() == 1


def test_two_subsidy_approvals_at_once_never_pass_the_yearly_cap(postgres, batch, city, county, bank_user, slow):
    users, _loans = loans_of(bank_user, city, 1, batch)
    applicant = users[0]
    start = timezone.localdate() - timedelta(days=200)
    second = loan_issue(user=bank_user, enterprise=applicant.organisation, contract_no="HT-B",
                        amount=Decimal("1000000"), annual_rate=Decimal("4"), term_months=12, start_on=start,
                        end_on=start + timedelta(days=365))
    pledge_register(user=bank_user, loan=second, registration_no="ZY-B", registered_on=start, pledged_assets=["x"],
                    pledged_value=Decimal("1"))
    applications = []
    for loan in [*_loans, second]:  # 15,000 each; 25,000 a year for the enterprise
        application = subsidy_apply(user=applicant, loan=loan, evaluation_fee=Decimal("30000"), evidence=[
            (EvidenceKind.CONTRACT, SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"))])
        subsidy_verify(application=application, user=county)
        applications.append(application)
    slow(subsidy_services, "_tell")
    results = at_once(*[lambda a=a: subsidy_approve(application=a, user=city) for a in applications])
    assert not [r for r in results if isinstance(r, Exception)], results
    granted = sorted(SubsidyApplication.objects.filter(status=SubsidyStatus.APPROVED)
                     .values_list("granted_amount", flat=True))
    assert granted == [Decimal("10000.00"), Decimal("15000.00")]  # the second gets only what is left
    assert sum(granted) == Decimal("25000.00")
