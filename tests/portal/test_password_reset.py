"""忘记密码 by e-mail with a one-time, expiring link; the level above lifts a lock-out of an account in its region."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.models import AuditEntry
from portal.services.accounts import account_locked
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
NEW = "Neu#Passwort2026"


def _lock(client, user):
    for _ in range(6):
        client.post(reverse("login"), {"username": user.username, "password": "Wrong#pass1"})


def _reset_link(client, email) -> str:
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    return re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)


def test_the_login_page_offers_it(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_a_locked_out_person_resets_by_mail_logs_in_and_the_link_works_once(client):
    person = user_with_role("county", "420202", email="reviewer@example.gov.cn")
    _lock(client, person)
    assert account_locked(person)
    link = _reset_link(client, "reviewer@example.gov.cn")
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert not account_locked(person)
    login = client.post(reverse("login"), {"username": person.username, "password": NEW})
    assert login.status_code == 302
    client.logout()
    again = client.get(link, follow=True)
    assert "该链接已失效" in again.content.decode()
    assert AuditEntry.objects.filter(action="user.password_reset", target_id=str(person.pk)).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_link_expires(client, settings):
    user_with_role("enterprise", email="clerk@example.com")
    link = _reset_link(client, "clerk@example.com")
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert "该链接已失效" in client.get(link, follow=True).content.decode()


def test_the_city_unlocks_a_county_reviewer_of_its_own_region_only(client):
    reviewer = user_with_role("county", "420202")
    _lock(client, reviewer)
    stranger = user_with_role("city", "420500")  # 宜昌
    client.force_login(stranger)
    assert client.get(reverse("portal:user-detail", args=[reviewer.pk])).status_code == 404
    city = user_with_role("city", "420200")
    client.force_login(city)
    page = client.get(reverse("portal:user-detail", args=[reviewer.pk])).content.decode()
    assert "已锁定" in page and "解除锁定" in page
    client.post(reverse("portal:user-detail", args=[reviewer.pk]), {"reason": "已电话核实本人"})
    assert not account_locked(reviewer)
    entry = AuditEntry.objects.get(action="user.unlocked")
    assert entry.target_id == str(reviewer.pk) and entry.comment == "已电话核实本人"
    client.logout()
    ok = client.post(reverse("login"), {"username": reviewer.username, "password": settings.DEMO_PASSWORD})
    assert ok.status_code == 302
