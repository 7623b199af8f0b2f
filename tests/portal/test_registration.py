"""Enterprises register themselves; bad input gets a Chinese message at the field and nothing typed is lost."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry, Organisation, User
from tests.factories import OrganisationFactory, make_uscc

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye#2026x"


def form_data(**overrides) -> dict:
    data = {
        "name": "黄石新材料科技有限公司", "uscc": make_uscc(77), "region": "420202", "contact_person": "周敏",
        "contact_phone": "13907145678", "email": "zhoumin@example.cn", "username": "hsxcl",
        "password1": PASSWORD, "password2": PASSWORD,
    }
    return {**data, **overrides}


def wrong_check_digit(uscc: str) -> str:
    return uscc[:-1] + ("1" if uscc[-1] != "1" else "2")


def assert_typed_values_kept(html: str, data: dict) -> None:
    for field in ("name", "contact_person", "contact_phone", "email", "username"):
        assert f'value="{data[field]}"' in html, field
    assert '<option value="420202" selected>' in html
    assert PASSWORD not in html


def test_valid_registration_creates_enterprise_logs_in_and_audits(client):
    response = client.post(reverse("register"), form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].username == "hsxcl"
    organisation = Organisation.objects.get(uscc=make_uscc(77))
    assert (organisation.kind, organisation.region_id, organisation.contact_person) == ("enterprise", "420202", "周敏")
    assert AuditEntry.objects.filter(action="organisation.registered", target_id=str(organisation.pk)).exists()


def test_wrong_check_digit_is_reported_on_the_uscc_field_and_keeps_typed_values(client):
    data = form_data(uscc=wrong_check_digit(make_uscc(77)))
    response = client.post(reverse("register"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == ["统一社会信用代码校验位不正确，请核对后重新输入。"]
    html = response.content.decode()
    assert_typed_values_kept(html, data)
    assert f'value="{data["uscc"]}"' in html
    assert not User.objects.filter(username="hsxcl").exists()


def test_duplicate_uscc_is_reported_on_the_uscc_field_and_keeps_typed_values(client):
    OrganisationFactory(uscc=make_uscc(77))
    data = form_data()
    response = client.post(reverse("register"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == [
        "该统一社会信用代码已注册，请直接登录或联系所在县（区）市场监管局。"]
    assert_typed_values_kept(response.content.decode(), data)
    assert not User.objects.filter(username="hsxcl").exists()
    assert Organisation.objects.filter(uscc=make_uscc(77)).count() == 1


def test_uscc_typed_with_spaces_and_lower_case_is_accepted_in_its_compact_form(client):
    uscc = make_uscc(78)
    typed = f"{uscc[:6].lower()} {uscc[6:]}"
    client.post(reverse("register"), form_data(uscc=typed))
    assert Organisation.objects.filter(uscc=uscc).exists()


@pytest.mark.parametrize(("uscc", "message"), [
    ("91420202MA49DEMX", "统一社会信用代码应为 18 位。"),
    ("91420202MA49DEMXO1", "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。"),
])
def test_malformed_uscc_names_the_problem(client, uscc, message):
    response = client.post(reverse("register"), form_data(uscc=uscc))
    assert message in response.context["form"].errors["uscc"]


def test_duplicate_username_is_reported_on_the_username_field(client, enterprise_user):
    data = form_data(username=enterprise_user.username.upper())
    response = client.post(reverse("register"), data)
    assert response.context["form"].errors["username"] == ["该用户名已被使用。"]
    assert not Organisation.objects.filter(uscc=data["uscc"]).exists()


def test_weak_password_is_reported_and_nothing_is_written(client):
    response = client.post(reverse("register"), form_data(password1="abcdefgh", password2="abcdefgh"))
    assert response.status_code == 200
    assert any("至少 3 类" in e for e in response.context["form"].errors["password1"])
    assert not Organisation.objects.filter(uscc=make_uscc(77)).exists()


def test_mismatched_passwords_are_reported_on_the_confirmation(client):
    response = client.post(reverse("register"), form_data(password2=PASSWORD + "1"))
    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致。"]


def test_bad_phone_and_missing_county_are_reported_in_chinese(client):
    response = client.post(reverse("register"), form_data(contact_phone="12345", region=""))
    errors = response.context["form"].errors
    assert errors["contact_phone"] == ["请输入 11 位手机号或带区号的固定电话（如 0714-6222222）。"]
    assert errors["region"] == ["该字段是必填项。"]


def test_registration_offers_only_counties_of_the_portal_province(client):
    html = client.get(reverse("register")).content.decode()
    assert '<optgroup label="黄石市">' in html and 'value="420202"' in html
    assert 'value="420200"' not in html  # a city is not a place of registration
    assert 'value="110101"' not in html  # Beijing is another province
