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
    """Per pair, the contributing columns best first, as plain lists: one numpy sort for the whole chunk instead
    of a small sort per pair."""

    def __init__(self, matrix, names):
        matrix = matrix.tocsr()
        counts = np.diff(matrix.indptr)
        row = np.repeat(np.arange(matrix.shape[0]), counts)
        keep = matrix.data > 0
        row, cols, vals = row[keep], matrix.indices[keep], matrix.data[keep]
        order = np.lexsort((cols, -vals, row))
        row, cols, vals = row[order], cols[order], vals[order]
        self.indptr = np.searchsorted(row, np.arange(matrix.shape[0] + 1)).tolist()
        self.names = [names[c] for c in cols.tolist()]
        self.values = vals.tolist()

    def ranked(self, j: int) -> list[tuple[str, float]]:
        lo = self.indptr[j]
        hi = min(self.indptr[j + 1], lo + MAX_TERMS)
        return list(zip(self.names[lo:hi], self.values[lo:hi], strict=True))

    def all_names(self, j: int) -> list[str]:
        return self.names[self.indptr[j] : self.indptr[j + 1]]


def explain_pairs(
    engine: MatchingEngine, scorer: ChunkScorer, qidx: np.ndarray, side: PatentSide, parts: dict[str, np.ndarray]
) -> list[Explanation]:
    """One explanation per pair (query ``qidx[j]`` with patent row ``j`` of ``side``)."""
    if not len(qidx):
        return []
    names, keys = engine.text.terms, engine.ipc.key_names
    text = _Rows(side.weights.multiply(scorer.text[qidx]), names)
    expansion = _Rows(side.weights.multiply(scorer.expansion[qidx]), names)
    feedback = _Rows(side.weights.multiply(scorer.feedback[qidx]), names) if scorer.feedback is not None else None
    ipc = _Rows(side.ipc.multiply(scorer.ipc[qidx]), keys)
    part_lists = {name: values.tolist() for name, values in parts.items()}
    fixed = _FixedNotes(engine.config)
    bridge_cache: dict = {}  # the same words recur across a demand's patents: build each sentence once
    out = []
    for j, i in enumerate(qidx.tolist()):
        query = scorer.queries[i]
        components = {name: values[j] for name, values in part_lists.items()}
        matched = _shown(text.ranked(j)) if components["text"] > 0 else ()
        bridged = expansion.ranked(j) if components["expansion"] > 0 else []
        related = feedback.ranked(j) if components["feedback"] > 0 else []
        expanded = _shown(sorted(bridged + related, key=lambda tv: -tv[1]), single=False)
        shared = tuple(sorted(ipc.all_names(j), key=lambda k: (-len(k), k))) if components["ipc"] > 0 else ()
        key = (i, tuple(t for t, _ in bridged), tuple(t for t, _ in related[:5]), shared)
        if key not in bridge_cache:
            bridge_cache[key] = _bridge_notes(query, key[1], key[2], shared)
        notes = bridge_cache[key] + fixed.notes(query.demand, components)
        out.append(Explanation(matched, expanded, shared, components, notes, fixed.caveats(components)))
    return out


def _shown(ranked: list[tuple[str, float]], single: bool = True) -> tuple[str, ...]:
    """Terms for a reader, strongest first, without the parts of a longer word in the list (玻璃 beside 水玻璃);
    ``single=False`` also leaves out lone characters that segmentation split from a bridged word."""
    terms = [t for t, _ in ranked if single or len(t) > 1]
    shown = [t for t in terms if not any(t != other and t in other for other in terms)]
    return tuple(shown[:MAX_TERMS])


def _bridge_notes(query: Query, bridged, related, shared) -> tuple[str, ...]:
    """Chinese sentences on the vocabulary behind the match."""
    notes = []
    by_source: dict[str, list[str]] = {}
    for term in bridged:
        by_source.setdefault(query.expansion.sources.get(term, ""), []).append(term)
    for source, words in by_source.items():
        if source:
            notes.append(f"需求中的“{source}”对应技术用语：{'、'.join(words)}")
    if related:
        notes.append(f"与最相关专利共有的技术词：{'、'.join(related)}")
    if shared:
        notes.append(f"IPC分类相同：{'、'.join(shared)}")
    return tuple(notes)


class _FixedNotes:
    """Chinese sentences on the non-text parts of the score."""

    def __init__(self, cfg):
        self.same_chain = cfg.w_chain
        self.region = {cfg.w_region_county: REGION_NOTES["county"], cfg.w_region_city: REGION_NOTES["city"],
                       cfg.w_region_province: REGION_NOTES["province"]}

    def notes(self, demand, components: dict[str, float]) -> tuple[str, ...]:
        notes = []
        if components["chain"] > 0:
            same = components["chain"] == self.same_chain
            notes.append(f"同属“{demand.industry_field}”产业链" if same else f"与“{demand.industry_field}”产业链相关")
        if components["region"] > 0 and components["region"] in self.region:
            notes.append(self.region[components["region"]])
        if components["price"] > 0:
            notes.append("报价在预算范围内（或为低额开放许可费）")
        if components["mode"] > 0:
            notes.append(f"转化方式符合“{demand.cooperation_mode}”")
        if not (components["text"] > 0 or components["expansion"] > 0 or components["feedback"] > 0
                or components["ipc"] > 0):
            notes.append("文本与分类均无直接关联，仅因产业链、地域或价格入选")
        return tuple(notes)

    @staticmethod
    def caveats(components: dict[str, float]) -> tuple[str, ...]:
        return ("报价高于预算",) if components["price"] < 0 else ()
