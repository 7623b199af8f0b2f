"""A county reviewer enrols an authenticator at the first login when the second factor is required (issue 13)."""

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_login_enrols_with_the_qr_code_and_reaches_home(live_server, page, settings):
    settings.OTP_REQUIRED = True
    call_command("seed_demo", "--force", verbosity=0)
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, live_server, "demo_county")
    assert "/account/otp/setup/" in page.url
    assert page.locator(".otp-qr svg").is_visible()
    device = TOTPDevice.objects.get(user__username="demo_county", confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("动态码").fill(f"{code:06d}")
    page.get_by_role("button", name="启用").click()
    page.wait_for_selector("h1.home-title")
    assert page.locator("h1.home-title").get_attribute("data-role") == "county"
    assert refused == []
