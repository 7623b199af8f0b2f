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


def detail_urls(organisation, user):
    return [
        reverse("portal:organisation-detail", args=[organisation.pk]),
        reverse("portal:user-detail", args=[user.pk]),
        f"/api/organisations/{organisation.pk}/",
        f"/api/users/{user.pk}/",
    ]


@pytest.mark.parametrize(("viewer_role", "viewer_region", "target_region", "visible"), [
    ("county", "420202", "420202", True),
    ("county", "420202", "420203", False),   # the neighbouring county of the same city
    ("county", "420202", "420502", False),   # a county of another city
    ("city", "420200", "420281", True),
    ("city", "420200", "420502", False),
    ("province", "420000", "420502", True),
    ("province", "420000", "430102", False),  # another province
    ("bank", "420200", "420202", False),
    ("supplier", "420200", "420202", False),
    ("enterprise", "420202", "420202", False),
])
def test_pages_and_api_answer_404_outside_scope(client, viewer_role, viewer_region, target_region, visible):
    client.force_login(user_with_role(viewer_role, viewer_region))
    target = user_with_role("enterprise", target_region)
    for url in detail_urls(target.organisation, target):
        assert client.get(url).status_code == (200 if visible else 404), url


@pytest.mark.parametrize("role", ["enterprise", "bank", "supplier", "county"])
def test_owner_sees_its_own_organisation_and_colleagues(client, role):
    user = user_with_role(role)
    colleague = user_with_role("enterprise")
    colleague.organisation = user.organisation
    colleague.save()
    client.force_login(user)
    for url in detail_urls(user.organisation, colleague):
        assert client.get(url).status_code == 200, url


def test_lists_hold_only_what_is_in_scope(client):
    reviewer = user_with_role("county", "420202")
    mine = OrganisationFactory(region_id="420202", name="本县企业")
    other = OrganisationFactory(region_id="420203", name="邻县企业")
    client.force_login(reviewer)
    page = {o.pk for o in client.get(reverse("portal:organisation-list")).context["object_list"]}
    api = {row["id"] for row in client.get("/api/organisations/").json()["results"]}
    assert mine.pk in page and mine.pk in api
    assert other.pk not in page and other.pk not in api
    assert {row["id"] for row in client.get("/api/users/").json()["results"]} <= set(
        User.objects.filter(organisation__region_id="420202").values_list("pk", flat=True))


def test_list_filter_cannot_widen_the_scope(client):
    reviewer = user_with_role("county", "420202")
    yichang = OrganisationFactory(region_id="420502")
    client.force_login(reviewer)
    rows = client.get("/api/organisations/", {"region": "42"}).json()["results"]
    assert rows and all(row["region"] == "420202" for row in rows)
    page = client.get(reverse("portal:organisation-list"), {"region": "42"}).context["object_list"]
    assert yichang not in page


def test_inactive_user_sees_nothing():
    user = user_with_role("province")
    user.is_active = False
    assert not Organisation.objects.visible_to(user).exists()
