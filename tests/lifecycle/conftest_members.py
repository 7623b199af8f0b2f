"""Builders of member test data (imported by the member, timeline, ledger and follow-up tests).

``admitted`` goes through the real services (submit → county → city → province → admit), so the member is made
by ``application_admit`` as in production; ``bulk_members`` writes many members at once for query-count tests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from pool.lifecycle.snapshot import application_snapshot
from pool.lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus
from pool.loadgen import generate_applications
from pool.models import (
    Application,
    ApplicationStatus,
    LifecycleProposal,
    Membership,
)
from pool.services.lifecycle.membership import ledger_earn
from pool.services.lifecycle.policies import current_policy, policy_code_for
from pool.services.review import application_admit
from tests.pool.conftest import _media, applicant, batch  # noqa: F401  (the pool app's fixtures)
from tests.pool.helpers import make_batch
from tests.review.helpers import advanced, reviewer

S = ApplicationStatus
M = MembershipStatus


@pytest.fixture
def huangshi_batch(shipped):
    return make_batch(code="huangshi-2024", name="2025 年度黄石申报")


def admitted(in_batch, *, region: str = "420202", province=None, on: date | None = None, **kwargs) -> Membership:
    """A member made by the real admission (``application_admit``) of an application of ``in_batch``; ``on``
    moves its admission day into the past afterwards."""
    application = advanced(in_batch, S.PROVINCE_RECOMMENDED, region=region, **kwargs)
    application_admit(application=application, reviewer=province or reviewer("province", region[:2] + "0000"))
    if on is not None:
        Membership.objects.filter(application=application).update(admitted_on=on, status_changed_on=on)
    return Membership.objects.get(application=application)


def bulk_members(in_batch, count: int, *, region: str = "420202", status: str = M.CULTIVATING) -> list[Membership]:
    """``count`` more members of ``in_batch`` in ``region`` (generated applications, written in bulk)."""
    before = set(Application.objects.values_list("pk", flat=True))
    generate_applications(batch=in_batch, count=count, seed=Application.objects.count() + 7)
    fresh = Application.objects.exclude(pk__in=before)
    fresh.update(region_id=region, status=S.ADMITTED)
    today = timezone.localdate()
    policy = current_policy(policy_code_for(in_batch.criteria_set.code))
    members = [Membership(enterprise_id=a.enterprise_id, application=a, batch=in_batch,
                          criteria_set=in_batch.criteria_set,
                          policy_code=policy.code, region_id=region, enterprise_name=a.enterprise_name, uscc=a.uscc,
                          status=status, admitted_on=today - timedelta(days=400), status_changed_on=today)
               for a in fresh.order_by("pk")]
    return Membership.objects.bulk_create(members)


def decided_graduation(membership: Membership, *, on: date, county=None, city=None) -> LifecycleProposal:
    """A graduation proposed by the county and decided by the city on ``on`` (as the proposal services leave it):
    the member graduates and the ledger earns its places."""
    policy = current_policy(membership.policy_code)
    moment = timezone.make_aware(datetime.combine(on, time(10)))
    proposal = LifecycleProposal.objects.create(
        membership=membership, kind=ProposalKind.GRADUATE, status=ProposalStatus.APPROVED,
        reasons=["new_filed_product"], evidence={}, explanation="入库后新增专利密集型产品备案，符合出库条件，建议出库。",
        policy=policy, evaluated_on=on, fingerprint=f"test:{membership.pk}:{on}",
        opened_at=moment - timedelta(days=20), proposed_by=county or reviewer("county", membership.region_id),
        proposed_at=moment - timedelta(days=10), decided_by=city or reviewer("city", membership.region_id[:4] + "00"),
        decided_at=moment, decided_on=on, appeal_until=on + timedelta(days=15), decision_comment="同意出库")
    ledger_earn(proposal=proposal, on=on)
    Membership.objects.filter(pk=membership.pk).update(status=M.GRADUATED, status_changed_on=on)
    membership.refresh_from_db()
    return proposal


def replenishment_batch(code: str = "huangshi-2024", **extra):
    return make_batch(code=code, name=extra.pop("name", "2026 年度增补入库"), replenishment=True, **extra)


def baseline_of(application: Application) -> dict:
    from criteria.services import rules_for

    revision = application.current_revision
    on = timezone.localdate()
    return application_snapshot(revision.data, rules_for(application.batch.criteria_set), on=on,
                                year=on.year - 1).to_dict()


__all__ = ["_media", "admitted", "applicant", "baseline_of", "batch", "bulk_members", "decided_graduation",
           "huangshi_batch", "replenishment_batch"]
