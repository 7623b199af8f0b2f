"""Yearly monitoring reports: the province opens a year, the enterprise drafts and submits, the county verifies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pool.lifecycle.snapshot import Snapshot
from pool.lifecycle.workflow import MembershipStatus, StepError
from pool.models import (
    Membership,
    MisconductRecord,
    MonitoringReport,
    MonitoringRevision,
    MonitoringStatus,
    ReportingYear,
)
from pool.models.applications import ImmutableError
from pool.services.lifecycle.monitoring import (
    ReportInvalid,
    report_accept,
    report_autosave,
    report_return,
    report_start,
    report_submit,
    reports_materialise,
    summary_list,
    summary_values,
)
from portal.models import AuditEntry, Notification
from tests.lifecycle.conftest_monitoring import *  # noqa: F403
from tests.lifecycle.conftest_monitoring import (
    admitted_member,
    open_year,
    report_post,
    started,
    valid_report,
)

pytestmark = pytest.mark.django_db
R = MonitoringStatus


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue for after commit (the notifications), as a real commit would."""
    return django_capture_on_commit_callbacks


# --- opening a reporting year --------------------------------------------------------------------------------------

def test_province_opens_a_year_and_every_reporting_member_gets_a_draft(batch, province, on_commit):
    member = admitted_member(batch)
    with on_commit(execute=True):
        reporting_year = open_year(province, note="请如实填报")
    assert reporting_year.region_id == "420000" and reporting_year.created_by == province
    report = MonitoringReport.objects.get(membership=member, reporting_year=reporting_year)
    assert report.status == R.DRAFT and report.year == reporting_year.year
    assert AuditEntry.objects.filter(action="monitoring.year_opened").count() == 1
    assert Notification.objects.filter(recipient=member.login, verb="monitoring.year_opened").exists()


@pytest.mark.parametrize("role,region", [("county", "420202"), ("city", "420200"), ("enterprise", "420202")])
def test_only_the_province_opens_a_year(make_user, role, region):
    with pytest.raises(ValidationError, match="只有省级主管部门"):
        open_year(make_user(role, region))
    assert not ReportingYear.objects.exists()


def test_a_year_is_opened_once_per_province_and_the_deadline_follows_the_opening(province):
    today = timezone.localdate()
    from pool.services.lifecycle.monitoring import reporting_year_open

    with pytest.raises(ValidationError) as refused:
        reporting_year_open(user=province, year=today.year - 1, opens_on=today, deadline=today - timedelta(days=1))
    assert refused.value.message_dict["deadline"] == ["填报截止日期不能早于开始日期。"]
    reporting_year_open(user=province, year=today.year - 1, opens_on=today, deadline=today)  # same day is fine
    with pytest.raises(ValidationError) as twice:
        reporting_year_open(user=province, year=today.year - 1, opens_on=today, deadline=today)
    assert "不能重复开启" in twice.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as future:
        reporting_year_open(user=province, year=today.year + 1, opens_on=today, deadline=today)
    assert "监测年度应为" in future.value.message_dict["year"][0]
    assert ReportingYear.objects.count() == 1


def test_removed_members_and_other_provinces_do_not_report(batch, province):
    staying, removed = admitted_member(batch), admitted_member(batch)
    Membership.objects.filter(pk=removed.pk).update(status=MembershipStatus.REMOVED)
    follow_up = admitted_member(batch)
    Membership.objects.filter(pk=follow_up.pk).update(status=MembershipStatus.FOLLOW_UP)
    reporting_year = open_year(province)
    assert set(MonitoringReport.objects.values_list("membership_id", flat=True)) == {staying.pk, follow_up.pk}
    assert reports_materialise(reporting_year=reporting_year) == 0  # nothing more the second time


# --- the draft ------------------------------------------------------------------------------------------------------

def test_a_started_report_carries_the_patent_list_and_products_over_from_the_admitted_application(batch, province):
    member = admitted_member(batch)
    report = report_start(reporting_year=open_year(province), user=member.login)
    revision = member.application.current_revision
    assert [p["application_no"] for p in report.data["patents"]] == \
        [p["application_no"] for p in revision.data["patents"]]
    product = report.data["products"][0]
    assert product["name"] == "智能分拣机" and product["recognised"] is True and product["sales"] == ""
    assert report_start(reporting_year=report.reporting_year, user=member.login).pk == report.pk


def test_another_enterprise_cannot_start_or_save_a_members_report(batch, province, applicant):
    member = admitted_member(batch)
    reporting_year = open_year(province)
    with pytest.raises(StepError, match="不在"):
        report_start(reporting_year=reporting_year, user=applicant)
    report = report_start(reporting_year=reporting_year, user=member.login)
    with pytest.raises(StepError, match="只能填写本企业"):
        report_autosave(report=report, user=applicant, post=report_post(valid_report()))


def test_a_year_not_yet_open_cannot_be_started(batch, province):
    member = admitted_member(batch)
    with pytest.raises(StepError, match="尚未开始"):
        report_start(reporting_year=open_year(province, opens_in=3), user=member.login)


