"""A bank's feedback on the enterprises of its whitelists: contact, credit line, loan, pledge registration and
repayment. Every function checks that the enterprise is on a whitelist published to the bank with consent in
force (a new record needs it; the bank's own loans stay its to update), locks what it changes and audits it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.models import Organisation, User
from portal.services import audit

from ..models import BankCase, Loan, LoanStatus, PledgeRegistration, PublicationEntry

MAX_AMOUNT = Decimal("10000000000")


def ensure_bank(user: User) -> int:
    if user is None or not user.is_authenticated or user.role != "bank" or user.organisation_id is None:
        raise PermissionDenied("只有银行信贷员可以登记对接和放款情况。")
    return user.organisation_id


def visible_entry(bank_id: int, enterprise_id: int) -> PublicationEntry | None:
    """The newest entry of the enterprise on a publication to the bank, with consent in force."""
    return (PublicationEntry.objects.for_bank(bank_id).filter(enterprise_id=enterprise_id)
            .select_related("publication").order_by("-publication__published_at", "-pk").first())


def _case(user: User, enterprise: Organisation) -> BankCase:
    """The bank's case for the enterprise, opened on first use; locked for the caller's transaction."""
    bank_id = ensure_bank(user)
    entry = visible_entry(bank_id, enterprise.pk)
    if entry is None:
        raise ValidationError("该企业不在向贵行发布的白名单上（或已撤回授权），不能登记。")
    case, _ = BankCase.objects.get_or_create(
        bank_id=bank_id, enterprise=enterprise,
        defaults={"region_id": entry.region_id, "entry": entry, "enterprise_name": entry.enterprise_name,
                  "uscc": entry.uscc, "created_by": user})
    return BankCase.objects.select_for_update().get(pk=case.pk)


def _amount(value, field: str, label: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        errors[field] = f"请填写{label}。"
        return None
    value = Decimal(value)
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        errors[field] = f"{label}应大于 0 且不超过 100 亿元。"
        return None
    return value.quantize(Decimal("0.01"))


def case_contact(*, user: User, enterprise: Organisation, contacted_on: date, note: str = "") -> BankCase:
    with transaction.atomic():
        case = _case(user, enterprise)
        case.contacted_on, case.note = contacted_on, (note or case.note)[:300]
        case.save(update_fields=["contacted_on", "note", "updated_at"])
        audit(actor=user, action="bank_case.contacted", target=case, data={"on": contacted_on.isoformat()})
    return case


def credit_grant(*, user: User, enterprise: Organisation, amount, granted_on: date) -> BankCase:
    errors: dict = {}
    amount = _amount(amount, "credit_amount", "授信金额", errors)
    if granted_on is None:
        errors["credit_granted_on"] = "请填写授信日期。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _case(user, enterprise)
        case.credit_amount, case.credit_granted_on = amount, granted_on
        case.contacted_on = case.contacted_on or granted_on
        case.save(update_fields=["credit_amount", "credit_granted_on", "contacted_on", "updated_at"])
        audit(actor=user, action="bank_case.credit_granted", target=case,
              data={"amount": str(amount), "on": granted_on.isoformat()})
    return case


def clean_loan(*, contract_no: str, amount, annual_rate, term_months, start_on, end_on) -> dict:
    """The loan's fields, or a ValidationError naming each problem in Chinese."""
    errors: dict = {}
    contract_no = (contract_no or "").strip()
    if not contract_no:
        errors["contract_no"] = "请填写贷款合同编号。"
    amount = _amount(amount, "amount", "放款金额", errors)
    rate = None
    if annual_rate in (None, ""):
        errors["annual_rate"] = "请填写年利率（%）。"
    else:
        rate = Decimal(annual_rate)
        if not rate.is_finite() or not Decimal(0) < rate < Decimal(36):
            errors["annual_rate"] = "年利率应大于 0 且低于 36%（按百分数填写，如 3.85）。"
    if not isinstance(term_months, int) or not 1 <= term_months <= 360:
        errors["term_months"] = "期限应为 1 至 360 个月。"
    if start_on is None:
        errors["start_on"] = "请填写起始日。"
    if end_on is None:
        errors["end_on"] = "请填写到期日。"
    elif start_on is not None and end_on <= start_on:
        errors["end_on"] = "到期日应晚于起始日。"
    if errors:
        raise ValidationError(errors)
    return {"contract_no": contract_no[:60], "amount": amount, "annual_rate": rate.quantize(Decimal("0.0001")),
            "term_months": term_months, "start_on": start_on, "end_on": end_on}


