"""The audit log records logins, failed logins, logouts, account creation and password changes."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import AuditEntry, Region
from portal.services.accounts import staff_account_create

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))


def test_login_and_logout_are_recorded_with_the_address(client, enterprise_user):
    client.post(reverse("login"), {"username": enterprise_user.username, "password": settings.DEMO_PASSWORD},
                REMOTE_ADDR="10.42.0.7")
    client.post(reverse("logout"), REMOTE_ADDR="10.42.0.7")
    assert actions() == [("user.login", enterprise_user.username), ("user.logout", enterprise_user.username)]
    login = AuditEntry.objects.get(action="user.login")
    assert (login.actor, login.ip_address, login.region_id) == (enterprise_user, "10.42.0.7", "420202")


def test_failed_login_is_recorded_with_the_name_typed(client, enterprise_user):
    client.post(reverse("login"), {"username": enterprise_user.username, "password": "Wrong#pass1"})
    client.post(reverse("login"), {"username": "nobody", "password": "Wrong#pass1"})
    assert actions() == [("user.login_failed", enterprise_user.username), ("user.login_failed", "nobody")]
    assert not AuditEntry.objects.filter(actor__isnull=False).exists()


def test_account_creation_is_recorded_against_its_creator(city_user):
    user = staff_account_create(creator=city_user, region=Region.objects.get(code="420202"), username="reviewer1",
                                password="Shen#he2026", full_name="新审核员")
    entry = AuditEntry.objects.get(action="user.created")
    assert (entry.actor, entry.target_id, entry.data) == (city_user, str(user.pk), {"region": "420202"})


def test_password_change_is_recorded(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(reverse("password_change"), {"old_password": settings.DEMO_PASSWORD,
                                             "new_password1": "Neu#Pass2026", "new_password2": "Neu#Pass2026"})
    assert AuditEntry.objects.filter(action="user.password_changed", actor=enterprise_user).count() == 1


def test_refused_password_change_is_not_recorded(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(reverse("password_change"), {"old_password": "Wrong#pass1",
                                             "new_password1": "Neu#Pass2026", "new_password2": "Neu#Pass2026"})
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()


def test_city_reads_the_log_of_its_region_only(client, make_user):
    city = make_user("city", "420200")
    mine, other = make_user("county", "420202"), make_user("county", "420502")
    for user in (mine, other):
        client.force_login(user)
        client.post(reverse("logout"))
    client.force_login(city)
    rows = [e.actor_name for e in client.get(reverse("portal:audit-list")).context["object_list"]]
    assert mine.username in rows and other.username not in rows