def test_autosave_keeps_invalid_input_verbatim_and_answers_field_errors(batch, province):
    member = admitted_member(batch)
    report = report_start(reporting_year=open_year(province), user=member.login)
    data = valid_report()
    data["figures"].update(revenue="九千万", profit="-5", patents_granted="2.5")
    data["products"][0]["filed_on"] = "2025-13-40"
    data["incidents"] = [{"kind": "tax_evasion", "occurred_on": "", "description": ""}]
    result = report_autosave(report=report, user=member.login, post=report_post(data))
    report.refresh_from_db()
    assert report.data["figures"]["revenue"] == "九千万"  # kept exactly as typed
    assert report.data["products"][0]["filed_on"] == "2025-13-40"
    assert result.errors["figures.revenue"] == "请输入数字（单位：元）。"
    assert result.errors["figures.patents_granted"] == "请输入整数。"
    assert "figures.profit" not in result.errors  # a loss is a negative profit
    assert result.errors["products.0.filed_on"].startswith("日期格式")
    assert "incidents.0.description" not in result.errors  # a draft requires nothing
    assert result.rate == {"used": 2, "counted": 3, "percent": "66.66"}
    assert report.autosaved_at is not None


def test_autosave_of_one_section_leaves_the_others_alone(batch, province):
    member = admitted_member(batch)
    report = started(member, open_year(province))
    patents = report.data["patents"]
    report_autosave(report=report, user=member.login, post=report_post({"figures": {"revenue": "1"}}, ["figures"]))
    report.refresh_from_db()
    assert report.data["patents"] == patents and report.data["figures"]["revenue"] == "1"


# --- submission -------------------------------------------------------------------------------------------------------

def test_submit_freezes_a_revision_and_counts_the_rate_by_criterion_5(batch, province, county, on_commit):
    member = admitted_member(batch)
    report = started(member, open_year(province))
    with on_commit(execute=True):
        report = report_submit(report=report, user=member.login)
    assert report.status == R.SUBMITTED and report.revision_number == 1 and report.submitted_at
    revision = MonitoringRevision.objects.get(report=report)
    assert revision.number == 1 and revision.data == report.data and revision.figures == report.figures
    snapshot = Snapshot.from_dict(report.figures)
    # 3 counted patents (granted, valid, owned), 2 of them used; the pending one (not granted) is not counted
    assert (snapshot.rate_used, snapshot.rate_counted) == (2, 3)
    assert snapshot.year == report.reporting_year.year
    assert str(snapshot.profit) == "-1200000.50" and report.figures["patents_granted"] == 3
    assert snapshot.products[0].recognised and snapshot.products[0].filed_on == timezone.localdate()
    assert Notification.objects.filter(recipient=county, verb="monitoring.submitted").exists()
    revision.data = {}
    with pytest.raises(ImmutableError):
        revision.save()
    with pytest.raises(ImmutableError):
        revision.delete()


def test_the_rate_is_never_typed(batch, province):
    member = admitted_member(batch)
    data = valid_report()
    data["figures"]["rate"] = "99"
    report = report_submit(report=started(member, open_year(province), data), user=member.login)
    assert "rate" not in report.data["figures"]
    assert (report.figures["rate_used"], report.figures["rate_counted"]) == (2, 3)


def test_submit_refuses_an_incomplete_report_with_every_field_error_and_keeps_the_draft(batch, province):
    member = admitted_member(batch)
    data = valid_report()
    data["figures"]["revenue"] = ""
    data["products"][0].update(filing_no="", sales="")
    data["incidents"] = [{"kind": "major_accident", "occurred_on": "", "description": "车间火灾"}]
    report = started(member, open_year(province), data)
    with pytest.raises(ReportInvalid) as refused:
        report_submit(report=report, user=member.login)
    errors = refused.value.field_errors
    assert errors["figures.revenue"] == "此项为必填项。"
    assert errors["products.0.filing_no"] == "已认定的专利密集型产品须填写备案号。"
    assert errors["products.0.sales"].startswith("已认定的专利密集型产品须填写")
    assert errors["incidents.0.occurred_on"] == "此项为必填项。"
    report.refresh_from_db()
    assert report.status == R.DRAFT and report.revision_number == 0
    assert report.data["incidents"][0]["description"] == "车间火灾"
    assert not MonitoringRevision.objects.exists()


def test_a_late_filing_is_accepted_and_marked_late(batch, province):
    member = admitted_member(batch)
    Membership.objects.filter(pk=member.pk).update(admitted_on=timezone.localdate() - timedelta(days=100))
    reporting_year = open_year(province, opens_in=-40, deadline_in=-1)
    report = report_submit(report=started(member, reporting_year), user=member.login)
    assert report.status == R.SUBMITTED
    row = summary_list(user=province).get(pk=report.pk)
    assert summary_values(row)["late"] is True
    entry = AuditEntry.objects.get(action="monitoring.submitted")
    assert entry.data["late"] is True


# --- verification ---------------------------------------------------------------------------------------------------

