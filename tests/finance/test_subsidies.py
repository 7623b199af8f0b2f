"""Subsidies: eligibility explained, county verifies, city approves with the caps applied across every
application of the loan and of the year, payment recorded, and the notice (补贴通知书) in Chinese."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from finance.models import EvidenceKind, LoanStatus, SubsidyStatus
from finance.services.feedback import loan_status_report
from finance.services.subsidies import subsidy_apply, subsidy_approve, subsidy_pay, subsidy_verify
from finance.workflow import TransitionError

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def evidence(interest: bool = False):
    files = [(EvidenceKind.CONTRACT, SimpleUploadedFile("合同.pdf", PDF))]
    if interest:
        files.append((EvidenceKind.INTEREST_VOUCHER, SimpleUploadedFile("付息.pdf", PDF)))
    return files


def fee_application(applicant, loan, fee: str):
    """An application of one evaluation fee (50 % subsidised under the Huangshi policy)."""
    return subsidy_apply(user=applicant, loan=loan, evaluation_fee=Decimal(fee), evidence=evidence())


def approve(application, county, city):
    subsidy_verify(application=application, user=county)
    return subsidy_approve(application=application, user=city)


def test_the_whole_way_with_the_amount_explained(client, applicant, loan, county, city):
    start = loan.start_on
    application = subsidy_apply(user=applicant, loan=loan, period_from=start, period_to=start + timedelta(days=89),
                                interest_paid=Decimal("21450.00"), evidence=evidence(interest=True))
    assert application.status == SubsidyStatus.SUBMITTED and application.requested_amount == Decimal("8506.85")
    assert [c["label"] for c in application.eligibility] == ["合作银行贷款", "已办理质押登记", "按期还款"]
    with pytest.raises(TransitionError, match="不能变更为“市级已批准（待拨付）”"):
        subsidy_approve(application=application, user=city)
    application = approve(application, county, city)
    assert application.status == SubsidyStatus.APPROVED and application.granted_amount == Decimal("8506.85")
    assert application.notice_number.endswith(f"-{application.pk:06d}")
    client.force_login(applicant)
    response = client.get(f"/finance/subsidies/{application.pk}/notice.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "人民币捌仟伍佰零陆元捌角伍分" in text.replace("\n", "")
    subsidy_pay(application=application, user=city, paid_on=timezone.localdate(), payment_reference="GK-001")
    application.refresh_from_db()
    assert application.status == SubsidyStatus.PAID


def test_the_year_cap_holds_across_applications_at_the_boundary(applicant, loan, county, city):
    # Huangshi: 20,000 per loan, 25,000 per enterprise a year. A second loan from the same bank:
    from finance.services.feedback import loan_issue, pledge_register

    second = loan_issue(user=loan.bank.users.first(), enterprise=applicant.organisation, contract_no="HT-002",
                        amount=Decimal("1000000"), annual_rate=Decimal("4"), term_months=12, start_on=loan.start_on,
                        end_on=loan.end_on)
    pledge_register(user=loan.bank.users.first(), loan=second, registration_no="ZY-002", registered_on=loan.start_on,
                    pledged_assets=["x"], pledged_value=Decimal("1"))
    first = approve(fee_application(applicant, loan, "40000.00"), county, city)
    assert first.granted_amount == Decimal("20000.00")  # exactly the per-loan cap
    at_year_cap = approve(fee_application(applicant, second, "10000.00"), county, city)
    assert at_year_cap.granted_amount == Decimal("5000.00")  # 25,000.00 in the year: exactly the cap
    one_fen_over = fee_application(applicant, second, "0.02")
    subsidy_verify(application=one_fen_over, user=county)
    with pytest.raises(ValidationError, match="已达补贴上限"):
        subsidy_approve(application=one_fen_over, user=city)
    one_fen_over.refresh_from_db()
    assert one_fen_over.status == SubsidyStatus.COUNTY_VERIFIED and one_fen_over.granted_amount is None


def test_the_loan_cap_holds_across_applications(applicant, loan, county, city):
    approve(fee_application(applicant, loan, "39999.98"), county, city)  # 19,999.99
    last = approve(fee_application(applicant, loan, "1000.00"), county, city)
    assert last.granted_amount == Decimal("0.01") and last.computation["capped_by"] == "loan"


def test_an_overdue_loan_is_not_eligible_and_evidence_is_required(applicant, loan, bank_user):
    with pytest.raises(ValidationError) as error:
        subsidy_apply(user=applicant, loan=loan, interest_paid=Decimal("100"), period_from=loan.start_on,
                      period_to=loan.start_on, evidence=evidence())
    assert "申请贴息须上传付息凭证。" in error.value.messages
    loan_status_report(user=bank_user, loan=loan, status=LoanStatus.OVERDUE, on=timezone.localdate())
    loan.refresh_from_db()
    with pytest.raises(ValidationError, match="按期还款——银行报告自 .* 起逾期"):
        fee_application(applicant, loan, "100")


def test_a_rejection_needs_a_reason(applicant, loan, county):
    from finance.services.subsidies import subsidy_county_reject

    application = fee_application(applicant, loan, "100")
    with pytest.raises(ValidationError, match="须填写意见"):
        subsidy_county_reject(application=application, user=county, comment="")
    subsidy_county_reject(application=application, user=county, comment="发票与合同不符")
    application.refresh_from_db()
    assert application.status == SubsidyStatus.COUNTY_REJECTED


def test_the_page_takes_the_application_with_its_files(client, applicant, loan):
    client.force_login(applicant)
    response = client.post("/finance/subsidies/new/", {
        "loan": loan.pk, "evaluation_fee": "3000", "contract": SimpleUploadedFile("合同.pdf", PDF)}, follow=True)
    page = response.content.decode()
    assert "补贴申请已提交" in page and "评估费 3,000.00 元 × 补贴比例 50% = 1,500.00 元" in page
    fake = client.post("/finance/subsidies/new/", {
        "loan": loan.pk, "evaluation_fee": "3000", "contract": SimpleUploadedFile("合同.pdf", b"not a pdf")})
    assert "文件内容与扩展名不符" in fake.content.decode()
