"""Fault test: the broker cannot be reached (finding 11). The change stands once, the person is told in
Chinese, nothing answers 500, and the work runs once the broker is back (the outbox drained)."""

import pytest
from django.core.management import call_command
from django.test import Client

from matching.models import Demand, MatchingRun
from portal.celery import app
from portal.models import Job, Notification, OutboxStatus, OutboxTask
from portal.outbox import DEFERRED_MESSAGE, drain, enqueue, send
from portal.tasks import send_notification
from tests.factories import user_with_role

CLOSED_PORT = "redis://127.0.0.1:9/7"


def _reset_connections():
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    """A real (non-eager) configuration whose broker is a closed port; ``back()`` brings work back in-process."""
    # Celery reads the broker from the environment before its configuration (CI sets CELERY_BROKER_URL)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    previous = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT
    _reset_connections()

    class Broker:
        @staticmethod
        def back():
            app.conf.task_always_eager = True

    yield Broker
    app.conf.broker_url = previous
    _reset_connections()


def _pending(task_name: str) -> int:
    return OutboxTask.objects.filter(task=task_name, status=OutboxStatus.PENDING).count()


@pytest.mark.django_db(transaction=True)
def test_creating_a_demand_stands_once_and_the_enterprise_is_told(broker_down):
    enterprise = user_with_role("enterprise")
    client = Client(raise_request_exception=False)
    client.force_login(enterprise)
    response = client.post("/matching/demands/new/", {
        "title": "电机壳压铸漏气", "description": "电机壳加工后冒小孔、打压漏气，想找能解决压铸气孔问题的技术。",
        "industry_chain": "铸造", "cooperation_mode": "any", "budget": "300000"}, follow=True)
    assert response.status_code == 200
    assert DEFERRED_MESSAGE in response.content.decode()
    assert Demand.objects.filter(enterprise=enterprise.organisation).count() == 1
    assert _pending("matching.match_demands") == 1

    broker_down.back()
    call_command("drain_outbox", verbosity=0)
    assert not OutboxTask.objects.exclude(status=OutboxStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_matching_run_stands_once_and_runs_when_the_broker_is_back(broker_down):
    province = user_with_role("province", "420000")
    client = Client(raise_request_exception=False)
    client.force_login(province)
    response = client.post("/matching/runs/", follow=True)
    assert response.status_code == 200
    assert DEFERRED_MESSAGE in response.content.decode()
    run = MatchingRun.objects.get()
    assert run.job.status == "pending"

    broker_down.back()
    assert drain() == 1
    run.job.refresh_from_db()
    assert run.job.status == "done"
    assert drain() == 0  # sent once


def test_starting_scoring_leaves_a_job_that_runs_later(broker_down, shipped, django_capture_on_commit_callbacks):
    from pool.services.batches import batch_score_queue
    from tests.pool.helpers import make_batch

    province = user_with_role("province", "420000")
    batch = make_batch()
    with django_capture_on_commit_callbacks(execute=True):
        job = batch_score_queue(batch=batch, user=province, reason="手动发起")
    assert _pending("pool.tasks.score_batch") == 1
    assert Job.objects.get(pk=job.pk).status == "pending"

    broker_down.back()
    drain()
    assert Job.objects.get(pk=job.pk).status == "done"


def test_a_county_decision_tells_the_enterprise_once_the_broker_is_back(broker_down, shipped,
                                                                      django_capture_on_commit_callbacks):
    enterprise = user_with_role("enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(send_notification, [enterprise.pk], "application.county_approved", "县级审核通过")
    assert not Notification.objects.exists()
    assert _pending("portal.tasks.send_notification") == 1

    broker_down.back()
    drain()
    assert Notification.objects.filter(recipient=enterprise).count() == 1
    assert drain() == 0


def test_a_row_is_sent_once_however_many_senders(broker_down, db):
    row = OutboxTask.objects.create(task="portal.tasks.send_notification", args=[[], "x", "y"])
    broker_down.back()
    assert send(row.pk) is True
    assert send(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_eager_mode_runs_the_task_after_commit_without_a_row(db, django_capture_on_commit_callbacks):
    enterprise = user_with_role("enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(send_notification, [enterprise.pk], "x.y", "标题")
    assert Notification.objects.filter(recipient=enterprise).count() == 1
    assert not OutboxTask.objects.exists()



def test_every_task_a_service_queues_goes_through_the_outbox():
    """A ``.delay``/``apply_async`` written straight into a service would answer 500 again with the broker down."""
    import re
    from pathlib import Path

    from django.conf import settings

    allowed = {("portal/services/fanout.py", "fanout_chunk.delay(pk)")}  # eager branch: in-process, no broker
    found = []
    for app_name in ("portal", "pool", "criteria", "matching", "finance"):
        for path in (Path(settings.BASE_DIR) / app_name).rglob("*.py"):
            relative = path.relative_to(settings.BASE_DIR).as_posix()
            if "/outbox/" in relative or "/migrations/" in relative or relative.endswith("tasks.py"):
                continue
            for line in path.read_text().splitlines():
                if re.search(r"\.delay\(|\.apply_async\(|send_task\(", line) and (
                        relative, line.strip().split("  #")[0].strip()) not in allowed:
                    found.append(f"{relative}: {line.strip()}")
    assert not found, "\n".join(found)
