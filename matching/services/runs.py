"""Matching runs: the full batch (all demands × all patents, in chunks, progress in the browser) and the
incremental runs for new or changed demands and patents. Celery tasks call these; nothing else runs the engine
for stored matches."""

from __future__ import annotations

import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from portal.outbox import enqueue
from portal.services.audit import audit
from portal.services.jobs import job_create, job_fail, job_finish, job_progress, job_start
from portal.services.notifications import notify

from ..choices import RunKind, RunStatus
from ..models import Demand, MatchingPolicy, MatchingRun, SupplyPatent
from .engine import demand_docs, fitted_engine, patent_docs
from .store import DEMAND_SIDE, PATENT_SIDE, StoreResult, store_lists

#: Who opens the batch page (its counts and runs scoped to their region).
RUN_ROLES = frozenset({"city", "province", "admin"})
#: A full run matches every demand of the province: only the province (and the operator) start one.
START_ROLES = frozenset({"province", "admin"})
START_REFUSED = "全量匹配覆盖全省的需求与专利，只能由省级主管部门发起；新需求发布时系统会自动为其匹配。"
#: A full run's chunks write side by side, so two full runs at once would interleave their lists: one at a time.
FULL_RUN_LOCK = 0x6D617463  # any constant of its own; taken for the check-and-create of a full run only
#: A full run still marked running after this long died without a word (its job shows it); it blocks no new run.
FULL_RUN_STALE_AFTER = timedelta(hours=12)


def can_start_run(user) -> tuple[bool, str]:
    if user.role in START_ROLES:
        return True, ""
    return False, START_REFUSED


def runs_visible_to(user):
    """The runs a bureau sees: the province (and operator) all of them; a city those started by its own staff
    and the incremental runs of its region's demands — never another region's people or their numbers."""
    from django.db.models import Q

    from portal.scoping import region_prefix

    runs = MatchingRun.objects.all()
    if user.role in START_ROLES:
        return runs
    prefix = region_prefix(user)
    if user.role not in RUN_ROLES or not prefix:
        return runs.none()
    return runs.filter(Q(started_by__organisation__region__code__startswith=prefix)
                       | Q(demand__region__code__startswith=prefix))


def full_run_in_progress() -> MatchingRun | None:
    """The full run under way, if any (one started in the last ``FULL_RUN_STALE_AFTER`` and not yet ended)."""
    since = timezone.now() - FULL_RUN_STALE_AFTER
    return (MatchingRun.objects.filter(kind=RunKind.FULL, status=RunStatus.RUNNING, created_at__gte=since)
            .order_by("-created_at").first())


def _one_full_run_at_a_time() -> None:
    """Inside the transaction that creates a full run: a second request waits here for the first's commit, then
    sees its run. (SQLite serialises writing transactions by itself.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FULL_RUN_LOCK])


def matching_run_request(*, actor) -> MatchingRun:
    """A bureau asks for a full batch; it runs in Celery after commit and reports progress on its job. Refused
    (``ValidationError``, in Chinese) while another full run is under way."""
    allowed, reason = can_start_run(actor)
    if not allowed:
        raise PermissionDenied(reason)
    from ..tasks import run_matching

    with transaction.atomic():
        _one_full_run_at_a_time()
        running = full_run_in_progress()
        if running is not None:
            started = timezone.localtime(running.created_at)
            raise ValidationError(f"已有一次全量匹配正在进行（{started:%Y-%m-%d %H:%M} 开始），请待其完成后再发起。")
        policy = MatchingPolicy.current()
        job = job_create(kind="matching", title="供需匹配（全量）", created_by=actor,
                         total=Demand.objects.filter(is_open=True).count())
        run = MatchingRun.objects.create(kind=RunKind.FULL, job=job, started_by=actor, policy=policy if policy.pk
                                         else None)
        audit(actor=actor, action="matching_run.requested", target=run)
        enqueue(run_matching, run.pk)
    return run


def matching_run_execute(*, run_id: int, chunk_size: int | None = None, handler: str | None = None) -> MatchingRun:
    """Start a requested full batch fanned out over the workers (see ``matching.services.fanout``). Idempotent:
    a finished run is left alone and a started one is resumed, not started twice."""
    from portal.services.fanout import fanout_resume

    from .fanout import fanout_for, matching_fanout_start, patent_stage_for

    run = MatchingRun.objects.select_related("job").get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    started = fanout_for(run)
    if started is not None:
        fanout_resume(patent_stage_for(run) or started)
        run.refresh_from_db()
        return run
    try:
        matching_fanout_start(run, chunk_size=chunk_size, handler=handler)
    except Exception as exc:
        finish_run(run, status=RunStatus.FAILED, message=f"匹配失败：{exc}")
        if run.job_id:
            job_fail(job_id=run.job_id, message=f"匹配失败：{exc}")
        raise
    run.refresh_from_db()
    return run


def match_all_fanout() -> MatchingRun | None:
    """The nightly full batch, fanned out over the workers like a requested one; skipped (None) while a full run
    is under way — that run already brings every list up to date."""
    with transaction.atomic():
        _one_full_run_at_a_time()
        if full_run_in_progress() is not None:
            return None
        policy = MatchingPolicy.current()
        run = MatchingRun.objects.create(kind=RunKind.FULL, policy=policy if policy.pk else None)
    return matching_run_execute(run_id=run.pk)


def match_all(*, actor=None) -> MatchingRun:
    """A full batch outside the browser (management command, nightly beat)."""
    policy = MatchingPolicy.current()
    run = MatchingRun.objects.create(kind=RunKind.FULL, started_by=actor, policy=policy if policy.pk else None)
    return _execute_full(run)


def _execute_full(run: MatchingRun) -> MatchingRun:
    started, policy = time.monotonic(), MatchingPolicy.current()
    demands = list(demand_docs())
    if run.job_id:
        job_start(job_id=run.job_id, total=len(demands))
    engine = fitted_engine(policy)
    run.demand_count, run.patent_count = len(demands), len(engine.patent_ids)
    wide = max(engine.config.candidates, policy.top_k_per_demand)

    def progress(done: int) -> None:
        if run.job_id:
            job_progress(job_id=run.job_id, done=done, message=f"已匹配 {done} / {len(demands)} 项需求")

    rows = engine.match(demands, k=wide, progress=progress)
    lists = {doc.id: row for doc, row in zip(demands, rows, strict=True)}
    result = store_lists(side=DEMAND_SIDE, primary_ids=lists, lists=lists, k_primary=policy.top_k_per_demand,
                         k_other=policy.top_k_per_patent, min_score=policy.min_score, run=run, full=True)
    run = finish_run(run, result=result, seconds=time.monotonic() - started)
    if run.job_id:
        job_finish(job_id=run.job_id, result=run_summary(run), message=run.message)
    return run


def match_demands(*, demand_ids: list[int]) -> MatchingRun | None:
    """New or changed demands against the catalogue; their lists and the touched patents' lists are rebuilt."""
    started, policy = time.monotonic(), MatchingPolicy.current()
    docs = list(demand_docs(Demand.objects.filter(pk__in=demand_ids, is_open=True)))
    if not docs:
        return None
    engine = fitted_engine(policy)
    run = MatchingRun.objects.create(kind=RunKind.DEMAND, demand_id=docs[0].id if len(docs) == 1 else None,
                                     demand_count=len(docs), patent_count=len(engine.patent_ids),
                                     policy=policy if policy.pk else None)
    wide = max(engine.config.candidates, policy.top_k_per_demand)
    lists = {doc.id: row for doc, row in zip(docs, engine.match(docs, k=wide), strict=True)}
    result = store_lists(side=DEMAND_SIDE, primary_ids=lists, lists=lists, k_primary=policy.top_k_per_demand,
                         k_other=policy.top_k_per_patent, min_score=policy.min_score, run=run)
    _notify_enterprises(lists, result)
    return finish_run(run, result=result, seconds=time.monotonic() - started)


