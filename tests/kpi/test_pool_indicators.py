"""The pool's indicators against hand-computed figures: applications, admissions, graduations, removals,
replenishments and monitoring reports filed on time, each in the member's county."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from pool.lifecycle.workflow import ProposalKind, ProposalStatus
from pool.models import (
    Application,
    ApplicationStatus,
    LifecycleProposal,
    Membership,
    MonitoringReport,
    ReplenishmentEntry,
    ReportingYear,
)
from pool.services.lifecycle.policies import current_policy
from portal.indicators import get_indicator
from tests.lifecycle.conftest_members import bulk_members

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def decision(member: Membership, kind: str, status: str, on: date | None) -> LifecycleProposal:
    return LifecycleProposal.objects.create(
        membership=member, kind=kind, status=status, reasons=[], evidence={}, explanation="测试",
        policy=current_policy(member.policy_code), evaluated_on=on or date(2026, 1, 1),
        fingerprint=f"t:{member.pk}:{kind}:{status}", decided_on=on)


@pytest.fixture
def pool_data(batch):
    m0, m1, m2 = bulk_members(batch, 3, region="420202")
    [m3] = bulk_members(batch, 1, region="420203")
    [m4] = bulk_members(batch, 1, region="420502")
    admitted = {m0: date(2026, 3, 31), m1: date(2026, 4, 1), m2: date(2025, 6, 1), m3: date(2026, 2, 1),
                m4: date(2026, 2, 1)}
    for member, day in admitted.items():
        Membership.objects.filter(pk=member.pk).update(admitted_on=day)
    # applications: submitted late on 31 March, Beijing time (still Q1), and early on 1 April (Q2)
    Application.objects.filter(pk=m0.application_id).update(submitted_at=at(date(2026, 3, 31), 23, 30))
    Application.objects.filter(pk=m1.application_id).update(submitted_at=at(date(2026, 4, 1), 0, 10))
    Application.objects.filter(pk=m2.application_id).update(submitted_at=at(date(2025, 5, 1), 9))
    Application.objects.filter(pk=m3.application_id).update(submitted_at=at(date(2026, 1, 20), 9))
    Application.objects.filter(pk=m4.application_id).update(submitted_at=None, status=ApplicationStatus.DRAFT)
    # decisions: only approved ones count, by the city's decision date
    decision(m0, ProposalKind.GRADUATE, ProposalStatus.APPROVED, date(2026, 3, 15))
    decision(m1, ProposalKind.REMOVE, ProposalStatus.APPROVED, date(2026, 5, 1))
    decision(m3, ProposalKind.GRADUATE, ProposalStatus.OPEN, None)
    decision(m2, ProposalKind.REMOVE, ProposalStatus.DECLINED, date(2026, 2, 1))
    # one replenishment admission (a ledger line using a place)
    ReplenishmentEntry.objects.create(scope_region_id="420202", scope="county", places=-1,
                                      admission_id=m1.application_id, membership=m1, entered_on=date(2026, 4, 1))
    # monitoring reports of the year whose deadline is 31 March 2026
    year = ReportingYear.objects.create(year=2025, region_id="420000", opens_on=date(2026, 1, 1),
                                        deadline=date(2026, 3, 31))
    reports = {m0: ("submitted", at(date(2026, 3, 31), 20)), m1: ("submitted", at(date(2026, 4, 1), 9)),
               m2: ("draft", None), m3: ("accepted", at(date(2026, 3, 1), 9))}
    for member, (state, submitted) in reports.items():
        MonitoringReport.objects.create(membership=member, reporting_year=year, year=2025, status=state,
                                        submitted_at=submitted)
    return m0, m1, m2, m3, m4


def figures(code, prefix, *ranges):
    return get_indicator(code).values(prefix, list(ranges))


def test_applications_by_submission_day_in_beijing_time(pool_data):
    assert figures("pool_applications", "4202", Q1, Q2, Y2026) == [2, 1, 3]
    assert figures("pool_applications", "420202", Q1) == [1]
    assert figures("pool_applications", "4205", Y2026) == [0]  # a draft is no application yet


def test_admissions_by_admission_date(pool_data):
    assert figures("pool_admissions", "4202", Q1, Q2, Y2026) == [2, 1, 3]
    assert figures("pool_admissions", "42", Y2026) == [4]


def test_graduations_and_removals_only_once_decided(pool_data):
    assert figures("pool_graduations", "4202", Q1, Y2026) == [1, 1]
    assert figures("pool_removals", "4202", Q1, Q2, Y2026) == [0, 1, 1]


def test_replenishments(pool_data):
    assert figures("pool_replenishments", "4202", Q1, Q2) == [0, 1]
    assert figures("pool_replenishments", "420203", Y2026) == [0]


def test_monitoring_reports_filed_by_the_deadline(pool_data):
    # m0 on the deadline day (evening), m3 early; m1 a day late; m2 never submitted
    assert figures("pool_monitoring_on_time", "4202", Y2026) == [2]
    assert figures("pool_monitoring_on_time", "420202", Y2026) == [1]
    behind = get_indicator("pool_monitoring_on_time").behind("420202", *Y2026)
    assert behind.count() == 1
