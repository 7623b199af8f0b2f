"""The replenishment ledger (增补名额台账, DESIGN §5.1): places = factor × graduations decided in the scope (county
for Huangshi, province for national; counted from the decision date, that day included) − replenishment admissions
made; a third replenishment when two places exist is refused in Chinese; removals earn nothing, ordinary
admissions use nothing. The page, its export and its API show each line and each scope's balance, scoped."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from pool.lifecycle.workflow import ProposalKind, ProposalStatus
from pool.models import ApplicationStatus, Batch, LifecycleProposal, Membership, ReplenishmentEntry
from pool.services.lifecycle.membership import ledger_balance, ledger_summary, membership_admit
from pool.services.lifecycle.policies import current_policy
from pool.services.review import application_admit
from portal.models import AuditEntry
from tests.factories import user_with_role
from tests.lifecycle.conftest_members import *  # noqa: F403  (fixtures and builders of members)
from tests.lifecycle.conftest_members import admitted, bulk_members, decided_graduation, replenishment_batch
from tests.review.helpers import advanced

pytestmark = pytest.mark.django_db
S = ApplicationStatus
FULL = "黄石港区增补名额已用完：已出库 1 家，可增补 2 家，已增补 2 家。待有企业出库后方可增补入库。"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def waiting(batch, region: str = "420202"):
    return advanced(batch, S.PROVINCE_RECOMMENDED, region=region)


def test_one_graduation_earns_two_places_and_the_third_replenishment_is_refused(huangshi_batch, province):
    graduate = admitted(huangshi_batch)
    decided_graduation(graduate, on=date(2025, 5, 20))
    assert ledger_summary("420202") == {"graduations": 1, "earned": 2, "used": 0, "available": 2}
    extra = replenishment_batch()
    first, second, third = waiting(extra), waiting(extra), waiting(extra)
    application_admit(application=first, reviewer=province)
    application_admit(application=second, reviewer=province)
    assert ledger_balance("420202") == 0
    with pytest.raises(ValidationError) as refused:
        application_admit(application=third, reviewer=province)
    assert refused.value.messages == [FULL]
    third.refresh_from_db()
    assert third.status == S.PROVINCE_RECOMMENDED and not Membership.objects.filter(application=third).exists()
    used = ReplenishmentEntry.objects.filter(places__lt=0).order_by("pk")
    assert [(e.admission_id, e.scope_region_id, e.places) for e in used] == [(first.pk, "420202", -1),
                                                                             (second.pk, "420202", -1)]
    assert Membership.objects.get(application=first).replenishment is True


def test_a_graduation_counts_from_its_decision_date_that_day_included(huangshi_batch, province):
    graduate = admitted(huangshi_batch)
    decided = date(2025, 5, 20)
    decided_graduation(graduate, on=decided)
    application = waiting(replenishment_batch())
    with pytest.raises(ValidationError, match="增补名额已用完"), transaction.atomic():
        membership_admit(application=application, user=province, on=decided - timedelta(days=1))
    assert ledger_summary("420202", on=decided - timedelta(days=1))["available"] == 0
    with transaction.atomic():
        member = membership_admit(application=application, user=province, on=decided)
    assert member.replenishment and ledger_summary("420202", on=decided)["available"] == 1


def test_huangshi_counts_per_county_and_national_per_province(huangshi_batch, batch, province):
    decided_graduation(admitted(huangshi_batch), on=date(2025, 5, 20))  # 黄石港区's own places
    decided_graduation(admitted(batch, region="420502"), on=date(2025, 6, 1))  # national: the province's
    assert ledger_balance("420202") == 2 and ledger_balance("420000") == 2
    next_door = waiting(replenishment_batch(), region="420203")  # 西塞山区 graduated nobody
    with pytest.raises(ValidationError, match="西塞山区增补名额已用完：已出库 0 家"):
        application_admit(application=next_door, reviewer=province)
    national = waiting(replenishment_batch(code="national-2024", name="全省增补"), region="420203")
    application_admit(application=national, reviewer=province)
    assert ledger_balance("420000") == 1 and ledger_balance("420202") == 2


def test_removals_earn_nothing_and_ordinary_admissions_use_nothing(huangshi_batch, province):
    member = admitted(huangshi_batch)
    LifecycleProposal.objects.create(
        membership=member, kind=ProposalKind.REMOVE, status=ProposalStatus.APPROVED, reasons=["no_progress_two_years"],
        explanation="无进展", policy=current_policy(member.policy_code), evaluated_on=date(2025, 1, 1),
        fingerprint="x", decided_on=date(2025, 1, 1))
    admitted(huangshi_batch)
    assert not ReplenishmentEntry.objects.exists()
    assert ledger_summary("420202") == {"graduations": 0, "earned": 0, "used": 0, "available": 0}


def test_the_page_shows_each_line_and_balance_in_the_readers_scope(client, huangshi_batch, batch, county,
                                                                     other_county, city, province):
    graduate = admitted(huangshi_batch)
    proposal = decided_graduation(graduate, on=date(2025, 5, 20))
    decided_graduation(admitted(batch, region="420502"), on=date(2025, 6, 1))
    newcomer = waiting(replenishment_batch())
    application_admit(application=newcomer, reviewer=province)
    client.force_login(county)
    html = client.get(reverse("pool:ledger")).content.decode()
    assert 'data-scope="420202"' in html and 'data-scope="420000"' in html  # its county and the province's
    assert graduate.enterprise_name in html and newcomer.enterprise_name in html
    assert "2025-05-20 决定出库" in html and "2026 年度增补入库" in html
    balances = {b["scope_region"]: b for b in api(county).get("/api/pool/ledger/balances/").json()}
    assert (balances["420202"]["earned"], balances["420202"]["used"], balances["420202"]["available"]) == (2, 1, 1)
    lines = api(county).get("/api/pool/ledger/", {"scope_region": "420202"}).json()["results"]
    assert [(line["kind"], line["places"], line["enterprise_name"]) for line in lines] == [
        ("used", -1, newcomer.enterprise_name), ("earned", 2, graduate.enterprise_name)]
    assert lines[1]["graduation"] == proposal.pk and lines[1]["graduation_decided_on"] == "2025-05-20"
    other = {b["scope_region"] for b in api(other_county).get("/api/pool/ledger/balances/").json()}
    assert other == {"420000"}  # 西塞山区 sees the province's ledger, not 黄石港区's
    client.force_login(other_county)
    assert graduate.enterprise_name not in client.get(reverse("pool:ledger")).content.decode()
    assert {b["scope_region"] for b in api(city).get("/api/pool/ledger/balances/").json()} == {"420202", "420000"}
    owner = user_with_role("enterprise")
    client.force_login(owner)
    assert client.get(reverse("pool:ledger")).status_code == 404
    assert api(owner).get("/api/pool/ledger/").json()["results"] == []
    assert api(owner).get("/api/pool/ledger/balances/").status_code == 404


def test_the_export_has_a_summary_and_a_sheet_per_scope(client, huangshi_batch, batch, province, city):
    decided_graduation(admitted(huangshi_batch), on=date(2025, 5, 20))
    decided_graduation(admitted(batch, region="420502"), on=date(2025, 6, 1))
    client.force_login(province)
    response = client.get(reverse("pool:ledger-export"))
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["汇总", "湖北省", "黄石港区"]
    summary = list(workbook["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary == [("湖北省", "按全省计算", 1, 2, 0, 2), ("黄石港区", "按县（市、区）计算", 1, 2, 0, 2)]
    lines = list(workbook["黄石港区"].iter_rows(min_row=2, values_only=True))
    assert [(line[1], line[2]) for line in lines] == [(2, "出库获得增补名额")]


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_ledger_reads_the_same_queries_for_5_and_30_lines(client, huangshi_batch, county, where,
                                                               django_assert_num_queries):
    client.force_login(county)
    client_api = api(county)

    def fetch():
        return client.get(reverse("pool:ledger")) if where == "page" else client_api.get("/api/pool/ledger/")

    def graduate(count):
        for member in bulk_members(huangshi_batch, count):
            decided_graduation(member, on=date(2025, 5, 20), county=county)

    graduate(5)
    fetch()
    with CaptureQueriesContext(connection) as few:
        assert fetch().status_code == 200
    graduate(25)
    with django_assert_num_queries(len(few)):
        response = fetch()
    rows = len(response.json()["results"]) if where == "api" else response.content.decode().count("data-entry=")
    assert rows == 30


def test_the_province_marks_a_batch_as_replenishment_on_its_form_and_the_api(client, batch, province):
    client.force_login(province)
    today = timezone.localdate()
    response = client.post(reverse("pool:batch-create"), {
        "name": "2027 年度增补", "year": 2027, "criteria_set": batch.criteria_set_id,
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=45)).isoformat(),
        "province_quota": 50, "replenishment": "on", "description": ""})
    created = Batch.objects.get(name="2027 年度增补")
    assert response.status_code == 302 and created.replenishment is True
    assert "增补批次：入库占用出库企业腾出的增补名额" in client.get(
        reverse("pool:batch-detail", args=[created.pk])).content.decode()
    assert "data-replenishment" in client.get(reverse("pool:batch-list")).content.decode()
    api(province).patch(f"/api/pool/batches/{created.pk}/", {"replenishment": False}, format="json")
    created.refresh_from_db()
    assert created.replenishment is False
    assert AuditEntry.objects.filter(action="batch.updated", target_id=str(created.pk),
                                     data__replenishment="False").exists()