def match_patents(*, patent_ids: list[int]) -> MatchingRun | None:
    """New or changed patents against the open demands; the engine is refitted on the grown catalogue."""
    started, policy = time.monotonic(), MatchingPolicy.current()
    engine = fitted_engine(policy)
    docs = list(patent_docs(SupplyPatent.objects.matchable().filter(pk__in=patent_ids)))
    if not docs:
        return None
    demands = list(demand_docs())
    run = MatchingRun.objects.create(kind=RunKind.PATENT, patent_id=docs[0].id if len(docs) == 1 else None,
                                     demand_count=len(demands), patent_count=len(docs),
                                     policy=policy if policy.pk else None)
    wide = max(engine.config.candidates, policy.top_k_per_patent)
    lists = {doc.id: engine.demands_for_patent(doc, demands, k=wide) for doc in docs}
    result = store_lists(side=PATENT_SIDE, primary_ids=lists, lists=lists, k_primary=policy.top_k_per_patent,
                         k_other=policy.top_k_per_demand, min_score=policy.min_score, run=run)
    return finish_run(run, result=result, seconds=time.monotonic() - started)


def finish_run(run: MatchingRun, *, result: StoreResult | None = None, seconds: float = 0.0,
            status: str = RunStatus.DONE, message: str = "") -> MatchingRun:
    if result is not None:
        run.created_count, run.updated_count, run.deleted_count = result.created, result.updated, result.deleted
        message = message or (f"{run.demand_count} 项需求 × {run.patent_count} 件专利：新增 {result.created}，"
                              f"更新 {result.updated}，撤下 {result.deleted}，保留已跟进 {result.kept}")
    run.status, run.seconds, run.message, run.finished_at = status, round(seconds, 3), message[:500], timezone.now()
    run.save()
    return run


def run_summary(run: MatchingRun) -> dict:
    return {"demands": run.demand_count, "patents": run.patent_count, "created": run.created_count,
            "updated": run.updated_count, "deleted": run.deleted_count, "seconds": run.seconds}


def _notify_enterprises(lists: dict, result: StoreResult) -> None:
    """Tell an enterprise's people that their demand has new suggestions (after this run's commit)."""
    from django.urls import reverse

    new_by_demand: dict[int, int] = {}
    for demand_id, _patent_id in result.new_pairs:
        if demand_id in lists:
            new_by_demand[demand_id] = new_by_demand.get(demand_id, 0) + 1
    for demand in Demand.objects.filter(pk__in=new_by_demand).select_related("enterprise"):
        people = list(demand.enterprise.users.filter(is_active=True))
        count, url = new_by_demand[demand.pk], reverse("matching:demand-detail", args=[demand.pk])
        transaction.on_commit(lambda people=people, demand=demand, count=count, url=url: notify(
            recipients=people, verb="matching.suggested", title=f"技术需求“{demand.title}”有 {count} 项新推荐专利",
            body="系统已根据您的需求推荐了可对接的专利，请查看匹配说明并跟进。", url=url, email=False))
