"""Follow-up cultivation (接续培育): milestones recorded by the member's county or by the enterprise itself, only for
graduated / follow-up members, bad input refused at the field with the input kept; the list, its export and its
API scoped and filtered alike, at a fixed number of queries."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from pool.lifecycle.workflow import MembershipStatus, StepError
from pool.models import FollowUpMilestone, Membership
from pool.services.lifecycle.follow_up import milestone_record
from portal.models import Notification
from tests.factories import UserFactory
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted, bulk_members, decided_graduation

pytestmark = pytest.mark.django_db
M = MembershipStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def graduate(batch, county, city):
    member = admitted(batch, on=date(2024, 6, 28))
    decided_graduation(member, on=date(2025, 5, 20), county=county, city=city)
    return member


def test_the_county_records_a_milestone_and_the_enterprise_is_told(graduate, county,
                                                                    django_capture_on_commit_callbacks):
    owner = UserFactory(organisation=graduate.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        milestone = milestone_record(membership=graduate, user=county, kind="little_giant", level="national",
                                     certificate_no="XJR2025-0098", obtained_on=date(2025, 9, 1), note="工信部公告")
    assert (milestone.recorded_by, milestone.get_kind_display()) == (county, "专精特新“小巨人”企业")
    note = Notification.objects.get(recipient=owner)
    assert "专精特新“小巨人”企业（国家级）" in note.body and note.url.endswith(f"/members/{graduate.pk}/")


def test_the_enterprise_records_its_own_but_not_anothers(graduate, batch, county, city):
    owner = UserFactory(organisation=graduate.enterprise)
    milestone_record(membership=graduate, user=owner, kind="specialised", level="provincial",
                     obtained_on=date(2025, 7, 1))
    other = admitted(batch, on=date(2024, 6, 28))
    decided_graduation(other, on=date(2025, 5, 20), county=county, city=city)
    with pytest.raises(StepError, match="只能登记本企业"):
        milestone_record(membership=other, user=owner, kind="specialised", obtained_on=date(2025, 7, 1))
    assert FollowUpMilestone.objects.count() == 1


def test_only_graduates_and_their_own_county_record(batch, graduate, other_county, city):
    cultivating = admitted(batch)
    with pytest.raises(StepError, match="只有已出库或接续培育中的企业可以登记"):
        milestone_record(membership=cultivating, user=reviewer_of(cultivating), kind="specialised",
                         obtained_on=date(2025, 7, 1))
    with pytest.raises(StepError, match="该企业不在您的辖区内"):
        milestone_record(membership=graduate, user=other_county, kind="specialised", obtained_on=date(2025, 7, 1))
    with pytest.raises(StepError, match="由企业本身或所在县"):
        milestone_record(membership=graduate, user=city, kind="specialised", obtained_on=date(2025, 7, 1))
    Membership.objects.filter(pk=graduate.pk).update(status=M.FOLLOW_UP)
    graduate.refresh_from_db()
    assert milestone_record(membership=graduate, user=reviewer_of(graduate), kind="single_champion",
                            obtained_on=date(2025, 7, 1)).pk


def reviewer_of(member):
    from tests.review.helpers import reviewer

    return reviewer("county", member.region_id)


def test_a_bad_date_comes_back_at_its_field_with_the_input_kept(client, graduate, county):
    client.force_login(county)
    url = reverse("pool:milestone-create", args=[graduate.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"milestone-kind": "little_giant", "milestone-level": "national",
                                 "milestone-certificate_no": "XJR-1", "milestone-obtained_on": tomorrow})
    assert response.status_code == 400
    html = response.content.decode()
    assert "取得日期不能晚于今天。" in html and 'value="XJR-1"' in html and f'value="{tomorrow}"' in html
    response = client.post(url, {"milestone-kind": "", "milestone-obtained_on": "2025-13-01"})
    html = response.content.decode()
    assert "请选择取得的资质。" in html and "请填写正确的日期" in html and 'value="2025-13-01"' in html
    before_admission = (graduate.admitted_on - timedelta(days=1)).isoformat()
    html = client.post(url, {"milestone-kind": "specialised", "milestone-obtained_on": before_admission}
                       ).content.decode()
    assert "取得日期不能早于入库日期" in html
    assert not FollowUpMilestone.objects.exists()
    response = client.post(url, {"milestone-kind": "specialised", "milestone-level": "provincial",
                                 "milestone-obtained_on": timezone.localdate().isoformat()}, follow=True)
    assert "已登记接续培育节点：专精特新中小企业" in response.content.decode()
    assert "取得省级专精特新中小企业" in response.content.decode()  # and it is on the timeline


def test_the_list_export_and_api_are_scoped_and_filtered_alike(client, graduate, batch, county, other_county):
    milestone_record(membership=graduate, user=county, kind="little_giant", level="national",
                     obtained_on=date(2025, 9, 1))
    milestone_record(membership=graduate, user=county, kind="specialised", level="provincial",
                     obtained_on=date(2024, 12, 1))
    client.force_login(county)
    query = {"kind": "little_giant", "year": "2025", "region": "420202"}
    html = client.get(reverse("pool:milestone-list"), query).content.decode()
    assert html.count("data-milestone=") == 1 and "专精特新“小巨人”企业" in html and "国家级" in html
    rows = api(county).get("/api/pool/milestones/", query).json()["results"]
    assert [(r["kind"], r["level_label"], r["enterprise_name"]) for r in rows] == [
        ("little_giant", "国家级", graduate.enterprise_name)]
    response = client.get(reverse("pool:milestone-export"), query)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [r[1:6] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        (graduate.enterprise_name, graduate.uscc, "黄石港区", "专精特新“小巨人”企业", "国家级")]
    assert api(other_county).get("/api/pool/milestones/").json()["results"] == []
    client.force_login(other_county)
    assert "data-milestone=" not in client.get(reverse("pool:milestone-list")).content.decode()


def test_the_api_records_a_milestone_with_the_same_service(graduate, county, other_county):
    payload = {"membership": graduate.pk, "kind": "single_champion", "level": "national",
               "obtained_on": "2025-10-01", "certificate_no": "DXGJ-7"}
    assert api(other_county).post("/api/pool/milestones/", payload, format="json").status_code == 400
    created = api(county).post("/api/pool/milestones/", payload, format="json")
    assert created.status_code == 201 and created.json()["kind_label"] == "制造业单项冠军"
    future = {**payload, "obtained_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    refused = api(county).post("/api/pool/milestones/", future, format="json")
    assert refused.status_code == 400 and refused.json()["obtained_on"] == ["取得日期不能晚于今天。"]


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_milestone_list_reads_the_same_queries_for_5_and_30_rows(client, batch, county, where,
                                                                      django_assert_num_queries):
    client.force_login(county)
    client_api = api(county)

    def fetch():
        if where == "page":
            return client.get(reverse("pool:milestone-list"))
        return client_api.get("/api/pool/milestones/")

    def milestones(count):
        for member in bulk_members(batch, count, status=M.FOLLOW_UP):
            FollowUpMilestone.objects.create(membership=member, kind="specialised", level="city",
                                             obtained_on=date(2025, 3, 1), recorded_by=county)

    milestones(5)
    fetch()
    with CaptureQueriesContext(connection) as few:
        assert fetch().status_code == 200
    milestones(25)
    with django_assert_num_queries(len(few)):
        response = fetch()
    rows = len(response.json()["results"]) if where == "api" else response.content.decode().count("data-milestone=")
    assert rows == 30
