"""The enterprise hears of every decision; reviewers get a daily digest of what arrived (once per day)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from pool.models import ApplicationStatus, ApplicationTransition, ReviewDigest
from pool.services.review import application_county_approve
from pool.services.review.digest import review_digest_send
from pool.tasks import send_review_digest
from portal.models import Notification
from tests.review.helpers import reviewer, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_approval_tells_the_enterprise(batch, applicant, county, django_capture_on_commit_callbacks):
    application = submitted(batch, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application_county_approve(application=application, reviewer=county, comment="材料齐全，同意上报")
    note = Notification.objects.get(recipient=applicant, verb="application.county_approved")
    assert note.title.startswith("申报已通过县级审核") and "材料齐全，同意上报" in note.body


def _yesterday_submissions(batch, count: int, region: str):
    day = timezone.localdate() - timedelta(days=1)
    at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=10)
    for _ in range(count):
        application = submitted(batch, region=region)
        ApplicationTransition.objects.filter(application=application).update(created_at=at)
    return day


def test_the_digest_tells_each_county_what_arrived_in_its_queue(batch, django_capture_on_commit_callbacks):
    here, there, quiet = reviewer("county", "420202"), reviewer("county", "420203"), reviewer("county", "420204")
    city = reviewer("city", "420200")
    day = _yesterday_submissions(batch, 2, "420202")
    _yesterday_submissions(batch, 1, "420203")
    submitted(batch, region="420202")  # today's: waiting, not new
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = review_digest_send(day=day)
    mine = Notification.objects.get(recipient=here, verb="application.digest")
    assert "新到 2 件" in mine.title and "黄石港区：新到 2 件，待审核共 3 件" in mine.body
    assert "新到 1 件" in Notification.objects.get(recipient=there, verb="application.digest").title
    assert not Notification.objects.filter(recipient__in=[quiet, city], verb="application.digest").exists()
    assert result["recipients"] == 2 and len(mail.outbox) == 2


def test_the_digest_is_sent_once_per_day(batch, django_capture_on_commit_callbacks):
    reviewer("county", "420202")
    day = _yesterday_submissions(batch, 1, "420202")
    with django_capture_on_commit_callbacks(execute=True):
        send_review_digest(day.isoformat())
        again = send_review_digest(day.isoformat())
    assert again == {"day": day.isoformat(), "skipped": "already sent"}
    assert Notification.objects.filter(verb="application.digest").count() == 1
    assert ReviewDigest.objects.get(day=day).recipients == 1


def test_the_digest_runs_every_morning_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["pool.send_review_digest"]
    assert entry["task"] == "pool.tasks.send_review_digest"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}