def loan_issue(*, user: User, enterprise: Organisation, **fields) -> Loan:
    """Record a loan (放款) to a whitelist enterprise; a known contract number of the bank updates that loan."""
    fields = clean_loan(**fields)
    with transaction.atomic():
        case = _case(user, enterprise)
        loan = Loan.objects.select_for_update().filter(bank_id=case.bank_id, contract_no=fields["contract_no"]).first()
        if loan is not None and loan.enterprise_id != enterprise.pk:
            raise ValidationError({"contract_no": "该合同编号已登记在另一家企业名下。"})
        created = loan is None
        if created:
            loan = Loan(case=case, bank_id=case.bank_id, enterprise=enterprise, region_id=case.region_id,
                        created_by=user)
        for key, value in fields.items():
            setattr(loan, key, value)
        loan.save()
        if hasattr(loan, "pledge") and loan.pledge.loan_amount != loan.amount:
            PledgeRegistration.objects.filter(pk=loan.pledge.pk).update(loan_amount=loan.amount)
        audit(actor=user, action="loan.issued" if created else "loan.updated", target=loan,
              data={k: str(v) for k, v in fields.items()})
    return loan


def _own_loan(user: User, loan: Loan) -> Loan:
    bank_id = ensure_bank(user)
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    if locked.bank_id != bank_id:
        raise PermissionDenied("只能登记本行的贷款。")
    return locked


def clean_pledge(*, registration_no: str, registered_on, pledged_assets, pledged_value) -> dict:
    errors: dict = {}
    registration_no = (registration_no or "").strip()
    if not registration_no:
        errors["registration_no"] = "请填写质押登记编号。"
    if registered_on is None:
        errors["registered_on"] = "请填写登记日期。"
    value = _amount(pledged_value, "pledged_value", "质押物评估价值", errors)
    assets = [a.strip() for a in pledged_assets or [] if a and a.strip()]
    if not assets:
        errors["pledged_assets"] = "请填写质押的专利号或商标注册号。"
    if errors:
        raise ValidationError(errors)
    return {"registration_no": registration_no[:60], "registered_on": registered_on, "pledged_assets": assets,
            "pledged_value": value}


def pledge_register(*, user: User, loan: Loan, **fields) -> PledgeRegistration:
    """Record the pledge registration (质押登记) behind one of the bank's loans."""
    fields = clean_pledge(**fields)
    with transaction.atomic():
        loan = _own_loan(user, loan)
        other = PledgeRegistration.objects.filter(registration_no=fields["registration_no"]).exclude(loan=loan)
        if other.exists():
            raise ValidationError({"registration_no": "该质押登记编号已登记在另一笔贷款下。"})
        pledge = PledgeRegistration.objects.filter(loan=loan).first() or PledgeRegistration(
            loan=loan, bank_id=loan.bank_id, enterprise_id=loan.enterprise_id, region_id=loan.region_id,
            created_by=user)
        for key, value in fields.items():
            setattr(pledge, key, value)
        pledge.loan_amount = loan.amount
        pledge.save()
        audit(actor=user, action="pledge.registered", target=pledge,
              data={"loan": loan.pk, "registration_no": pledge.registration_no, "value": str(pledge.pledged_value),
                    "assets": pledge.pledged_assets})
    return pledge


def loan_status_report(*, user: User, loan: Loan, status: str, on: date | None = None) -> Loan:
    """Report repayment: 正常还款中, 已结清 (on the day given) or 逾期 (since the day given)."""
    if status not in LoanStatus.values:
        raise ValidationError({"status": "请选择还款状态。"})
    if status != LoanStatus.OUTSTANDING and on is None:
        raise ValidationError({"on": "请填写结清日期。" if status == LoanStatus.REPAID else "请填写逾期起始日。"})
    with transaction.atomic():
        loan = _own_loan(user, loan)
        if on is not None and on < loan.start_on:
            raise ValidationError({"on": "日期不能早于贷款起始日。"})
        loan.status = status
        loan.repaid_on = on if status == LoanStatus.REPAID else None
        loan.overdue_since = on if status == LoanStatus.OVERDUE else None
        loan.save(update_fields=["status", "repaid_on", "overdue_since", "updated_at"])
        audit(actor=user, action=f"loan.{status}", target=loan, data={"on": on.isoformat() if on else None})
    return loan
