"""Staff accounts are opened by the level above: a city for its counties, a province for its cities and counties."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import Organisation, Region, User
from portal.services.accounts import staff_account_create

pytestmark = pytest.mark.django_db

PASSWORD = "Shen#he2026"
NOT_YOUR_REGION = "只能为本辖区内的机构创建账号。"
NOT_YOUR_LEVEL = "您无权为该级别的机构创建账号。"


def create(creator, region_code, username="reviewer1"):
    return staff_account_create(creator=creator, region=Region.objects.get(code=region_code), username=username,
                                password=PASSWORD, full_name="新审核员")


@pytest.mark.parametrize(("role", "region", "kind"), [
    ("city", "420202", "county"),        # 黄石市 → 黄石港区
    ("province", "420200", "city"),      # 湖北省 → 黄石市
    ("province", "420502", "county"),    # 湖北省 → 宜昌市西陵区
    ("admin", "420000", "province"),
])
def test_allowed_creations_open_a_login_at_the_regions_bureau(make_user, role, region, kind):
    user = create(make_user(role), region)
    assert (user.role, user.organisation.region_id) == (kind, region)
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("role", "region", "reason"), [
    ("city", "420502", NOT_YOUR_REGION),     # a county of 宜昌市
    ("city", "420200", NOT_YOUR_LEVEL),      # its own city level
    ("city", "420000", NOT_YOUR_LEVEL),
    ("province", "430102", NOT_YOUR_REGION),  # a county of 湖南省
    ("province", "420000", NOT_YOUR_LEVEL),
    ("county", "420202", NOT_YOUR_LEVEL),
    ("county", "420203", NOT_YOUR_LEVEL),
    ("enterprise", "420202", NOT_YOUR_LEVEL),
    ("bank", "420202", NOT_YOUR_LEVEL),
])
def test_refused_creations_say_why_and_write_nothing(make_user, role, region, reason):
    creator = make_user(role)
    with pytest.raises(ValidationError) as error:
        create(creator, region)
    assert error.value.message_dict == {"region": [reason]}
    assert not User.objects.filter(username="reviewer1").exists()


def test_reuses_the_existing_bureau_of_the_county(city_user, make_user):
    existing = make_user("county", "420202").organisation
    assert create(city_user, "420202").organisation == existing
    assert Organisation.objects.filter(kind="county", region_id="420202").count() == 1


def test_username_taken_in_another_case_is_refused(city_user, county_user):
    with pytest.raises(ValidationError) as error:
        create(city_user, "420202", username=county_user.username.upper())
    assert error.value.message_dict == {"username": ["该用户名已被使用。"]}


def form(region, username="reviewer1", password=PASSWORD):
    return {"region": region, "full_name": "新审核员", "username": username, "phone": "", "email": "",
            "password": password}


def test_city_page_offers_only_its_own_counties(client, city_user):
    client.force_login(city_user)
    html = client.get(reverse("portal:staff-create")).content.decode()
    assert 'value="420202"' in html and 'value="420281"' in html
    assert 'value="420502"' not in html and 'value="420200"' not in html


def test_province_page_offers_its_cities_and_counties(client, province_user):
    client.force_login(province_user)
    html = client.get(reverse("portal:staff-create")).content.decode()
    assert 'value="420200"' in html and 'value="420502"' in html
    assert 'value="420000"' not in html and 'value="430100"' not in html


def test_city_creates_a_county_reviewer_through_the_page(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("portal:staff-create"), form("420202"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:staff-list")
    assert "已为 黄石港区市场监督管理局 创建账号 reviewer1。" in response.content.decode()
    assert User.objects.get(username="reviewer1").role == "county"


def test_city_posting_another_citys_county_gets_a_message_on_the_region_field(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("portal:staff-create"), form("420502"))
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert not User.objects.filter(username="reviewer1").exists()


def test_weak_initial_password_is_reported_on_the_password_field(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("portal:staff-create"), form("420202", password="short1A"))
    assert response.context["form"].errors["password"] == ["密码太短，至少需要 8 个字符。"]
    assert 'value="reviewer1"' in response.content.decode()


@pytest.mark.parametrize("role", ["county", "enterprise", "bank", "supplier"])
def test_roles_that_cannot_create_accounts_do_not_see_the_pages(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("portal:staff-create")).status_code == 404
    assert client.post(reverse("portal:staff-create"), form("420202")).status_code == 404
    assert client.get(reverse("portal:staff-list")).status_code == 404
    assert not User.objects.filter(username="reviewer1").exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("portal:staff-create"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
