"""API tokens and sessions (issue 13, finding 6): tokens expire, rotate, die at a password change and at logout,
the person withdraws them; sessions end a fixed time after login however active."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal.models import AuditEntry
from portal.services.accounts import api_token_issue
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def issue(client, user, password=None):
    response = client.post(reverse("api-token"), {"username": user.username,
                                                  "password": password or settings.DEMO_PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def me(client, key):
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_each_issue_gives_a_new_token_and_the_old_one_stops_working(client):
    person = user_with_role("county", "420202")
    first = issue(client, person)["token"]
    second = issue(client, person)["token"]
    assert first != second
    assert me(client, first).status_code == 401
    assert me(client, second).status_code == 200


def test_issuance_is_audited_with_a_chinese_label(client):
    from portal.audit_labels import all_actions

    person = user_with_role("county", "420202")
    issue(client, person)
    entry = AuditEntry.objects.get(action="api_token.issued")
    assert entry.target_id == str(person.pk) and all_actions()["api_token.issued"] == "签发接口令牌"


@pytest.mark.parametrize(("hours", "works"), [(23, True), (25, False)])
def test_a_token_expires_after_its_lifetime(client, hours, works):
    person = user_with_role("county", "420202")
    body = issue(client, person)
    assert settings.API_TOKEN_LIFETIME_HOURS == 24
    Token.objects.filter(user=person).update(created=timezone.now() - timedelta(hours=hours))
    response = me(client, body["token"])
    assert (response.status_code == 200) is works
    if not works:
        assert "令牌已过期" in response.json()["detail"]


def test_the_lifetime_is_a_setting(client, settings):
    settings.API_TOKEN_LIFETIME_HOURS = 1
    person = user_with_role("county", "420202")
    body = issue(client, person)
    Token.objects.filter(user=person).update(created=timezone.now() - timedelta(minutes=61))
    assert me(client, body["token"]).status_code == 401


def test_a_password_change_ends_the_token(client):
    person = user_with_role("enterprise")
    key = issue(client, person)["token"]
    client.force_login(person)
    new = "Neu#Pass2026"
    client.post(reverse("password_change"), {"old_password": settings.DEMO_PASSWORD, "new_password1": new,
                                             "new_password2": new})
    client.logout()
    assert me(client, key).status_code == 401


def test_a_password_set_anywhere_else_ends_it_too():
    person = user_with_role("enterprise")
    api_token_issue(user=person)
    person.set_password("Other#Pass2026")
    person.save()
    assert not Token.objects.filter(user=person).exists()


def test_logout_ends_the_token(client):
    person = user_with_role("enterprise")
    key = issue(client, person)["token"]
    client.force_login(person)
    client.post(reverse("logout"))
    assert me(client, key).status_code == 401


def test_the_person_withdraws_the_token_through_the_api(client):
    person = user_with_role("bank")
    key = issue(client, person)["token"]
    response = client.delete(reverse("api-token"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 204
    assert me(client, key).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(person.pk)).exists()
    assert client.delete(reverse("api-token")).status_code == 401


def test_the_person_issues_and_withdraws_the_token_on_the_account_page(client):
    person = user_with_role("county", "420202")
    client.force_login(person)
    page = client.get(reverse("account-security")).content.decode()
    assert "当前没有有效的接口令牌" in page
    issued = client.post(reverse("account-security"), {"action": "token_issue"}).content.decode()
    key = Token.objects.get(user=person).key
    assert key in issued and "仅显示这一次" in issued
    assert key not in client.get(reverse("account-security")).content.decode()
    assert me(client, key).status_code == 200
    client.post(reverse("account-security"), {"action": "token_revoke"})
    assert me(client, key).status_code == 401


def test_a_session_ends_twelve_hours_after_login_however_active(client):
    person = user_with_role("county", "420202")
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        client.force_login(person)

    def home_at(minutes):
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)):
            return client.get(reverse("home"))

    for minutes in range(20, 12 * 60, 20):  # active every 20 minutes: the idle timeout never strikes
        assert home_at(minutes).status_code == 200, minutes
    response = home_at(12 * 60 + 1)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 60 * 60
