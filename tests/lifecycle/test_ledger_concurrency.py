"""Against PostgreSQL: two province officers admitting replenishments at the same moment into a scope with one
place left, each on its own connection — exactly one is admitted, the other is refused in Chinese and leaves no
member behind. Fails under CI=true without PostgreSQL (``postgres``)."""

import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pool.models import Application, ApplicationStatus, Membership, ReplenishmentEntry
from pool.services.lifecycle import membership as membership_services
from pool.services.lifecycle.membership import ledger_summary
from pool.services.review import application_admit
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted, decided_graduation, replenishment_batch
from tests.review.helpers import advanced, reviewer
from tests.review.test_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)
S = ApplicationStatus
HOLD_SECONDS = 0.6


@pytest.fixture
def slow_admissions(monkeypatch):
    """Whoever takes the place first keeps its transaction (and the scope's lock) open a while, so the other
    session really arrives while the first is still admitting."""
    original = membership_services.audit

    def slow(**kwargs):
        entry = original(**kwargs)
        if kwargs.get("action") == "membership.admitted":
            time.sleep(HOLD_SECONDS)
        return entry

    monkeypatch.setattr(membership_services, "audit", slow)


def test_two_sessions_admitting_the_last_place_at_once_admit_exactly_one(postgres, shipped, slow_admissions):
    from tests.pool.helpers import make_batch

    ordinary = make_batch(code="huangshi-2024", name="2025 年度黄石申报")
    decided_graduation(admitted(ordinary), on=date(2025, 5, 20))  # two places in 黄石港区
    extra = replenishment_batch()
    application_admit(application=advanced(extra, S.PROVINCE_RECOMMENDED), reviewer=reviewer("province", "420000"))
    assert ledger_summary("420202")["available"] == 1
    last = [advanced(extra, S.PROVINCE_RECOMMENDED) for _ in range(2)]
    officers = [reviewer("province", "420000") for _ in range(2)]
    results = at_once(*[lambda a=a, o=o: application_admit(application=a, reviewer=o)
                        for a, o in zip(last, officers, strict=True)])
    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], ValidationError)
    assert refusals[0].messages == ["黄石港区增补名额已用完：已出库 1 家，可增补 2 家，已增补 2 家。待有企业出库后方可增补入库。"]
    statuses = sorted(Application.objects.filter(pk__in=[a.pk for a in last]).values_list("status", flat=True))
    assert statuses == sorted([S.ADMITTED, S.PROVINCE_RECOMMENDED])
    assert Membership.objects.filter(application__in=last).count() == 1
    assert ReplenishmentEntry.objects.filter(places__lt=0).count() == 2
    assert ledger_summary("420202")["available"] == 0
