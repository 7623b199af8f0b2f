"""Follow-up of a match and the deal it ends in."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from matching.choices import MatchStatus
from matching.models import Deal, Match
from matching.services.follow_up import (
    available_transitions,
    deal_record,
    deal_update_received,
    match_contact,
    match_drop,
    match_negotiate,
    match_transition,
)
from portal.models import AuditEntry, Notification
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(db):
    enterprise, supplier = user_with_role("enterprise", "420202"), user_with_role("supplier", "420200")
    demand = DemandFactory(enterprise=enterprise.organisation)
    patent = SupplyPatentFactory(supplier=supplier.organisation)
    match = Match.objects.create(demand=demand, patent=patent, score=0.6, rank=1, patent_rank=1,
                                 explanation={"matched_terms": ["气孔"]})
    return {"enterprise": enterprise, "supplier": supplier, "match": match}


def negotiate(parties):
    match_contact(match=parties["match"], actor=parties["enterprise"])
    return match_negotiate(match=parties["match"], actor=parties["supplier"])


def record(parties, **changes):
    data = {"mode": "licence", "contract_amount": Decimal("150000"), "amount_received": Decimal("50000"),
            "signed_on": date(2025, 3, 1), **changes}
    return deal_record(match=parties["match"], actor=parties["enterprise"], **data)


def test_match_moves_through_the_workflow_to_a_deal(parties, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        match = match_contact(match=parties["match"], actor=parties["enterprise"])
    assert match.status == MatchStatus.CONTACTED and match.status_changed_at is not None
    assert Notification.objects.filter(recipient=parties["supplier"], title__contains="已联系").exists()
    assert match_negotiate(match=match, actor=parties["supplier"]).status == MatchStatus.NEGOTIATING
    deal = record(parties)
    parties["match"].refresh_from_db()
    assert parties["match"].status == MatchStatus.DEAL and deal.match == parties["match"]
    actions = list(AuditEntry.objects.filter(target_type="matching.match").values_list("action", flat=True))
    assert {"match.contacted", "match.negotiating", "match.deal"} <= set(actions)
    assert AuditEntry.objects.filter(action="deal.recorded").exists()


def test_a_step_cannot_be_skipped(parties):
    with pytest.raises(ValidationError, match="不能变更为“洽谈中”"):
        match_negotiate(match=parties["match"], actor=parties["enterprise"])
    with pytest.raises(ValidationError, match="不能变更为“已成交”"):
        record(parties)
    assert not Deal.objects.exists()


def test_deal_status_only_through_the_deal_form(parties):
    negotiate(parties)
    with pytest.raises(ValidationError, match="成交登记表"):
        match_transition(match=parties["match"], actor=parties["enterprise"], to=MatchStatus.DEAL)


def test_dropped_is_final(parties):
    match_drop(match=parties["match"], actor=parties["supplier"])
    parties["match"].refresh_from_db()
    assert available_transitions(parties["enterprise"], parties["match"]) == []
    with pytest.raises(ValidationError):
        match_contact(match=parties["match"], actor=parties["enterprise"])


def test_province_and_strangers_cannot_follow_up(parties):
    with pytest.raises(PermissionDenied, match="角色"):
        match_contact(match=parties["match"], actor=user_with_role("province", "420000"))
    with pytest.raises(PermissionDenied, match="当事方"):
        match_contact(match=parties["match"], actor=user_with_role("supplier", "420500"))


def test_county_staff_may_follow_up_for_their_county(parties):
    assert match_contact(match=parties["match"], actor=user_with_role("county", "420202")).status == "contacted"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"amount_received": Decimal("150000.01")}, "amount_received", "不能超过合同金额"),
    ({"amount_received": Decimal("-1")}, "amount_received", "不能为负数"),
    ({"contract_amount": Decimal("0")}, "contract_amount", "须大于 0"),
    ({"signed_on": timezone.localdate() + timedelta(days=1)}, "signed_on", "不能晚于今天"),
])
def test_deal_amounts_and_date_are_checked(parties, changes, field, message):
    negotiate(parties)
    with pytest.raises(ValidationError) as caught:
        record(parties, **changes)
    assert message in caught.value.message_dict[field][0]
    parties["match"].refresh_from_db()
    assert parties["match"].status == MatchStatus.NEGOTIATING and not Deal.objects.exists()


def test_received_amount_grows_up_to_the_contract(parties):
    negotiate(parties)
    deal = record(parties)
    deal = deal_update_received(deal=deal, actor=parties["supplier"], amount_received=Decimal("150000"))
    assert deal.amount_received == Decimal("150000")
    with pytest.raises(ValidationError):
        deal_update_received(deal=deal, actor=parties["supplier"], amount_received=Decimal("150001"))


def test_buttons_on_the_page_move_the_match(client, parties):
    client.force_login(parties["supplier"])
    url = reverse("matching:match-detail", args=[parties["match"].pk])
    assert "标记已联系" in client.get(url).content.decode()
    response = client.post(reverse("matching:match-move", args=[parties["match"].pk, "contacted"]))
    assert response.status_code == 302
    parties["match"].refresh_from_db()
    assert parties["match"].status == MatchStatus.CONTACTED
    response = client.post(reverse("matching:match-move", args=[parties["match"].pk, "deal"]), follow=True)
    assert "成交登记表" in response.content.decode()


def test_deal_form_shows_errors_at_the_field(client, parties):
    negotiate(parties)
    client.force_login(parties["enterprise"])
    response = client.post(reverse("matching:deal-create", args=[parties["match"].pk]), {
        "mode": "licence", "contract_amount": "100000", "amount_received": "200000", "signed_on": "2025-03-01"})
    assert response.status_code == 200 and "已到账金额不能超过合同金额" in response.content.decode()
    response = client.post(reverse("matching:deal-create", args=[parties["match"].pk]), {
        "mode": "licence", "contract_amount": "100000", "amount_received": "20000", "signed_on": "2025-03-01"})
    assert response.status_code == 302 and Deal.objects.get().contract_amount == Decimal("100000")


def test_api_transition_and_deal(client, parties):
    client.force_login(parties["enterprise"])
    base = f"/api/matching/matches/{parties['match'].pk}"
    skipped = client.post(f"{base}/transition/", {"to": "negotiating"}, content_type="application/json")
    assert skipped.status_code == 400 and "不能变更为" in skipped.json()[0]
    assert client.post(f"{base}/transition/", {"to": "contacted"}, content_type="application/json"
                       ).json()["status"] == "contacted"
    client.post(f"{base}/transition/", {"to": "negotiating"}, content_type="application/json")
    bad = client.post(f"{base}/deal/", {"mode": "licence", "contract_amount": "10", "amount_received": "20",
                                        "signed_on": "2025-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and "不能超过合同金额" in bad.json()["amount_received"][0]
    good = client.post(f"{base}/deal/", {"mode": "transfer", "contract_amount": "300000",
                                         "signed_on": "2025-01-01"}, content_type="application/json")
    assert good.status_code == 201 and good.json()["application_no"] == parties["match"].patent.application_no
    assert client.get("/api/matching/deals/").json()["count"] == 1
