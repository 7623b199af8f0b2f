import pytest
from django.urls import reverse

from portal.models import Organisation, User
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_county_sees_own_county_only():
    reviewer = user_with_role("county", "420202")
    mine = OrganisationFactory(region_id="420202")
    other = OrganisationFactory(region_id="420203")
    visible = set(Organisation.objects.visible_to(reviewer))
    assert mine in visible and other not in visible


def test_city_sees_its_counties_not_another_city():
    city = user_with_role("city", "420200")
    huangshi = OrganisationFactory(region_id="420281")
    yichang = OrganisationFactory(region_id="420502")
    visible = set(Organisation.objects.visible_to(city))
    assert huangshi in visible and yichang not in visible


def test_enterprise_sees_only_itself():
    user = user_with_role("enterprise")
    neighbour = OrganisationFactory(region_id="420202")
    assert list(Organisation.objects.visible_to(user)) == [user.organisation]
    assert neighbour not in Organisation.objects.visible_to(user)


def test_county_gets_404_for_other_county_organisation_and_user(client):
    reviewer = user_with_role("county", "420202")
    stranger = user_with_role("enterprise", "420203")
    client.force_login(reviewer)
    assert client.get(reverse("portal:organisation-detail", args=[stranger.organisation_id])).status_code == 404
    assert client.get(reverse("portal:user-detail", args=[stranger.pk])).status_code == 404
    assert client.get(f"/api/organisations/{stranger.organisation_id}/").status_code == 404
    assert client.get(f"/api/users/{stranger.pk}/").status_code == 404
    neighbour = user_with_role("enterprise", "420202")
    assert client.get(reverse("portal:user-detail", args=[neighbour.pk])).status_code == 200


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    OrganisationFactory()
    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    assert not User.objects.visible_to(AnonymousUser()).exists()
