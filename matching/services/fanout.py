"""A full matching run fanned out over the workers (``portal.services.fanout``), in two stages.

Starting: the engine of the current catalogue is fitted once and stored on the shared volume
(``shared_index``); the open demands are split by id range. A demand chunk: any worker loads that stored index
(memory-mapped, once per process), matches its demands and stores what it can itself, in its own transaction —
its demands' existing rows reconciled, the pairs it keeps written as candidates (``chunk_store``). The last demand
chunk starts the second stage, in the same transaction that finishes the first: the patents split by id range; a
patent chunk ranks its patents' lists over every demand and writes their rows. The last patent chunk finishes the
run once: its counts, one audit entry, one notification, the job done (its bar counts the demands matched, then
the patents whose lists are written). The lists are never all loaded into one
process: the work that grows with the run is in chunks, so it shrinks with workers (why: ``chunk_store``).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from django.db import transaction

from portal.models import FanoutChunk, FanoutRun
from portal.services.audit import audit
from portal.services.fanout import fanout_start, id_ranges
from portal.services.notifications import notify_on_commit

from ..choices import RunStatus
from ..models import Demand, MatchingPolicy, MatchingRun, SupplyPatent
from .chunk_store import candidates_drop, chunk_lists_store, patent_lists_store, run_counts
from .engine import demand_docs
from .runs import finish_run, run_summary
from .shared_index import load_shared_index, shared_index

DEMAND_CHUNK = 1000  # demands per chunk task
PATENT_CHUNK = 20_000  # at most so many patents per chunk task of the second stage
HANDLER = "matching.services.fanout.MATCHING_FANOUT"
PATENT_HANDLER = "matching.services.fanout.PATENT_LISTS_FANOUT"


def fanout_for(run: MatchingRun) -> FanoutRun | None:
    """The demand stage of a full run."""
    return FanoutRun.objects.filter(params__matching_run=run.pk).first()


def patent_stage_for(run: MatchingRun) -> FanoutRun | None:
    return FanoutRun.objects.filter(params__patent_lists_of=run.pk).first()


def _policy(run: MatchingRun) -> MatchingPolicy:
    return run.policy if run.policy_id else MatchingPolicy.current()


def matching_fanout_start(run: MatchingRun, *, chunk_size: int | None = None,
                          handler: str | None = None) -> FanoutRun:
    policy = _policy(run)
    index, engine = shared_index(policy)
    demands = Demand.objects.filter(is_open=True)
    ranges = id_ranges(demands, chunk_size or DEMAND_CHUNK)
    run.demand_count, run.patent_count = sum(size for _, _, size in ranges), len(engine.patent_ids)
    run.save(update_fields=["demand_count", "patent_count"])
    wide = max(engine.config.candidates, policy.top_k_per_demand)
    return fanout_start(handler=handler or HANDLER, ranges=ranges, job_id=run.job_id,
                        params={"matching_run": run.pk, "index": index, "k": wide, "min_score": policy.min_score,
                                "progress": "已匹配 {done} / {total} 项需求",
                                "k_demand": policy.top_k_per_demand, "k_patent": policy.top_k_per_patent,
                                "started": time.time()})


class MatchingFanout:
    """The demand stage: a chunk matches its demands and stores what depends on them alone."""

    def chunk(self, fanout_run, chunk) -> dict:
        params = fanout_run.params
        engine = load_shared_index(params["index"])
        docs = list(demand_docs(Demand.objects.filter(is_open=True, pk__gte=chunk.lo, pk__lte=chunk.hi)))
        rows = engine.match(docs, k=params["k"]) if docs else []
        run = MatchingRun.objects.get(pk=params["matching_run"])
        return chunk_lists_store(run=run, demand_ids=[doc.id for doc in docs],
                                 lists={doc.id: row for doc, row in zip(docs, rows, strict=True)},
                                 k_demand=params["k_demand"], k_patent=params["k_patent"],
                                 min_score=params["min_score"])

    def finish(self, fanout_run, results: list[dict]) -> None:
        """Start the patent stage (its records and messages commit with this stage's end); the job goes on."""
        params = fanout_run.params
        demands = sum(part.get("demands", 0) for part in results)
        MatchingRun.objects.filter(pk=params["matching_run"]).update(demand_count=demands)
        run = MatchingRun.objects.get(pk=params["matching_run"])
        # As many patent chunks as demand chunks (so every worker that took a demand chunk gets a share), at most
        # PATENT_CHUNK patents each. All patents, listed or not: a withdrawn patent's stale rows are put right too.
        patents = SupplyPatent.objects.all()
        size = min(PATENT_CHUNK, max(1, math.ceil(patents.count() / max(fanout_run.chunk_count, 1))))
        ranges = id_ranges(patents, size)
        fanout_start(handler=PATENT_HANDLER, ranges=ranges, job_id=run.job_id,
                     stage=f"已匹配 {demands} 项需求，正在排定各专利的推荐名单",
                     params={"patent_lists_of": run.pk, "k_patent": params["k_patent"],
                             "started": params["started"], "chunks": fanout_run.chunk_count,
                             "progress": "已排定 {done} / {total} 项专利的推荐名单"})
        return None

    def failed(self, fanout_run, message: str) -> None:
        _run_failed(fanout_run.params["matching_run"], message)


class PatentListsFanout:
    """The patent stage: a chunk ranks its patents' lists and writes their rows; the last one finishes the run."""

    def chunk(self, fanout_run, chunk) -> dict:
        params = fanout_run.params
        run = MatchingRun.objects.get(pk=params["patent_lists_of"])
        with transaction.atomic():
            # An attempt that committed and whose worker died before the chunk was counted: nothing to redo.
            earlier = FanoutChunk.objects.select_for_update().get(pk=chunk.pk).result
            if earlier.get("applied"):
                return earlier
            counts = patent_lists_store(run=run, lo=chunk.lo, hi=chunk.hi, k_patent=params["k_patent"],
                                        since=_since(params)) | {"applied": True}
            FanoutChunk.objects.filter(pk=chunk.pk).update(result=counts)
        return counts

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        from django.urls import reverse

        params = fanout_run.params
        run = MatchingRun.objects.select_related("started_by").get(pk=params["patent_lists_of"])
        candidates_drop(run_id=run.pk)
        result = run_counts(results)
        run = finish_run(run, result=result, seconds=time.time() - params["started"])
        summary = run_summary(run) | {"chunks": params["chunks"], "patent_chunks": fanout_run.chunk_count}
        audit(actor=run.started_by, action="matching_run.finished", target=run, data=summary, actor_name="系统")
        if run.started_by is not None:
            url = reverse("portal:job-status", args=[run.job_id]) if run.job_id else ""
            notify_on_commit(recipients=[run.started_by], verb="matching_run.finished", title="全量匹配已完成",
                             body=run.message, url=url, email=False)
        return summary, run.message

    def failed(self, fanout_run, message: str) -> None:
        _run_failed(fanout_run.params["patent_lists_of"], message)


def _since(params: dict) -> datetime:
    return datetime.fromtimestamp(params["started"], tz=UTC)


def _run_failed(run_id: int, message: str) -> MatchingRun | None:
    run = MatchingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    if run is not None:
        finish_run(run, status=RunStatus.FAILED, message=message)
    candidates_drop(run_id=run_id)
    return run


MATCHING_FANOUT = MatchingFanout()
PATENT_LISTS_FANOUT = PatentListsFanout()
