"""Lock-out as a weapon (issue 13, finding 7): per account *and* address, a throttle per address, the level above
unlocks, the owner is told."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.models import AuditEntry, Notification
from portal.services.accounts import account_locked
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ATTACKER, OFFICE = "203.0.113.66", "10.1.2.3"


def attempt(client, username, password="Wrong#pass1", ip=ATTACKER):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_sprayer_elsewhere_cannot_lock_the_province_out_of_its_office(client):
    victim = user_with_role("province", "420000", username="demo_province_x")
    for _ in range(6):
        attempt(client, victim.username)
    assert attempt(client, victim.username, settings.DEMO_PASSWORD).status_code == 429  # from the attacker: locked
    response = attempt(client, victim.username, settings.DEMO_PASSWORD, ip=OFFICE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_fifteen_usernames_sprayed_from_one_address_are_refused(client):
    people = [user_with_role("county", "420202") for _ in range(15)]
    statuses = []
    for password in ("Spring#2026", "Summer#2026"):
        for person in people:
            statuses.append(attempt(client, person.username, password).status_code)
    assert statuses[:settings.LOGIN_ADDRESS_FAILURE_LIMIT] == [200] * settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert set(statuses[settings.LOGIN_ADDRESS_FAILURE_LIMIT:]) == {429}
    # Even the right password is refused from that address now, with a page that names the address, not the account.
    refused = attempt(client, people[0].username, settings.DEMO_PASSWORD)
    assert refused.status_code == 429 and "登录尝试过多" in refused.content.decode()
    # Nobody's account is locked: from the office they log in.
    assert attempt(client, people[0].username, settings.DEMO_PASSWORD, ip=OFFICE).status_code == 302


def test_the_api_token_endpoint_applies_the_address_throttle(client):
    person = user_with_role("county", "420202")
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"ghost{n}")
    response = client.post(reverse("api-token"), {"username": person.username, "password": settings.DEMO_PASSWORD},
                           REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429


def test_the_owner_is_told_once_in_the_portal_and_by_mail(client, django_capture_on_commit_callbacks):
    owner = user_with_role("county", "420202", email="owner@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(8):
            attempt(client, owner.username)
    notes = Notification.objects.filter(recipient=owner, verb="account.locked")
    assert notes.count() == 1
    assert ATTACKER in notes.get().body and "临时锁定" in notes.get().title
    assert [m.to for m in mail.outbox] == [["owner@example.gov.cn"]]
    entry = AuditEntry.objects.get(action="user.locked")
    assert entry.target_id == str(owner.pk) and entry.ip_address == ATTACKER


def test_the_level_above_unlocks_from_every_address(client):
    reviewer = user_with_role("county", "420202")
    for ip in (ATTACKER, "198.51.100.1"):
        for _ in range(6):
            attempt(client, reviewer.username, ip=ip)
    assert account_locked(reviewer)
    client.force_login(user_with_role("city", "420200"))
    client.post(reverse("portal:user-detail", args=[reviewer.pk]), {"reason": "已电话核实"})
    assert not account_locked(reviewer)
    client.logout()
    assert attempt(client, reviewer.username, settings.DEMO_PASSWORD).status_code == 302


def test_the_county_cannot_unlock_a_city_account(client):
    city = user_with_role("city", "420200")
    for _ in range(6):
        attempt(client, city.username)
    client.force_login(user_with_role("county", "420202"))
    client.post(reverse("portal:user-detail", args=[city.pk]), {"reason": "x"})
    assert account_locked(city)
