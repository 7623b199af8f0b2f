"""Finding 5: the browsable API's forms listed every organisation of every province to any signed-in user."""

import subprocess
import sys

from django.conf import settings
from rest_framework.test import APIClient

from portal.api.base import scope_related_fields
from tests.factories import OrganisationFactory, user_with_role


def test_a_bank_reading_demands_as_html_sees_no_other_organisation(db):
    bank = user_with_role("bank")
    elsewhere = OrganisationFactory(name="宜昌远方机械有限公司", region_id="420502")
    next_door = OrganisationFactory(name="黄石邻家铸造有限公司", region_id="420203")
    client = APIClient()
    client.force_authenticate(bank)
    response = client.get("/api/matching/demands/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert elsewhere.name not in page and next_door.name not in page


def test_related_choices_of_a_serializer_are_what_the_user_may_see(db):
    from matching.api.serializers import DemandSerializer

    county = user_with_role("county", "420202")
    mine = OrganisationFactory(region_id="420202")
    other = OrganisationFactory(region_id="420502")
    serializer = DemandSerializer()
    scope_related_fields(serializer, county)
    choices = set(serializer.fields["enterprise"].get_queryset().values_list("pk", flat=True))
    assert mine.pk in choices and other.pk not in choices


def test_a_scoped_id_from_another_region_is_refused_on_write(db):
    county = user_with_role("county", "420202")
    other = OrganisationFactory(region_id="420502")
    client = APIClient()
    client.force_authenticate(county)
    response = client.post("/api/matching/demands/", {"enterprise": other.pk, "title": "需求", "description": "说明",
                                                       "industry_chain": "铸造", "cooperation_mode": "any"},
                           format="json")
    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_production_answers_json_only():
    code = ("import django, os; django.setup(); from django.conf import settings; "
            "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])")
    import secrets

    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_SETTINGS_MODULE": "portal.settings",
           "PATH": "/usr/bin:/bin", "PYTHONPATH": str(settings.BASE_DIR)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=settings.BASE_DIR).stdout
    assert "JSONRenderer" in out and "Browsable" not in out
