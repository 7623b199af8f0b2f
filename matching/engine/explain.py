"""Explanations: which words and codes a demand and a patent share, and what each part of the score added."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .docs import Explanation

if TYPE_CHECKING:
    from .core import MatchingEngine
    from .scoring import ChunkScorer, PatentSide, Query

MAX_TERMS = 8
REGION_NOTES = {"county": "与需求方同在一个县（市、区）", "city": "与需求方同在一个地市", "province": "与需求方同在一个省"}


class _Rows:
    """A CSR matrix as plain lists: per-pair slicing in Python is far cheaper than numpy calls on tiny rows."""

    def __init__(self, matrix):
        self.indptr = matrix.indptr.tolist()
        self.indices = matrix.indices.tolist()
        self.data = matrix.data.tolist()

    def ranked(self, j: int, names) -> list[tuple[str, float]]:
        lo, hi = self.indptr[j], self.indptr[j + 1]
        pairs = sorted((-v, c) for c, v in zip(self.indices[lo:hi], self.data[lo:hi], strict=True) if v > 0)
        return [(names[c], -v) for v, c in pairs[:MAX_TERMS]]

    def columns(self, j: int) -> list[int]:
        return self.indices[self.indptr[j] : self.indptr[j + 1]]


def explain_pairs(
    engine: MatchingEngine, scorer: ChunkScorer, qidx: np.ndarray, side: PatentSide, parts: dict[str, np.ndarray]
) -> list[Explanation]:
    """One explanation per pair (query ``qidx[j]`` with patent row ``j`` of ``side``)."""
    if not len(qidx):
        return []
    names, keys = engine.text.terms, engine.ipc.key_names
    text = _Rows(side.weights.multiply(scorer.text[qidx]).tocsr())
    expansion = _Rows(side.weights.multiply(scorer.expansion[qidx]).tocsr())
    feedback = _Rows(side.weights.multiply(scorer.feedback[qidx]).tocsr()) if scorer.feedback is not None else None
    ipc = _Rows(side.ipc.multiply(scorer.ipc[qidx]).tocsr())
    part_lists = {name: values.tolist() for name, values in parts.items()}
    out = []
    for j, i in enumerate(qidx.tolist()):
        query = scorer.queries[i]
        matched = tuple(t for t, _ in text.ranked(j, names))
        bridged = expansion.ranked(j, names)
        related = feedback.ranked(j, names) if feedback is not None else []
        expanded = tuple(t for t, _ in sorted(bridged + related, key=lambda tv: -tv[1])[:MAX_TERMS])
        shared = tuple(sorted((keys[c] for c in ipc.columns(j)), key=lambda k: (-len(k), k)))
        components = {name: values[j] for name, values in part_lists.items()}
        notes = _notes(query, [t for t, _ in bridged], [t for t, _ in related], shared, components, engine)
        out.append(Explanation(matched, expanded, shared, components, notes))
    return out


def _notes(query: Query, bridged, related, shared, components: dict[str, float], engine) -> tuple[str, ...]:
    """Chinese sentences a user reads next to the match."""
    cfg = engine.config
    notes = []
    by_source: dict[str, list[str]] = {}
    for term in bridged:
        by_source.setdefault(query.expansion.sources.get(term, ""), []).append(term)
    for source, words in by_source.items():
        if source:
            notes.append(f"需求中的“{source}”对应技术用语：{'、'.join(words)}")
    if related:
        notes.append(f"与最相关专利共有的技术词：{'、'.join(related[:5])}")
    if shared:
        notes.append(f"IPC分类相同：{'、'.join(shared)}")
    if components.get("chain", 0) > 0:
        notes.append(f"同属“{query.demand.industry_field}”产业链")
    region = components.get("region", 0)
    level = {cfg.w_region_county: "county", cfg.w_region_city: "city", cfg.w_region_province: "province"}
    if region > 0 and region in level:
        notes.append(REGION_NOTES[level[region]])
    price = components.get("price", 0)
    if price > 0:
        notes.append("报价在预算范围内（或为低额开放许可费）")
    elif price < 0:
        notes.append("报价高于预算")
    if components.get("mode", 0) > 0:
        notes.append(f"转化方式符合“{query.demand.cooperation_mode}”")
    if not any(components.get(n, 0) > 0 for n in ("text", "expansion", "feedback", "ipc")):
        notes.append("文本与分类均无直接关联，仅因产业链、地域或价格入选")
    return tuple(notes)
