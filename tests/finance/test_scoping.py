"""Who sees what: a bank only the publications addressed to it and the enterprises on them (404 otherwise, as
for something that does not exist); an enterprise its own; bureaus their region."""

import pytest
from rest_framework.test import APIClient

from tests.factories import user_with_role
from tests.finance.helpers import declare, member

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_bank_gets_404_for_a_publication_addressed_to_another_bank(client, published, other_bank):
    client.force_login(other_bank)
    for url in (f"/finance/publications/{published.pk}/", f"/finance/publications/{published.pk}/excel/",
                f"/finance/publications/{published.pk}/pdf/"):
        assert client.get(url).status_code == 404, url
    assert published.downloads.count() == 0
    api = api_for(other_bank)
    assert api.get(f"/api/finance/publications/{published.pk}/").status_code == 404
    assert api.get(f"/api/finance/publications/{published.pk}/entries/").status_code == 404
    assert api.get("/api/finance/publications/").json()["count"] == 0
    assert "黄石测试装备有限公司" not in client.get("/finance/publications/").content.decode()


def test_a_bank_gets_404_for_an_enterprise_not_on_its_publications(client, published, bank_user, batch):
    elsewhere = member(batch=batch, name="未列入白名单有限公司")
    declare(elsewhere)
    client.force_login(bank_user)
    assert client.get(f"/finance/enterprises/{elsewhere.organisation_id}/").status_code == 404
    assert client.get("/finance/enterprises/999999/").status_code == 404
    response = client.post(f"/finance/enterprises/{elsewhere.organisation_id}/credit/",
                           {"credit_amount": "100", "credit_granted_on": "2026-01-01"})
    assert response.status_code == 404
    api = api_for(bank_user)
    response = api.post("/api/finance/loans/", {
        "enterprise": elsewhere.organisation_id, "contract_no": "X-1", "amount": "100", "annual_rate": "4",
        "term_months": 12, "start_on": "2026-01-01", "end_on": "2026-12-31"}, format="json")
    assert response.status_code == 400 and "不在向贵行发布的白名单上" in str(response.json())


def test_the_addressed_bank_sees_the_enterprise(client, published, bank_user, applicant):
    client.force_login(bank_user)
    page = client.get(f"/finance/enterprises/{applicant.organisation_id}/")
    assert page.status_code == 200 and "黄石测试装备有限公司" in page.content.decode()


def test_an_unaddressed_bank_sees_no_entries_feedback_or_claims(client, loan, other_bank):
    api = api_for(other_bank)
    for url in ("/api/finance/loans/", "/api/finance/cases/", "/api/finance/claims/", "/api/finance/lookups/"):
        assert api.get(url).json()["count"] == 0, url
    assert api.get(f"/api/finance/loans/{loan.pk}/").status_code == 404
    client.force_login(other_bank)
    assert client.post(f"/finance/loans/{loan.pk}/status/", {"status": "repaid", "on": "2026-01-01"}).status_code == 404


def test_enterprises_see_their_own_and_bureaus_their_region(client, loan, applicant, batch, county):
    other = member(batch=batch, name="别家企业有限公司")
    declare(other)
    api = api_for(other)
    assert api.get("/api/finance/loans/").json()["count"] == 0
    assert api.get("/api/finance/needs/").json()["count"] == 1
    own = api_for(applicant)
    assert own.get("/api/finance/loans/").json()["count"] == 1
    assert own.get("/api/finance/publications/").json()["count"] == 0  # the list itself is for banks
    assert api_for(county).get("/api/finance/loans/").json()["count"] == 1
    assert api_for(county).get("/api/finance/needs/").json()["count"] == 2
    far = user_with_role("county", "420502")
    assert api_for(far).get("/api/finance/loans/").json()["count"] == 0
    assert api_for(far).get("/api/finance/needs/").json()["count"] == 0
    client.force_login(far)
    assert client.get(f"/finance/enterprises/{applicant.organisation_id}/").status_code == 404


def test_pages_are_404_for_roles_they_are_not_for(client, applicant, bank_user, city):
    client.force_login(bank_user)
    assert client.get("/finance/whitelists/").status_code == 404
    assert client.get("/finance/my/").status_code == 404
    client.force_login(applicant)
    assert client.get("/finance/lookups/").status_code == 404
    assert client.get("/finance/publications/").status_code == 404
    client.force_login(city)
    assert client.get("/finance/need/").status_code == 404
