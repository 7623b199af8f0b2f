"""The weekly digest: what it says, once a week and never twice, unsubscribing without a login, and scoping."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from matching.choices import MatchStatus, OfferType
from matching.models import DigestDelivery, DigestItem, Match
from matching.services.digest import send_weekly_digests, unsubscribe_token, week_of
from portal.models import Notification
from tests.factories import UserFactory, user_with_role
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted
from tests.matching.factories import DemandFactory, SupplyPatentFactory

MONDAY = date(2026, 11, 30)
EXPLANATION = {"matched_terms": ["压铸", "气孔"], "notes": ["同属铸造产业链"], "caveats": ["报价高于预算"]}


def suggest(demand, patent, *, rank=1, score=0.8, **kwargs) -> Match:
    return Match.objects.create(demand=demand, patent=patent, score=score, rank=rank, patent_rank=1,
                                explanation=EXPLANATION, **kwargs)


@pytest.fixture
def enterprise(db):
    return user_with_role("enterprise")


@pytest.fixture
def demand(enterprise):
    return DemandFactory(enterprise=enterprise.organisation, title="电机壳压铸漏气", ipc_hint="B22D")


def digest_of(user) -> DigestDelivery:
    return DigestDelivery.objects.get(recipient=user)


def test_digest_names_new_matches_and_new_open_licence_offers_in_the_field(enterprise, demand):
    match = suggest(demand, SupplyPatentFactory(title="真空压铸气孔控制方法"))
    offer = SupplyPatentFactory(title="铝合金压铸模具排气结构", offer_type=OfferType.OPEN_LICENCE,
                                open_licence_fee=30000)
    SupplyPatentFactory(title="别的领域的开放许可", offer_type=OfferType.OPEN_LICENCE, industry_chain="医药",
                        ipc_main="A61K31/00")
    SupplyPatentFactory(title="同领域但只转让", offer_type=OfferType.TRANSFER)

    result = send_weekly_digests(today=MONDAY)

    assert result == {"week": "2026-11-30", "sent": 1, "items": 2}
    items = list(digest_of(enterprise).items.order_by("position"))
    assert [(i.kind, i.title) for i in items] == [("match", "真空压铸气孔控制方法"), ("offer", "铝合金压铸模具排气结构")]
    assert items[0].url == reverse("matching:match-detail", args=[match.pk])
    assert "电机壳压铸漏气" in items[0].line and "共同用语：压铸、气孔" in items[0].line
    assert "需注意：报价高于预算" in items[0].line
    assert items[1].url == reverse("matching:patent-detail", args=[offer.pk]) and "30,000" in items[1].line
    note = Notification.objects.get(recipient=enterprise, verb="matching.digest")
    assert note.title == "本周新匹配推送：2 项"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [enterprise.email]
    token_url = reverse("matching:digest-unsubscribe", args=[unsubscribe_token(enterprise)])
    assert "http://127.0.0.1:8000" + token_url in mail.outbox[0].body


def test_nothing_new_sends_nothing(enterprise, demand):
    assert send_weekly_digests(today=MONDAY) == {"week": "2026-11-30", "sent": 0, "items": 0}
    assert not Notification.objects.filter(verb="matching.digest").exists() and not mail.outbox


def test_dropped_matches_closed_demands_and_old_matches_are_left_out(enterprise, demand):
    suggest(demand, SupplyPatentFactory(), status=MatchStatus.DROPPED)
    closed = DemandFactory(enterprise=enterprise.organisation, is_open=False)
    suggest(closed, SupplyPatentFactory())
    old = suggest(demand, SupplyPatentFactory())
    Match.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=8))
    assert send_weekly_digests()["sent"] == 0


def test_a_second_run_in_the_same_week_sends_nothing_and_a_match_is_never_sent_twice(enterprise, demand):
    first = suggest(demand, SupplyPatentFactory())
    send_weekly_digests(today=MONDAY)
    suggest(demand, SupplyPatentFactory(), rank=2)

    assert send_weekly_digests(today=MONDAY + timedelta(days=2))["sent"] == 0
    assert Notification.objects.filter(verb="matching.digest").count() == 1 and len(mail.outbox) == 1

    nxt = send_weekly_digests(today=MONDAY + timedelta(days=7))
    assert nxt["sent"] == 1 and nxt["items"] == 1
    assert DigestItem.objects.filter(recipient=enterprise, match=first).count() == 1
    assert send_weekly_digests(today=MONDAY + timedelta(days=14))["sent"] == 0


def test_unsubscribe_link_works_without_logging_in(client, enterprise, demand):
    url = reverse("matching:digest-unsubscribe", args=[unsubscribe_token(enterprise)])
    page = client.get(url)
    assert page.status_code == 200 and "确认退订" in page.content.decode()

    done = client.post(url)
    assert done.status_code == 200 and "已退订" in done.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.digest_preference.weekly is False

    suggest(demand, SupplyPatentFactory())
    assert send_weekly_digests(today=MONDAY)["sent"] == 0


def test_a_forged_unsubscribe_token_changes_nothing(client, enterprise):
    token = unsubscribe_token(enterprise)
    response = client.post(reverse("matching:digest-unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404 and "退订链接无效" in response.content.decode()
    assert not hasattr(enterprise, "digest_preference") or enterprise.digest_preference.weekly


def test_the_person_turns_the_digest_back_on_in_the_settings(client, enterprise, demand):
    client.post(reverse("matching:digest-unsubscribe", args=[unsubscribe_token(enterprise)]))
    client.force_login(enterprise)
    response = client.post(reverse("matching:digest-list"), {"weekly": "on"})
    assert response.status_code == 302
    suggest(demand, SupplyPatentFactory())
    assert send_weekly_digests(today=MONDAY)["sent"] == 1
    page = client.get(reverse("matching:digest-list")).content.decode()
    assert "2026年11月30日起的一周" in page


def test_a_digest_never_names_what_its_recipient_may_not_see(enterprise, demand):
    other = DemandFactory(title="别家企业的需求")
    suggest(other, SupplyPatentFactory(title="别家需求的专利"))
    hidden = SupplyPatentFactory(title="未公开的专利", is_listed=False)
    suggest(demand, hidden)
    SupplyPatentFactory(title="未公开的开放许可", offer_type=OfferType.OPEN_LICENCE, is_listed=False)
    suggest(demand, SupplyPatentFactory(title="可见的专利"))

    send_weekly_digests(today=MONDAY)

    assert [i.title for i in digest_of(enterprise).items.all()] == ["可见的专利"]
    assert not DigestDelivery.objects.exclude(recipient=enterprise).exists()


def test_a_supplier_hears_of_new_demands_matched_to_its_own_patents_only(enterprise, demand):
    supplier = user_with_role("supplier")
    colleague = UserFactory(organisation=supplier.organisation)
    suggest(demand, SupplyPatentFactory(supplier=supplier.organisation, title="本单位专利"))
    suggest(demand, SupplyPatentFactory(title="别的供给方专利"), rank=2)

    send_weekly_digests(today=MONDAY)

    for person in (supplier, colleague):
        items = list(digest_of(person).items.all())
        assert [(i.kind, i.title) for i in items] == [("demand", "电机壳压铸漏气")]
        assert "本单位专利" in items[0].line
    assert digest_of(enterprise).item_count == 2


def test_another_persons_digest_is_404(client, enterprise, demand):
    suggest(demand, SupplyPatentFactory())
    send_weekly_digests(today=MONDAY)
    delivery = digest_of(enterprise)
    client.force_login(UserFactory(organisation=enterprise.organisation))
    assert client.get(reverse("matching:digest-detail", args=[delivery.pk])).status_code == 404
    client.force_login(enterprise)
    assert "压铸" in client.get(reverse("matching:digest-detail", args=[delivery.pk])).content.decode()


def test_pool_enterprises_opt_in_to_matches_of_their_own_profile(client, batch, shipped):
    member = admitted(batch)
    person = member.application.enterprise.users.first() or UserFactory(organisation=member.enterprise)
    patent_titles = [row["title"] for row in member.application.data["patents"]]
    SupplyPatentFactory(title=patent_titles[0], abstract=patent_titles[0] * 3, ipc_main="H02K5/00")
    assert send_weekly_digests(today=MONDAY)["sent"] == 0  # no demand, not opted in

    client.force_login(person)
    client.post(reverse("matching:digest-list"), {"weekly": "on", "profile": "on"})
    result = send_weekly_digests(today=MONDAY)

    assert result["sent"] == 1
    item = digest_of(person).items.get()
    assert item.kind == "profile" and item.title == patent_titles[0]


def test_the_weekly_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matching-weekly-digest"]
    assert entry["task"] == "matching.send_weekly_digests"
    assert week_of(date(2026, 12, 6)) == MONDAY
