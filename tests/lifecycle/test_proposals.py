"""Proposals, decisions and appeals: the county proposes or dismisses, the city decides (two-person rule), the
member moves, the enterprise is told and may appeal a removal until the deadline inclusive; pages and API are
scoped (another county's proposal answers 404)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from pool.lifecycle.workflow import (
    MEMBERSHIP_STEPS,
    AppealStatus,
    MembershipStatus,
    ProposalStatus,
    StepError,
)
from pool.models import LifecycleProposal, ReplenishmentEntry
from pool.services.lifecycle.evaluation import lifecycle_evaluate
from pool.services.lifecycle.proposals import (
    appeal_file,
    appeal_reject,
    appeal_uphold,
    proposal_approve,
    proposal_decline,
    proposal_dismiss,
    proposal_propose,
    proposal_steps,
)
from portal.models import Notification, Organisation
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import TODAY, flat, graduating, member, report
from tests.review.helpers import reviewer

pytestmark = pytest.mark.django_db
P, M = ProposalStatus, MembershipStatus


def opened(batch, *, kind="graduate", region="420202"):
    """A member of ``region`` with an open proposal of ``kind`` opened by the evaluation."""
    if kind == "graduate":
        m = member(batch, region=region)
        report(m, graduating())
    else:
        m = member(batch, region=region, admitted_on=TODAY - timedelta(days=800))
        report(m, flat())
    lifecycle_evaluate()
    proposal = LifecycleProposal.objects.get(membership=m, kind=kind)
    proposal.enterprise_user = m.user
    return proposal


def removed(batch, county, city, *, on=None):
    proposal = opened(batch, kind="remove")
    proposal_propose(proposal=proposal, user=county)
    decided = proposal_approve(proposal=proposal, user=city, comment="同意退库", on=on)
    decided.enterprise_user = proposal.enterprise_user
    return decided


# --- the county ----------------------------------------------------------------------------------------------

def test_county_proposes_and_the_city_is_told(hs_batch, county, city, django_capture_on_commit_callbacks):
    proposal = opened(hs_batch)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_propose(proposal=proposal, user=county, comment="经核实，备案号属实")
    assert proposal.status == P.PROPOSED and proposal.proposed_by == county
    assert proposal.county_comment == "经核实，备案号属实"
    assert Notification.objects.filter(recipient=city, verb="lifecycle.proposal_proposed").exists()


def test_dismissal_needs_a_reason(hs_batch, county):
    proposal = opened(hs_batch)
    with pytest.raises(Exception) as refused:
        proposal_dismiss(proposal=proposal, user=county, reason="  ")
    assert refused.value.message_dict == {"comment": ["不予提议须填写理由。"]}
    proposal = proposal_dismiss(proposal=proposal, user=county, reason="备案号与企业不符")
    assert proposal.status == P.DISMISSED


def test_only_the_members_county_proposes(hs_batch, other_county, city):
    proposal = opened(hs_batch)
    with pytest.raises(StepError, match="不在您的辖区"):
        proposal_propose(proposal=proposal, user=other_county)
    with pytest.raises(StepError, match="只能由县级主管部门操作"):
        proposal_propose(proposal=proposal, user=city)


# --- the city ------------------------------------------------------------------------------------------------

def test_approved_graduation_moves_the_member_earns_places_and_tells_the_enterprise(
        hs_batch, county, city, django_capture_on_commit_callbacks):
    proposal = opened(hs_batch)
    proposal_propose(proposal=proposal, user=county)
    with django_capture_on_commit_callbacks(execute=True):
        decided = proposal_approve(proposal=proposal, user=city, comment="同意出库")
    membership = decided.membership
    membership.refresh_from_db()
    assert decided.status == P.APPROVED and decided.decided_on == TODAY and decided.appeal_until is None
    assert membership.status == M.GRADUATED and membership.status_changed_on == TODAY
    entry = ReplenishmentEntry.objects.get(graduation=decided)
    assert (entry.places, entry.scope_region_id, entry.entered_on) == (2, "420202", TODAY)
    note = Notification.objects.get(recipient=proposal.enterprise_user)
    assert note.title.startswith("出库决定") and "入库后新增专利密集型产品备案" in note.body
    assert "接续培育" in note.body and "同意出库" in note.body


def test_approved_removal_sets_the_appeal_deadline_and_tells_the_reason(hs_batch, county, city,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decided = removed(hs_batch, county, city)
    decided.membership.refresh_from_db()
    assert decided.membership.status == M.REMOVED
    assert decided.appeal_until == TODAY + timedelta(days=15)
    assert not ReplenishmentEntry.objects.exists()
    note = Notification.objects.get(recipient=decided.enterprise_user)
    assert "入库满期限后无实质进展" in note.body and decided.appeal_until.isoformat() in note.body


def test_the_city_declines_with_a_reason_and_the_member_stays(hs_batch, county, city):
    proposal = opened(hs_batch)
    proposal_propose(proposal=proposal, user=county)
    with pytest.raises(Exception) as refused:
        proposal_decline(proposal=proposal, user=city, reason="")
    assert "不同意须填写理由" in str(refused.value)
    declined = proposal_decline(proposal=proposal, user=city, reason="产品尚未实际销售")
    declined.membership.refresh_from_db()
    assert declined.status == P.DECLINED and declined.membership.status == M.CULTIVATING


def test_the_city_decides_only_a_proposed_one(hs_batch, city):
    proposal = opened(hs_batch)
    with pytest.raises(StepError, match="不能变更为"):
        proposal_approve(proposal=proposal, user=city, comment="同意")


def test_two_person_rule_the_proposer_never_decides(hs_batch, county):
    proposal = opened(hs_batch)
    proposal_propose(proposal=proposal, user=county)
    # The same person later works for the city bureau: still not the one to decide what they proposed.
    county.organisation = Organisation.objects.filter(kind="city", region_id="420200").first() or \
        reviewer("city", "420200").organisation
    county.save()
    with pytest.raises(StepError, match="两人原则"):
        proposal_approve(proposal=proposal, user=county, comment="同意")
    with pytest.raises(StepError, match="两人原则"):
        proposal_decline(proposal=proposal, user=county, reason="不同意")
    assert proposal_steps(county, LifecycleProposal.objects.get(pk=proposal.pk)) == []
    other = reviewer("city", "420200")
    assert [s.target for s in proposal_steps(other, LifecycleProposal.objects.get(pk=proposal.pk))] == [
        P.APPROVED, P.DECLINED]


def test_a_pending_removal_blocks_the_graduation(hs_batch, county, city):
    from pool.models import MisconductRecord

    proposal = opened(hs_batch)
    proposal_propose(proposal=proposal, user=county)
    MisconductRecord.objects.create(membership=proposal.membership, kind="data_fraud", known_on=TODAY,
                                    source="county", source_key="county:x", description="监测数据造假")
    lifecycle_evaluate()
    with pytest.raises(StepError, match="退库建议"):
        proposal_approve(proposal=proposal, user=city, comment="同意")


# --- appeals -------------------------------------------------------------------------------------------------

def test_appeal_on_the_last_day_is_accepted(hs_batch, county, city, django_capture_on_commit_callbacks):
    decided = removed(hs_batch, county, city)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_file(proposal=decided, user=decided.enterprise_user, reason="监测报告漏报了新产品",
                             on=decided.appeal_until)
    assert appeal.status == AppealStatus.PENDING
    assert Notification.objects.filter(recipient=city, verb="lifecycle.appeal_filed").exists()


def test_appeal_the_day_after_the_deadline_is_refused(hs_batch, county, city):
    decided = removed(hs_batch, county, city)
    with pytest.raises(StepError, match="申诉期限已于"):
        appeal_file(proposal=decided, user=decided.enterprise_user, reason="迟到的申诉",
                    on=decided.appeal_until + timedelta(days=1))


def test_only_the_enterprise_appeals_once_and_graduation_is_not_appealable(hs_batch, county, city):
    decided = removed(hs_batch, county, city)
    with pytest.raises(StepError, match="只有被退库的企业"):
        appeal_file(proposal=decided, user=city, reason="x")
    appeal_file(proposal=decided, user=decided.enterprise_user, reason="理由")
    with pytest.raises(StepError, match="不能重复申诉"):
        appeal_file(proposal=decided, user=decided.enterprise_user, reason="再次")
    graduation = opened(hs_batch)
    proposal_propose(proposal=graduation, user=county)
    proposal_approve(proposal=graduation, user=city, comment="同意")
    with pytest.raises(StepError, match="出库决定不适用申诉"):
        appeal_file(proposal=graduation, user=graduation.enterprise_user, reason="x")


def test_an_upheld_appeal_returns_the_member_to_cultivation(hs_batch, county, city, province,
                                                            django_capture_on_commit_callbacks):
    decided = removed(hs_batch, county, city)
    appeal = appeal_file(proposal=decided, user=decided.enterprise_user, reason="已补报数据")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_uphold(appeal=appeal, user=province, comment="补报数据显示营业收入增长")
    decided.membership.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and decided.membership.status == M.CULTIVATING
    assert Notification.objects.get(recipient=decided.enterprise_user, verb="lifecycle.appeal_upheld")
    # The same facts do not reopen the removal.
    assert lifecycle_evaluate()["opened"] == 0


def test_a_rejected_appeal_keeps_the_member_removed(hs_batch, county, city):
    decided = removed(hs_batch, county, city)
    appeal = appeal_file(proposal=decided, user=decided.enterprise_user, reason="不服")
    with pytest.raises(StepError, match="只能由"):
        appeal_reject(appeal=appeal, user=county, comment="驳回")
    appeal = appeal_reject(appeal=appeal, user=city, comment="理由不成立")
    decided.membership.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED and decided.membership.status == M.REMOVED


def test_graduates_cannot_be_sent_back_to_cultivation_by_an_appeal_step():
    assert not [s for s in MEMBERSHIP_STEPS if (s.source, s.target) == (M.GRADUATED, M.CULTIVATING)]


# --- pages and API -------------------------------------------------------------------------------------------

def test_the_detail_page_shows_rule_evidence_buttons_and_history(client, hs_batch, county):
    proposal = opened(hs_batch)
    client.force_login(county)
    page = client.get(f"/pool/proposals/{proposal.pk}/").content.decode()
    assert "入库后新增专利密集型产品备案" in page and "新型夹持机构" in page and "黄石市入库企业动态调整规则" in page
    assert 'id="action-proposed"' in page and 'id="action-dismissed"' in page
    assert "系统评估提出建议" in page and "出库是对企业成长的认定，不适用申诉" in page


def test_a_refused_step_on_the_page_shows_the_message_at_the_field(client, hs_batch, county):
    proposal = opened(hs_batch)
    client.force_login(county)
    response = client.post(f"/pool/proposals/{proposal.pk}/decide/", {"to": "dismissed", "comment": ""})
    assert response.status_code == 400
    assert "不予提议须填写理由。" in response.content.decode()
    response = client.post(f"/pool/proposals/{proposal.pk}/decide/", {"to": "proposed", "comment": "属实"},
                           follow=True)
    assert "县级已提议" in response.content.decode()


def test_the_enterprise_appeals_from_the_page_and_sees_its_decision_at_home(client, hs_batch, county, city):
    decided = removed(hs_batch, county, city)
    client.force_login(decided.enterprise_user)
    home = client.get("/").content.decode()
    assert "退库决定" in home and decided.appeal_until.strftime("%Y-%m-%d") in home
    response = client.post(f"/pool/proposals/{decided.pk}/appeal/", {"reason": ""})
    assert response.status_code == 400 and "请填写申诉理由。" in response.content.decode()
    client.post(f"/pool/proposals/{decided.pk}/appeal/", {"reason": "已补报"})
    assert "申诉" in client.get(f"/pool/proposals/{decided.pk}/").content.decode()
    assert decided.__class__.objects.get(pk=decided.pk).appeal.reason == "已补报"


def test_the_county_and_city_home_pages_show_what_waits(client, hs_batch, county, city):
    proposal = opened(hs_batch)
    client.force_login(county)
    assert "待核实的出库/退库建议" in client.get("/").content.decode()
    proposal_propose(proposal=proposal, user=county)
    client.force_login(city)
    assert "待决定的出库/退库建议与申诉" in client.get("/").content.decode()


def test_another_countys_proposal_is_404_on_page_and_api(client, hs_batch, other_county):
    proposal = opened(hs_batch)
    client.force_login(other_county)
    assert client.get(f"/pool/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/pool/proposals/{proposal.pk}/decide/", {"to": "proposed"}).status_code == 404
    api = APIClient()
    api.force_authenticate(other_county)
    assert api.get(f"/api/pool/proposals/{proposal.pk}/").status_code == 404
    assert api.post(f"/api/pool/proposals/{proposal.pk}/decide/", {"to": "proposed"}).status_code == 404
    assert api.get("/api/pool/proposals/").json()["count"] == 0


def test_an_enterprise_sees_only_the_decision_about_itself(client, hs_batch, county, city):
    proposal = opened(hs_batch)
    client.force_login(proposal.enterprise_user)
    assert client.get(f"/pool/proposals/{proposal.pk}/").status_code == 404  # not yet decided
    assert client.get("/pool/proposals/").status_code == 404  # the list is the bureaus'
    proposal_propose(proposal=proposal, user=county)
    proposal_approve(proposal=proposal, user=city, comment="同意")
    assert client.get(f"/pool/proposals/{proposal.pk}/").status_code == 200
    stranger = member(hs_batch).user
    client.force_login(stranger)
    assert client.get(f"/pool/proposals/{proposal.pk}/").status_code == 404


def test_the_api_decides_through_the_same_services(hs_batch, county, city):
    proposal = opened(hs_batch)
    api = APIClient()
    api.force_authenticate(county)
    detail = api.get(f"/api/pool/proposals/{proposal.pk}/").json()
    assert [a["to"] for a in detail["actions"]] == ["proposed", "dismissed"]
    assert detail["reason_labels"] == ["入库后新增专利密集型产品备案"]
    assert api.post(f"/api/pool/proposals/{proposal.pk}/decide/", {"to": "proposed"}).status_code == 200
    assert api.post(f"/api/pool/proposals/{proposal.pk}/decide/", {"to": "proposed"}).status_code == 409
    api.force_authenticate(city)
    response = api.post(f"/api/pool/proposals/{proposal.pk}/decide/", {"to": "approved", "comment": ""})
    assert response.status_code == 400 and response.json() == {"comment": ["同意须填写决定意见。"]}
    assert api.post(f"/api/pool/proposals/{proposal.pk}/decide/",
                    {"to": "approved", "comment": "同意"}).json()["status"] == "approved"
    graduations = api.get("/api/pool/graduations/").json()
    assert graduations["count"] == 1 and graduations["results"][0]["id"] == proposal.pk


def test_the_api_appeal_window(hs_batch, county, city):
    decided = removed(hs_batch, county, city, on=TODAY - timedelta(days=16))
    api = APIClient()
    api.force_authenticate(decided.enterprise_user)
    response = api.post(f"/api/pool/proposals/{decided.pk}/appeal/", {"reason": "迟到"})
    assert response.status_code == 409 and "申诉期限已于" in response.json()["detail"]


def test_graduation_and_removal_lists_and_their_excel_files(client, hs_batch, county, city):
    from io import BytesIO

    import openpyxl

    graduation = opened(hs_batch)
    proposal_propose(proposal=graduation, user=county)
    proposal_approve(proposal=graduation, user=city, comment="同意")
    removal = removed(hs_batch, county, city)
    client.force_login(city)
    page = client.get("/pool/graduations/").content.decode()
    assert f'data-proposal="{graduation.pk}"' in page and f'data-proposal="{removal.pk}"' not in page
    page = client.get("/pool/removals/").content.decode()
    assert f'data-proposal="{removal.pk}"' in page and "申诉截止" in page
    response = client.get("/pool/removals/export/")
    book = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "黄石港区"]
    rows = list(book["黄石港区"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "企业名称", "统一社会信用代码")
    assert rows[1][1] == removal.membership.enterprise_name and "入库满期限后无实质进展" in rows[1][6]
    response = client.get("/pool/proposals/export/", {"kind": "graduate"})
    book = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert [r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        graduation.membership.enterprise_name]


def test_the_proposal_list_filters_by_kind_status_county_and_year(client, hs_batch, city):
    graduation = opened(hs_batch)
    removal = opened(hs_batch, kind="remove", region="420203")
    client.force_login(city)

    def shown(**params):
        page = client.get("/pool/proposals/", params).content.decode()
        return {pk for pk in (graduation.pk, removal.pk) if f'data-proposal="{pk}"' in page}

    assert shown() == {graduation.pk, removal.pk}
    assert shown(kind="remove") == {removal.pk}
    assert shown(region="420202") == {graduation.pk}
    assert shown(status="proposed") == set()
    assert shown(year=TODAY.year) == {graduation.pk, removal.pk}
    assert shown(year=TODAY.year - 1) == set()
