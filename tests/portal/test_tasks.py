"""Celery: notifications delivered after commit by a real worker through Redis, the beat schedule, export purge."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.models import Job, Notification
from portal.services.jobs import job_create, job_finish
from portal.services.notifications import notify_on_commit
from portal.tasks import purge_expired_exports
from tests.factories import user_with_role


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_notification_travels_through_redis_to_a_real_worker(celery_worker):
    user = user_with_role("enterprise")
    with transaction.atomic():
        notify_on_commit(recipients=[user], verb="application.returned", title="申报书已退回修改",
                         body="请补充研发费用证明。", url="/pool/")
        assert not Notification.objects.filter(recipient=user).exists()  # nothing leaves before commit
    assert wait_for(lambda: Notification.objects.filter(recipient=user, title="申报书已退回修改").exists())
    note = Notification.objects.get(recipient=user)
    assert (note.verb, note.body, note.url) == ("application.returned", "请补充研发费用证明。", "/pool/")


@pytest.mark.django_db
def test_notification_is_sent_after_commit_with_its_mail(django_capture_on_commit_callbacks, mailoutbox):
    user = user_with_role("enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(recipients=[user], verb="batch.opened", title="申报批次已开放")
        assert not Notification.objects.exists()
    assert Notification.objects.get().recipient == user
    assert [m.subject for m in mailoutbox] == ["【培育库】申报批次已开放"]
    assert mailoutbox[0].to == [user.email]


@pytest.mark.django_db
def test_redelivered_notification_is_not_written_twice(django_capture_on_commit_callbacks):
    user = user_with_role("enterprise")
    with django_capture_on_commit_callbacks() as callbacks:
        notify_on_commit(recipients=[user], verb="batch.opened", title="申报批次已开放", email=False)
    callbacks[0]()
    callbacks[0]()  # the broker hands the same message out again after a worker died before acknowledging it
    assert Notification.objects.filter(recipient=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_notifies_nobody():
    user = user_with_role("enterprise")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_on_commit(recipients=[user], verb="batch.opened", title="申报批次已开放")
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_inactive_recipients_are_skipped(django_capture_on_commit_callbacks):
    active, gone = user_with_role("county"), user_with_role("county", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(recipients=[active, gone], verb="x", title="通知", email=False)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [active.pk]


def test_beat_schedule_collects_every_apps_entries_and_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert schedule == settings.CELERY_BEAT_SCHEDULE
    assert "portal.purge_expired_exports" in schedule
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name
        assert entry["schedule"].remaining_estimate(timezone.now()) >= timedelta(0), name


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.EXPORT_ROOT.mkdir()
    return settings.EXPORT_ROOT


def finished_job(user, export_root, name, days_ago):
    (export_root / name).write_bytes(b"xlsx")
    job = job_create(kind="export", title=name, created_by=user)
    job_finish(job_id=job.pk, result_file=name)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    return job


@pytest.mark.django_db
def test_export_files_are_purged_after_the_retention_period(client, export_root, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    user = user_with_role("city")
    old = finished_job(user, export_root, "old.xlsx", days_ago=8)
    recent = finished_job(user, export_root, "recent.xlsx", days_ago=6)
    assert purge_expired_exports.delay().get() == 1
    assert not (export_root / "old.xlsx").exists() and (export_root / "recent.xlsx").exists()
    client.force_login(user)
    assert client.get(reverse("portal:job-download", args=[old.pk])).status_code == 404
    assert client.get(reverse("portal:job-download", args=[recent.pk])).status_code == 200
    old.refresh_from_db()
    assert old.message == "结果文件已过期删除"
    assert purge_expired_exports.delay().get() == 0


@pytest.mark.django_db
def test_chunk_files_left_by_an_old_export_are_purged_and_a_running_ones_kept(export_root, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    user = user_with_role("city")
    old = finished_job(user, export_root, "old.xlsx", days_ago=8)
    running = job_create(kind="export", title="running", created_by=user)
    for job in (old, running):
        part = export_root / "jobs" / str(job.pk) / "parts" / "0-abc" / "0.rows"
        part.parent.mkdir(parents=True)
        part.write_text("<c/>\n")
    purge_expired_exports.delay().get()
    assert not (export_root / "jobs" / str(old.pk) / "parts").exists()
    assert (export_root / "jobs" / str(running.pk) / "parts" / "0-abc" / "0.rows").exists()


@pytest.mark.django_db
def test_purge_never_deletes_outside_the_export_root(export_root, settings, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("keep")
    job = job_create(kind="export", title="x", created_by=user_with_role("city"))
    job_finish(job_id=job.pk, result_file="../secret.txt")
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=30))
    purge_expired_exports.delay().get()
    assert outside.read_text() == "keep"


@pytest.mark.django_db
def test_each_recipient_gets_a_message_of_their_own(mailoutbox):
    from portal.services.notifications import notify
    from tests.factories import user_with_role

    county, bank = user_with_role("county"), user_with_role("bank")
    notify(recipients=[county, bank], verb="x", title="白名单已发布", body="请查看")
    assert sorted(m.to for m in mailoutbox) == sorted([[county.email], [bank.email]])
