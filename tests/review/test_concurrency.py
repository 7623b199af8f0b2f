"""Against PostgreSQL: two reviewers acting on the same application at the same moment, each on its own
connection — exactly one transition happens and the other is told, in Chinese, who was first; two sessions
recommending beyond the quota at once never exceed it. Fails under CI=true without PostgreSQL (``postgres``)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pool.models import Application, ApplicationStatus, ApplicationTransition, BatchCityQuota
from pool.services import transitions as transition_log
from pool.services.review import (
    application_county_approve,
    application_province_recommend,
    application_recommend,
    application_return,
    common,
)
from pool.workflow import TransitionError
from tests.review.helpers import advanced, reviewer, submitted

pytestmark = pytest.mark.django_db(transaction=True)
S = ApplicationStatus
HOLD_SECONDS = 0.6


@pytest.fixture
def slow_decisions(monkeypatch):
    """Whoever gets in first keeps its transaction (and its locks) open a while, so the other session really
    arrives while the first is still deciding."""
    original = transition_log.record_transition

    def slow(**kwargs):
        entry = original(**kwargs)
        time.sleep(HOLD_SECONDS)
        return entry

    monkeypatch.setattr(common, "record_transition", slow)


def at_once(*calls) -> list:
    """Run each call in its own thread (its own database connection), released together; return what each
    returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001  (the refusal is what the test looks at)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_reviewers_at_once_one_transition_and_a_clear_message(postgres, batch, slow_decisions):
    application = submitted(batch)
    first, second = reviewer("county", "420202"), reviewer("county", "420202")
    results = at_once(
        lambda: application_county_approve(application=application, reviewer=first, comment="同意"),
        lambda: application_return(application=application, reviewer=second, comment="请补充材料"),
    )
    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], TransitionError)
    application.refresh_from_db()
    assert str(refusals[0]) == f"该申报已被其他审核人员处理，当前状态：{application.get_status_display()}。"
    decisions = ApplicationTransition.objects.filter(application=application).exclude(to_status=S.SUBMITTED)
    assert decisions.count() == 1
    assert decisions.get().to_status == application.status


@pytest.mark.parametrize("level", ["province", "city"])
def test_two_sessions_recommending_beyond_the_quota_never_exceed_it(postgres, batch, slow_decisions, level):
    if level == "province":
        batch.province_quota = 1
        batch.save()
        waiting = [advanced(batch, S.RECOMMENDED) for _ in range(2)]
        service, target = application_province_recommend, S.PROVINCE_RECOMMENDED
    else:
        BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=1)
        waiting = [advanced(batch, S.COUNTY_APPROVED) for _ in range(2)]
        service, target = application_recommend, S.RECOMMENDED
    people = [reviewer(level, "420000" if level == "province" else "420200") for _ in range(2)]
    results = at_once(*[lambda a=a, p=p: service(application=a, reviewer=p) for a, p in zip(waiting, people, strict=True)])
    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], ValidationError) and "名额已满（共 1 家，已推荐 1 家）" in refusals[0].messages[0]
    assert Application.objects.filter(status=target).count() == 1