def test_county_accepts_and_the_enterprise_is_told(batch, province, county, on_commit):
    member = admitted_member(batch)
    report = report_submit(report=started(member, open_year(province)), user=member.login)
    with on_commit(execute=True):
        report = report_accept(report=report, user=county, comment="数据与财报一致")
    assert report.status == R.ACCEPTED and report.verified_by == county and report.verified_at
    assert Notification.objects.filter(recipient=member.login, verb="monitoring.verified").exists()
    with pytest.raises(StepError):
        report_return(report=report, user=county, comment="再看看")


@pytest.mark.parametrize("who", ["other_county", "city", "province", "enterprise"])
def test_only_the_members_county_verifies(batch, province, county, other_county, city, who):
    member = admitted_member(batch)
    report = report_submit(report=started(member, open_year(province)), user=member.login)
    user = {"other_county": other_county, "city": city, "province": province, "enterprise": member.login}[who]
    with pytest.raises(StepError):
        report_accept(report=report, user=user)
    report.refresh_from_db()
    assert report.status == R.SUBMITTED


def test_a_returned_report_keeps_its_data_and_is_resubmitted_as_a_new_revision(batch, province, county, on_commit):
    member = admitted_member(batch)
    report = report_submit(report=started(member, open_year(province)), user=member.login)
    submitted_data = report.data
    with pytest.raises(ValidationError) as no_comment:
        report_return(report=report, user=county, comment="  ")
    assert no_comment.value.message_dict["comment"] == ["请填写退回意见，说明需要修改的内容。"]
    with on_commit(execute=True):
        report = report_return(report=report, user=county, comment="营业收入与年报不符，请核对")
    assert report.status == R.RETURNED and report.comment == "营业收入与年报不符，请核对"
    report.refresh_from_db()
    assert report.data == submitted_data  # nothing lost: the enterprise corrects what it sent
    assert Notification.objects.filter(recipient=member.login, title__contains="退回").exists()
    report_autosave(report=report, user=member.login,
                    post=report_post({"figures": {**submitted_data["figures"], "revenue": "88000000"}}, ["figures"]))
    report = report_submit(report=report, user=member.login)
    assert report.revision_number == 2 and report.status == R.SUBMITTED and report.verified_at is None
    first, second = MonitoringRevision.objects.filter(report=report).order_by("number")
    assert first.data["figures"]["revenue"] == "90000000" and second.data["figures"]["revenue"] == "88000000"
    assert report.figures["revenue"] == "88000000"


def test_incidents_become_misconduct_records_on_acceptance_once(batch, province, county):
    member = admitted_member(batch)
    data = valid_report()
    data["incidents"] = [
        {"kind": "major_accident", "occurred_on": "2025-05-01", "description": "车间火灾，一人重伤"},
        {"kind": "tax_evasion", "occurred_on": "2025-08-01", "description": "补缴税款"},
    ]
    report = report_submit(report=started(member, open_year(province), data), user=member.login)
    assert not MisconductRecord.objects.exists()  # not before the county verified it
    report = report_accept(report=report, user=county)
    records = list(MisconductRecord.objects.filter(membership=member).order_by("source_key"))
    assert [(r.source, r.source_key, r.kind) for r in records] == [
        ("report", f"report:{report.pk}:0", "major_accident"), ("report", f"report:{report.pk}:1", "tax_evasion")]
    assert all(r.known_on == timezone.localdate() for r in records)
    assert records[0].occurred_on.isoformat() == "2025-05-01" and records[0].recorded_by == county
    from pool.services.lifecycle.monitoring import _record_incidents

    assert _record_incidents(report, county, timezone.localdate()) == 0  # never twice
    assert MisconductRecord.objects.count() == 2
    # the member is evaluated at once, as for a county's record: misconduct opens the removal proposal
    from pool.models import LifecycleProposal

    proposal = LifecycleProposal.objects.get(membership=member, kind="remove")
    assert "misconduct:major_accident" in proposal.reasons and proposal.trigger == "report"


def test_a_returned_report_records_no_incident(batch, province, county):
    member = admitted_member(batch)
    data = valid_report()
    data["incidents"] = [{"kind": "data_fraud", "occurred_on": "2025-05-01", "description": "虚报"}]
    report = report_submit(report=started(member, open_year(province), data), user=member.login)
    report_return(report=report, user=county, comment="请补充说明")
    assert not MisconductRecord.objects.exists()


def test_summary_values_read_the_submitted_figures(batch, province, county):
    member = admitted_member(batch)
    data = valid_report()
    data["products"].append({"name": "老产品", "filing_no": "BA2020420001", "filed_on": "2020-01-01",
                             "recognised": True, "recognised_on": "", "sales": "1", "profit": "1"})
    report = report_accept(report=report_submit(report=started(member, open_year(province), data),
                                                user=member.login), user=county)
    values = summary_values(summary_list(user=county).get(pk=report.pk))
    assert values["rate"] == "66.66" and values["patents_granted"] == 3
    assert values["new_products"] == 1  # filed before admission does not count
    assert str(values["revenue"]) == "90000000" and values["late"] is False
