"""Risk compensation (风险补偿): a partner bank claims the policy's share of the loss on a whitelist loan overdue
past the policy's days; the bureau holding the fund decides. Approval locks the claim, then the fund, and
refuses when the balance would go below zero (a database constraint says the same), so two approvals at once
can never overdraw it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services import audit, notify_on_commit

from ..models import (
    ClaimStatus,
    FundMovement,
    Loan,
    LoanStatus,
    MovementKind,
    PartnerBank,
    RiskClaim,
    RiskFund,
)
from ..money import to_fen, yuan
from ..subsidy_maths import percent
from ..workflow import CLAIM_TRANSITIONS, ensure_transition
from .feedback import ensure_bank
from .policies import policy_for

C = ClaimStatus


def fund_for(region_code: str) -> RiskFund | None:
    """The fund a loan of county ``region_code`` is claimed from: its city's, else its province's."""
    funds = {f.region_id: f for f in RiskFund.objects.filter(region_id__in=[region_code[:4] + "00",
                                                                            region_code[:2] + "0000"])}
    return funds.get(region_code[:4] + "00") or funds.get(region_code[:2] + "0000")


def fund_deposit(*, fund: RiskFund, user: User, amount: Decimal, note: str = "") -> RiskFund:
    """The bureau holding the fund puts money in."""
    if user is None or user.role not in ("city", "province") or user.region is None \
            or user.region.code != fund.region_id:
        raise PermissionDenied("只有资金池所属的主管部门可以注入资金。")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "注入金额应大于 0 元。"})
    with transaction.atomic():
        fund = RiskFund.objects.select_for_update().get(pk=fund.pk)
        fund.balance = to_fen(fund.balance + amount)
        fund.save(update_fields=["balance", "updated_at"])
        FundMovement.objects.create(fund=fund, kind=MovementKind.DEPOSIT, amount=to_fen(amount),
                                    balance_after=fund.balance, note=(note or "")[:200], actor=user)
        audit(actor=user, action="risk_fund.deposit", target=fund, comment=note,
              data={"amount": str(to_fen(amount)), "balance": str(fund.balance)})
    return fund


def claim_submit(*, user: User, loan: Loan, loss_amount: Decimal) -> RiskClaim:
    bank_id = ensure_bank(user)
    loan = Loan.objects.select_related("case").get(pk=loan.pk)  # as the bank last reported it
    if loan.bank_id != bank_id:
        raise PermissionDenied("只能为本行的贷款申请风险补偿。")
    policy = policy_for(loan.region_id)
    rules = policy.rules().risk
    today = timezone.localdate()
    if loan.status != LoanStatus.OVERDUE or loan.overdue_since is None:
        raise ValidationError("只有银行已报告逾期的贷款可以申请风险补偿。")
    days = (today - loan.overdue_since).days
    if days < rules.overdue_days:
        raise ValidationError(f"该贷款已逾期 {days} 天，逾期满 {rules.overdue_days} 天后方可申请风险补偿。")
    if not PartnerBank.objects.serving(loan.region_id).filter(bank_id=bank_id).exists():
        raise ValidationError("贵行不是本地区合作银行，不能申请风险补偿。")
    ceiling = to_fen(loan.amount * (1 + loan.annual_rate / 100 * loan.term_months / 12))
    if loss_amount is None or loss_amount <= 0 or loss_amount > ceiling:
        raise ValidationError({"loss_amount": f"损失金额应大于 0 且不超过本金与合同期内利息之和（{yuan(ceiling)}）。"})
    fund = fund_for(loan.region_id)
    if fund is None:
        raise ValidationError("本地区尚未设立风险补偿资金池。")
    loss = to_fen(loss_amount)
    amount = to_fen(loss * rules.share)
    explanation = [f"贷款 {loan.contract_no} 自 {loan.overdue_since:%Y-%m-%d} 起逾期，至今 {days} 天"
                   f"（政策要求满 {rules.overdue_days} 天）。",
                   f"损失金额（未偿本息）{yuan(loss)} × 补偿比例 {percent(rules.share)} = {yuan(amount)}。"]
    with transaction.atomic():
        Loan.objects.select_for_update().get(pk=loan.pk)
        if RiskClaim.objects.filter(loan=loan).exclude(status=C.REJECTED).exists():
            raise ValidationError("该笔贷款已申请过风险补偿。")
        claim = RiskClaim.objects.create(
            bank_id=bank_id, loan=loan, fund=fund, region_id=loan.region_id, policy=policy, loss_amount=loss,
            share=rules.share, amount=amount, overdue_days=days, explanation=explanation, submitted_by=user)
        audit(actor=user, action="risk_claim.submitted", target=claim, data={"amount": str(amount), "loss": str(loss)})
        deciders = User.objects.filter(organisation__kind__in=["city", "province"],
                                       organisation__region_id=fund.region_id, is_active=True)
        notify_on_commit(recipients=list(deciders), verb="risk_claim.submitted",
                         title=f"新的风险补偿申请：{loan.case.enterprise_name}",
                         body=f"{user.organisation.name}申请风险补偿 {yuan(amount)}。",
                         url=reverse("finance:claim-detail", args=[claim.pk]))
    return claim


def _tell_bank(claim: RiskClaim, title: str, body: str) -> None:
    notify_on_commit(recipients=list(User.objects.filter(organisation_id=claim.bank_id, is_active=True)),
                     verb=f"risk_claim.{claim.status}", title=title, body=body,
                     url=reverse("finance:claim-detail", args=[claim.pk]))


def claim_approve(*, claim: RiskClaim, user: User, comment: str = "") -> RiskClaim:
    with transaction.atomic():
        claim = RiskClaim.objects.select_for_update(of=("self",)).select_related("fund", "loan").get(pk=claim.pk)
        ensure_transition(CLAIM_TRANSITIONS, claim, to=C.APPROVED, user=user)
        fund = RiskFund.objects.select_for_update().get(pk=claim.fund_id)
        if fund.balance < claim.amount:
            raise ValidationError(f"风险补偿资金池余额不足：余额 {yuan(fund.balance)}，本次补偿 {yuan(claim.amount)}。")
        fund.balance = fund.balance - claim.amount
        fund.save(update_fields=["balance", "updated_at"])
        FundMovement.objects.create(fund=fund, kind=MovementKind.PAYOUT, amount=claim.amount,
                                    balance_after=fund.balance, claim=claim, actor=user,
                                    note=f"风险补偿：{claim.loan.contract_no}")
        claim.status, claim.decided_by, claim.decided_at = C.APPROVED, user, timezone.now()
        claim.decision_comment = (comment or "").strip()
        claim.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        audit(actor=user, action="risk_claim.approved", target=claim, comment=claim.decision_comment,
              data={"amount": str(claim.amount), "balance_after": str(fund.balance)})
        _tell_bank(claim, f"风险补偿已批准：{yuan(claim.amount)}",
                   f"贷款 {claim.loan.contract_no} 的风险补偿申请已批准，补偿 {yuan(claim.amount)}。")
    return claim


def claim_reject(*, claim: RiskClaim, user: User, comment: str) -> RiskClaim:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "“不予补偿”须填写意见。"})
    with transaction.atomic():
        claim = RiskClaim.objects.select_for_update(of=("self",)).select_related("fund", "loan").get(pk=claim.pk)
        ensure_transition(CLAIM_TRANSITIONS, claim, to=C.REJECTED, user=user)
        claim.status, claim.decided_by, claim.decided_at, claim.decision_comment = \
            C.REJECTED, user, timezone.now(), comment
        claim.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        audit(actor=user, action="risk_claim.rejected", target=claim, comment=comment)
        _tell_bank(claim, "风险补偿申请未获批准", f"贷款 {claim.loan.contract_no} 的风险补偿申请未获批准。意见：{comment}")
    return claim
