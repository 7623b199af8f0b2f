"""The lifecycle evaluation service and its Celery/beat/page entry points: what it reads, what it opens, and that
running it again opens nothing (a dismissed proposal is not reopened by the same facts)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pool.lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus
from pool.models import LifecycleProposal, MisconductRecord, MonitoringStatus, ReportingYear
from pool.services.lifecycle.evaluation import lifecycle_evaluate, lifecycle_evaluate_due
from pool.services.lifecycle.proposals import proposal_dismiss
from portal.models import AuditEntry, Job, Notification
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import (
    TODAY,
    flat,
    graduating,
    member,
    product,
    report,
    reporting_year,
    snapshot,
)

pytestmark = pytest.mark.django_db
LAST_YEAR = TODAY.year - 1


def proposals(membership=None):
    queryset = LifecycleProposal.objects.all()
    return queryset.filter(membership=membership) if membership is not None else queryset


def test_a_graduating_member_gets_one_open_proposal_with_rule_evidence_and_explanation(hs_batch):
    m = member(hs_batch)
    report(m, graduating())
    result = lifecycle_evaluate()
    assert result["opened"] == 1 and result["opened_graduate"] == 1 and result["evaluated"] == 1
    proposal = proposals(m).get()
    assert proposal.kind == ProposalKind.GRADUATE and proposal.status == ProposalStatus.OPEN
    assert proposal.reasons == ["new_filed_product"]
    assert proposal.evidence["filed_products"] == ["新型夹持机构"]
    assert proposal.evidence["latest_year"] == LAST_YEAR
    assert proposal.evidence["signals"]["new_filed_product"] is True
    assert "建议出库" in proposal.explanation and "新型夹持机构" in proposal.explanation
    assert proposal.policy.code == "huangshi-2024" and proposal.evaluated_on == TODAY
    assert proposal.trigger == "job" and len(proposal.fingerprint) == 64


def test_a_second_run_opens_nothing(hs_batch):
    report(member(hs_batch), graduating())
    report(member(hs_batch, admitted_on=TODAY - timedelta(days=800)), flat())
    first = lifecycle_evaluate()
    assert (first["opened_graduate"], first["opened_remove"]) == (1, 1)
    again = lifecycle_evaluate()
    assert again["opened"] == 0 and again["already_pending"] == 2
    assert proposals().count() == 2


def test_a_dismissed_proposal_is_not_reopened_by_the_same_facts_but_new_facts_reopen_it(hs_batch, county):
    m = member(hs_batch)
    report(m, graduating())
    lifecycle_evaluate()
    proposal_dismiss(proposal=proposals(m).get(), user=county, reason="备案产品与主营业务无关，核实不属实")
    again = lifecycle_evaluate()
    assert again["opened"] == 0 and again["seen_before"] == 1
    # Another year's accepted report is a new fact: a new proposal is opened.
    report(m, graduating(year=TODAY.year))
    assert lifecycle_evaluate()["opened_graduate"] == 1
    assert list(proposals(m).order_by("opened_at").values_list("status", flat=True)) == [
        ProposalStatus.DISMISSED, ProposalStatus.OPEN]


def test_a_pending_proposal_blocks_another_of_its_kind_even_on_new_facts(hs_batch):
    m = member(hs_batch)
    report(m, graduating())
    lifecycle_evaluate()
    report(m, graduating(year=TODAY.year))
    assert lifecycle_evaluate()["opened"] == 0
    assert proposals(m).count() == 1


def test_only_the_accepted_report_of_the_greatest_year_is_read(hs_batch):
    m = member(hs_batch)
    report(m, graduating(year=LAST_YEAR - 1))  # an earlier year would graduate …
    report(m, flat(year=LAST_YEAR))  # … but the latest accepted year shows nothing
    report(m, graduating(year=TODAY.year), status=MonitoringStatus.SUBMITTED)  # waiting for verification
    result = lifecycle_evaluate()
    assert result["opened"] == 0 and result["none"] == 1


def test_a_report_accepted_after_the_evaluation_date_is_not_read(hs_batch):
    m = member(hs_batch, admitted_on=TODAY - timedelta(days=100))
    report(m, graduating(), verified_on=TODAY)
    assert lifecycle_evaluate(on=TODAY - timedelta(days=1))["opened"] == 0
    assert lifecycle_evaluate(on=TODAY)["opened_graduate"] == 1


def test_no_accepted_report_two_years_after_admission_opens_a_removal(hs_batch):
    due = member(hs_batch, admitted_on=date(TODAY.year - 2, TODAY.month, 1))
    member(hs_batch, admitted_on=TODAY - timedelta(days=300))
    result = lifecycle_evaluate()
    assert result["opened_remove"] == 1 and result["none"] == 1
    assert proposals(due).get().reasons == ["no_progress_two_years"]


def test_national_members_need_the_rate_rise(national_batch):
    same_rate = snapshot(year=LAST_YEAR, used=1, counted=2,
                         products=[product(), product("新品", filing_no="BA1", filed_on=TODAY - timedelta(days=5))])
    report(member(national_batch), same_rate)
    report(member(national_batch), graduating())
    result = lifecycle_evaluate()
    assert result["opened_graduate"] == 1 and result["none"] == 1
    assert proposals().get().reasons == ["new_filed_product", "rate_improved"]


def test_misconduct_opens_a_removal_instead_of_the_graduation(hs_batch):
    m = member(hs_batch)
    report(m, graduating())
    MisconductRecord.objects.create(membership=m, kind="tax_evasion", known_on=TODAY, source="county",
                                    source_key="county:1", description="税务机关处罚决定书")
    result = lifecycle_evaluate()
    assert (result["opened_graduate"], result["opened_remove"]) == (0, 1)
    proposal = proposals(m).get()
    assert proposal.reasons == ["misconduct:tax_evasion"]
    assert proposal.evidence["misconduct"][0]["description"] == "税务机关处罚决定书"


def test_members_not_cultivating_are_not_evaluated_and_given_ones_get_nothing(hs_batch):
    removed = member(hs_batch, status=MembershipStatus.REMOVED, admitted_on=TODAY - timedelta(days=900))
    graduated = member(hs_batch, status=MembershipStatus.GRADUATED)
    report(graduated, graduating())
    assert lifecycle_evaluate()["evaluated"] == 0
    result = lifecycle_evaluate(membership_ids=[removed.pk, graduated.pk], trigger="record")
    assert result["evaluated"] == 2 and result["not_cultivating"] == 2 and result["opened"] == 0


def test_a_region_narrows_the_run(hs_batch):
    report(member(hs_batch, region="420202"), graduating())
    report(member(hs_batch, region="420203"), graduating())
    result = lifecycle_evaluate(region="420203")
    assert result["evaluated"] == 1 and result["opened"] == 1
    assert proposals().get().membership.region_id == "420203"


def test_one_audit_entry_per_run_and_one_notice_per_county(hs_batch, county, other_county,
                                                           django_capture_on_commit_callbacks):
    for region in ("420202", "420202", "420203"):
        report(member(hs_batch, region=region), graduating())
    audits = AuditEntry.objects.filter(action="lifecycle.evaluated").count()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_evaluate()
    assert AuditEntry.objects.filter(action="lifecycle.evaluated").count() == audits + 1
    mine = Notification.objects.get(recipient=county, verb="lifecycle.proposals_opened")
    assert "出库建议 2 件" in mine.body
    assert Notification.objects.get(recipient=other_county).body.count("出库建议 1 件") == 1
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_evaluate()  # nothing new: nobody is told again
    assert Notification.objects.filter(verb="lifecycle.proposals_opened").count() == 2


def test_the_run_reads_a_fixed_number_of_queries_whatever_the_members(hs_batch):
    def measure():
        LifecycleProposal.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            lifecycle_evaluate()
        return len(captured)

    for _ in range(2):
        report(member(hs_batch), graduating())
    measure()  # the policy's rules are built once per process and version (a per-process cache, not a per-member cost)
    few = measure()
    for _ in range(10):
        report(member(hs_batch), graduating())
    assert measure() == few


def test_chunks_cover_every_member(hs_batch):
    for _ in range(5):
        report(member(hs_batch), graduating())
    result = lifecycle_evaluate(chunk_size=2)
    assert result["evaluated"] == 5 and result["opened"] == 5


def test_progress_is_reported_to_the_job(hs_batch, city):
    from portal.services.jobs import job_create

    report(member(hs_batch), graduating())
    job = job_create(kind="pool.lifecycle_evaluate", title="评估", created_by=city)
    lifecycle_evaluate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.total, job.done) == (1, 1) and "新提出建议 1 件" in job.message


# --- beat and page ----------------------------------------------------------------------------------------

def test_the_beat_evaluates_once_after_each_deadline(hs_batch):
    report(member(hs_batch), graduating())
    closed = reporting_year(LAST_YEAR, deadline=TODAY - timedelta(days=1))
    still_open = ReportingYear.objects.create(region_id="420000", year=TODAY.year, opens_on=TODAY,
                                              deadline=TODAY + timedelta(days=30))
    results = lifecycle_evaluate_due(today=TODAY)
    assert results["42"]["years"] == [LAST_YEAR] and results["42"]["opened"] == 1
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.evaluated_at is not None and still_open.evaluated_at is None
    assert lifecycle_evaluate_due(today=TODAY) == {}


def test_the_beat_catches_up_reports_accepted_after_the_evaluation(hs_batch):
    from pool.models import MonitoringReport

    late = member(hs_batch)
    early = member(hs_batch)
    year = reporting_year(LAST_YEAR, deadline=TODAY - timedelta(days=20))
    report(early, graduating())
    MonitoringReport.objects.filter(membership=early).update(verified_at=timezone.now() - timedelta(days=15))
    ReportingYear.objects.filter(pk=year.pk).update(evaluated_at=timezone.now() - timedelta(days=10))
    report(late, graduating())  # the county accepted it after the year's evaluation
    results = lifecycle_evaluate_due(today=TODAY)
    assert results["late_acceptances"]["evaluated"] == 1 and results["late_acceptances"]["opened"] == 1
    assert LifecycleProposal.objects.get().membership == late
    assert lifecycle_evaluate_due(today=TODAY)["late_acceptances"]["opened"] == 0


def test_the_beat_task_is_scheduled_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["pool.lifecycle_evaluate_due"]
    assert entry["task"] == "pool.tasks.lifecycle_evaluate_due"


def test_the_city_runs_the_evaluation_from_the_page_and_watches_its_progress(client, hs_batch, city,
                                                                           django_capture_on_commit_callbacks):
    report(member(hs_batch, region="420202"), graduating())
    report(member(hs_batch, region="420302"), graduating())  # 黄石 is 4202; 十堰's member is not the city's
    client.force_login(city)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pool/proposals/evaluate/")
    assert response.status_code == 302
    job = Job.objects.get(kind="pool.lifecycle_evaluate")
    assert job.status == "done" and job.result["opened"] == 1 and job.result["evaluated"] == 1
    page = client.get("/pool/proposals/").content.decode()
    assert "运行出库退库评估" in page and f"/jobs/{job.pk}/" in page


def test_a_county_cannot_start_a_run(client, county):
    client.force_login(county)
    assert client.post("/pool/proposals/evaluate/").status_code == 404
    assert "运行出库退库评估" not in client.get("/pool/proposals/").content.decode()


def test_the_evaluation_date_is_today_by_default(hs_batch):
    report(member(hs_batch), graduating())
    lifecycle_evaluate()
    assert LifecycleProposal.objects.get().evaluated_on == timezone.localdate()
