"""Risk compensation (claims on overdue whitelist loans, decided against the fund) and the two-way lookup
(answers only about the bank's own whitelist enterprises, audited, capped per day)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from finance.models import ClaimStatus, Lookup, RiskFund
from finance.services.feedback import loan_status_report
from finance.services.lookups import NOT_LISTED, lookup_run
from finance.services.risk import claim_approve, claim_submit, fund_deposit
from portal.models import AuditEntry
from tests.factories import make_uscc
from tests.finance.helpers import declare, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(city):
    fund = RiskFund.objects.create(region_id="420200", name="黄石市风险补偿资金池")
    return fund_deposit(fund=fund, user=city, amount=Decimal("500000"))


def overdue(loan, bank_user, days: int):
    loan_status_report(user=bank_user, loan=loan, status="overdue", on=timezone.localdate() - timedelta(days=days))
    loan.refresh_from_db()
    return loan


def test_a_claim_waits_for_the_policys_overdue_days(loan, bank_user, fund):
    overdue(loan, bank_user, 89)
    with pytest.raises(ValidationError, match="已逾期 89 天，逾期满 90 天后方可申请风险补偿"):
        claim_submit(user=bank_user, loan=loan, loss_amount=Decimal("1000000"))
    overdue(loan, bank_user, 90)
    claim = claim_submit(user=bank_user, loan=loan, loss_amount=Decimal("1000000"))
    assert claim.amount == Decimal("400000.00")  # Huangshi: 40 % of the loss
    assert "1,000,000.00 元 × 补偿比例 40% = 400,000.00 元" in claim.explanation[1]


def test_the_fund_pays_and_refuses_what_it_does_not_hold(loan, bank_user, fund, city):
    overdue(loan, bank_user, 120)
    claim = claim_submit(user=bank_user, loan=loan, loss_amount=Decimal("1500000"))  # 600,000 > 500,000
    with pytest.raises(ValidationError, match="风险补偿资金池余额不足：余额 500,000.00 元，本次补偿 600,000.00 元"):
        claim_approve(claim=claim, user=city)
    fund_deposit(fund=fund, user=city, amount=Decimal("100000"))
    claim_approve(claim=claim, user=city)
    fund.refresh_from_db()
    claim.refresh_from_db()
    assert fund.balance == Decimal("0.00") and claim.status == ClaimStatus.APPROVED


def lookup_file(*codes) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["统一社会信用代码"])
    for code in codes:
        book.active.append([code])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("申请企业.xlsx", buffer.getvalue())


def test_the_lookup_reveals_only_the_banks_own_whitelist_enterprises(published, applicant, bank_user, other_bank,
                                                                      batch):
    silent = member(batch=batch, name="未授权企业有限公司")
    declare(silent)
    unknown = make_uscc(777777)
    lookup = lookup_run(user=bank_user, upload=lookup_file(applicant.organisation.uscc, silent.organisation.uscc,
                                                           unknown, "91420202MA49BAD"))
    answers = [r["answer"] for r in lookup.results]
    assert answers[0].startswith("在白名单中：黄石测试装备有限公司（黄石市知识产权质押融资授信企业白名单（第 1 版）")
    assert answers[1] == answers[2] == NOT_LISTED
    assert answers[3].startswith("代码有误：")
    assert (lookup.code_count, lookup.listed_count) == (3, 1)
    other = lookup_run(user=other_bank, upload=lookup_file(applicant.organisation.uscc))
    assert other.results[0]["answer"] == NOT_LISTED  # on a whitelist, but not one sent to this bank
    entry = AuditEntry.objects.filter(action="lookup.run").order_by("pk").first()
    assert entry.actor == bank_user and applicant.organisation.uscc in entry.data["codes"]


def test_the_daily_cap_refuses_the_file_that_would_pass_it(published, applicant, bank_user):
    # Huangshi: 200 codes a day, 100 a file.
    codes = [make_uscc(900000 + i) for i in range(100)]
    lookup_run(user=bank_user, upload=lookup_file(*codes))
    lookup_run(user=bank_user, upload=lookup_file(*codes[:99], applicant.organisation.uscc))
    with pytest.raises(ValidationError, match="超出每日核验上限：每日最多 200 个代码，今日已核验 200 个，本次 1 个"):
        lookup_run(user=bank_user, upload=lookup_file(codes[0]))
    with pytest.raises(ValidationError, match="单次最多核验 100 个代码"):
        lookup_run(user=bank_user, upload=lookup_file(*[make_uscc(800000 + i) for i in range(101)]))
    assert Lookup.objects.count() == 2
