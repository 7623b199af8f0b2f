"""Generating, reviewing and publishing whitelists: every member explained rule by rule, exclusions with a
reason, a dated numbered version with its content hash and what changed; consent revocation."""

import pytest
from django.core.exceptions import ValidationError

from criteria.models import ListEntry, ListImport
from finance.models import Candidate, Publication, PublicationEntry, WhitelistStatus
from finance.services.needs import consent_revoke
from finance.services.publications import verify_hash
from finance.services.whitelists import candidate_exclude
from pool.models import Membership
from portal.models import Job
from tests.finance.helpers import bank, consent, declare, generate, listed, member, publish

pytestmark = pytest.mark.django_db


def test_every_member_is_explained_rule_by_rule(batch, city, bank_user):
    ready = member(batch=batch, name="符合条件有限公司")
    listed(ready)
    no_consent = member(batch=batch, name="未授权有限公司")
    declare(no_consent)
    removed = member(batch=batch, name="已退库有限公司")
    listed(removed)  # declared while cultivating, removed from the pool since
    Membership.objects.filter(enterprise=removed.organisation).update(status="removed")
    nothing = member(batch=batch, name="无需求有限公司")
    elsewhere = member(batch=batch, region="420502", name="宜昌企业有限公司")  # another city
    listed(elsewhere)

    whitelist = generate(city)
    assert whitelist.status == WhitelistStatus.DRAFT
    assert Job.objects.get(pk=whitelist.job_id).status == "done"
    rows = {c.enterprise_name: c for c in Candidate.objects.filter(whitelist=whitelist)}
    assert set(rows) == {"符合条件有限公司", "未授权有限公司", "已退库有限公司", "无需求有限公司"}
    assert whitelist.candidate_count == 4 and whitelist.eligible_count == 1

    ok = rows["符合条件有限公司"]
    assert ok.eligible and ok.summary == "符合全部条件"
    assert [r["label"] for r in ok.results] == ["入库状态", "诚信记录", "可质押知识产权", "融资需求", "信息共享授权"]
    assert all(r["passed"] for r in ok.results)
    assets = next(r for r in ok.results if r["key"] == "assets")["message"]
    assert assets.startswith("可质押 3 件：专利") and "商标12345678" in assets  # Huangshi counts trademarks too

    assert rows["未授权有限公司"].summary == "不符合：信息共享授权"
    assert "未授权向银行提供企业信息" in rows["未授权有限公司"].results[4]["message"]
    assert rows["已退库有限公司"].summary == "不符合：入库状态"
    assert "已退库" in rows["已退库有限公司"].results[0]["message"]
    assert rows["无需求有限公司"].summary == "不符合：可质押知识产权、融资需求、信息共享授权"
    assert nothing and elsewhere


def test_an_integrity_hit_keeps_an_enterprise_off(batch, city, bank_user):
    user = member(batch=batch)
    listed(user)
    record = ListImport.objects.create(list_type="serious_dishonesty", file_name="x.xlsx", rows_imported=1)
    ListEntry.objects.create(list_type="serious_dishonesty", uscc=user.organisation.uscc, name="x",
                             reason="拒不履行", source_import=record)
    candidate = Candidate.objects.get(whitelist=generate(city))
    assert not candidate.eligible
    assert candidate.results[1]["message"] == "列入严重失信主体名单（事由：拒不履行）。"


def test_publish_numbers_dates_hashes_and_says_what_changed(batch, city, bank_user):
    first, second = member(batch=batch, name="甲有限公司"), member(batch=batch, name="乙有限公司")
    listed(first)
    listed(second)
    v1 = publish(city, [bank_user])
    assert (v1.number, v1.entry_count) == (1, 2)
    assert v1.title == "黄石市知识产权质押融资授信企业白名单（第 1 版）"
    assert len(v1.content_hash) == 64 and verify_hash(v1)
    assert v1.changes["first"] is True
    assert v1.whitelist.status == WhitelistStatus.PUBLISHED

    whitelist = generate(city)
    candidate = Candidate.objects.get(whitelist=whitelist, enterprise=second.organisation)
    candidate_exclude(candidate=candidate, user=city, reason="正在诉讼中")
    from finance.services.publications import whitelist_publish

    v2 = whitelist_publish(whitelist=whitelist, user=city, banks=[bank_user.organisation], change_note="更正第 1 版")
    assert v2.number == 2 and v2.previous == v1 and v2.entry_count == 1
    assert v2.changes["removed"] == [{"name": "乙有限公司", "uscc": second.organisation.uscc,
                                      "reason": "人工排除：正在诉讼中"}]
    assert v2.change_note == "更正第 1 版"


