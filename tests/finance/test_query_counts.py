"""Every finance list page and API list runs the same number of queries for 5 rows as for 30."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from finance.models import EvidenceKind, Publication, RiskFund, Whitelist
from finance.services.feedback import case_contact, loan_issue, loan_status_report, pledge_register
from finance.services.risk import claim_submit, fund_deposit
from finance.services.subsidies import subsidy_apply
from tests.finance.helpers import listed, member, publish
from tests.finance.test_risk_and_lookup import lookup_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(batch, city, county, bank_user):
    fund_deposit(fund=RiskFund.objects.create(region_id="420200", name="资金池"), user=city,
                 amount=Decimal("100000000"))
    return {"batch": batch, "city": city, "county": county, "bank": bank_user, "made": []}


def grow(world, n: int) -> None:
    """``n`` more whitelist enterprises, a new publication, and per enterprise: a case, a pledged loan that is
    overdue with a claim, a subsidy application and a lookup."""
    from finance.services.lookups import lookup_run

    bank_user, start = world["bank"], timezone.localdate() - timedelta(days=200)
    users = [member(batch=world["batch"]) for _ in range(n)]
    for user in users:
        listed(user)
    world["made"].extend(users)
    publish(world["city"], [bank_user])
    for user in users:
        number = f"{user.organisation_id}"
        case_contact(user=bank_user, enterprise=user.organisation, contacted_on=start)
        loan = loan_issue(user=bank_user, enterprise=user.organisation, contract_no=f"HT-{number}",
                          amount=Decimal("1000000"), annual_rate=Decimal("4"), term_months=12, start_on=start,
                          end_on=start + timedelta(days=365))
        pledge_register(user=bank_user, loan=loan, registration_no=f"ZY-{number}", registered_on=start,
                        pledged_assets=["x"], pledged_value=Decimal("1"))
        subsidy_apply(user=user, loan=loan, evaluation_fee=Decimal("1000"), evidence=[
            (EvidenceKind.CONTRACT, SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"))])
        loan_status_report(user=bank_user, loan=loan, status="overdue", on=start + timedelta(days=60))
        claim_submit(user=bank_user, loan=loan, loss_amount=Decimal("1000"))
        lookup_run(user=bank_user, upload=lookup_file(user.organisation.uscc))


def queries(getter, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getter.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def latest(model):
    return model.objects.order_by("-pk").first().pk


LISTS = [
    ("city", "/finance/whitelists/"),
    ("city", "/finance/whitelists/{whitelist}/"),
    ("city", "/finance/whitelists/{whitelist}/?eligible=true&q=测试"),
    ("city", "/finance/publications/"),
    ("city", "/finance/publications/{publication}/"),
    ("city", "/finance/loans/"),
    ("city", "/finance/cases/"),
    ("city", "/finance/subsidies/"),
    ("city", "/finance/claims/"),
    ("city", "/finance/lookups/"),
    ("city", "/finance/figures/?period=quarter&level=county"),
    ("city", "/"),
    ("county", "/finance/loans/?status=overdue"),
    ("county", "/finance/subsidies/?status=submitted"),
    ("county", "/"),
    ("bank", "/finance/publications/"),
    ("bank", "/finance/publications/{publication}/"),
    ("bank", "/finance/loans/"),
    ("bank", "/finance/cases/"),
    ("bank", "/finance/lookups/"),
    ("bank", "/finance/claims/"),
    ("bank", "/"),
    ("enterprise", "/finance/my/"),
    ("enterprise", "/finance/subsidies/"),
    ("enterprise", "/"),
    ("city", "/api/finance/whitelists/"),
    ("city", "/api/finance/whitelists/{whitelist}/candidates/"),
    ("city", "/api/finance/publications/"),
    ("city", "/api/finance/publications/{publication}/entries/"),
    ("city", "/api/finance/figures/"),
    ("county", "/api/finance/needs/"),
    ("county", "/api/finance/consents/"),
    ("county", "/api/finance/subsidies/"),
    ("bank", "/api/finance/publications/"),
    ("bank", "/api/finance/publications/{publication}/entries/"),
    ("bank", "/api/finance/cases/"),
    ("bank", "/api/finance/loans/"),
    ("bank", "/api/finance/lookups/"),
    ("bank", "/api/finance/claims/"),
    ("enterprise", "/api/finance/loans/"),
]


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_list_query_count_does_not_grow_with_rows(client, world, role, url, django_assert_num_queries):
    grow(world, 5)
    user = world["made"][0] if role == "enterprise" else world[role]
    api = APIClient()
    api.force_authenticate(user)
    client.force_login(user)
    getter = api if url.startswith("/api/") else client

    def address():
        return url.format(whitelist=latest(Whitelist), publication=latest(Publication))

    getter.get(address())  # warm what the first request of a session caches
    few = queries(getter, address())
    grow(world, 25)
    target = address()
    with django_assert_num_queries(few):
        response = getter.get(target)
    assert response.status_code == 200
