"""Explanations: which words and codes a demand and a patent share, and what each part of the score added.

What a reader sees is held to a few rules (tests/matching_engine/test_explanations.py):
* words are whole words of two characters or more — the search-mode segmenter also indexes sub-words (感器 of
  传感器, 流电 of 直流电), which count in the score but are not shown unless the demand itself has them as
  words, and no shown word is part of another shown word;
* an IPC code is named as shared only when the demand's own IPC hint and the patent both carry it; a code the
  catalogue-trained classifier predicted is shown apart, labelled 预测;
* a part of the score that counts against the patent (a price above the budget) is a caveat, never a reason;
* every label is Chinese (``COMPONENT_LABELS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .docs import Explanation

if TYPE_CHECKING:
    from .core import MatchingEngine
    from .scoring import ChunkScorer, PatentSide, Query

MAX_TERMS = 8
REGION_NOTES = {"county": "与需求方同在一个县（市、区）", "city": "与需求方同在一个地市", "province": "与需求方同在一个省"}
COMPONENT_LABELS = {
    "text": "文本相关度",
    "expansion": "需求用语与专利用语的对应（扩展词）",
    "feedback": "与最相关专利共有的技术词",
    "ipc": "IPC 分类相符（含预测分类）",
    "chain": "同一产业链",
    "region": "地域相近",
    "price": "价格与预算",
    "mode": "转化方式相符",
}
CAVEATS = {"price": "报价高于预算"}
KIND_NOTES = {
    "cooccurrence": "需求中的“{source}”在专利库中常与这些用语同现：{words}",
    "ipc": "{source}（{title}）的分类用语：{words}",
}


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

    def ranked(self, j: int, limit: int = 4 * MAX_TERMS) -> list[tuple[str, float]]:
        lo = self.indptr[j]
        hi = min(self.indptr[j + 1], lo + limit)
        return list(zip(self.names[lo:hi], self.values[lo:hi], strict=True))

    def all_names(self, j: int) -> list[str]:
        return self.names[self.indptr[j] : self.indptr[j + 1]]


class Fragments:
    """Index terms a reader would not call a word: a term found mostly inside one longer term of the catalogue
    (感器 inside 传感器: the longer term's document frequency is at least half the shorter's)."""

    def __init__(self, terms: list[str], vocab: dict[str, int], df: np.ndarray):
        self.terms, self.vocab, self.df = terms, vocab, df
        self._inside: dict[str, float] | None = None

    def _build(self) -> dict[str, float]:
        inside: dict[str, float] = {}
        vocab, df = self.vocab, self.df
        for i, term in enumerate(self.terms):
            n = len(term)
            if n < 3:
                continue
            for size in range(2, n):
                for start in range(n - size + 1):
                    part = term[start : start + size]
                    if part in vocab and df[i] > inside.get(part, 0):
                        inside[part] = float(df[i])
        return inside

    def __contains__(self, term: str) -> bool:
        if len(term) < 2:
            return True
        if self._inside is None:
            self._inside = self._build()
        col = self.vocab.get(term)
        return col is not None and self._inside.get(term, 0.0) * 2 >= self.df[col]


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
    demand_chain = scorer.demands.chain[qidx]
    same_chain = ((demand_chain >= 0) & (demand_chain == side.arrays.chain)).tolist()
    fixed = _FixedNotes(engine.config)
    fragments = engine.fragments
    words: dict[int, frozenset] = {}
    bridge_cache: dict = {}  # the same words recur across a demand's patents: build each sentence once
    out = []
    for j, i in enumerate(qidx.tolist()):
        query = scorer.queries[i]
        if i not in words:
            d = query.demand
            words[i] = frozenset(engine.analyzer.words(f"{d.title or ''}。{d.description or ''}"))
        components = {name: values[j] for name, values in part_lists.items()}
        # a demand's own whole word always reads well; another term only if it is not mostly part of a longer one
        matched = [t for t, _ in text.ranked(j) if len(t) > 1 and (t in words[i] or t not in fragments)] \
            if components["text"] > 0 else []
        bridged = [t for t, _ in expansion.ranked(j) if t not in fragments] if components["expansion"] > 0 else []
        related = [t for t, _ in feedback.ranked(j) if t not in fragments] if components["feedback"] > 0 else []
        matched, bridged, related = _whole(matched, bridged, related)
        expanded = tuple((bridged + related)[:MAX_TERMS])
        hit = ipc.all_names(j) if components["ipc"] > 0 else []
        shared = tuple(sorted((k for k in hit if k not in query.expansion.predicted), key=lambda k: (-len(k), k)))
        predicted = tuple(sorted((k for k in hit if k in query.expansion.predicted), key=lambda k: (-len(k), k)))
        key = (i, tuple(bridged), tuple(related[:5]), shared, predicted)
        if key not in bridge_cache:
            bridge_cache[key] = _bridge_notes(engine, query, *key[1:])
        notes = bridge_cache[key] + fixed.notes(query.demand, components, same_chain[j])
        out.append(Explanation(tuple(matched[:MAX_TERMS]), expanded, shared, components, notes,
                               _caveats(components), predicted))
    return out


def _whole(matched: list[str], bridged: list[str], related: list[str]) -> tuple[list[str], ...]:
    """Each list without a word that is part of a longer word of the same list (玻璃 beside 水玻璃); the bridged
    and related words also without those already inside a matched word, and each word once."""
    def longest(terms: list[str], shown: set[str]) -> list[str]:
        out = []
        for t in terms:
            if t not in shown and not any(t != o and t in o for o in terms) and not any(t in m for m in matched):
                out.append(t)
                shown.add(t)
        return out

    matched = [t for t in dict.fromkeys(matched) if not any(t != o and t in o for o in matched)]
    every = bridged + related
    seen: set[str] = set()
    kept = longest(every, seen)
    return matched, [t for t in bridged if t in kept], [t for t in related if t in kept and t not in bridged]


def _bridge_notes(engine: MatchingEngine, query: Query, bridged, related, shared, predicted) -> tuple[str, ...]:
    """Chinese sentences on the vocabulary behind the match."""
    notes = []
    groups: dict[tuple[str, str], list[str]] = {}
    for term in bridged:
        kind = query.expansion.kinds.get(term, "")
        groups.setdefault((kind, query.expansion.sources.get(term, "")), []).append(term)
    titles = engine.expander.ipc_title_text
    for (kind, source), words in groups.items():
        if kind == "ipc":
            code = source.removeprefix("IPC ").strip()
            label = f"预测分类 {code}" if code in query.expansion.predicted else f"IPC {code}"
            notes.append(KIND_NOTES["ipc"].format(source=label, title=titles.get(code, "分类名称"),
                                                  words="、".join(words)))
        elif kind in KIND_NOTES and source:
            notes.append(KIND_NOTES[kind].format(source=source, words="、".join(words)))
    if related:
        notes.append(f"与最相关专利共有的技术词：{'、'.join(related)}")
    if shared:
        notes.append(f"IPC分类相同：{'、'.join(shared)}")
    if predicted:
        notes.append(f"专利的IPC分类与需求的预测分类（预测）相同：{'、'.join(predicted)}")
    return tuple(notes)


def _caveats(components: dict[str, float]) -> tuple[str, ...]:
    """Every part that counts against the patent, in words; never listed among the reasons."""
    return tuple(CAVEATS.get(name, f"{COMPONENT_LABELS.get(name, '其他因素')}不利")
                 for name, value in components.items() if value < 0)


class _FixedNotes:
    """Chinese sentences on the non-text parts of the score (positive parts only: negative ones are caveats)."""

    def __init__(self, cfg):
        self.region = {cfg.w_region_county: REGION_NOTES["county"], cfg.w_region_city: REGION_NOTES["city"],
                       cfg.w_region_province: REGION_NOTES["province"]}

    def notes(self, demand, components: dict[str, float], same: bool) -> tuple[str, ...]:
        notes = []
        if components["chain"] > 0:
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
