"""Personal data (issue 13, finding 14): contact data masked for bureau and bank users in pages, exports and API,
revealed for one record with a reason (audited); enterprises see their own in full."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditEntry
from portal.privacy import mask_email, mask_name, mask_phone
from tests.factories import OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "13812345678", "zhoumin@example.com", "张三丰"


@pytest.mark.parametrize(("value", "masked"), [("13812345678", "138****5678"), ("0714-6200000", "071****0000"),
                                               ("12345", "1****"), ("", "")])
def test_phone_mask(value, masked):
    assert mask_phone(value) == masked


def test_email_and_name_masks():
    assert mask_email("zhoumin@example.com") == "z***@example.com"
    assert mask_name("张三") == "张*" and mask_name("张三丰") == "张**" and mask_name("周") == "周*"


@pytest.fixture
def enterprise():
    organisation = OrganisationFactory(contact_person=NAME, contact_phone=PHONE, region_id="420202")
    person = UserFactory(organisation=organisation, full_name=NAME, phone=PHONE, email=EMAIL)
    return organisation, person


@pytest.mark.parametrize("role", ["county", "city", "province"])
def test_bureaus_see_contact_data_masked_on_pages(client, enterprise, role):
    organisation, person = enterprise
    client.force_login(user_with_role(role))
    for url in (reverse("portal:organisation-list"), reverse("portal:organisation-detail", args=[organisation.pk]),
                reverse("portal:user-detail", args=[person.pk])):
        page = client.get(url).content.decode()
        assert PHONE not in page and NAME not in page and EMAIL not in page, url
    assert "138****5678" in client.get(reverse("portal:organisation-detail", args=[organisation.pk])).content.decode()


def test_bureaus_see_contact_data_masked_in_the_api(client, enterprise):
    organisation, person = enterprise
    client.force_login(user_with_role("county"))
    org = client.get(f"/api/organisations/{organisation.pk}/").json()
    assert (org["contact_person"], org["contact_phone"]) == ("张**", "138****5678")
    user = client.get(f"/api/users/{person.pk}/").json()
    assert (user["full_name"], user["phone"], user["email"]) == ("张**", "138****5678", "z***@example.com")


def test_the_enterprise_sees_its_own_in_full(client, enterprise):
    organisation, person = enterprise
    client.force_login(person)
    assert client.get("/api/me/").json()["phone"] == PHONE
    org = client.get(f"/api/organisations/{organisation.pk}/").json()
    assert org["contact_phone"] == PHONE and org["contact_person"] == NAME


def test_a_reveal_with_a_reason_shows_one_record_in_full_and_is_audited(client, enterprise):
    organisation, _person = enterprise
    other = OrganisationFactory(contact_person="李四", contact_phone="13987654321", region_id="420202")
    reviewer = user_with_role("county")
    client.force_login(reviewer)
    detail = reverse("portal:organisation-detail", args=[organisation.pk])
    assert "查看完整联系方式" in client.get(detail).content.decode()
    refused = client.post(reverse("personal-data-reveal"), {"kind": "organisation", "pk": organisation.pk,
                                                            "reason": "", "next": detail}, follow=True)
    assert "请填写查看完整联系方式的原因" in refused.content.decode() and PHONE not in refused.content.decode()
    shown = client.post(reverse("personal-data-reveal"), {"kind": "organisation", "pk": organisation.pk,
                                                          "reason": "电话核实申报材料", "next": detail}, follow=True)
    assert PHONE in shown.content.decode() and NAME in shown.content.decode()
    assert "13987654321" not in client.get(reverse("portal:organisation-list")).content.decode()  # only that one
    entry = AuditEntry.objects.get(action="personal_data.revealed")
    assert (entry.actor, entry.target_id, entry.comment) == (reviewer, str(organisation.pk), "电话核实申报材料")
    assert other.pk  # the other organisation stays masked


def test_the_api_reveals_one_record_with_a_reason(client, enterprise):
    organisation, _ = enterprise
    client.force_login(user_with_role("city"))
    url = reverse("api-personal-data-reveal")
    assert client.post(url, {"kind": "organisation", "id": organisation.pk}).status_code == 400  # no reason
    response = client.post(url, {"kind": "organisation", "id": organisation.pk, "reason": "核实联系人"})
    assert response.status_code == 200
    assert response.json() == {"contact_person": NAME, "contact_phone": PHONE}
    assert AuditEntry.objects.filter(action="personal_data.revealed", target_id=str(organisation.pk)).exists()


def test_nothing_out_of_scope_can_be_revealed(client, enterprise):
    organisation, _ = enterprise
    client.force_login(user_with_role("county", "420203"))  # the county next door
    url = reverse("api-personal-data-reveal")
    assert client.post(url, {"kind": "organisation", "id": organisation.pk, "reason": "好奇"}).status_code == 404
    page = client.post(reverse("personal-data-reveal"), {"kind": "organisation", "pk": organisation.pk,
                                                         "reason": "好奇"})
    assert page.status_code == 404
    assert not AuditEntry.objects.filter(action="personal_data.revealed").exists()


def test_the_banks_whitelist_masks_contacts_in_page_api_and_excel(client, shipped):
    from tests.finance.helpers import bank as partner_bank
    from tests.finance.helpers import listed, member, publish
    from tests.pool.helpers import make_batch

    bank = partner_bank("湖北测试银行黄石分行")
    city = user_with_role("city", "420200")
    enterprise = member(batch=make_batch(name="入库批次"), name="联系人测试有限公司", contact_person=NAME,
                        contact_phone=PHONE)
    listed(enterprise)
    publication = publish(city, [bank])
    client.force_login(bank)
    page = client.get(reverse("finance:publication-detail", args=[publication.pk])).content.decode()
    assert PHONE not in page and "138****5678" in page
    rows = client.get(f"/api/finance/publications/{publication.pk}/entries/")
    assert rows.status_code == 200
    assert [(r["contact_person"], r["contact_phone"]) for r in rows.json()["results"]] == [("张**", "138****5678")]
    response = client.get(f"/finance/publications/{publication.pk}/excel/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["授信企业白名单"]
    assert [c.value for c in sheet[2]][10:12] == ["张**", "138****5678"]