def test_exclusion_needs_a_reason_and_an_eligible_candidate(batch, city, bank_user):
    user = member(batch=batch)
    declare(user)
    whitelist = generate(city)
    candidate = Candidate.objects.get(whitelist=whitelist)
    with pytest.raises(ValidationError, match="请填写排除理由"):
        candidate_exclude(candidate=candidate, user=city, reason=" ")
    with pytest.raises(ValidationError, match="本不符合白名单条件"):
        candidate_exclude(candidate=candidate, user=city, reason="x")


def test_consent_to_chosen_banks_limits_the_publication_and_the_banks_view(batch, city, bank_user, other_bank):
    only_ours = member(batch=batch, name="只授权本行有限公司")
    declare(only_ours)
    consent(only_ours, [bank_user])
    publication = publish(city, [bank_user, other_bank])
    assert publication.entry_count == 1
    assert PublicationEntry.objects.for_bank(bank_user.organisation_id).count() == 1
    assert PublicationEntry.objects.for_bank(other_bank.organisation_id).count() == 0
    alone = publish(city, [other_bank])
    assert alone.entry_count == 0
    assert alone.changes["removed"][0]["reason"] == "授权范围不含本次发布的银行"


def test_revoked_consent_leaves_the_next_publication_and_the_banks_view(client, batch, city, bank_user):
    staying, leaving = member(batch=batch, name="继续授权有限公司"), member(batch=batch, name="撤回授权有限公司")
    listed(staying)
    listed(leaving)
    first = publish(city, [bank_user])
    draft_before_revocation = generate(city)  # generated while the consent was still in force
    client.force_login(bank_user)
    assert "撤回授权有限公司" in client.get(f"/finance/publications/{first.pk}/").content.decode()
    client.get(f"/finance/publications/{first.pk}/excel/")  # downloaded while in force: recorded as such
    download = first.downloads.get()
    assert download.entry_count == 2 and download.withheld_count == 0

    consent_revoke(user=leaving)
    page = client.get(f"/finance/publications/{first.pk}/").content.decode()
    assert "撤回授权有限公司" not in page and "继续授权有限公司" in page
    assert client.get(f"/finance/enterprises/{leaving.organisation_id}/").status_code == 404
    api = client.get(f"/api/finance/publications/{first.pk}/entries/").json()
    assert [e["enterprise_name"] for e in api["results"]] == ["继续授权有限公司"]
    client.get(f"/finance/publications/{first.pk}/excel/")
    later = first.downloads.order_by("-pk").first()
    assert later.entry_count == 1 and later.withheld_count == 1
    assert download.entry_count == 2  # what was delivered before stays recorded

    from finance.services.publications import whitelist_publish

    second = whitelist_publish(whitelist=draft_before_revocation, user=city, banks=[bank_user.organisation])
    assert list(second.entries.values_list("enterprise_name", flat=True)) == ["继续授权有限公司"]
    assert second.changes["removed"][0]["reason"] == "已撤回信息共享授权"
    third = publish(city, [bank_user])
    assert list(third.entries.values_list("enterprise_name", flat=True)) == ["继续授权有限公司"]
    assert Publication.objects.count() == 3


def test_publishing_only_to_partner_banks(batch, city):
    stranger = bank("非合作银行", partner=False)
    user = member(batch=batch)
    listed(user)
    whitelist = generate(city)
    from finance.services.publications import whitelist_publish

    with pytest.raises(ValidationError, match="只能向本地区的合作银行发布"):
        whitelist_publish(whitelist=whitelist, user=city, banks=[stranger.organisation])


def test_a_trademark_counts_from_its_registration_date_on():
    from datetime import date

    from finance.policy import WhitelistRules
    from finance.rules import CandidateFacts, assets

    rules = WhitelistRules(membership_statuses=("cultivating",), list_types=(), asset_kinds=("patent", "trademark"),
                           min_assets=1)
    today = date(2026, 12, 3)

    def mark(registered_on: str) -> CandidateFacts:
        return CandidateFacts(assets=[{"kind": "trademark", "number": "12345678", "title": "黄石",
                                       "registered_on": registered_on, "valid_to": "2030-01-01"}])

    assert assets(mark("2026-12-03"), rules, today).passed
    refused = assets(mark("2026-12-04"), rules, today)  # applied for, registered tomorrow
    assert not refused.passed and "商标12345678（尚未核准注册）" in refused.message
    assert not assets(mark(""), rules, today).passed
    older = CandidateFacts(assets=[{"kind": "trademark", "number": "12345678", "valid_to": "2030-01-01"}])
    assert assets(older, rules, today).passed  # declared before the date was carried: checked at submission
