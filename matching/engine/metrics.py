"""Ranking metrics of the matching evaluation set (README of the DEV split).

* P@5 counts grade-2 patents only ("solves the need").
* nDCG@10 is graded: gain 2^grade − 1, log2(rank + 1) discount, ideal DCG from all judged patents.
* MRR is the reciprocal rank of the first grade-2 patent in the ranking given.

Every function takes a ranking (patent ids, best first) and the judgements of one demand
(patent id -> grade; anything missing is grade 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

METRIC_KEYS = ("p@5", "ndcg@10", "mrr")


def precision_at(ranking: Sequence, judged: Mapping, k: int = 5) -> float:
    return sum(1 for pid in ranking[:k] if judged.get(pid, 0) == 2) / k


def _dcg(gains) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranking: Sequence, judged: Mapping, k: int = 10) -> float:
    ideal = sorted((2 ** g - 1 for g in judged.values()), reverse=True)[:k]
    ideal_dcg = _dcg(ideal)
    if not ideal_dcg:
        return 0.0
    return _dcg(2 ** judged.get(pid, 0) - 1 for pid in ranking[:k]) / ideal_dcg


def reciprocal_rank(ranking: Sequence, judged: Mapping) -> float:
    for i, pid in enumerate(ranking):
        if judged.get(pid, 0) == 2:
            return 1.0 / (i + 1)
    return 0.0


def per_demand(rankings: Mapping, qrels: Mapping) -> dict:
    """Metrics of every demand that has a ranking; a demand without judgements scores 0 (as the README's script)."""
    out = {}
    for did, ranking in rankings.items():
        judged = qrels.get(did, {})
        out[did] = {
            "p@5": precision_at(ranking, judged, 5),
            "ndcg@10": ndcg_at(ranking, judged, 10),
            "mrr": reciprocal_rank(ranking, judged),
        }
    return out


def evaluate(rankings: Mapping, qrels: Mapping) -> dict[str, float]:
    """Means over the demands of ``rankings``: ``{"p@5": …, "ndcg@10": …, "mrr": …}``."""
    per = per_demand(rankings, qrels)
    n = len(per)
    return {key: (sum(m[key] for m in per.values()) / n if n else 0.0) for key in METRIC_KEYS}


def rankings_from(demand_ids: Sequence, matches: Sequence[Sequence]) -> dict:
    """Turn the engine's ``list[list[Match]]`` (one row per demand, same order) into ``{demand_id: [patent_id, …]}``."""
    return {did: [m.patent_id for m in row] for did, row in zip(demand_ids, matches, strict=True)}
