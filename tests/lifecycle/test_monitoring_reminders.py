"""Monitoring reminders (beat, daily): 30, 7 and 1 days before the deadline to each enterprise that has not
submitted, the county's overdue list once after it; each sent exactly once, whatever the number of runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pool.models import Membership, MonitoringReminder, MonitoringReport
from pool.services.lifecycle.monitoring import report_submit
from pool.services.lifecycle.reminders import due_reminder, monitoring_reminders_send
from pool.tasks import send_monitoring_reminders
from portal.models import Notification
from tests.lifecycle.conftest_monitoring import *  # noqa: F403
from tests.lifecycle.conftest_monitoring import admitted_member, open_year, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the daily job on ``day`` (the notifications delivered as after a real commit)."""
    def _run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return send_monitoring_reminders(day.isoformat())
    return _run


@pytest.mark.parametrize("days_left,due", [(31, None), (30, 30), (29, 30), (8, 30), (7, 7), (2, 7), (1, 1),
                                           (0, 1)])
def test_the_reminder_due_is_the_nearest_day_not_yet_passed(days_left, due):
    assert due_reminder(days_left, (30, 7, 1)) == due


def _reminders(member) -> list[int]:
    return sorted(MonitoringReminder.objects.filter(membership=member).values_list("days_before", flat=True))


def test_reminders_at_30_7_and_1_days_each_once_and_the_county_overdue_list_once(batch, province, county, run):
    waiting, filed = admitted_member(batch), admitted_member(batch)
    reporting_year = open_year(province, opens_in=-10, deadline_in=40)
    report_submit(report=started(filed, reporting_year), user=filed.login)
    deadline = reporting_year.deadline
    for days_before in (40, 31):
        assert run(deadline - timedelta(days=days_before)).get("reminded", 0) == 0
    for days_before in (30, 30, 29, 7, 6, 1, 1, 0):  # the same day twice, and the days after: nothing new
        run(deadline - timedelta(days=days_before))
    assert _reminders(waiting) == [1, 7, 30]
    assert _reminders(filed) == []  # a submitted report is not reminded
    notes = Notification.objects.filter(recipient=waiting.login, verb="monitoring.reminder")
    assert notes.count() == 3
    assert {n.title for n in notes} == {f"{reporting_year.year} 年度监测报告还有 {d} 天截止" for d in (30, 7, 1)}
    assert not Notification.objects.filter(recipient=filed.login, verb="monitoring.reminder").exists()

    assert not Notification.objects.filter(recipient=county, verb="monitoring.overdue").exists()
    result = run(deadline + timedelta(days=1))
    assert result["overdue"] == 1
    run(deadline + timedelta(days=1))
    run(deadline + timedelta(days=5))
    assert _reminders(waiting) == [0, 1, 7, 30]
    overdue = Notification.objects.get(recipient=county, verb="monitoring.overdue")
    assert waiting.enterprise_name in overdue.body and filed.enterprise_name not in overdue.body
    assert overdue.url.endswith(f"?year={reporting_year.year}")


def test_a_run_that_missed_the_day_catches_up_with_one_reminder(batch, province, run):
    member = admitted_member(batch)
    reporting_year = open_year(province, opens_in=-10, deadline_in=20)
    run(reporting_year.deadline - timedelta(days=5))  # the 30-day and the 7-day were both missed
    assert _reminders(member) == [7]
    assert Notification.objects.filter(recipient=member.login, verb="monitoring.reminder").count() == 1


def test_the_overdue_notice_goes_to_the_members_county_only(batch, province, county, other_county, run):
    here = admitted_member(batch)
    there = admitted_member(batch, region="420203")
    Membership.objects.update(admitted_on=timezone.localdate() - timedelta(days=200))  # before the deadline
    reporting_year = open_year(province, opens_in=-40, deadline_in=-2)
    assert not MonitoringReport.objects.filter(reporting_year=reporting_year).exclude(status="draft").exists()
    run(timezone.localdate())
    mine = Notification.objects.get(recipient=county, verb="monitoring.overdue")
    theirs = Notification.objects.get(recipient=other_county, verb="monitoring.overdue")
    assert here.enterprise_name in mine.body and there.enterprise_name not in mine.body
    assert there.enterprise_name in theirs.body


def test_a_member_admitted_after_the_year_opened_gets_its_draft_and_reminder(batch, province, run):
    reporting_year = open_year(province, opens_in=-10, deadline_in=7)
    late_comer = admitted_member(batch)
    assert not MonitoringReport.objects.filter(membership=late_comer).exists()
    result = run(timezone.localdate())
    assert result["materialised"] == 1 and _reminders(late_comer) == [7]
    assert MonitoringReport.objects.filter(membership=late_comer, reporting_year=reporting_year).exists()


def test_a_removed_member_is_neither_reminded_nor_listed_overdue(batch, province, run):
    member = admitted_member(batch)
    reporting_year = open_year(province, opens_in=-40, deadline_in=1)
    Membership.objects.filter(pk=member.pk).update(status="removed")
    run(timezone.localdate())
    run(reporting_year.deadline + timedelta(days=1))
    assert _reminders(member) == []


def test_the_service_is_idempotent_when_called_twice(batch, province):
    admitted_member(batch)
    open_year(province, opens_in=-10, deadline_in=1)
    first = monitoring_reminders_send()
    second = monitoring_reminders_send()
    assert first["reminded"] == 1 and second.get("reminded", 0) == 0
