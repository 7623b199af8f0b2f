"""What-if for a financing policy's whitelist rules: simulated over the members of the policy's region without
generating a whitelist, its counts are what the whitelist generation gives once the draft is published, and
drafts are the province's alone."""

import pytest
from django.urls import reverse

from finance.models import Candidate, FinanceDraft, FinancePolicy, FinanceSimulation, Whitelist
from finance.services.policies import policy_for
from finance.services.what_if import (
    finance_draft_create,
    finance_draft_publish,
    finance_draft_update,
    finance_simulation_start,
)
from pool.models.what_if import DraftStatus
from tests.factories import user_with_role
from tests.finance.helpers import generate, listed, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    return user_with_role("province")


@pytest.fixture
def members(batch):
    people = {"cultivating": member(batch=batch), "graduated": member(batch=batch, status="graduated"),
              "no_need": member(batch=batch)}
    listed(people["cultivating"])
    listed(people["graduated"])
    return people


def drafted(province, **whitelist) -> FinanceDraft:
    draft = finance_draft_create(user=province, base=policy_for("420202"))
    parameters = {**draft.parameters, "whitelist": {**draft.parameters["whitelist"], **whitelist}}
    return finance_draft_update(user=province, draft=draft, name="出库企业不再进入白名单", parameters=parameters)


def run(province, draft, django_capture_on_commit_callbacks) -> FinanceSimulation:
    with django_capture_on_commit_callbacks(execute=True):
        simulation = finance_simulation_start(user=province, draft=draft)
    simulation.refresh_from_db()
    return simulation


def test_a_whitelist_simulation_generates_nothing_and_names_who_leaves(province, members,
                                                                       django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, membership_statuses=["cultivating", "follow_up"]),
                     django_capture_on_commit_callbacks)

    assert not Whitelist.objects.exists() and not Candidate.objects.exists()
    assert simulation.status == "done" and simulation.member_count == 3
    assert simulation.summary == {"before_eligible": 2, "after_eligible": 1, "entering": 0, "leaving": 1}
    (change,) = simulation.changes
    assert change["name"] == members["graduated"].organisation.name and change["entering"] is False
    assert "入库状态" in change["after"]


def test_a_whitelist_simulation_in_one_chunk_per_enterprise_gives_the_same_result(
        province, members, django_capture_on_commit_callbacks, monkeypatch):
    from finance.services import what_if
    from portal.models import FanoutRun

    whole = run(province, drafted(province, membership_statuses=["cultivating", "follow_up"]),
                django_capture_on_commit_callbacks)
    monkeypatch.setattr(what_if, "CHUNK", 1)
    split = run(province, drafted(province, membership_statuses=["cultivating", "follow_up"]),
                django_capture_on_commit_callbacks)
    assert FanoutRun.objects.get(params__finance_simulation=split.pk).chunk_count == 3
    assert (split.member_count, split.summary, split.changes) == (3, whole.summary, whole.changes)
    assert split.job.status == "done" and split.job.message == "共 3 家企业，进入白名单 0 家，退出 1 家"


def test_the_counts_are_what_the_generation_gives_under_the_published_draft(
        province, members, city, django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, membership_statuses=["cultivating", "follow_up"]),
                     django_capture_on_commit_callbacks)
    published = finance_draft_publish(user=province, draft=simulation.draft)

    assert policy_for("420202") == published and published.version == 2
    whitelist = generate(city)
    assert whitelist.candidates.filter(eligible=True).count() == simulation.summary["after_eligible"]
    simulation.draft.refresh_from_db()
    assert simulation.draft.simulation_seen == simulation and simulation.draft.status == DraftStatus.PUBLISHED


def test_the_province_reads_and_edits_the_draft(client, province, members, django_capture_on_commit_callbacks):
    draft = drafted(province, min_assets=2)
    client.force_login(province)
    page = client.post(reverse("finance:draft-edit", args=[draft.pk]),
                       {"name": "试改", "membership_statuses": ["cultivating"], "list_types": ["abnormal_filing"],
                        "asset_kinds": ["patent"], "min_assets": "0"}).content.decode()
    assert "确保该值大于或等于1" in page.replace(" ", "")
    simulation = run(province, draft, django_capture_on_commit_callbacks)
    page = client.get(reverse("finance:simulation-detail", args=[simulation.pk])).content.decode()
    assert "符合白名单条件" in page
    detail = client.get(reverse("finance:draft-detail", args=[draft.pk])).content.decode()
    assert "至少应有的可质押知识产权" in detail and "对应当前草案" in detail


@pytest.mark.parametrize("role", ["enterprise", "county", "city", "bank", "supplier"])
def test_financing_drafts_are_404_to_every_other_role(client, role, province, members,
                                                      django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, min_assets=2), django_capture_on_commit_callbacks)
    draft = simulation.draft
    client.force_login(user_with_role(role))
    for url in (reverse("finance:draft-list"), reverse("finance:draft-detail", args=[draft.pk]),
                reverse("finance:draft-edit", args=[draft.pk]), reverse("finance:draft-publish", args=[draft.pk]),
                reverse("finance:simulation-detail", args=[simulation.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("finance:draft-publish", args=[draft.pk])).status_code == 404
    assert FinancePolicy.objects.filter(code=draft.base.code).count() == 1
