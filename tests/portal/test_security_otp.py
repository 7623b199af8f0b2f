"""Second factor for staff (issue 13, finding 14): TOTP enrolment and verification at login when OTP_REQUIRED is on,
for the API token too; the level above resets a lost device (audited)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEntry
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    return client.get(reverse("home"))


def unthrottle(device) -> None:
    """After a wrong code django-otp makes the next try wait (1 s, then doubling); tests do not sleep."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


def test_off_by_default_in_tests_and_development(client):
    assert settings.OTP_REQUIRED is False
    assert password_login(client, user_with_role("county")).status_code == 200


@pytest.mark.parametrize("role", ["county", "city", "province", "bank", "admin"])
def test_staff_without_a_device_must_enrol_first(client, required, role):
    person = user_with_role(role)
    response = password_login(client, person)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account-otp-setup"))
    page = client.get(reverse("account-otp-setup")).content.decode()
    assert "<svg" in page and 'id="otp-secret"' in page
    assert client.get("/api/me/").status_code == 403  # the API over the session waits too
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert client.post(reverse("account-otp-setup"), {"code": "000000"}).status_code == 200
    unthrottle(device)
    done = client.post(reverse("account-otp-setup"), {"code": code_for(device), "next": "/"})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="user.otp_enrolled", target_id=str(person.pk)).exists()


def test_an_enrolled_reviewer_gives_a_code_at_each_login(client, required):
    person = user_with_role("county")
    device = enrolled(person)
    response = password_login(client, person)
    assert response["Location"].startswith(reverse("account-otp-verify"))
    wrong = client.post(reverse("account-otp-verify"), {"code": "123456"})
    assert "动态码不正确" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(action="user.otp_failed").count() == 1
    unthrottle(device)
    ok = client.post(reverse("account-otp-verify"), {"code": code_for(device), "next": reverse("home")})
    assert ok.status_code == 302 and ok["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_enterprises_are_not_asked(client, required):
    assert password_login(client, user_with_role("enterprise")).status_code == 200


def test_a_staff_api_token_needs_the_code(client, required):
    person = user_with_role("bank")
    device = enrolled(person)
    credentials = {"username": person.username, "password": settings.DEMO_PASSWORD}
    refused = client.post(reverse("api-token"), credentials)
    assert refused.status_code == 400 and "otp_token" in refused.json()
    unthrottle(device)
    issued = client.post(reverse("api-token"), {**credentials, "otp_token": code_for(device)})
    assert issued.status_code == 200 and issued.json()["token"]


def test_the_city_resets_a_county_reviewers_lost_device(client, required):
    reviewer = user_with_role("county", "420202")
    enrolled(reviewer)
    city = user_with_role("city", "420200")
    enrolled(city)
    client.force_login(city)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=city).persistent_id
    session.save()
    page = client.get(reverse("portal:user-detail", args=[reviewer.pk])).content.decode()
    assert "重置两步验证" in page
    client.post(reverse("portal:user-detail", args=[reviewer.pk]), {"action": "otp_reset", "reason": "手机丢失"})
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    entry = AuditEntry.objects.get(action="user.otp_reset")
    assert (entry.actor, entry.target_id, entry.comment) == (city, str(reviewer.pk), "手机丢失")
    client.logout()
    assert password_login(client, reviewer)["Location"].startswith(reverse("account-otp-setup"))


def test_a_county_cannot_reset_a_citys_device(client):
    city = user_with_role("city", "420200")
    enrolled(city)
    client.force_login(user_with_role("county", "420202"))
    client.post(reverse("portal:user-detail", args=[city.pk]), {"action": "otp_reset", "reason": "x"})
    assert TOTPDevice.objects.filter(user=city).exists()


def test_the_secret_is_shown_for_typing(client, required):
    person = user_with_role("province")
    client.force_login(person)
    page = client.get(reverse("account-otp-setup")).content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32
