"""The batch job and the incremental runs: what is stored, idempotence, and that followed-up matches stay."""

import pytest
from django.db.models import Count, Max

from matching.choices import MatchStatus, RunStatus
from matching.models import Demand, Match, MatchingPolicy, MatchingRun, SupplyPatent
from matching.services import runs
from matching.services.demands import demand_create, demand_update
from matching.services.follow_up import match_contact
from matching.services.supply import supply_patent_create, supply_patent_set_listed
from portal.models import Job
from portal.models.jobs import JobStatus
from tests.matching.factories import make_patent_no

pytestmark = pytest.mark.django_db

POROSITY = {"title": "电机壳加工后冒小孔", "description": "铝合金电机壳压铸件加工后冒小孔，打压试验漏气，废品率很高，想解决压铸气孔缩松问题。",
            "industry_chain": "铸造"}


def snapshot():
    return set(Match.objects.values_list("pk", "demand_id", "patent_id", "score", "rank", "patent_rank"))


def test_full_run_keeps_top_k_per_demand_and_per_patent(catalogue):
    run = runs.match_all()
    policy = MatchingPolicy.current()
    assert run.status == RunStatus.DONE and run.created_count == Match.objects.count() > 0
    per_demand = Match.objects.filter(rank__isnull=False).values("demand").annotate(n=Count("pk"), top=Max("rank"))
    assert len(per_demand) == Demand.objects.count()
    assert all(row["n"] == row["top"] <= policy.top_k_per_demand for row in per_demand)
    per_patent = Match.objects.filter(patent_rank__isnull=False).values("patent").annotate(n=Count("pk"),
                                                                                          top=Max("patent_rank"))
    assert per_patent and all(row["n"] == row["top"] <= policy.top_k_per_patent for row in per_patent)
    assert not Match.objects.filter(rank__isnull=True, patent_rank__isnull=True).exists()
    assert not Match.objects.filter(score__lt=policy.min_score).exists()
    best = Match.objects.filter(demand__reference="D009", rank=1).get()
    assert best.explanation["matched_terms"] and set(best.explanation["components"]) >= {"text", "ipc", "chain"}


def test_full_run_is_idempotent(catalogue):
    runs.match_all()
    before = snapshot()
    again = runs.match_all()
    assert (again.created_count, again.updated_count, again.deleted_count) == (0, 0, 0)
    assert snapshot() == before


def test_rerun_does_not_rewrite_rows_whose_scores_did_not_move(catalogue):
    runs.match_all()
    row = Match.objects.filter(rank=1).first()
    reworded = {**row.explanation, "notes": ["另一种措辞"]}  # the engine may word a note differently per process
    Match.objects.filter(pk=row.pk).update(explanation=reworded)
    again = runs.match_all()
    assert again.updated_count == 0
    row.refresh_from_db()
    assert row.explanation == reworded


def test_rerun_replaces_suggestions_but_keeps_followed_up_matches(catalogue, enterprise_user):
    runs.match_all()
    demand = Demand.objects.get(reference="D009")
    contacted, suggested = Match.objects.filter(demand=demand, rank__isnull=False).order_by("rank")[:2]
    match_contact(match=contacted, actor=catalogue["enterprise_user"])
    Demand.objects.filter(pk=demand.pk).update(**POROSITY)  # the need is now a different one
    runs.match_all()
    contacted.refresh_from_db()
    assert contacted.status == MatchStatus.CONTACTED and contacted.rank is None
    assert not Match.objects.filter(pk=suggested.pk).exists()
    assert Match.objects.filter(demand=demand, rank=1).exclude(pk=contacted.pk).exists()


def test_new_demand_is_matched_after_commit_as_the_full_run_would(catalogue, django_capture_on_commit_callbacks):
    runs.match_all()
    untouched = Match.objects.filter(demand__reference="D010", rank__isnull=False).count()
    with django_capture_on_commit_callbacks(execute=True):
        demand = demand_create(enterprise=catalogue["enterprise"], actor=catalogue["enterprise_user"], **POROSITY)
    incremental = dict(Match.objects.filter(demand=demand, rank__isnull=False).values_list("patent_id", "rank"))
    assert len(incremental) == MatchingPolicy.current().top_k_per_demand
    assert MatchingRun.objects.filter(kind="demand", demand=demand, status=RunStatus.DONE).exists()
    full = runs.match_all()
    assert dict(Match.objects.filter(demand=demand, rank__isnull=False).values_list("patent_id", "rank")) == \
        incremental
    assert full.created_count == 0
    assert Match.objects.filter(demand__reference="D010", rank__isnull=False).count() == untouched


