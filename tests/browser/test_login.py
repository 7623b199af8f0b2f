from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.browser_support import login
from tests.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_enterprise_logs_in_and_sees_its_home(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_enterprise")
    heading = page.locator("h1.home-title")
    assert heading.get_attribute("data-role") == "enterprise"
    assert "企业用户工作台" in heading.inner_text()
    assert "黄石示范智能装备有限公司" in page.content()


def test_login_works_from_the_keyboard_with_a_visible_focus(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.querySelector('a[href], button, input:not([type=hidden])').textContent") == "跳到正文"
    assert page.evaluate("document.activeElement.id") == "id_username"  # the form has the focus on arrival
    page.keyboard.type("demo_county")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.type("Peiyu#2026")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1.home-title")
    assert page.locator("h1.home-title").get_attribute("data-role") == "county"


def test_registration_with_a_wrong_check_digit_keeps_what_was_typed(live_server, page):
    uscc = make_uscc(501)
    wrong = uscc[:-1] + ("1" if uscc[-1] != "1" else "2")
    page.goto(f"{live_server.url}/register/")
    page.get_by_label("企业名称").fill("黄石新材料科技有限公司")
    page.get_by_label("统一社会信用代码").fill(wrong)
    page.get_by_label("注册地（县、市、区）").select_option("420202")
    page.get_by_label("联系人").fill("周敏")
    page.get_by_label("联系电话").fill("13907145678")
    page.get_by_label("登录用户名").fill("hsxcl")
    page.get_by_label("密码", exact=True).fill("Qiye#2026x")
    page.get_by_label("确认密码").fill("Qiye#2026x")
    page.get_by_role("button", name="注册").click()
    page.wait_for_selector(".has-error")
    uscc_field = page.get_by_label("统一社会信用代码")
    assert uscc_field.get_attribute("aria-invalid") == "true"
    assert "校验位不正确" in page.locator("#id_uscc_error").inner_text()
    assert uscc_field.input_value() == wrong
    assert page.get_by_label("企业名称").input_value() == "黄石新材料科技有限公司"
    assert page.get_by_label("注册地（县、市、区）").input_value() == "420202"
    assert page.get_by_label("联系电话").input_value() == "13907145678"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_api_docs_render_without_any_outside_request(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_city")
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "培育库 API" in page.locator(".swagger-ui .info .title").inner_text()
    assert hosts == {urlparse(live_server.url).netloc}
