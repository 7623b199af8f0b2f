"""Subsidies (贴息 / 评估费 / 保险费 / 担保费补贴): the enterprise applies with evidence, the county verifies, the
city approves (the granted amount held to the caps per loan and per enterprise per year) and records payment.

The caps count every approved or paid application of the same loan and of the same enterprise and year. The
approval locks the enterprise's row before reading them, so two approvals at once are serialised and the second
sees the first: together they never pass a cap.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from pool.filetypes import validate_upload
from portal.models import Organisation, User
from portal.services import audit, notify_on_commit

from ..models import (
    EvidenceKind,
    Loan,
    LoanStatus,
    PartnerBank,
    SubsidyApplication,
    SubsidyEvidence,
    SubsidyStatus,
    SubsidyTransition,
)
from ..money import ZERO, yuan
from ..policy import SubsidyRules
from ..subsidy_maths import compute
from ..workflow import SUBSIDY_TRANSITIONS, TransitionError, ensure_transition
from .policies import policy_for

S = SubsidyStatus
FEE_FIELDS = ("evaluation_fee", "insurance_fee", "guarantee_fee")
REVIEW_ROLES = frozenset({"county", "city", "province"})


def eligibility(loan: Loan, rules: SubsidyRules) -> list[dict]:
    """The policy's eligibility conditions for ``loan``, each with its outcome explained."""
    checks = []
    if rules.require_partner_bank:
        partner = PartnerBank.objects.serving(loan.region_id).filter(bank_id=loan.bank_id,
                                                                     joined_on__lte=loan.start_on).exists()
        checks.append({"label": "合作银行贷款", "passed": partner,
                       "message": f"{loan.bank.name}{'是' if partner else '在放款时不是'}本地区合作银行。"})
    if rules.require_pledge_registered:
        pledge = getattr(loan, "pledge", None)
        checks.append({"label": "已办理质押登记", "passed": pledge is not None,
                       "message": f"质押登记编号 {pledge.registration_no}（{pledge.registered_on:%Y-%m-%d}）。"
                       if pledge else "该笔贷款尚未登记质押。"})
    if rules.require_on_time:
        on_time = loan.status != LoanStatus.OVERDUE
        checks.append({"label": "按期还款", "passed": on_time,
                       "message": "银行报告还款正常。" if on_time else
                       f"银行报告自 {loan.overdue_since:%Y-%m-%d} 起逾期。"})
    return checks


def granted_so_far(*, loan_id: int, enterprise_id: int, year: int, exclude: int | None = None) -> tuple[Decimal, Decimal]:
    """Amounts already granted (approved or paid) for the loan (every year) and to the enterprise in ``year``."""
    granted = SubsidyApplication.objects.granted().exclude(pk=exclude)
    row = granted.filter(Q(loan_id=loan_id) | Q(enterprise_id=enterprise_id, year=year)).aggregate(
        loan=Sum("granted_amount", filter=Q(loan_id=loan_id)),
        year=Sum("granted_amount", filter=Q(enterprise_id=enterprise_id, year=year)))
    return row["loan"] or ZERO, row["year"] or ZERO


def _computation(application: SubsidyApplication, rules: SubsidyRules, *, exclude: int | None = None):
    loan_used, year_used = granted_so_far(loan_id=application.loan_id, enterprise_id=application.enterprise_id,
                                          year=application.year, exclude=exclude)
    return compute(rules, principal=application.loan.amount, interest_paid=application.interest_paid,
                   period_from=application.period_from, period_to=application.period_to,
                   fees={f: getattr(application, f) for f in FEE_FIELDS}, loan_used=loan_used, year_used=year_used,
                   year=application.year)


def _clean(loan: Loan, *, period_from, period_to, interest_paid, fees: dict, evidence: list) -> dict:
    errors: dict = {}
    amounts = [interest_paid, *fees.values()]
    if any(a is not None and a < 0 for a in amounts):
        errors["__all__"] = "金额不能为负数。"
    if not any(a for a in amounts):
        errors["__all__"] = "请至少填写实际支付利息或一项费用。"
    if interest_paid:
        if period_from is None or period_to is None:
            errors["period_from"] = "申请贴息须填写计息起止日期。"
        elif period_to < period_from:
            errors["period_to"] = "计息截止日不能早于起始日。"
        elif period_from < loan.start_on or period_to > loan.end_on:
            errors["period_from"] = f"计息期间应在贷款期限内（{loan.start_on:%Y-%m-%d} 至 {loan.end_on:%Y-%m-%d}）。"
        elif period_to > timezone.localdate():
            errors["period_to"] = "只能为已付息的期间申请贴息。"
    kinds = {kind for kind, _file in evidence}
    if EvidenceKind.CONTRACT not in kinds:
        errors["contract"] = "请上传借款合同。"
    if interest_paid and EvidenceKind.INTEREST_VOUCHER not in kinds:
        errors["interest_voucher"] = "申请贴息须上传付息凭证。"
    for kind, upload in evidence:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors[kind] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    year = period_to.year if interest_paid else timezone.localdate().year
    return {"year": year}


