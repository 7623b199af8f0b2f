"""The Content-Security-Policy refuses inline script and style: no page of the portal trips it (issue 13)."""

import pytest
from django.core.management import call_command

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "demo_city": ["/", "/portal/kpi/", "/portal/staff/", "/portal/audit/", "/account/", "/api/docs/",
                  "/pool/review/", "/matching/"],
    "demo_enterprise": ["/", "/account/", "/finance/"],
    "demo_bank": ["/", "/finance/", "/account/"],
}


def violations_on(page, live_server, username):
    found = []
    page.on("console", lambda msg: found.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    page.on("pageerror", lambda error: found.append(f"{page.url}: {error}"))
    login(page, live_server, username)
    for path in PAGES[username]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    return found


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_load_under_the_policy_without_a_violation(live_server, page, username):
    call_command("seed_demo", "--force", verbosity=0)
    assert violations_on(page, live_server, username) == []


def test_the_policy_is_really_enforced(live_server, page):
    """The check above would pass with no policy at all: an inline script is refused and reported."""
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(f"{live_server.url}/login/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__inline_ran = true;"; document.head.appendChild(s); }""")
    assert page.evaluate("window.__inline_ran === undefined")
    assert any("Content Security Policy" in m for m in messages)

