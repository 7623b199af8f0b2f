"""Putting both sides of a match in touch: contact details appear only once both agreed (or a bureau brokered)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import Match
from matching.services.introductions import (
    counterpart_contact,
    introduction_accept,
    introduction_broker,
    introduction_request,
)
from portal.models import AuditEntry
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    enterprise, supplier = user_with_role("enterprise", "420202"), user_with_role("supplier", "420200")
    for user, person, phone in ((enterprise, "王会计", "13800001111"), (supplier, "李老师", "02788886666")):
        user.organisation.contact_person, user.organisation.contact_phone = person, phone
        user.organisation.save()
    match = Match.objects.create(demand=DemandFactory(enterprise=enterprise.organisation),
                                 patent=SupplyPatentFactory(supplier=supplier.organisation), score=0.6, rank=1)
    return {"enterprise": enterprise, "supplier": supplier, "match": match}


def test_contacts_appear_only_after_the_other_side_agrees(client, pair):
    enterprise, supplier, match = pair["enterprise"], pair["supplier"], pair["match"]
    url = reverse("matching:match-detail", args=[match.pk])
    client.force_login(enterprise)
    assert "13800001111" not in client.get(url).content.decode()
    client.post(reverse("matching:match-introduction", args=[match.pk, "request"]))
    assert "02788886666" not in client.get(url).content.decode()
    with pytest.raises(PermissionDenied):
        introduction_accept(match=match, actor=enterprise)  # the asking side cannot agree for the other
    client.force_login(supplier)
    client.post(reverse("matching:match-introduction", args=[match.pk, "accept"]))
    assert "王会计" in client.get(url).content.decode() and "13800001111" in client.get(url).content.decode()
    client.force_login(enterprise)
    page = client.get(url).content.decode()
    assert "李老师" in page and "02788886666" in page
    actions = AuditEntry.objects.filter(target_type="matching.match", target_id=str(match.pk)).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["match.introduction_requested",
                                                             "match.introduction_accepted"]


def test_a_bureau_of_the_region_brokers_it_and_sees_no_phone_itself(pair):
    match = pair["match"]
    with pytest.raises(PermissionDenied):
        introduction_broker(match=match, actor=user_with_role("county", "420502"))  # another county
    county = user_with_role("county", "420202")
    introduction_broker(match=match, actor=county)
    match.refresh_from_db()
    assert match.introduction_brokered and match.introduced_by == county
    assert counterpart_contact(county, match) is None
    assert counterpart_contact(pair["enterprise"], match)["phone"] == "02788886666"
    with pytest.raises(ValidationError, match="双方已对接"):
        introduction_broker(match=match, actor=county)


def test_no_one_else_may_ask(pair):
    with pytest.raises(PermissionDenied):
        introduction_request(match=pair["match"], actor=user_with_role("enterprise", "420202"))
