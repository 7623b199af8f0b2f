"""List pages and API lists run a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.services.audit import audit
from portal.services.notifications import notify
from tests.factories import OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def organisations(viewer, n):
    for _ in range(n):
        UserFactory(organisation=OrganisationFactory(region_id="420202"))


def staff(viewer, n):
    for _ in range(n):
        user_with_role("county", "420281")


def audit_entries(viewer, n):
    for _ in range(n):
        target = user_with_role("county", "420202")
        audit(actor=target, action="user.login", target=target)


def notifications(viewer, n):
    for i in range(n):
        notify(recipients=[viewer], verb="test", title=f"通知{i}", email=False)


CASES = [
    ("/portal/organisations/", "city", organisations),
    ("/api/organisations/", "city", organisations),
    ("/api/users/", "city", organisations),
    ("/portal/staff/", "city", staff),
    ("/portal/audit/", "city", audit_entries),
    ("/portal/notifications/", "county", notifications),
    ("/api/notifications/", "county", notifications),
    ("/", "county", notifications),
]


def queries_for(client, url, viewer) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "role", "make_rows"), CASES, ids=[c[0] for c in CASES])
def test_query_count_does_not_grow_with_rows(client, url, role, make_rows):
    viewer = user_with_role(role)
    client.force_login(viewer)
    make_rows(viewer, 5)
    few = queries_for(client, url, viewer)
    make_rows(viewer, 25)
    assert queries_for(client, url, viewer) == few
