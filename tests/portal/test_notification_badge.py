"""The badge beside 通知 counts the person's own unread notifications, on every page, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.context_processors import unread_notifications
from portal.models import Notification
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def tell(person, title="新消息", read=False):
    return Notification.objects.create(recipient=person, verb="test", title=title,
                                       read_at=timezone.now() if read else None)


def test_the_badge_counts_only_my_unread_notifications(client):
    me, someone_else = user_with_role("county"), user_with_role("county")
    tell(me), tell(me), tell(me, read=True)
    tell(someone_else), tell(someone_else), tell(someone_else)
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="未读 2 条"' in page

    note = Notification.objects.filter(recipient=me, read_at__isnull=True).first()
    client.post(reverse("portal:notification-read", args=[note.pk]))
    assert 'aria-label="未读 1 条"' in client.get(reverse("home")).content.decode()


def test_no_badge_when_everything_is_read(client):
    me = user_with_role("enterprise")
    tell(me, read=True)
    client.force_login(me)
    assert 'class="badge"' not in client.get(reverse("portal:notification-list")).content.decode()
    assert unread_notifications(me) == 0


def test_the_count_is_one_query_for_anyone():
    first, second = user_with_role("city"), user_with_role("province")
    tell(first)
    for person, expected in ((first, 1), (second, 0), (first, 1)):
        with CaptureQueriesContext(connection) as queries:
            assert unread_notifications(person) == expected
        assert len(queries) == 1
