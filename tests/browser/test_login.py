import pytest
from django.core.management import call_command

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_enterprise_logs_in_and_sees_its_home(live_server, page):
    call_command("seed_demo", "--force", verbosity=0)
    login(page, live_server, "demo_enterprise")
    heading = page.locator("h1.home-title")
    assert heading.get_attribute("data-role") == "enterprise"
    assert "企业用户工作台" in heading.inner_text()
    assert "黄石示范智能装备有限公司" in page.content()