def subsidy_apply(*, user: User, loan: Loan, period_from: date | None = None, period_to: date | None = None,
                  interest_paid: Decimal | None = None, evaluation_fee: Decimal | None = None,
                  insurance_fee: Decimal | None = None, guarantee_fee: Decimal | None = None,
                  evidence: list | None = None) -> SubsidyApplication:
    """The enterprise applies for the subsidies of one of its pledge loans; the amount is computed and explained
    at once (the city's approval recomputes it against the caps)."""
    if user is None or user.role != "enterprise" or loan.enterprise_id != user.organisation_id:
        raise PermissionDenied("只能为本企业的质押贷款申请补贴。")
    loan = Loan.objects.select_related("bank", "pledge", "enterprise").get(pk=loan.pk)  # as it stands now
    evidence = evidence or []
    fees = {"evaluation_fee": evaluation_fee, "insurance_fee": insurance_fee, "guarantee_fee": guarantee_fee}
    extra = _clean(loan, period_from=period_from, period_to=period_to, interest_paid=interest_paid, fees=fees,
                   evidence=evidence)
    policy = policy_for(loan.region_id)
    rules = policy.rules().subsidy
    checks = eligibility(loan, rules)
    failed = [c for c in checks if not c["passed"]]
    if failed:
        raise ValidationError("不符合补贴条件：" + "；".join(f"{c['label']}——{c['message']}" for c in failed))
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=loan.enterprise_id)
        if interest_paid and SubsidyApplication.objects.filter(
                loan=loan, interest_paid__gt=0, period_from__lte=period_to, period_to__gte=period_from).exclude(
                status__in=[S.COUNTY_REJECTED, S.CITY_REJECTED]).exists():
            raise ValidationError({"period_from": "该笔贷款在此计息期间内已申请过贴息。"})
        application = SubsidyApplication(
            enterprise_id=loan.enterprise_id, region_id=loan.region_id, loan=loan, policy=policy,
            period_from=period_from if interest_paid else None, period_to=period_to if interest_paid else None,
            interest_paid=interest_paid or None, submitted_by=user, requested_amount=ZERO, eligibility=checks,
            **{k: v or None for k, v in fees.items()}, **extra)
        computation = _computation(application, rules)
        application.requested_amount, application.computation = computation.granted, computation.as_dict()
        application.save()
        for kind, upload in evidence:
            SubsidyEvidence.objects.create(application=application, kind=kind, file=upload,
                                           original_name=upload.name[-255:], size=upload.size, uploaded_by=user)
        SubsidyTransition.objects.create(application=application, to_status=S.SUBMITTED, actor=user)
        audit(actor=user, action="subsidy.submitted", target=application,
              data={"requested": str(application.requested_amount), "policy": policy.code,
                    "policy_version": policy.version})
        _tell(application, "subsidy.submitted", f"新的质押融资补贴申请待核实：{loan.enterprise.name}",
              f"{loan.enterprise.name}就贷款 {loan.contract_no} 申请补贴，测算金额 {yuan(application.requested_amount)}。",
              reviewers="county")
    return application


def _tell(application: SubsidyApplication, verb: str, title: str, body: str, *, reviewers: str = "") -> None:
    """The enterprise (or, with ``reviewers``, the bureaus of that level over its county) hears after commit."""
    if reviewers == "county":
        users = User.objects.filter(organisation__kind="county", organisation__region_id=application.region_id)
    elif reviewers == "city":
        users = User.objects.filter(organisation__kind="city", organisation__region_id=application.region_id[:4] + "00")
    else:
        users = User.objects.filter(organisation_id=application.enterprise_id)
    notify_on_commit(recipients=list(users.filter(is_active=True)), verb=verb, title=title, body=body,
                     url=reverse("finance:subsidy-detail", args=[application.pk]))


def _lock(application: SubsidyApplication) -> SubsidyApplication:
    return (SubsidyApplication.objects.select_for_update(of=("self",))
            .select_related("loan__bank", "policy", "enterprise").get(pk=application.pk))


def _move(application: SubsidyApplication, to: str, user: User, comment: str, fields: list[str]) -> None:
    source = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at", *fields])
    SubsidyTransition.objects.create(application=application, from_status=source, to_status=to, actor=user,
                                     comment=comment)
    audit(actor=user, action=f"subsidy.{to}", target=application, comment=comment,
          data={"from": source, "to": to, "granted": str(application.granted_amount)
                if application.granted_amount is not None else None})


