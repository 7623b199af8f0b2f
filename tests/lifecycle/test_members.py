"""入库企业名单: admission makes the member in the same transaction; the list page, its export and its API share
one filter and one scope; another county's member answers 404 on page and API."""

from datetime import date
from importlib import import_module
from io import BytesIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from pool.lifecycle.workflow import MembershipStatus
from pool.models import Application, ApplicationStatus, ApplicationTransition, Membership
from pool.services.review import application_admit
from portal.models import AuditEntry
from tests.factories import user_with_role
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted, bulk_members, replenishment_batch
from tests.review.helpers import advanced

pytestmark = pytest.mark.django_db
S = ApplicationStatus
M = MembershipStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- admission makes the member -------------------------------------------------------------------------------

def test_admission_makes_a_cultivating_member_with_its_baseline(batch, province):
    member = admitted(batch, province=province)
    application = member.application
    assert application.status == S.ADMITTED
    assert (member.enterprise_id, member.batch_id, member.region_id) == (
        application.enterprise_id, batch.pk, "420202")
    assert member.status == M.CULTIVATING and member.replenishment is False
    assert member.policy_code == "national-2024" and member.criteria_set_id == batch.criteria_set_id
    assert member.baseline["revenue"] == "80000000"
    assert (member.baseline["rate_used"], member.baseline["rate_counted"]) == (2, 2)
    assert AuditEntry.objects.filter(action="membership.admitted", target_id=str(member.pk)).exists()


def test_a_refused_admission_leaves_no_member_and_no_transition(shipped, province):
    empty = replenishment_batch()
    application = advanced(empty, S.PROVINCE_RECOMMENDED, region="420202")
    with pytest.raises(ValidationError, match="增补名额已用完"):
        application_admit(application=application, reviewer=province)
    application.refresh_from_db()
    assert application.status == S.PROVINCE_RECOMMENDED
    assert not Membership.objects.exists()
    assert not ApplicationTransition.objects.filter(application=application, to_status=S.ADMITTED).exists()


def test_the_data_migration_makes_members_of_admitted_applications_once(batch):
    application = advanced(batch, S.PROVINCE_RECOMMENDED)
    Application.objects.filter(pk=application.pk).update(status=S.ADMITTED)  # admitted before members existed
    ApplicationTransition.objects.create(application=application, from_status=S.PROVINCE_RECOMMENDED,
                                         to_status=S.ADMITTED, revision_number=1)
    forwards = import_module("pool.migrations.0007_memberships_of_admitted").forwards
    forwards(apps, None)
    forwards(apps, None)  # a second run finds nothing left to do
    member = Membership.objects.get()
    admitted_at = ApplicationTransition.objects.get(to_status=S.ADMITTED).created_at
    assert member.application_id == application.pk and member.status == M.CULTIVATING
    assert member.admitted_on == timezone.localtime(admitted_at).date()
    assert member.baseline["revenue"] == "80000000"


# --- the list, its filters, export and API --------------------------------------------------------------------

def test_the_county_sees_its_members_filtered_and_another_countys_member_is_404(client, batch, county):
    mine = admitted(batch)
    theirs = admitted(batch, region="420203")
    client.force_login(county)
    html = client.get(reverse("pool:membership-list")).content.decode()
    assert mine.enterprise_name in html and theirs.enterprise_name not in html
    assert client.get(reverse("pool:membership-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("pool:membership-detail", args=[theirs.pk])).status_code == 404
    client_api = api(county)
    assert [r["id"] for r in client_api.get("/api/pool/members/").json()["results"]] == [mine.pk]
    assert client_api.get(f"/api/pool/members/{theirs.pk}/").status_code == 404
    assert client_api.get(f"/api/pool/members/{theirs.pk}/timeline/").status_code == 404


def test_the_city_sees_its_counties_the_enterprise_itself_and_a_bank_nothing(client, batch, city):
    mine = admitted(batch)
    theirs = admitted(batch, region="420203")
    yichang = admitted(batch, region="420502")
    ids = {r["id"] for r in api(city).get("/api/pool/members/").json()["results"]}
    assert ids == {mine.pk, theirs.pk}
    owner = user_with_role("enterprise")
    owner.organisation = mine.enterprise
    owner.save()
    assert [r["id"] for r in api(owner).get("/api/pool/members/").json()["results"]] == [mine.pk]
    client.force_login(owner)
    assert client.get(reverse("pool:membership-detail", args=[yichang.pk])).status_code == 404
    assert client.get(reverse("pool:membership-mine")).status_code == 200
    bank = user_with_role("bank")
    client.force_login(bank)
    assert client.get(reverse("pool:membership-list")).status_code == 404
    assert client.get(reverse("pool:membership-detail", args=[mine.pk])).status_code == 404
    assert api(bank).get("/api/pool/members/").json()["results"] == []


def test_filters_are_the_same_on_page_export_and_api(client, batch, huangshi_batch, county):
    first = admitted(batch)
    second = admitted(huangshi_batch)
    Membership.objects.filter(pk=second.pk).update(status=M.GRADUATED, admitted_on=date(2024, 6, 28),
                                                   replenishment=True)
    client.force_login(county)
    query = {"status": M.GRADUATED, "year": "2024", "replenishment": "yes", "region": "420202",
             "batch": huangshi_batch.pk}
    page = client.get(reverse("pool:membership-list"), query).content.decode()
    assert second.enterprise_name in page and first.enterprise_name not in page
    assert [r["id"] for r in api(county).get("/api/pool/members/", query).json()["results"]] == [second.pk]
    response = client.get(reverse("pool:membership-export"), query)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[6], r[7]) for r in rows] == [(second.enterprise_name, "增补入库", "已出库")]
    by_name = api(county).get("/api/pool/members/", {"q": first.enterprise_name[:6]}).json()["results"]
    assert first.pk in [r["id"] for r in by_name]
    by_uscc = api(county).get("/api/pool/members/", {"q": first.uscc.lower()}).json()["results"]
    assert [r["id"] for r in by_uscc] == [first.pk]


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert fetch().status_code == 200
    return len(captured)


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_member_list_runs_the_same_queries_for_5_and_30_members(client, batch, county, where,
                                                                     django_assert_num_queries):
    client.force_login(county)
    if where == "page":
        def fetch():
            return client.get(reverse("pool:membership-list"), {"status": M.CULTIVATING})
    else:
        client_api = api(county)

        def fetch():
            return client_api.get("/api/pool/members/", {"status": M.CULTIVATING})
    bulk_members(batch, 5)
    fetch()  # warm what the first request of a session caches
    few = _queries(fetch)
    bulk_members(batch, 25)
    with django_assert_num_queries(few):
        response = fetch()
    rows = (len(response.json()["results"]) if where == "api"
            else response.content.decode().count("data-member="))
    assert rows == 30
