"""The audit log is append-only and tamper-evident: entries are sealed into a SHA-256 chain after commit,
``verify_audit_chain`` names the first broken link, the admin cannot add, change or delete entries, and on
PostgreSQL the database itself refuses UPDATE and DELETE."""

import importlib
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from portal.models import AuditEntry
from portal.services.audit import audit, seal_pending, verify_chain
from tests.factories import user_with_role
from tests.services import postgres  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _entries(actor, count: int) -> list[AuditEntry]:
    return [audit(actor=actor, action="user.login", comment=f"第 {i} 次", data={"n": i}) for i in range(count)]


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def test_sealing_chains_the_entries_in_order(enterprise_user):
    entries = _entries(enterprise_user, 3)
    assert seal_pending() == 3
    sealed = list(AuditEntry.objects.order_by("seq"))
    assert [e.pk for e in sealed] == [e.pk for e in entries]
    assert [e.seq for e in sealed] == [1, 2, 3]
    assert sealed[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in sealed[1:]] == [e.entry_hash for e in sealed[:-1]]
    assert all(len(e.entry_hash) == 64 for e in sealed)
    assert "共 3 条" in _verify()


def test_entries_are_sealed_when_their_transaction_commits(enterprise_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            _entries(enterprise_user, 2)
    assert len(callbacks) == 1  # one seal per transaction, however many entries it wrote
    assert list(AuditEntry.objects.order_by("id").values_list("seq", flat=True)) == [1, 2]


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _behind_the_trigger(sql: str, params: list) -> None:
    """What someone with the database owner's rights could do (PostgreSQL: with the trigger switched off)."""
    on_postgres = connection.vendor == "postgresql"
    if on_postgres:  # a superuser's way round every trigger
        _raw("SET session_replication_role = replica", [])
    _raw(sql, params)
    if on_postgres:
        _raw("SET session_replication_role = origin", [])


def test_a_changed_entry_is_named_by_the_verifier(enterprise_user):
    entries = _entries(enterprise_user, 4)
    seal_pending()
    _behind_the_trigger("UPDATE portal_auditentry SET comment = %s WHERE id = %s", ["改过的说明", entries[2].pk])
    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"第 3 条（编号 {entries[2].pk}" in message and "内容与哈希不符" in message
    assert "此前 2 条完好" in message


def test_a_removed_entry_breaks_the_chain(enterprise_user):
    entries = _entries(enterprise_user, 4)
    seal_pending()
    _behind_the_trigger("DELETE FROM portal_auditentry WHERE id = %s", [entries[1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_at.pk == entries[2].pk and "删除" in report.problem


def test_a_forged_hash_of_a_forged_entry_still_breaks_the_next_link(enterprise_user):
    from portal.services.audit import digest

    entries = _entries(enterprise_user, 3)
    seal_pending()
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.comment = "伪造"
    _behind_the_trigger("UPDATE portal_auditentry SET comment = %s, entry_hash = %s WHERE id = %s",
         ["伪造", digest(forged), forged.pk])
    report = verify_chain()
    assert not report.ok and report.broken_at.pk == entries[2].pk


def test_the_admin_reads_audit_entries_but_cannot_add_change_or_delete(client, enterprise_user):
    entry = _entries(enterprise_user, 1)[0]
    client.force_login(user_with_role("admin"))
    assert client.get("/admin/portal/auditentry/").status_code == 200
    assert client.get(f"/admin/portal/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/portal/auditentry/add/").status_code == 403
    assert client.post("/admin/portal/auditentry/add/", {"action": "user.login", "actor_name": "伪造"}).status_code == 403
    client.post(f"/admin/portal/auditentry/{entry.pk}/change/", {"action": "user.logout", "comment": "改"})
    assert client.post(f"/admin/portal/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert (entry.action, entry.comment) == ("user.login", "第 0 次")
    assert AuditEntry.objects.filter(actor_name="伪造").count() == 0


def test_retention_below_six_months_is_refused_by_the_system_check(settings):
    from portal.models.audit import audit_retention_check

    settings.AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_retention_check()] == ["portal.E010"]
    settings.AUDIT_RETENTION_DAYS = 183
    assert audit_retention_check() == []


# PostgreSQL: the database refuses what the application never does.

@pytest.mark.services
def test_postgres_refuses_update_and_delete_of_an_entry(postgres, enterprise_user):  # noqa: F811
    from django.db import DatabaseError

    entry = _entries(enterprise_user, 1)[0]
    seal_pending()
    for sql in ("UPDATE portal_auditentry SET comment = 'x' WHERE id = %s",
                "UPDATE portal_auditentry SET seq = 99 WHERE id = %s",
                "DELETE FROM portal_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="操作日志只能追加"), transaction.atomic():
            _raw(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.comment == "第 0 次" and entry.seq == 1
    with pytest.raises(DatabaseError, match="操作日志只能追加"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.services
def test_postgres_still_lets_a_person_be_deleted(postgres):  # noqa: F811
    person = user_with_role("enterprise")
    entry = _entries(person, 1)[0]
    seal_pending()
    person.delete()
    entry.refresh_from_db()
    assert entry.actor_id is None and entry.actor_name == person.username
    assert verify_chain().ok


@pytest.mark.services
def test_postgres_tampering_behind_the_trigger_is_found(postgres, enterprise_user):  # noqa: F811
    entries = _entries(enterprise_user, 3)
    seal_pending()
    _behind_the_trigger("UPDATE portal_auditentry SET actor_name = %s WHERE id = %s", ["someone_else", entries[1].pk])
    with pytest.raises(CommandError, match=f"第 2 条（编号 {entries[1].pk}"):
        _verify()


def _two_writers(pause: float) -> list[Exception]:
    """Two people's threads, 25 committed audit entries each (``pause`` s apart); what went wrong in them."""
    import time

    from django.db import connections

    errors = []

    def write(user):
        try:
            for i in range(25):
                with transaction.atomic():
                    audit(actor=user, action="user.login", data={"i": i})
                time.sleep(pause)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in (user_with_role("enterprise"),
                                                                    user_with_role("county"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_two_concurrent_writers_keep_one_chain(postgres):  # noqa: F811

    assert _two_writers(pause=0) == []  # each commit seals what is committed so far
    seal_pending()
    report = verify_chain()
    assert report.ok and report.checked == AuditEntry.objects.count() >= 50 and report.unsealed == 0
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, report.checked + 1))


# Batched sealing (production: AUDIT_SEAL_SECONDS > 0): one seal per batch and process, the chain as before.

@pytest.fixture
def batched(settings):
    audit_service = importlib.import_module("portal.services.audit")

    settings.AUDIT_SEAL_SECONDS = 60
    yield audit_service
    audit_service.flush_scheduled_seal()


def test_batched_commits_schedule_one_seal_that_seals_them_all(batched, enterprise_user,
                                                                django_capture_on_commit_callbacks):
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            _entries(enterprise_user, 2)
        if i == 0:
            timer = batched._scheduled
    assert timer is not None and batched._scheduled is timer  # the later commits joined the scheduled batch
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 6  # committed, not sealed yet
    batched.flush_scheduled_seal()  # what the timer does when its seconds are up
    assert batched._scheduled is None
    assert list(AuditEntry.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    report = verify_chain()
    assert report.ok and report.checked == 6 and report.unsealed == 0


def test_batched_a_rolled_back_transaction_schedules_nothing(batched, enterprise_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        _entries(enterprise_user, 1)
        raise RuntimeError("the change failed")
    assert batched._scheduled is None and not AuditEntry.objects.exists()


def test_the_minutely_task_seals_what_a_stopped_process_left(enterprise_user, settings):
    from portal.tasks import seal_audit_entries

    settings.AUDIT_SEAL_SECONDS = 60
    with transaction.atomic():
        _entries(enterprise_user, 2)
    audit_service = importlib.import_module("portal.services.audit")

    timer, audit_service._scheduled = audit_service._scheduled, None  # the process stopped before its batch
    if timer is not None:
        timer.cancel()
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 2
    assert seal_audit_entries() == 2
    assert verify_chain().ok and verify_chain().unsealed == 0
    assert settings.CELERY_BEAT_SCHEDULE["portal.seal_audit_entries"]["task"] == "portal.tasks.seal_audit_entries"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_concurrent_writers_batched_seal_within_the_interval(postgres, settings, monkeypatch):  # noqa: F811
    """Two writers, 50 commits: sealed by the process's timer in a few batches (not 50 locked transactions),
    without anyone calling ``seal_pending``; one unbroken chain."""
    import time


    audit_service = importlib.import_module("portal.services.audit")

    settings.AUDIT_SEAL_SECONDS = 0.2
    seals = []
    real_seal = audit_service.seal_pending
    monkeypatch.setattr(audit_service, "seal_pending", lambda: seals.append(1) or real_seal())
    assert _two_writers(pause=0.004) == []
    deadline = time.monotonic() + 10
    while AuditEntry.objects.filter(seq__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    report = verify_chain()
    assert report.ok and report.unsealed == 0 and report.checked == AuditEntry.objects.count() == 50
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 51))
    assert 1 <= len(seals) < 25  # batches, not one seal per commit
