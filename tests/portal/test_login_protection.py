"""Login protection: lockout per account, password strength, idle timeout, session key rotation."""

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOCKED = "已临时锁定"


def attempt(client, username, password="Wrong#pass1"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_warn_and_count_down(client, enterprise_user):
    for left in (5, 4, 3, 2, 1):
        response = attempt(client, enterprise_user.username)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            f"用户名或密码不正确。再输错 {left} 次，账号将被锁定 15 分钟。"]


def test_sixth_wrong_password_locks_the_account_even_for_the_right_password(client, enterprise_user):
    for _ in range(5):
        attempt(client, enterprise_user.username)
    response = attempt(client, enterprise_user.username)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    response = attempt(client, enterprise_user.username, settings.DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_per_office_ip(client, make_user):
    victim, colleague = make_user("county"), make_user("county")
    for _ in range(6):
        attempt(client, victim.username)
    response = attempt(client, colleague.username, settings.DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


@pytest.mark.parametrize(("minutes_ago", "locked"), [(14, True), (16, False)])
def test_lock_lifts_after_fifteen_minutes(client, enterprise_user, minutes_ago, locked):
    for _ in range(6):
        attempt(client, enterprise_user.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes_ago))
    response = attempt(client, enterprise_user.username, settings.DEMO_PASSWORD)
    assert (response.status_code == 429) is locked
    assert ("_auth_user_id" in client.session) is not locked


def test_successful_login_resets_the_failure_count(client, enterprise_user):
    for _ in range(4):
        attempt(client, enterprise_user.username)
    assert attempt(client, enterprise_user.username, settings.DEMO_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(5):
        response = attempt(client, enterprise_user.username)
    assert response.status_code == 200
    assert "再输错 1 次" in response.content.decode()


@pytest.mark.parametrize(("password", "problem"), [
    ("Ab#12345", None),               # 8 characters, four classes
    ("Ab#1234", "至少需要 8 个字符"),  # 7 characters
    ("abcd#123", None),               # lower, symbol, digit
    ("ABCD#123", None),               # upper, symbol, digit
    ("Abcdefgh", "至少 3 类"),         # upper and lower only
    ("abcd1234", "至少 3 类"),         # lower and digits only
    ("abcd!@#$", "至少 3 类"),         # lower and symbols only
])
def test_password_rules_at_their_boundaries(enterprise_user, password, problem):
    if problem is None:
        validate_password(password, enterprise_user)
    else:
        with pytest.raises(ValidationError) as error:
            validate_password(password, enterprise_user)
        assert any(problem in message for message in error.value.messages)


def test_session_expires_after_thirty_idle_minutes_and_each_request_renews_it(client, enterprise_user):
    client.force_login(enterprise_user)
    start = timezone.now()

    def get_home_at(minutes):
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)):
            return client.get(reverse("home"))

    assert get_home_at(29).status_code == 200
    assert get_home_at(58).status_code == 200  # renewed at minute 29
    response = get_home_at(58 + 31)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_key_is_rotated_at_login(client, enterprise_user):
    anonymous = client.session
    anonymous["seen_login_page"] = True
    anonymous.save()
    old_key = anonymous.session_key
    assert attempt(client, enterprise_user.username, settings.DEMO_PASSWORD).status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_password_change_enforces_rules_and_keeps_the_session(client, enterprise_user):
    client.force_login(enterprise_user)
    weak = {"old_password": settings.DEMO_PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"}
    response = client.post(reverse("password_change"), weak)
    assert any("至少 3 类" in e for e in response.context["form"].errors["new_password2"])
    strong = {"old_password": settings.DEMO_PASSWORD, "new_password1": "Neu#Pass2026", "new_password2": "Neu#Pass2026"}
    response = client.post(reverse("password_change"), strong, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "密码已修改。" in response.content.decode()
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password("Neu#Pass2026")
