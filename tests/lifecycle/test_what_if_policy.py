"""What-if for the lifecycle policy: a draft simulated over the members it governs opens no proposal, its counts
are what the evaluation job opens once the draft is published, and drafts are the province's alone."""

from datetime import timedelta

import pytest
from django.urls import reverse

from pool.models import LifecycleDraft, LifecyclePolicy, LifecycleProposal, LifecycleSimulation
from pool.models.what_if import DraftStatus
from pool.services.lifecycle.evaluation import lifecycle_evaluate
from pool.services.lifecycle.policies import current_policy
from pool.services.what_if.lifecycle import (
    lifecycle_draft_create,
    lifecycle_draft_publish,
    lifecycle_draft_update,
    lifecycle_simulation_start,
)
from tests.factories import user_with_role
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import TODAY, flat, member, product, report, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    return user_with_role("province")


def grown(percent: str):
    """The baseline product's sales and profit both grown by ``percent`` (1,000,000 / 200,000 at admission)."""
    factor = 1 + int(percent) / 100
    return snapshot(year=TODAY.year - 1, products=[product(sales=f"{1_000_000 * factor:.2f}",
                                                           profit=f"{200_000 * factor:.2f}")])


@pytest.fixture
def members(hs_batch):
    return {"15": report(member(hs_batch), grown("15")).membership,
            "14": report(member(hs_batch), grown("14")).membership,
            "stalled": report(member(hs_batch, admitted_on=TODAY - timedelta(days=800)), flat()).membership}


def run(province, draft, django_capture_on_commit_callbacks) -> LifecycleSimulation:
    with django_capture_on_commit_callbacks(execute=True):
        simulation = lifecycle_simulation_start(user=province, draft=draft)
    simulation.refresh_from_db()
    return simulation


def drafted(province, **changes) -> LifecycleDraft:
    draft = lifecycle_draft_create(user=province, base=current_policy("huangshi-2024"))
    return lifecycle_draft_update(user=province, draft=draft, name="出库增长幅度下调至 15%，无进展年限 3 年",
                                  parameters={**draft.parameters, **changes})


def test_a_policy_simulation_opens_no_proposal_and_names_whose_outcome_changes(
        province, members, django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, growth_threshold="0.15", no_progress_years=3),
                     django_capture_on_commit_callbacks)

    assert not LifecycleProposal.objects.exists()
    assert simulation.status == "done" and simulation.member_count == 3 and simulation.changed_count == 2
    changed = {c["member"]: (c["before"], c["after"]) for c in simulation.changes}
    assert changed == {members["15"].pk: ("none", "graduate"), members["stalled"].pk: ("remove", "none")}
    assert simulation.summary["after_counts"]["graduate"] == 1 and simulation.summary["before_counts"]["remove"] == 1


def test_a_policy_simulation_in_one_chunk_per_member_gives_the_same_result(
        province, members, django_capture_on_commit_callbacks, monkeypatch):
    from pool.services.what_if import lifecycle as what_if_lifecycle
    from portal.models import FanoutRun

    whole = run(province, drafted(province, growth_threshold="0.15", no_progress_years=3),
                django_capture_on_commit_callbacks)
    monkeypatch.setattr(what_if_lifecycle, "CHUNK", 1)
    split = run(province, drafted(province, growth_threshold="0.15", no_progress_years=3),
                django_capture_on_commit_callbacks)
    assert FanoutRun.objects.get(params__lifecycle_simulation=split.pk).chunk_count == 3
    assert (split.member_count, split.changed_count, split.summary) == (3, 2, whole.summary)
    assert split.changes == whole.changes and split.job.status == "done"
    assert split.job.message == "共 3 家入库企业，结果变化 2 家"


def test_the_counts_are_what_the_evaluation_opens_under_the_published_draft(
        province, members, django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, growth_threshold="0.15", no_progress_years=3),
                     django_capture_on_commit_callbacks)
    published = lifecycle_draft_publish(user=province, draft=simulation.draft)

    assert current_policy("huangshi-2024") == published and published.version == 2
    result = lifecycle_evaluate()
    assert result["opened_graduate"] == simulation.summary["after_counts"]["graduate"] == 1
    assert result["opened_remove"] == simulation.summary["after_counts"]["remove"] == 0
    simulation.draft.refresh_from_db()
    assert simulation.draft.simulation_seen == simulation and simulation.draft.status == DraftStatus.PUBLISHED


def test_the_policy_form_keeps_the_input_and_says_what_is_wrong(client, province, hs_batch):
    draft = lifecycle_draft_create(user=province, base=current_policy("huangshi-2024"))
    client.force_login(province)
    post = {"name": "试改", "growth_threshold": "150", "rate_margin": "5", "no_progress_years": "0",
            "replenishment_factor": "2", "replenishment_scope": "county", "appeal_days": "15"}
    page = client.post(reverse("pool:lifecycle-draft-edit", args=[draft.pk]), post).content.decode()
    assert "不能超过 100%" in page and 'value="150"' in page
    draft.refresh_from_db()
    assert draft.parameters == draft.base.parameters


@pytest.mark.parametrize("role", ["enterprise", "county", "city", "bank", "supplier"])
def test_policy_drafts_are_404_to_every_other_role(client, role, province, members,
                                                   django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, growth_threshold="0.15"), django_capture_on_commit_callbacks)
    client.force_login(user_with_role(role))
    draft = simulation.draft
    for url in (reverse("pool:lifecycle-draft-detail", args=[draft.pk]),
                reverse("pool:lifecycle-draft-edit", args=[draft.pk]),
                reverse("pool:lifecycle-draft-publish", args=[draft.pk]),
                reverse("pool:lifecycle-simulation-detail", args=[simulation.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("pool:lifecycle-draft-create"),
                       {"base": draft.base.pk}).status_code == 404
    assert client.post(reverse("pool:lifecycle-draft-publish", args=[draft.pk])).status_code == 404
    assert LifecyclePolicy.objects.filter(code="huangshi-2024").count() == 1


def test_the_province_reads_the_simulation(client, province, members, django_capture_on_commit_callbacks):
    simulation = run(province, drafted(province, growth_threshold="0.15"), django_capture_on_commit_callbacks)
    client.force_login(province)
    page = client.get(reverse("pool:lifecycle-simulation-detail", args=[simulation.pk])).content.decode()
    assert "暂无调整" in page and "建议出库" in page and members["15"].enterprise_name in page
    detail = client.get(reverse("pool:lifecycle-draft-detail", args=[simulation.draft.pk])).content.decode()
    assert "出库增长幅度" in detail and "对应当前草案" in detail
