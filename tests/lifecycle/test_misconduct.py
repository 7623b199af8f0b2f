"""Misconduct known from outside the report: a county's record and an imported list's hits open the removal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from criteria.services.lists import list_import
from pool.lifecycle.workflow import MembershipStatus
from pool.models import LifecycleProposal, MisconductRecord
from pool.services.lifecycle import misconduct as misconduct_service
from pool.services.lifecycle.misconduct import misconduct_record
from tests.criteria.files import csv_file
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import TODAY, graduating, member, report

pytestmark = pytest.mark.django_db


def record(membership, user, **changes):
    fields = {"kind": "major_accident", "known_on": TODAY, "occurred_on": TODAY - timedelta(days=3),
              "description": "应急管理局事故调查报告（黄应急〔2025〕12号）"} | changes
    return misconduct_record(membership=membership, user=user, **fields)


def test_a_county_record_opens_the_removal_at_once(hs_batch, county):
    m = member(hs_batch)
    report(m, graduating())  # it would graduate; misconduct overrides
    saved = record(m, county)
    assert saved.source == "county" and saved.recorded_by == county and saved.source_key.startswith("county:")
    proposal = LifecycleProposal.objects.get(membership=m)
    assert proposal.kind == "remove" and proposal.trigger == "record"
    assert proposal.reasons == ["misconduct:major_accident"]
    assert "重大安全、质量、环境事故" in proposal.explanation


@pytest.mark.parametrize("changes,field,message", [
    ({"known_on": TODAY + timedelta(days=1)}, "known_on", "知悉日期不能晚于今天。"),
    ({"known_on": None}, "known_on", "请填写知悉日期。"),
    ({"occurred_on": TODAY + timedelta(days=1)}, "occurred_on", "发生日期不能晚于知悉日期。"),
    ({"description": " "}, "description", "请填写情况说明（事实、依据文书等）。"),
    ({"kind": "speeding"}, "kind", "请选择违规失信情形。"),
])
def test_a_record_is_checked(hs_batch, county, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        record(member(hs_batch), county, **changes)
    assert refused.value.message_dict[field] == [message]
    assert not MisconductRecord.objects.exists()


def test_only_the_members_county_records(hs_batch, other_county, city):
    m = member(hs_batch)
    for user in (other_county, city):
        with pytest.raises(ValidationError, match="所在县"):
            record(m, user)


def test_the_page_keeps_what_was_typed_and_leads_to_the_proposal(client, hs_batch, county, other_county):
    m = member(hs_batch)
    client.force_login(county)
    form = client.get(f"/pool/misconduct/new/?membership={m.pk}").content.decode()
    assert m.enterprise_name in form
    response = client.post("/pool/misconduct/new/", {"membership": m.pk, "kind": "tax_evasion",
                                                      "known_on": "2099-01-01", "description": "税务处罚决定书"})
    page = response.content.decode()
    assert response.status_code == 200 and "知悉日期不能晚于今天。" in page and "税务处罚决定书" in page
    response = client.post("/pool/misconduct/new/", {"membership": m.pk, "kind": "tax_evasion",
                                                     "known_on": TODAY.isoformat(), "description": "税务处罚决定书"})
    proposal = LifecycleProposal.objects.get(membership=m)
    assert response.status_code == 302 and response["Location"] == f"/pool/proposals/{proposal.pk}/"
    client.force_login(other_county)  # another county's member is no choice
    response = client.post("/pool/misconduct/new/", {"membership": m.pk, "kind": "tax_evasion",
                                                     "known_on": TODAY.isoformat(), "description": "x"})
    assert "请选择本辖区培育中的企业。" in response.content.decode()


def test_the_api_records_too(hs_batch, county, other_county):
    m = member(hs_batch)
    api = APIClient()
    api.force_authenticate(county)
    response = api.post("/api/pool/misconduct/", {"membership": m.pk, "kind": "data_fraud",
                                                  "known_on": TODAY.isoformat(), "description": "数据造假"})
    assert response.status_code == 201 and response.json()["source"] == "county"
    assert LifecycleProposal.objects.filter(membership=m, kind="remove").exists()
    api.force_authenticate(other_county)
    assert api.get("/api/pool/misconduct/").json()["count"] == 0
    response = api.post("/api/pool/misconduct/", {"membership": m.pk, "kind": "data_fraud",
                                                  "known_on": TODAY.isoformat(), "description": "x"})
    assert response.status_code == 400


# --- list imports --------------------------------------------------------------------------------------------

def _import(rows, user, *, replace=False):
    return list_import(file=csv_file(rows), list_type="serious_dishonesty", user=user, replace=replace)


def test_a_list_import_opens_the_removal_of_the_members_it_hits(hs_batch, province,
                                                                 django_capture_on_commit_callbacks):
    hit = member(hs_batch)
    spared = member(hs_batch)
    gone = member(hs_batch, status=MembershipStatus.REMOVED)
    dashed = hit.uscc[:6] + "-" + hit.uscc[6:]  # normalised as the import normalises it
    with django_capture_on_commit_callbacks(execute=True):
        imported = _import([(dashed, hit.enterprise_name, "拒不履行法院判决", "2025-01-15"),
                            (gone.uscc, gone.enterprise_name, "失信", "")], province)
    saved = MisconductRecord.objects.get(membership=hit)
    assert saved.source == "list" and saved.kind == "serious_dishonesty"
    assert saved.known_on == imported.imported_at.astimezone().date() and str(saved.occurred_on) == "2025-01-15"
    assert "严重失信主体名单" in saved.description and "拒不履行法院判决" in saved.description
    assert saved.source_key.startswith("list:")
    proposal = LifecycleProposal.objects.get(membership=hit)
    assert proposal.kind == "remove" and proposal.trigger == "list"
    assert proposal.reasons == ["misconduct:serious_dishonesty"]
    assert proposal.evidence["misconduct"][0]["source"] == "list"
    assert not MisconductRecord.objects.filter(membership__in=[spared, gone]).exists()


def test_the_same_listing_imported_again_is_not_recorded_twice(hs_batch, province,
                                                                django_capture_on_commit_callbacks):
    hit = member(hs_batch)
    row = (hit.uscc, hit.enterprise_name, "失信", "2025-01-15")
    with django_capture_on_commit_callbacks(execute=True):
        _import([row], province)
    with django_capture_on_commit_callbacks(execute=True):
        _import([row], province, replace=True)  # the entry is replaced by a new one with the same listing
    assert MisconductRecord.objects.filter(membership=hit).count() == 1
    assert LifecycleProposal.objects.filter(membership=hit).count() == 1


def test_a_large_import_is_matched_in_celery(hs_batch, province, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(misconduct_service, "LIST_INLINE_LIMIT", 0)
    calls = []
    from pool import tasks

    original = tasks.lifecycle_list_hits.run
    monkeypatch.setattr(tasks.lifecycle_list_hits, "run", lambda list_type: calls.append(list_type) or original(
        list_type))
    hit = member(hs_batch)
    with django_capture_on_commit_callbacks(execute=True):
        _import([(hit.uscc, hit.enterprise_name, "失信", "")], province)
    assert calls == ["serious_dishonesty"]
    assert LifecycleProposal.objects.filter(membership=hit, kind="remove").exists()


def test_the_removal_page_shows_the_list_and_its_reason(client, hs_batch, province, county,
                                                        django_capture_on_commit_callbacks):
    hit = member(hs_batch)
    with django_capture_on_commit_callbacks(execute=True):
        _import([(hit.uscc, hit.enterprise_name, "虚开发票", "2025-02-01")], province)
    proposal = LifecycleProposal.objects.get(membership=hit)
    client.force_login(county)
    page = client.get(f"/pool/proposals/{proposal.pk}/").content.decode()
    assert "严重失信主体名单" in page and "虚开发票" in page and "导入名单" in page
