"""The session expires in the middle of filling the form: the person is told in Chinese to sign in again, signs
in, and finds every value typed — by autosave and by 保存草稿 alike."""

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command

from pool.demo import DEMO_BATCH
from pool.models import Application
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_draft(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_enterprise")
    page.get_by_role("button", name="开始申报").first.click()
    page.wait_for_selector("#application-form")


def _saved(page):
    page.wait_for_function("() => document.getElementById('save-state').textContent.includes('草稿已自动保存')"
                           " && !window.poolApplicationForm.pending()", timeout=20_000)


def _draft():
    return Application.objects.get(batch__name=DEMO_BATCH, enterprise__users__username="demo_enterprise")


def _sign_in_here(page):
    page.get_by_label("用户名").fill("demo_enterprise")
    page.get_by_label("密码").fill("Peiyu#2026")
    page.get_by_role("button", name="登录").click()


def test_autosave_after_expiry_says_so_and_saves_after_signing_in_again(live_server, page):
    _open_draft(live_server, page)
    page.fill("#f-identity-employees", "180")
    _saved(page)
    Session.objects.all().delete()  # the 30 idle minutes have passed
    page.fill("#f-identity-total_assets", "60000000")
    page.wait_for_selector("#relogin-link", timeout=20_000)
    state = page.inner_text("#save-state")
    assert "登录已超时" in state and "不会丢失" in state and "网络异常" not in state
    page.click("#relogin-link")
    _sign_in_here(page)  # back to the form, where what was typed is put back and saved
    page.wait_for_selector("#application-form")
    _saved(page)
    assert page.input_value("#f-identity-total_assets") == "60000000"
    identity = _draft().data["identity"]
    assert (identity["employees"], identity["total_assets"]) == ("180", "60000000")


def test_save_draft_after_expiry_loses_nothing(live_server, page):
    _open_draft(live_server, page)
    Session.objects.all().delete()
    page.evaluate("() => { document.getElementById('f-identity-industry_code').value = 'C3832'; }")
    page.fill("#f-identity-employees", "200")
    page.click("#save-draft")  # the whole form posts, and the login page answers
    page.wait_for_selector("text=登录")
    _sign_in_here(page)
    page.wait_for_selector("#application-form")
    _saved(page)
    assert page.input_value("#f-identity-employees") == "200"
    identity = _draft().data["identity"]
    assert (identity["employees"], identity["industry_code"]) == ("200", "C3832")
