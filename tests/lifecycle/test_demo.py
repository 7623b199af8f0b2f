"""``seed_demo`` and the pool after admission: demo_enterprise is an admitted, cultivating member that can still
open its draft in the open batch; Huangshi and Yichang members carry two years of accepted reports; a decided
graduation fills the ledger, a graduate is in follow-up with a milestone; the evaluation opens a graduation and
a removal proposal; a second run adds nothing; every role finds something of it on its first page."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pool.lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus
from pool.models import (
    Application,
    ApplicationStatus,
    Batch,
    FollowUpMilestone,
    LifecycleProposal,
    Membership,
    MonitoringReport,
    ReplenishmentEntry,
)
from pool.services.lifecycle.membership import ledger_summary
from portal.models import User

pytestmark = pytest.mark.django_db
M = MembershipStatus


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--force", verbosity=0)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_demo_enterprise_is_a_cultivating_member_and_can_still_apply(seeded):
    enterprise = User.objects.get(username="demo_enterprise").organisation
    member = Membership.objects.get(enterprise=enterprise)
    assert (member.status, member.region_id, member.policy_code) == (M.CULTIVATING, "420202", "huangshi-2024")
    assert member.application.status == ApplicationStatus.ADMITTED and member.batch.year == 2024
    open_batch = Batch.objects.open_on().get()
    assert not Application.objects.filter(enterprise=enterprise, batch=open_batch).exists()
    assert not LifecycleProposal.objects.filter(membership=member).exists()  # progress, no graduation signal yet
    home = signed_in("demo_enterprise").get(reverse("home")).content.decode()
    assert "开始申报" in home and 'id="home-membership"' in home and "培育中" in home
    timeline = signed_in("demo_enterprise").get(reverse("pool:membership-mine")).content.decode()
    assert "2024 年度监测报告经县级核实" in timeline and "申报已入库" in timeline


def test_members_have_two_years_of_accepted_reports_and_the_ledger_has_places(seeded):
    members = Membership.objects.exclude(enterprise__users__username="demo_enterprise")
    assert members.filter(region__code__startswith="4202").count() >= 3
    assert members.filter(region__code__startswith="4205").count() >= 3
    two_years = [m for m in members if set(m.reports.filter(status="accepted").values_list("year", flat=True))
                 == {2023, 2024}]
    assert len(two_years) >= 3
    assert all(r.figures.get("rate_counted") for r in MonitoringReport.objects.all())
    assert ledger_summary("420203") == {"graduations": 2, "earned": 4, "used": 0, "available": 4}
    assert ledger_summary("420000")["available"] == 2
    assert ledger_summary("420202")["available"] == 0  # 黄石港区's first graduation is left to be decided
    follow_up = Membership.objects.get(status=M.FOLLOW_UP)
    assert FollowUpMilestone.objects.filter(membership=follow_up).count() == 1
    assert set(Membership.objects.filter(status=M.GRADUATED).values_list("region_id", flat=True)) == {
        "420203", "420506"}


def test_the_evaluation_opens_a_graduation_and_a_removal_proposal_in_huangshigang(seeded):
    pytest.importorskip("pool.services.lifecycle.evaluation")
    open_ = LifecycleProposal.objects.filter(status=ProposalStatus.OPEN, membership__region_id="420202")
    assert open_.filter(kind=ProposalKind.GRADUATE).get().membership.enterprise_name == "黄石华鑫精密制造有限公司"
    removal = open_.get(kind=ProposalKind.REMOVE)
    assert removal.membership.enterprise_name == "黄石东楚新材料有限公司"
    assert removal.reasons == ["no_progress_two_years"]
    assert LifecycleProposal.objects.filter(status=ProposalStatus.OPEN, kind=ProposalKind.GRADUATE,
                                            membership__region_id="420502").exists()


def test_a_second_run_adds_nothing(seeded):
    counts = [model.objects.count() for model in (Membership, MonitoringReport, LifecycleProposal,
                                                  ReplenishmentEntry, FollowUpMilestone, Application, Batch)]
    call_command("seed_demo", "--force", verbosity=0)
    assert [model.objects.count() for model in (Membership, MonitoringReport, LifecycleProposal, ReplenishmentEntry,
                                                FollowUpMilestone, Application, Batch)] == counts


def test_every_bureau_sees_members_and_the_ledger_on_its_first_page(seeded):
    for username in ("demo_county", "demo_city", "demo_province"):
        client = signed_in(username)
        home = client.get(reverse("home")).content.decode()
        assert 'id="home-members"' in home and "剩余" in home, username
        assert client.get(reverse("pool:membership-list")).content.decode().count("data-member=") >= 3, username
        ledger = client.get(reverse("pool:ledger")).content.decode()
        assert 'data-kind="earned"' in ledger, username
    city = signed_in("demo_city").get(reverse("pool:milestone-list")).content.decode()
    assert "黄石楚江电气股份有限公司" in city and "HBZJTX2025-0312" in city


def test_every_demo_login_still_reaches_its_home(seeded):
    for username in ("demo_enterprise", "demo_county", "demo_city", "demo_province", "demo_bank", "demo_supplier"):
        response = Client().post(reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD},
                                 follow=True)
        assert response.status_code == 200 and "您好" in response.content.decode(), username