def _decide(application: SubsidyApplication, *, to: str, user: User, comment: str = "") -> SubsidyApplication:
    with transaction.atomic():
        locked = _lock(application)
        transition = ensure_transition(SUBSIDY_TRANSITIONS, locked, to=to, user=user)
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise ValidationError({"comment": f"“{transition.label}”须填写意见。"})
        _move(locked, to, user, comment, [])
        label = SubsidyStatus(to).label
        _tell(locked, f"subsidy.{to}", f"补贴申请{label}", f"贵企业就贷款 {locked.loan.contract_no} 的补贴申请{label}。"
              + (f"意见：{comment}" if comment else ""))
        if to == S.COUNTY_VERIFIED:
            _tell(locked, "subsidy.county_verified", f"质押融资补贴申请待审批：{locked.enterprise.name}",
                  f"县级已核实，测算金额 {yuan(locked.requested_amount)}。", reviewers="city")
    return locked


def subsidy_verify(*, application: SubsidyApplication, user: User, comment: str = "") -> SubsidyApplication:
    return _decide(application, to=S.COUNTY_VERIFIED, user=user, comment=comment)


def subsidy_county_reject(*, application: SubsidyApplication, user: User, comment: str) -> SubsidyApplication:
    return _decide(application, to=S.COUNTY_REJECTED, user=user, comment=comment)


def subsidy_city_reject(*, application: SubsidyApplication, user: User, comment: str) -> SubsidyApplication:
    return _decide(application, to=S.CITY_REJECTED, user=user, comment=comment)


def subsidy_approve(*, application: SubsidyApplication, user: User, comment: str = "") -> SubsidyApplication:
    """The city approves: the amount is recomputed against everything already granted for the same loan and to
    the same enterprise in the same year, under a lock on the enterprise, and the notice is numbered."""
    with transaction.atomic():
        locked = _lock(application)
        ensure_transition(SUBSIDY_TRANSITIONS, locked, to=S.APPROVED, user=user)
        Organisation.objects.select_for_update().get(pk=locked.enterprise_id)
        computation = _computation(locked, locked.policy.rules().subsidy, exclude=locked.pk)
        if computation.granted <= ZERO:
            raise ValidationError("已达补贴上限，本申请可核定金额为 0 元：" + " ".join(computation.lines[-3:]))
        locked.granted_amount, locked.computation = computation.granted, computation.as_dict()
        locked.notice_number = f"{locked.region_id[:4]}-{locked.year}-{locked.pk:06d}"
        _move(locked, S.APPROVED, user, (comment or "").strip(), ["granted_amount", "computation", "notice_number"])
        _tell(locked, "subsidy.approved", f"补贴申请已批准：{yuan(locked.granted_amount)}",
              f"贵企业就贷款 {locked.loan.contract_no} 的补贴申请已批准，核定补贴 {yuan(locked.granted_amount)}，"
              f"可在系统中下载补贴通知书（{locked.notice_number}）。")
    return locked


def subsidy_pay(*, application: SubsidyApplication, user: User, paid_on: date, payment_reference: str
                ) -> SubsidyApplication:
    reference = (payment_reference or "").strip()
    errors = {}
    if paid_on is None:
        errors["paid_on"] = "请填写拨付日期。"
    if not reference:
        errors["payment_reference"] = "请填写拨付凭证号。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(application)
        ensure_transition(SUBSIDY_TRANSITIONS, locked, to=S.PAID, user=user)
        locked.paid_on, locked.payment_reference = paid_on, reference[:60]
        _move(locked, S.PAID, user, f"拨付凭证号 {reference}", ["paid_on", "payment_reference"])
        _tell(locked, "subsidy.paid", f"补贴已拨付：{yuan(locked.granted_amount)}",
              f"贵企业的补贴 {yuan(locked.granted_amount)} 已于 {paid_on:%Y-%m-%d} 拨付（凭证号 {reference}）。")
    return locked


SERVICES = {S.COUNTY_VERIFIED: subsidy_verify, S.COUNTY_REJECTED: subsidy_county_reject,
            S.APPROVED: subsidy_approve, S.CITY_REJECTED: subsidy_city_reject}


def subsidy_transition(*, application: SubsidyApplication, to: str, user: User, comment: str = ""):
    """The decision a button names (payment has its own form: ``subsidy_pay``)."""
    service = SERVICES.get(to)
    if service is None:
        raise TransitionError("该操作不可用。")
    return service(application=application, user=user, comment=comment)
