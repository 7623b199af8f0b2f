"""The enterprise timeline (培育档案): everything in time order from every source, scoped (another county → 404 on
page and API), the enterprise's own view without the bureaus' deliberation, member steps from MEMBERSHIP_STEPS,
another app's source added without touching the page, and a fixed number of queries for 5 or 200 events."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.choices import DealMode, MatchStatus
from matching.models import Deal, Match
from pool.lifecycle.workflow import AppealStatus, MembershipStatus, ProposalKind, ProposalStatus, StepError
from pool.models import (
    Appeal,
    ApplicationTransition,
    FollowUpMilestone,
    LifecycleProposal,
    MisconductRecord,
    MonitoringReport,
    MonitoringRevision,
    ReportingYear,
)
from pool.services.lifecycle import timeline
from pool.services.lifecycle.follow_up import membership_start_follow_up
from pool.services.lifecycle.policies import current_policy
from pool.services.lifecycle.timeline import TimelineEvent, membership_timeline, moment, timeline_source
from portal.models import AuditEntry
from tests.factories import UserFactory, user_with_role
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted, decided_graduation
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db
M = MembershipStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def owner_of(member):
    return UserFactory(organisation=member.enterprise)


def history(member, units: int, *, start: date = date(2025, 1, 1)) -> None:
    """``units`` × about ten events of every source, written in bulk."""
    policy = current_policy(member.policy_code)
    county = user_with_role("county", member.region_id)
    application = member.application
    days = [start + timedelta(days=i) for i in range(units)]
    ApplicationTransition.objects.bulk_create(
        ApplicationTransition(application=application, from_status="submitted", to_status="returned", actor=county,
                              comment=f"请补充第 {i} 项", created_at=at(d)) for i, d in enumerate(days))
    MisconductRecord.objects.bulk_create(
        MisconductRecord(membership=member, kind="other_violation", known_on=d, source="county",
                         source_key=f"county:{member.pk}:{i}", description="环保处罚", recorded_by=county)
        for i, d in enumerate(days))
    FollowUpMilestone.objects.bulk_create(
        FollowUpMilestone(membership=member, kind="specialised", level="provincial", obtained_on=d,
                          certificate_no=f"ZJTX{i}", recorded_by=county) for i, d in enumerate(days))
    proposals = LifecycleProposal.objects.bulk_create(
        LifecycleProposal(membership=member, kind=ProposalKind.REMOVE, status=ProposalStatus.APPROVED,
                          reasons=["misconduct:other_violation"], explanation="存在其他违法违规行为情形，建议退库。",
                          policy=policy, evaluated_on=d, fingerprint=f"h{i}", opened_at=at(d, 11),
                          proposed_by=county, proposed_at=at(d, 12), decided_at=at(d, 13), decided_on=d,
                          appeal_until=d + timedelta(days=15)) for i, d in enumerate(days))
    Appeal.objects.bulk_create(
        Appeal(proposal=p, membership=member, reason="已整改", status=AppealStatus.UPHELD, filed_at=at(d, 14),
               decided_at=at(d, 15)) for p, d in zip(proposals, days, strict=True))
    year = ReportingYear.objects.create(year=2000 + member.pk % 90, region_id="420000", opens_on=start,
                                        deadline=start + timedelta(days=90))
    report = MonitoringReport.objects.create(membership=member, reporting_year=year, year=year.year,
                                             status="accepted", verified_at=at(start, 16), verified_by=county)
    MonitoringRevision.objects.bulk_create(
        MonitoringRevision(report=report, number=i + 1, data={}, submitted_at=at(d, 9)) for i, d in enumerate(days))
    demands = [DemandFactory(enterprise=member.enterprise) for _ in days]
    patents = [SupplyPatentFactory() for _ in days]
    matches = Match.objects.bulk_create(
        Match(demand=dm, patent=pt, score=0.8, rank=1, status=MatchStatus.DEAL, status_changed_at=at(d, 17))
        for dm, pt, d in zip(demands, patents, days, strict=True))
    Deal.objects.bulk_create(
        Deal(match=m, mode=DealMode.LICENCE, contract_amount=Decimal("100000"), amount_received=Decimal("50000"),
             signed_on=d) for m, d in zip(matches, days, strict=True))


def test_every_source_appears_in_time_order(batch, county, city):
    member = admitted(batch)
    graduation = decided_graduation(member, on=date(2025, 5, 20), county=county, city=city)
    membership_start_follow_up(membership=member, user=county, comment="出库企业转入接续培育")
    history(member, 1, start=date(2025, 6, 1))
    events = membership_timeline(membership=member, user=county)
    assert [e.at for e in events] == sorted(e.at for e in events)
    kinds = {e.kind for e in events}
    assert kinds >= {"application", "admission", "proposal", "status", "monitoring", "appeal", "misconduct",
                     "milestone", "matching"}
    titles = [e.title for e in events]
    assert titles.index(f"提交申报（第 1 版）：{batch.name}") < titles.index(f"申报已入库：{batch.name}")
    assert "决定出库（理由：入库后新增专利密集型产品备案）" in titles
    assert "转入接续培育" in titles
    assert any(t.startswith("专利许可成交：") for t in titles)
    assert any(t.startswith("取得省级专精特新中小企业") for t in titles)
    decided = next(e for e in events if e.title.startswith("决定出库"))
    assert decided.at == graduation.decided_at and decided.actor == str(city)


def test_the_enterprise_sees_decisions_and_reasons_not_the_bureaus_deliberation(batch, county):
    member = admitted(batch)
    LifecycleProposal.objects.create(
        membership=member, kind=ProposalKind.GRADUATE, status=ProposalStatus.OPEN, reasons=["new_filed_product"],
        explanation="建议出库。", policy=current_policy(member.policy_code), evaluated_on=date(2025, 3, 1),
        fingerprint="open")
    history(member, 1)
    for_county = [e.title for e in membership_timeline(membership=member, user=county)]
    for_owner = [e.title for e in membership_timeline(membership=member, user=owner_of(member))]
    assert "系统评估提出出库建议" in for_county and "系统评估提出出库建议" not in for_owner
    assert "县级提议退库" in for_county and "县级提议退库" not in for_owner
    decision = "决定退库（理由：其他违法违规行为）"
    assert decision in for_county and decision in for_owner


def test_page_and_api_are_scoped_and_the_enterprise_reaches_its_own_from_the_menu(client, batch, county,
                                                                                    other_county):
    member = admitted(batch)
    owner = owner_of(member)
    client.force_login(owner)
    home = client.get(reverse("home")).content.decode()
    assert "我的培育档案" in home and 'id="home-membership"' in home
    page = client.get(reverse("pool:membership-mine"))
    assert page.status_code == 200 and "我的培育档案" in page.content.decode()
    assert "申报已入库" in page.content.decode()
    url = reverse("pool:membership-detail", args=[member.pk])
    client.force_login(other_county)
    assert client.get(url).status_code == 404
    assert api(other_county).get(f"/api/pool/members/{member.pk}/timeline/").status_code == 404
    client.force_login(county)
    assert client.get(url).status_code == 200
    rows = api(county).get(f"/api/pool/members/{member.pk}/timeline/").json()
    assert rows[-1]["kind"] == "admission" and rows[0]["title"].startswith("提交申报")
    only = api(county).get(f"/api/pool/members/{member.pk}/timeline/", {"kind": "admission"}).json()
    assert [r["kind"] for r in only] == ["admission"]
    stranger = user_with_role("enterprise")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert "尚未入库" in client.get(reverse("pool:membership-mine")).content.decode()


def test_the_county_moves_a_graduate_to_follow_up_from_the_page_and_others_may_not(client, batch, county, city):
    member = admitted(batch)
    url = reverse("pool:membership-detail", args=[member.pk])
    client.force_login(county)
    assert 'id="step-follow_up"' not in client.get(url).content.decode()  # cultivating: nothing to do here
    decided_graduation(member, on=date(2025, 5, 20), county=county, city=city)
    assert 'id="step-follow_up"' in client.get(url).content.decode()
    owner = owner_of(member)
    with pytest.raises(StepError, match="只能由"):
        membership_start_follow_up(membership=member, user=owner)
    response = client.post(reverse("pool:membership-step", args=[member.pk]), {"to": "follow_up", "comment": "转入"},
                           follow=True)
    assert "已办理" in response.content.decode()
    member.refresh_from_db()
    assert member.status == M.FOLLOW_UP and member.status_changed_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="membership.follow_up_started", target_id=str(member.pk)).exists()
    again = api(city).post(f"/api/pool/members/{member.pk}/step/", {"to": "follow_up"}, format="json")
    assert again.status_code == 409 and "不能变更" in again.json()["detail"]


def test_another_apps_source_joins_without_touching_the_page(client, batch, county):
    member = admitted(batch)

    def loans(subject):
        yield TimelineEvent(at=moment(date(2026, 1, 5)), kind="finance", title="获得质押贷款 500 万元", timed=False)

    timeline_source(loans)
    try:
        client.force_login(county)
        html = client.get(reverse("pool:membership-detail", args=[member.pk])).content.decode()
        assert "获得质押贷款 500 万元" in html and "质押融资" in html
    finally:
        timeline.TIMELINE_SOURCES.remove(loans)


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert fetch().status_code == 200
    return len(captured)


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_timeline_reads_the_same_queries_for_5_and_200_events(client, batch, county, where,
                                                                   django_assert_num_queries):
    member = admitted(batch)
    client.force_login(county)
    client_api = api(county)
    url = (reverse("pool:membership-detail", args=[member.pk]) if where == "page"
           else f"/api/pool/members/{member.pk}/timeline/")

    def fetch():
        return (client if where == "page" else client_api).get(url)

    fetch()  # warm what the first request of a session caches
    few = _queries(fetch)
    assert 5 <= len(membership_timeline(membership=member, user=county)) < 20
    history(member, 20)
    assert len(membership_timeline(membership=member, user=county)) >= 200
    with django_assert_num_queries(few):
        response = fetch()
    if where == "api":
        assert len(response.json()) >= 200
    else:
        assert response.content.decode().count('class="timeline-event"') >= 200


def test_a_report_returned_and_accepted_later_shows_both_steps(batch, county):
    from portal.services import audit

    member = admitted(batch)
    year = ReportingYear.objects.create(year=2025, region_id="420000", opens_on=date(2026, 1, 1),
                                        deadline=date(2026, 3, 31))
    report = MonitoringReport.objects.create(membership=member, reporting_year=year, year=2025, status="accepted",
                                             verified_by=county, verified_at=at(date(2026, 3, 20)))
    MonitoringRevision.objects.create(report=report, number=1, data={}, submitted_at=at(date(2026, 3, 1)))
    audit(actor=county, action="monitoring.returned", target=report, comment="研发投入与审计报告不一致",
          data={"number": 1})
    MonitoringRevision.objects.create(report=report, number=2, data={}, submitted_at=at(date(2026, 3, 15)))
    titles = [e.title for e in membership_timeline(membership=member, user=owner_of(member))]
    assert "提交 2025 年度监测报告（第 1 版）" in titles and "提交 2025 年度监测报告（第 2 版）" in titles
    assert "年度监测报告被退回修改（第 1 版）" in titles and "2025 年度监测报告经县级核实" in titles


def test_what_people_typed_is_shown_as_text(client, batch, county):
    member = admitted(batch)
    MisconductRecord.objects.create(membership=member, kind="other_violation", known_on=date(2025, 2, 1),
                                    source="county", source_key="x", description="<script>alert(1)</script>\n第二行")
    client.force_login(county)
    html = client.get(reverse("pool:membership-detail", args=[member.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行" in html
