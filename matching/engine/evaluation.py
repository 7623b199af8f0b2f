"""Engine against the plain BM25 baseline on labelled demands — what ``evaluate_matching`` prints.

The caller loads the documents and judgements (from files, a database, anything); nothing here knows where they
came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .baseline import BM25Baseline
from .core import MatchingEngine
from .docs import DemandDoc, PatentDoc
from .metrics import evaluate, rankings_from


def compare_with_baseline(
    patents: Sequence[PatentDoc], demands: Sequence[DemandDoc], qrels: Mapping, engine: MatchingEngine | None = None
) -> dict[str, dict[str, float]]:
    """``{"engine": {"p@5", "ndcg@10", "mrr"}, "bm25": {…}}``, means over ``demands``.

    The baseline ranks the whole catalogue (as the evaluation set's script does); the engine returns its
    candidates (``EngineConfig.candidates`` per demand), more than the metrics look at."""
    engine = (engine or MatchingEngine()).fit(patents)
    ids = [d.id for d in demands]
    engine_runs = rankings_from(ids, engine.match(demands, k=engine.config.candidates))
    bm25_runs = rankings_from(ids, BM25Baseline().fit(patents).match(demands, k=len(patents)))
    return {"engine": evaluate(engine_runs, qrels), "bm25": evaluate(bm25_runs, qrels)}