def test_editing_a_demand_rematches_it(catalogue, django_capture_on_commit_callbacks):
    runs.match_all()
    demand = Demand.objects.get(reference="D009")
    before = set(Match.objects.filter(demand=demand, rank__isnull=False).values_list("patent_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        demand_update(demand=demand, actor=catalogue["enterprise_user"], **POROSITY)
    after = set(Match.objects.filter(demand=demand, rank__isnull=False).values_list("patent_id", flat=True))
    assert after and not before & after
    assert all(p.industry_chain == "铸造" for p in SupplyPatent.objects.filter(pk__in=list(after)[:3]))


def test_new_patent_enters_the_lists_of_the_demands_it_serves(catalogue, django_capture_on_commit_callbacks):
    runs.match_all()
    demand = Demand.objects.get(reference="D009")  # SNCR ammonia slip in a cement kiln
    with django_capture_on_commit_callbacks(execute=True):
        patent = supply_patent_create(
            supplier=catalogue["supplier"], actor=catalogue["supplier_user"], application_no=make_patent_no(424242, 2023),
            title="一种水泥窑SNCR脱硝氨水精准喷射方法", abstract="根据烟气氮氧化物浓度分区调节氨水喷射量，降低氨逃逸和氨水消耗，"
            "氮氧化物排放低于100毫克。", ipc_main="B01D53/56", holder_name="磁湖理工学院", holder_type="university",
            legal_status="valid", offer_type="licence", industry_chain="建材")
    mine = Match.objects.get(demand=demand, patent=patent)
    assert mine.rank is not None and mine.rank <= 3 and mine.patent_rank == 1
    ranks = sorted(Match.objects.filter(demand=demand, rank__isnull=False).values_list("rank", flat=True))
    assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) <= MatchingPolicy.current().top_k_per_demand


def test_withdrawn_patent_stops_being_suggested(catalogue, django_capture_on_commit_callbacks):
    runs.match_all()
    top = Match.objects.filter(demand__reference="D009", rank=1).select_related("patent").get()
    followed = Match.objects.filter(patent=top.patent).exclude(pk=top.pk).first()
    if followed is not None:
        match_contact(match=followed, actor=catalogue["enterprise_user"])
    with django_capture_on_commit_callbacks(execute=True):
        supply_patent_set_listed(patent=top.patent, actor=catalogue["supplier_user"], listed=False)
    assert not Match.objects.filter(patent=top.patent, status=MatchStatus.SUGGESTED).exists()
    ranks = sorted(Match.objects.filter(demand=top.demand, rank__isnull=False).values_list("rank", flat=True))
    assert ranks == list(range(1, MatchingPolicy.current().top_k_per_demand + 1))
    if followed is not None:
        assert Match.objects.filter(pk=followed.pk, status=MatchStatus.CONTACTED).exists()


def test_batch_page_runs_in_celery_with_progress(catalogue, client, province_user,
                                                django_capture_on_commit_callbacks):
    client.force_login(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/matching/runs/")
    run = MatchingRun.objects.get(kind="full")
    assert response.status_code == 302 and response["Location"].endswith(f"?run={run.pk}")
    job = Job.objects.get(pk=run.job_id)
    # The bar's last stage counts the patents whose lists were written (the first counted the demands).
    assert job.status == JobStatus.DONE and job.done == job.total == SupplyPatent.objects.count()
    assert job.result["created"] == Match.objects.count()
    page = client.get(response["Location"]).content.decode()
    assert f'data-job-url="/portal/jobs/{job.pk}/' in page and "已完成" in page


def test_enterprise_and_county_do_not_see_the_batch_page(client, enterprise_user, county_user):
    for user in (enterprise_user, county_user):
        client.force_login(user)
        assert client.post("/matching/runs/").status_code == 404
    assert not MatchingRun.objects.exists()


def test_a_finished_run_is_not_run_again(catalogue):
    from matching.tasks import run_matching

    run = runs.match_all()
    run_matching(run.pk)
    run.refresh_from_db()
    assert MatchingRun.objects.count() == 1 and run.status == RunStatus.DONE


@pytest.mark.services
def test_batch_runs_on_a_real_worker(celery_worker, catalogue, province_user):
    run = runs.matching_run_request(actor=province_user)
    run.refresh_from_db()
    import time

    deadline = time.monotonic() + 60
    while run.status == RunStatus.RUNNING and time.monotonic() < deadline:
        time.sleep(0.5)
        run.refresh_from_db()
    assert run.status == RunStatus.DONE and Match.objects.filter(run=run).exists()
