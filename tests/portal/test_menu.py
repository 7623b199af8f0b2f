"""The menu bar groups each role's destinations, so a bureau's menu fits one line at 1366 pixels."""

import pytest
from django.core.management import call_command

from portal.models import User
from portal.navigation import nav_items_for, nav_menu_for
from tests.browser_support import login

pytestmark = pytest.mark.django_db
ROLES = ("demo_enterprise", "demo_county", "demo_city", "demo_province", "demo_bank", "demo_supplier")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("username", ROLES)
def test_every_destination_is_in_the_menu_once_under_few_headings(demo, username):
    user = User.objects.get(username=username)
    menu = nav_menu_for(user, "/")
    assert len(menu) <= 8, [entry["label"] for entry in menu]
    in_menu = [item["url"] for entry in menu for item in (entry["items"] or [entry])]
    assert sorted(set(in_menu)) == sorted({item["url"] for item in nav_items_for(user)})
    assert len(in_menu) == len(set(in_menu))


def test_the_current_page_marks_its_group(demo):
    city = User.objects.get(username="demo_city")
    menu = nav_menu_for(city, "/pool/ledger/")
    group = next(entry for entry in menu if entry["label"] == "培育库")
    assert group["current"] and [i["label"] for i in group["items"] if i["current"]] == ["增补名额台账"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["demo_city", "demo_province"])
def test_the_menu_is_one_line_at_1366_and_opens_from_the_keyboard(demo, live_server, page, username):
    login(page, live_server, username)
    bar = page.locator(".mainnav")
    assert bar.bounding_box()["height"] < 50  # one row of entries
    page.locator(".mainnav summary", has_text="培育库").focus()
    page.keyboard.press("Enter")
    assert page.locator(".mainnav .submenu a", has_text="增补名额台账").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator(".mainnav .submenu a", has_text="增补名额台账").is_visible()
