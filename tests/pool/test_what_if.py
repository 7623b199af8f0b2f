"""What-if: a draft criteria set simulated against a batch writes no verdict, counts what a real re-scoring under
the draft gives, shows who enters and leaves the quota, and is the province's business alone."""

from collections import Counter
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from criteria.models import CriteriaSet
from pool.models import (
    Application,
    ApplicationStatus,
    BatchCityQuota,
    CriteriaDraft,
    DraftStatus,
    Evaluation,
    Simulation,
    SimulationChange,
)
from pool.services.what_if.drafts import draft_create, draft_publish, draft_update
from pool.services.what_if.simulation import simulation_start
from pool.what_if_forms import DraftForm
from portal.models import AuditEntry
from tests.factories import user_with_role
from tests.review.helpers import advanced, submitted

S = ApplicationStatus


def rnd(revenue: int, expense: int, level: str = "national"):
    def change(data):
        data["identity"]["revenue"] = str(revenue)
        data["rnd"]["rnd_expense"] = str(expense)
        data["qualifications"][0]["level"] = level
    return change


@pytest.fixture
def province(db):
    return user_with_role("province")


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the simulation task, the re-scoring after publishing) as it would."""
    global committed
    committed = django_capture_on_commit_callbacks


committed = None


@pytest.fixture
def apps(batch):
    """P passes both rules (a provincial qualification: a lower score); Q spends 9 % and D exactly 8 % of their
    revenue (under 5 million yuan) on R&D — below today's 10 %, at or above the draft's 8 %; R spends 7.99 %."""
    return {
        "P": advanced(batch, S.COUNTY_APPROVED, change=rnd(80_000_000, 9_000_000, level="provincial")),
        "Q": submitted(batch, change=rnd(50_000_000, 4_500_000)),
        "D": submitted(batch, change=rnd(50_000_000, 4_000_000)),
        "R": submitted(batch, change=rnd(50_000_000, 3_995_000)),
    }


def lowered(province, base, rate="0.08") -> CriteriaDraft:
    draft = draft_create(user=province, base=base)
    parameters = {**draft.parameters, "rnd_ratio_min": rate}
    return draft_update(user=province, draft=draft, name="研发投入比例下调至 8%", parameters=parameters,
                        weights=draft.weights)


def simulate(province, batch, apps, rate="0.08") -> Simulation:
    with committed(execute=True):
        simulation = simulation_start(user=province, draft=lowered(province, batch.criteria_set, rate), batch=batch)
    simulation.refresh_from_db()
    return simulation


def publish(province, draft):
    with committed(execute=True):
        return draft_publish(user=province, draft=draft)


def change_of(simulation, application) -> SimulationChange:
    return SimulationChange.objects.get(simulation=simulation, application=application)


def test_a_simulation_writes_no_verdict(province, batch, apps):
    before = list(Application.objects.order_by("pk").values_list("pk", "verdict", "score", "criteria_set_version"))
    evaluations = list(Evaluation.objects.order_by("pk").values_list("pk", "verdict", "score", "input_hash"))
    sets = CriteriaSet.objects.count()

    simulation = simulate(province, batch, apps)

    assert simulation.status == "done" and simulation.application_count == 4
    assert list(Application.objects.order_by("pk").values_list("pk", "verdict", "score",
                                                               "criteria_set_version")) == before
    assert list(Evaluation.objects.order_by("pk").values_list("pk", "verdict", "score", "input_hash")) == evaluations
    assert CriteriaSet.objects.count() == sets


def test_the_threshold_boundary_and_the_flipped_criterion(province, batch, apps):
    simulation = simulate(province, batch, apps)

    assert (change_of(simulation, apps["Q"]).before_verdict, change_of(simulation, apps["Q"]).after_verdict) == (
        "ineligible", "eligible")
    exactly = change_of(simulation, apps["D"])
    assert exactly.after_verdict == "eligible" and exactly.flipped == [[6, "fail", "pass"]]
    assert not SimulationChange.objects.filter(simulation=simulation, application=apps["R"]).exists()
    assert simulation.summary["criteria"] == [
        {"number": 6, "title": simulation.summary["criteria"][0]["title"], "better": 2, "worse": 0, "total": 2}]
    assert simulation.summary["verdict_changes"] == 2
    counties = {r["code"]: r for r in simulation.summary["regions"]}
    assert counties["420202"]["changed"] == 2 and counties["420200"]["better"] == 2


def test_who_enters_and_who_leaves_the_quota(province, batch, apps):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=1)

    simulation = simulate(province, batch, apps)

    group = simulation.summary["quota"][0]
    assert group["label"] == "黄石市推荐名额" and group["limit"] == 1
    assert [(p["name"], p["before"], p["after"]) for p in group["entering"]] == [(apps["Q"].enterprise_name, None, 1)]
    assert [(p["name"], p["before"], p["after"]) for p in group["leaving"]] == [(apps["P"].enterprise_name, 1, 3)]
    leaving = change_of(simulation, apps["P"])
    assert (leaving.before_in_quota, leaving.after_in_quota, leaving.flipped) == (True, False, [])


def test_the_simulation_counts_equal_a_real_rescoring_under_the_draft(province, batch, apps):
    simulation = simulate(province, batch, apps)
    expected = Counter()
    for row in simulation.summary["verdicts"]:
        expected[row["after"]] += row["count"]

    published = publish(province, simulation.draft)  # the open batch adopts it and re-scores

    batch.refresh_from_db()
    assert batch.criteria_set == published and published.version == 2
    scored = Application.objects.filter(batch=batch).exclude(status=S.DRAFT)
    assert Counter(scored.values_list("verdict", flat=True)) == expected
    for change in SimulationChange.objects.filter(simulation=simulation):
        application = Application.objects.get(pk=change.application_id)
        assert (application.verdict, application.score) == (change.after_verdict, change.after_score)


def test_publishing_records_the_simulation_seen_or_that_there_was_none(province, batch, apps):
    simulation = simulate(province, batch, apps)
    publish(province, simulation.draft)
    simulation.draft.refresh_from_db()
    assert simulation.draft.simulation_seen == simulation and simulation.draft.status == DraftStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="criteria_draft.published", target_id=str(simulation.draft.pk))
    assert entry.data["simulation"] == simulation.pk

    changed_after = simulate(province, batch, apps).draft
    draft_update(user=province, draft=changed_after, name=changed_after.name,
                 parameters={**changed_after.parameters, "rnd_ratio_min": "0.07"}, weights=changed_after.weights)
    publish(province, changed_after)
    changed_after.refresh_from_db()
    assert changed_after.simulation_seen is None


def test_the_draft_form_keeps_the_input_and_says_what_is_wrong_in_chinese(client, province, batch):
    draft = draft_create(user=province, base=batch.criteria_set)
    client.force_login(province)
    form = DraftForm(draft=draft)
    post = {name: form.initial.get(name, "") for name in form.fields}
    post.update({"rnd_ratio_min": "120", "weight_brand": "9", "qualification_types": ["high_tech"],
                 "core_patent_types": ["invention"]})
    page = client.post(reverse("pool:draft-edit", args=[draft.pk]), post).content.decode()

    assert "不能超过 100%" in page and 'value="120"' in page
    draft.refresh_from_db()
    assert draft.parameters == batch.criteria_set.parameters

    post.update({"rnd_ratio_min": "8"})
    page = client.post(reverse("pool:draft-edit", args=[draft.pk]), post).content.decode()
    assert "各评分项权重之和应为 100，现为 104" in page

    post.update({"weight_brand": "5"})
    assert client.post(reverse("pool:draft-edit", args=[draft.pk]), post).status_code == 302
    draft.refresh_from_db()
    assert Decimal(draft.parameters["rnd_ratio_min"]) == Decimal("0.08")
    assert draft.parameters["qualification"]["types"] == ["high_tech"]


@pytest.mark.parametrize("role", ["enterprise", "county", "city", "bank", "supplier"])
def test_drafts_and_simulations_are_404_to_every_other_role(client, role, province, batch, apps):
    simulation = simulate(province, batch, apps)
    change = SimulationChange.objects.filter(simulation=simulation).first()
    draft = simulation.draft
    client.force_login(user_with_role(role))
    urls = [reverse("pool:draft-list"), reverse("pool:draft-detail", args=[draft.pk]),
            reverse("pool:draft-edit", args=[draft.pk]), reverse("pool:draft-publish", args=[draft.pk]),
            reverse("pool:simulation-detail", args=[simulation.pk]),
            reverse("pool:simulation-export", args=[simulation.pk]),
            reverse("pool:simulation-change", args=[simulation.pk, change.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("pool:simulation-new", args=[draft.pk]), {"batch": batch.pk}).status_code == 404
    assert client.post(reverse("pool:draft-publish", args=[draft.pk])).status_code == 404
    assert "标准修订模拟" not in client.get("/").content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and Simulation.objects.count() == 1


def test_pages_the_excel_and_the_side_by_side_view(client, province, batch, apps):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=1)
    simulation = simulate(province, batch, apps)
    client.force_login(province)

    page = client.get(reverse("pool:simulation-detail", args=[simulation.pk])).content.decode()
    assert "不符合入库条件" in page and apps["Q"].enterprise_name in page and "新进入名额" in page
    only_quota = client.get(reverse("pool:simulation-detail", args=[simulation.pk]) + "?kind=quota").content.decode()
    assert apps["P"].enterprise_name in only_quota and apps["D"].enterprise_name not in only_quota

    change = change_of(simulation, apps["D"])
    side = client.get(reverse("pool:simulation-change", args=[simulation.pk, change.pk])).content.decode()
    assert "不低于10%" in side.replace(" ", "") or "10%" in side
    assert "8%" in side

    response = client.get(reverse("pool:simulation-export", args=[simulation.pk]))
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    summary = [[c for c in row] for row in workbook["汇总"].iter_rows(values_only=True)]
    assert ["草案", "研发投入比例下调至 8%"] in summary
    assert ["黄石市推荐名额（1 家）新进入", apps["Q"].enterprise_name] in summary
    rows = list(workbook["黄石市"].iter_rows(values_only=True))
    assert len(rows) == 1 + SimulationChange.objects.filter(simulation=simulation).count()

    detail = client.get(reverse("pool:draft-detail", args=[simulation.draft.pk])).content.decode()
    assert "研发投入占营业收入不低于" in detail and "对应当前草案" in detail


def test_a_simulation_in_many_chunks_gives_the_same_result_as_in_one(province, batch, apps, monkeypatch):
    from pool.services.what_if import simulation as simulation_module
    from portal.models import FanoutRun

    one = simulate(province, batch, apps)
    monkeypatch.setattr(simulation_module, "CHUNK", 1)
    two = Simulation.objects.create(draft=one.draft, batch=batch, base=one.base, parameters=one.parameters,
                                    weights=one.weights, fingerprint=one.fingerprint, started_by=province)
    two = simulation_module.simulation_execute(simulation_id=two.pk)
    assert FanoutRun.objects.get(params__simulation=two.pk).chunk_count >= 3

    def rows(simulation):
        return sorted(SimulationChange.objects.filter(simulation=simulation).values_list(
            "application_id", "before_verdict", "after_verdict", "after_score", "before_in_quota", "after_in_quota"))
    assert rows(two) == rows(one) and two.summary == one.summary
