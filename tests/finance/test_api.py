"""The finance API calls the same services with the same scoping as the pages; banks and enterprises are told
(in the portal and by e-mail) when something concerns them."""

from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient

from finance.models import Consent, FinancingNeed, SubsidyStatus
from portal.models import Notification
from tests.finance.helpers import member, publish
from tests.finance.test_risk_and_lookup import lookup_file

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_need_and_consent_through_the_api(batch, bank_user):
    user = member(batch=batch)
    api = api_for(user)
    response = api.post("/api/finance/needs/", {"amount": "1500000", "purpose": "购置设备", "term_months": 12,
                                                 "growth_stage": "growth", "assets": ["patent:202010123456.2"]},
                        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["pledge_assets"][0]["number"] == "202010123456.2"
    wrong = api.post("/api/finance/needs/", {"amount": "1", "purpose": "x", "term_months": 12,
                                              "growth_stage": "growth", "assets": ["patent:000"]}, format="json")
    assert wrong.status_code == 400 and "只能选择申报书中本企业拥有的专利和商标" in str(wrong.json())
    assert api.post("/api/finance/consents/", {"all_banks": False, "banks": [bank_user.organisation_id],
                                               "agree": False}, format="json").status_code == 400
    given = api.post("/api/finance/consents/", {"all_banks": False, "banks": [bank_user.organisation_id],
                                                "agree": True}, format="json")
    assert given.status_code == 201 and given.json()["banks"] == [bank_user.organisation_id]
    assert given.json()["text_version"] == "HS-2026-01" and len(given.json()["text_hash"]) == 64
    revoked = api.post("/api/finance/consents/revoke/")
    assert revoked.status_code == 200 and revoked.json()["in_force"] is False
    assert Consent.objects.get().revoked_at is not None
    assert FinancingNeed.objects.count() == 1


def test_an_enterprise_outside_the_pool_cannot_declare(enterprise_user):
    response = api_for(enterprise_user).post("/api/finance/needs/", {
        "amount": "100", "purpose": "x", "term_months": 12, "growth_stage": "growth"}, format="json")
    assert response.status_code == 400 and "尚未入库" in str(response.json())


def test_publishing_tells_the_banks_in_the_portal_and_by_mail(applicant, city, bank_user, other_bank,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(city, [bank_user])
    note = Notification.objects.get(recipient=bank_user)
    assert note.title == f"新的授信企业白名单：{publication.title}"
    assert note.url == f"/finance/publications/{publication.pk}/"
    assert not Notification.objects.filter(recipient=other_bank).exists()
    assert [m.to for m in mail.outbox] == [[bank_user.email]]


def test_lookup_subsidy_and_claim_through_the_api(loan, applicant, bank_user, county, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finance.models import EvidenceKind
    from finance.services.subsidies import subsidy_apply

    lookup = api_for(bank_user).post("/api/finance/lookups/", {"file": lookup_file(applicant.organisation.uscc)},
                                     format="multipart")
    assert lookup.status_code == 201 and lookup.json()["listed_count"] == 1
    application = subsidy_apply(user=applicant, loan=loan, evaluation_fee=Decimal("2000"), evidence=[
        (EvidenceKind.CONTRACT, SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"))])
    assert api_for(city).post(f"/api/finance/subsidies/{application.pk}/decide/",
                              {"to": "approved"}, format="json").status_code == 403
    assert api_for(county).post(f"/api/finance/subsidies/{application.pk}/decide/",
                                {"to": "county_verified"}, format="json").json()["status"] == "county_verified"
    approved = api_for(city).post(f"/api/finance/subsidies/{application.pk}/decide/", {"to": "approved"},
                                  format="json")
    assert approved.json()["status"] == SubsidyStatus.APPROVED and approved.json()["granted_amount"] == "1000.00"
    claim = api_for(bank_user).post("/api/finance/claims/", {"loan": loan.pk, "loss_amount": "1000"},
                                    format="json")
    assert claim.status_code == 400 and "只有银行已报告逾期的贷款可以申请风险补偿" in str(claim.json())


def test_the_schema_documents_the_finance_api(client, city):
    client.force_login(city)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/finance/publications/" in schema and "/api/finance/lookups/" in schema


def test_the_home_to_do_lists(client, published, applicant, bank_user, city):
    from datetime import date

    from finance.services.feedback import case_contact
    from finance.todos import todo_items

    [bank_todo] = todo_items(bank_user)
    assert (bank_todo.label, bank_todo.count) == ("白名单中尚未登记对接情况的企业", 1)
    case_contact(user=bank_user, enterprise=applicant.organisation, contacted_on=date(2026, 1, 5))
    assert todo_items(bank_user)[0].count == 0
    assert [t.count for t in todo_items(city)] == [0, 0, 0, 0]
    client.force_login(city)
    assert client.get("/").status_code == 200
