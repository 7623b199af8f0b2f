"""A full matching run fanned out over the workers (``portal.services.fanout``).

Starting: the engine of the current catalogue is fitted once and stored on the shared volume
(``shared_index``); the open demands are split by id range. A chunk: any worker loads that stored index
(memory-mapped, once per process), matches its demands and writes their lists to a file of its own on the
shared volume (a redelivered chunk overwrites it). Finishing, once, after the last chunk: the lists are merged
and stored in one reconciliation — the patents' top lists (``patent_rank``) are ranked over every demand there —
then one audit entry and one notification; the chunk files are removed after commit.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

from portal.models import FanoutRun
from portal.services.audit import audit
from portal.services.fanout import fanout_start, id_ranges
from portal.services.notifications import notify_on_commit

from ..choices import RunStatus
from ..engine import Match as EngineMatch
from ..models import Demand, MatchingPolicy, MatchingRun
from .engine import demand_docs
from .runs import finish_run, run_summary
from .shared_index import load_shared_index, shared_index
from .store import DEMAND_SIDE, SerialisedExplanation, store_lists

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
                                "started": time.time()})


def _chunk_dir(fanout_run) -> Path:
    return Path(settings.EXPORT_ROOT) / "fanout" / f"run-{fanout_run.pk}"


def _chunk_file(fanout_run, index: int) -> Path:
    return _chunk_dir(fanout_run) / f"chunk-{index}.pickle"


def _write(path: Path, lists: dict) -> None:
    """Whole or not at all: written under a temporary name, then renamed over any earlier attempt's file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "wb") as file:
        pickle.dump(lists, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def _merged_lists(fanout_run) -> dict:
    """{demand id: [engine Match, …]} of every chunk, in chunk order."""
    lists: dict = {}
    for index in range(fanout_run.chunk_count):
        with open(_chunk_file(fanout_run, index), "rb") as file:
            part = pickle.load(file)
        for demand_id in part["demands"]:
            lists[demand_id] = []
        for d, p, s, e in zip(part["demand"].tolist(), part["patent"].tolist(), part["score"].tolist(),
                              part["explanation"], strict=True):
            lists[d].append(EngineMatch(d, p, s, 0, SerialisedExplanation(e)))
    return lists


class MatchingFanout:
    def chunk(self, fanout_run, chunk) -> dict:
        params = fanout_run.params
        engine = load_shared_index(params["index"])
        docs = list(demand_docs(Demand.objects.filter(is_open=True, pk__gte=chunk.lo, pk__lte=chunk.hi)))
        rows = engine.match(docs, k=params["k"]) if docs else []
        # Plain arrays and JSON text cross the volume many times faster than objects; explanations are serialised
        # here, in parallel, not in the finish. Pairs under the run's lowest score are never stored.
        demand, patent, score, explanation = [], [], [], []
        for doc, row in zip(docs, rows, strict=True):
            for m in row:
                if m.score >= params["min_score"]:
                    demand.append(doc.id)
                    patent.append(m.patent_id)
                    score.append(m.score)
                    explanation.append(json.dumps(m.explanation.to_dict(), ensure_ascii=False))
        _write(_chunk_file(fanout_run, chunk.index), {
            "demands": [doc.id for doc in docs], "demand": np.array(demand, dtype=np.int64),
            "patent": np.array(patent, dtype=np.int64), "score": np.array(score, dtype=np.float64),
            "explanation": explanation})
        return {"demands": len(docs), "pairs": len(demand)}

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        from django.urls import reverse

        run = MatchingRun.objects.select_related("started_by").get(pk=fanout_run.params["matching_run"])
        policy = _policy(run)
        lists = _merged_lists(fanout_run)
        result = store_lists(side=DEMAND_SIDE, primary_ids=lists, lists=lists, k_primary=policy.top_k_per_demand,
                             k_other=policy.top_k_per_patent, min_score=policy.min_score, run=run, full=True)
        run.demand_count = len(lists)
        run = finish_run(run, result=result, seconds=time.time() - fanout_run.params["started"])
        summary = run_summary(run) | {"chunks": fanout_run.chunk_count}
        audit(actor=run.started_by, action="matching_run.finished", target=run, data=summary, actor_name="系统")
        if run.started_by is not None:
            url = reverse("portal:job-status", args=[run.job_id]) if run.job_id else ""
            notify_on_commit(recipients=[run.started_by], verb="matching_run.finished", title="全量匹配已完成",
                             body=run.message, url=url, email=False)
        directory = _chunk_dir(fanout_run)
        transaction.on_commit(lambda: shutil.rmtree(directory, ignore_errors=True))
        return summary, run.message

    def failed(self, fanout_run, message: str) -> None:
        run = MatchingRun.objects.filter(pk=fanout_run.params["matching_run"], status=RunStatus.RUNNING).first()
        if run is not None:
            finish_run(run, status=RunStatus.FAILED, message=message)
        shutil.rmtree(_chunk_dir(fanout_run), ignore_errors=True)


MATCHING_FANOUT = MatchingFanout()
