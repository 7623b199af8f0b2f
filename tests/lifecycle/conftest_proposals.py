"""Builders of lifecycle-decision test data (imported by the evaluation, proposal and misconduct tests).

``member`` writes a cultivating member directly (an application row, the member with a baseline snapshot), which
is what the evaluation reads; the admission itself is tested with the member pages. ``report`` adds an accepted
monitoring report with its figures, as the monitoring service stores them on submission.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pool.lifecycle.snapshot import ProductFigures, Snapshot
from pool.lifecycle.workflow import MembershipStatus
from pool.models import Membership, MonitoringReport, MonitoringStatus, ReportingYear
from pool.services.lifecycle.policies import current_policy, policy_code_for
from tests.pool.conftest import _media  # noqa: F401  (media in a temporary folder)
from tests.pool.helpers import enterprise_login, make_application, make_batch

TODAY = timezone.localdate()


@pytest.fixture
def hs_batch(shipped):
    return make_batch(code="huangshi-2024", name="2024 年度黄石申报")


@pytest.fixture
def national_batch(shipped):
    return make_batch(code="national-2024", name="2024 年度申报")


def product(name="智能分拣机", *, filing_no="", filed_on=None, recognised=True, sales="1000000.00",
            profit="200000.00") -> ProductFigures:
    return ProductFigures(name=name, filing_no=filing_no, filed_on=filed_on, recognised=recognised,
                          sales=Decimal(sales) if sales is not None else None,
                          profit=Decimal(profit) if profit is not None else None)


def snapshot(*, year=2023, revenue="10000000.00", used=1, counted=2, products=None) -> Snapshot:
    return Snapshot(year=year, revenue=Decimal(revenue) if revenue is not None else None, profit=None,
                    rnd_expense=None, rate_used=used, rate_counted=counted,
                    products=tuple(products if products is not None else [product()]))


def member(batch, *, region: str = "420202", admitted_on: date | None = None, baseline: Snapshot | None = None,
           status: str = MembershipStatus.CULTIVATING, **org) -> Membership:
    """A member of ``batch`` in ``region``; ``member.user`` is a login of its enterprise."""
    user = enterprise_login(region, **org)
    application = make_application(user, batch, status="admitted")
    policy = current_policy(policy_code_for(batch.criteria_set.code))
    admitted_on = admitted_on or TODAY - timedelta(days=200)
    membership = Membership.objects.create(
        enterprise=user.organisation, application=application, batch=batch, criteria_set=batch.criteria_set,
        policy_code=policy.code, region_id=region, enterprise_name=application.enterprise_name,
        uscc=application.uscc, admitted_on=admitted_on, status=status, status_changed_on=admitted_on,
        baseline=(baseline or snapshot(year=admitted_on.year - 1)).to_dict())
    membership.user = user
    return membership


def reporting_year(year: int, *, deadline: date | None = None) -> ReportingYear:
    deadline = deadline or date(year + 1, 4, 30)
    found, _ = ReportingYear.objects.get_or_create(
        region_id="420000", year=year, defaults={"opens_on": deadline - timedelta(days=60), "deadline": deadline})
    return found


def report(membership: Membership, latest: Snapshot, *, status: str = MonitoringStatus.ACCEPTED,
           verified_on: date | None = None) -> MonitoringReport:
    """A monitoring report of ``latest.year`` with its figures (accepted by default)."""
    verified_at = timezone.now() if verified_on is None else timezone.make_aware(datetime.combine(verified_on, time(9)))
    return MonitoringReport.objects.create(
        membership=membership, reporting_year=reporting_year(latest.year), year=latest.year, status=status,
        figures=latest.to_dict(), revision_number=1, submitted_at=timezone.now(),
        verified_at=verified_at if status == MonitoringStatus.ACCEPTED else None)


def graduating(year: int | None = None) -> Snapshot:
    """A report that graduates a member of either variant: a newly filed product and the rate from 50 % to 100 %."""
    year = year or TODAY.year - 1
    return snapshot(year=year, used=2, counted=2, products=[
        product(), product("新型夹持机构", filing_no="BA2025420001", filed_on=TODAY - timedelta(days=30))])


def flat(year: int | None = None) -> Snapshot:
    """A report without any progress (the baseline's figures again)."""
    return snapshot(year=year or TODAY.year - 1)
