"""Explanations: which words and codes a demand and a patent share, and what each part of the score added."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .docs import Explanation

if TYPE_CHECKING:
    from .core import MatchingEngine, PatentView, Query

MAX_TERMS = 8


def _contributions(row_indices, row_data, weights: dict[int, float]) -> list[tuple[int, float]]:
    found = [(int(c), float(v) * weights[c]) for c, v in zip(row_indices, row_data, strict=True) if c in weights]
    found.sort(key=lambda cv: -cv[1])
    return found


def explain_rows(
    engine: MatchingEngine, query: Query, view: PatentView, parts: dict[str, np.ndarray]
) -> list[Explanation]:
    terms = engine.text.terms
    weights = view.weights
    out = []
    for j in range(weights.shape[0]):
        lo, hi = weights.indptr[j], weights.indptr[j + 1]
        idx, data = weights.indices[lo:hi], weights.data[lo:hi]
        matched = tuple(terms[c] for c, _ in _contributions(idx, data, query.terms)[:MAX_TERMS])
        expanded = tuple(terms[c] for c, _ in _contributions(idx, data, query.expansion)[:MAX_TERMS])
        shared = tuple(sorted((key for key in view.ipc_codes[j] if key in query.ipc_keys), key=lambda k: -len(k)))
        components = {name: float(values[j]) for name, values in parts.items()}
        out.append(Explanation(matched, expanded, shared, components, _notes(query, expanded, shared, components)))
    return out


def _notes(query: Query, expanded, shared, components: dict[str, float]) -> tuple[str, ...]:
    """Chinese sentences a user reads next to the match."""
    notes = []
    sources = query.expansion_info.sources
    bridged: dict[str, list[str]] = {}
    for term in expanded:
        bridged.setdefault(sources.get(term, ""), []).append(term)
    for source, words in bridged.items():
        if source:
            notes.append(f"需求中的“{source}”对应技术用语：{'、'.join(words)}")
    if shared:
        notes.append(f"IPC分类相同：{'、'.join(shared)}")
    if components.get("chain", 0) > 0:
        notes.append(f"同属“{query.demand.industry_field}”产业链")
    region = components.get("region", 0)
    if region > 0:
        notes.append("专利权人与需求方地域相近")
    price = components.get("price", 0)
    if price > 0:
        notes.append("报价在预算范围内")
    elif price < 0:
        notes.append("报价高于预算")
    if components.get("mode", 0) > 0:
        notes.append(f"转化方式符合“{query.demand.cooperation_mode}”")
    return tuple(notes)
