"""A full matching run fanned out over the workers (``portal.services.fanout``).

Starting: the engine of the current catalogue is fitted once and stored on the shared volume
(``shared_index``); the open demands are split by id range. A chunk: any worker loads that stored index
(memory-mapped, once per process), matches its demands and stores their lists itself, in its own transaction —
each demand's rows reconciled, and the chunk's best pairs of each patent kept as candidates for the patents'
lists (``chunk_store``; a redelivered chunk leaves the same rows). Finishing, once, after the last chunk: each
patent's list is ranked over every demand from those candidates by set-based SQL, the suggestions left in no list
are deleted, then one audit entry and one notification. The lists are never all loaded into one process: the
work that grows with the run is in the chunks, so it shrinks with workers (why this split: ``chunk_store``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from portal.models import FanoutRun
from portal.services.audit import audit
from portal.services.fanout import fanout_start, id_ranges
from portal.services.notifications import notify_on_commit

from ..choices import RunStatus
from ..models import Demand, MatchingPolicy, MatchingRun
from .chunk_store import candidates_drop, chunk_lists_store, patent_lists_finish
from .engine import demand_docs
from .runs import finish_run, run_summary
from .shared_index import load_shared_index, shared_index

DEMAND_CHUNK = 1000  # demands per chunk task
HANDLER = "matching.services.fanout.MATCHING_FANOUT"


def fanout_for(run: MatchingRun) -> FanoutRun | None:
    return FanoutRun.objects.filter(params__matching_run=run.pk).first()


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
                                "k_demand": policy.top_k_per_demand, "k_patent": policy.top_k_per_patent,
                                "started": time.time()})


class MatchingFanout:
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

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        from django.urls import reverse

        params = fanout_run.params
        run = MatchingRun.objects.select_related("started_by").get(pk=params["matching_run"])
        result = patent_lists_finish(run=run, k_patent=params["k_patent"],
                                     since=datetime.fromtimestamp(params["started"], tz=UTC))
        run.demand_count = sum(part.get("demands", 0) for part in results)
        run = finish_run(run, result=result, seconds=time.time() - params["started"])
        summary = run_summary(run) | {"chunks": fanout_run.chunk_count}
        audit(actor=run.started_by, action="matching_run.finished", target=run, data=summary, actor_name="系统")
        if run.started_by is not None:
            url = reverse("portal:job-status", args=[run.job_id]) if run.job_id else ""
            notify_on_commit(recipients=[run.started_by], verb="matching_run.finished", title="全量匹配已完成",
                             body=run.message, url=url, email=False)
        return summary, run.message

    def failed(self, fanout_run, message: str) -> None:
        run = MatchingRun.objects.filter(pk=fanout_run.params["matching_run"], status=RunStatus.RUNNING).first()
        if run is not None:
            finish_run(run, status=RunStatus.FAILED, message=message)
        candidates_drop(run_id=fanout_run.params["matching_run"])


MATCHING_FANOUT = MatchingFanout()
