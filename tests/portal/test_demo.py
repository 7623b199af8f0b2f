"""``seed_demo``: refuses in production unless forced, can run again, and every demo login reaches its home."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from portal.models import Organisation, Region, User

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "demo_enterprise": "enterprise", "demo_county": "county", "demo_city": "city", "demo_province": "province",
    "demo_bank": "bank", "demo_supplier": "supplier", "demo_admin": "admin",
}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--force", verbosity=0)


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.filter(username__startswith="demo_").exists()


def test_runs_without_force_in_debug_and_again_without_duplicates(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(username__in=DEMO_ROLES).count() == len(DEMO_ROLES)
    before = (Organisation.objects.count(), User.objects.count(), Region.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Organisation.objects.count(), User.objects.count(), Region.objects.count()) == before


def test_demo_world_is_hubei_and_every_demo_login_reaches_its_roles_home(seeded):
    county_bureaus = set(Organisation.objects.filter(kind="county").values_list("region__parent_id", flat=True))
    assert county_bureaus >= {"420200", "420500"}
    enterprise = User.objects.get(username="demo_enterprise").organisation
    assert (enterprise.name, enterprise.region_id) == ("黄石示范智能装备有限公司", "420202")
    assert User.objects.get(username="demo_county").organisation.region.name == "黄石港区"
    assert User.objects.get(username="demo_city").organisation.region_id == "420200"
    assert User.objects.get(username="demo_province").organisation.region_id == "420000"
    for username, role in DEMO_ROLES.items():
        response = Client().post(reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD},
                                 follow=True)
        assert response.redirect_chain[-1][0] == reverse("home"), username
        html = response.content.decode()
        assert f'data-role="{role}"' in html and "您好" in html, username
