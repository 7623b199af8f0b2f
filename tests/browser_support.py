"""Real headless Chromium (Debian's ``chromium``) driven by Playwright's Python package.

Use the ``page`` fixture together with ``live_server``; ``login(page, live_server, username)`` signs in a demo
or factory user with the demo password.
"""

import os
import shutil

import pytest
from django.conf import settings

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: run `bash scripts/system_deps.sh` as root", pytrace=False)
    return path


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, username: str, password: str | None = None) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def menu(page, label: str) -> None:
    """Go to a menu destination as a person does: open the group it sits in (if any), then follow the link. (A closed
    group's links are out of the accessibility tree, so they are found by their text.)"""
    navigation = page.get_by_role("navigation", name="主导航")
    link = f"a:text-is('{label}')"
    group = navigation.locator("details").filter(has=page.locator(link))
    if group.count() and group.first.get_attribute("open") is None:
        group.first.locator("summary").click()
    navigation.locator(link).first.click()
