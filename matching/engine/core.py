"""The matching engine: demand → ranked patents (and patent → ranked demands), every match explained."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import features
from .config import EngineConfig
from .docs import DemandDoc, Match, PatentDoc
from .expansion import Expander, Expansion
from .explain import explain_rows
from .index import TITLE_END, IpcIndex, TextIndex
from .text import Analyzer, default_analyzer

QUERY_CACHE = 50_000


@dataclass
class Query:
    """One demand turned into weighted index columns."""

    demand: DemandDoc
    terms: dict[int, float]  # original wording: column -> weight
    expansion: dict[int, float]  # bridged vocabulary not in the wording: column -> weight
    ipc: dict[int, float]  # IPC key column -> weight
    ipc_keys: dict[str, float]  # the same, by key ("B22D", "B22D17")
    expansion_info: Expansion
    bound: float  # normalises the text score of this demand to [0, 1]


class MatchingEngine:
    def __init__(self, config: EngineConfig | None = None, analyzer: Analyzer | None = None):
        self.config = config or EngineConfig.load()
        self.analyzer = analyzer or default_analyzer()
        self.expander = Expander(self.analyzer)
        self.text: TextIndex | None = None

    # ------------------------------------------------------------------ index
    def tokenize_patent(self, patent: PatentDoc) -> tuple[str, ...]:
        """Index terms of a patent (title, marker, abstract); store them to skip segmentation in big batches."""
        return (*self.analyzer.tokens(patent.title), TITLE_END, *self.analyzer.tokens(patent.abstract))

    def fit(self, patents: Sequence[PatentDoc]) -> MatchingEngine:
        patents = list(patents)
        docs = [p.tokens if p.tokens is not None else self.tokenize_patent(p) for p in patents]
        self.patents = patents
        self.patent_ids = [p.id for p in patents]
        self.row_of = {pid: i for i, pid in enumerate(self.patent_ids)}
        self.text = TextIndex(docs, self.config)
        self.ipc = IpcIndex([p.ipc_codes for p in patents])
        self.arrays = features.PatentArrays.build(patents)
        self._bound = self.text.term_bound(self.config)
        self._queries = {}
        return self

    def _require_fit(self) -> None:
        if self.text is None:
            raise RuntimeError("MatchingEngine.fit() must be called before matching")

    # ------------------------------------------------------------------ queries
    def build_query(self, demand: DemandDoc) -> Query:
        """The demand's weighted columns; cached per demand value (a changed demand is a new key)."""
        query = self._queries.get(demand)
        if query is None:
            if len(self._queries) >= QUERY_CACHE:
                self._queries.clear()
            query = self._queries[demand] = self._build_query(demand)
        return query

    def _build_query(self, demand: DemandDoc) -> Query:
        cfg, vocab = self.config, self.text.vocab
        raw = f"{demand.title or ''}。{demand.description or ''}"
        terms: dict[int, float] = {}
        for token in self.analyzer.tokens(demand.title or ""):
            if token in vocab:
                terms[vocab[token]] = terms.get(vocab[token], 0.0) + cfg.title_boost
        for token in self.analyzer.tokens(demand.description or ""):
            if token in vocab:
                terms[vocab[token]] = terms.get(vocab[token], 0.0) + 1.0
        terms = {col: cfg.w_text * (1.0 + np.log(tf)) for col, tf in terms.items()}
        info = self.expander.expand(
            raw, demand.ipc_hint or "", thesaurus_weight=cfg.thesaurus_weight, ipc_title_weight=cfg.ipc_title_weight
        )
        expansion = {
            vocab[t]: cfg.w_expansion * w for t, w in info.terms.items() if t in vocab and vocab[t] not in terms
        }
        ipc_keys = {key: w * (cfg.w_ipc_group if key[4:] else cfg.w_ipc_subclass) for key, w in info.ipc.items()}
        ipc = {self.ipc.keys[key]: w for key, w in ipc_keys.items() if key in self.ipc.keys}
        bound = sum(w * self._bound[c] for c, w in terms.items()) + sum(
            w * self._bound[c] for c, w in expansion.items()
        )
        return Query(demand, terms, expansion, ipc, ipc_keys, info, float(bound) or 1.0)

    def _query_matrices(self, queries: Sequence[Query]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        text = _dict_rows([{**q.terms, **q.expansion} for q in queries], [q.bound for q in queries],
                          len(self.text.terms))
        ipc = _dict_rows([q.ipc for q in queries], [1.0] * len(queries), len(self.ipc.keys))
        return text, ipc

    # ------------------------------------------------------------------ matching
    def match(
        self, demands: Sequence[DemandDoc], k: int = 20, progress: Callable[[int], None] | None = None
    ) -> list[list[Match]]:
        """Top ``k`` patents of every demand, in chunks; ``progress(done)`` after each chunk."""
        self._require_fit()
        demands = list(demands)
        out: list[list[Match]] = []
        step = max(1, self.config.chunk_size)
        for start in range(0, len(demands), step):
            queries = [self.build_query(d) for d in demands[start : start + step]]
            out.extend(self._match_queries(queries, k))
            if progress:
                progress(len(out))
        return out

    def match_one(self, demand: DemandDoc, k: int = 20) -> list[Match]:
        """A new demand against the fitted catalogue (the same arithmetic as the batch)."""
        return self.match([demand], k)[0]

    def _match_queries(self, queries: Sequence[Query], k: int) -> list[list[Match]]:
        text_m, ipc_m = self._query_matrices(queries)
        text_scores = (text_m @ self.text.by_term).tocsr()
        ipc_scores = (ipc_m @ self.ipc.by_key).tocsr()
        combined = (text_scores + ipc_scores).tocsr()
        results = []
        for i, query in enumerate(queries):
            lo, hi = combined.indptr[i], combined.indptr[i + 1]
            rows = _top_rows(combined.indices[lo:hi], combined.data[lo:hi], self.config.candidates)
            results.append(self._rank(query, rows, k))
        return results

    def _rank(self, query: Query, rows: np.ndarray, k: int) -> list[Match]:
        if not len(rows) or k <= 0:
            return []
        parts = self._components(query, self._rows_view(rows))
        total = sum(parts.values())
        order = np.lexsort((rows, -total))[:k]
        rows, total = rows[order], total[order]
        parts = {name: v[order] for name, v in parts.items()}
        explanations = explain_rows(self, query, self._rows_view(rows), parts)
        return [
            Match(query.demand.id, self.patent_ids[r], float(total[j]), j + 1, explanations[j])
            for j, r in enumerate(rows)
        ]

    def _components(self, query: Query, view: PatentView) -> dict[str, np.ndarray]:
        """Every part of the score of one demand against the patents of the view."""
        text = _weighted(view.weights, query.terms) / query.bound
        expansion = _weighted(view.weights, query.expansion) / query.bound
        ipc = np.zeros(len(view.ipc_codes))
        if query.ipc_keys:
            ipc[:] = [sum(query.ipc_keys.get(key, 0.0) for key in codes) for codes in view.ipc_codes]
        arrays = view.arrays
        cfg, demand = self.config, query.demand
        return {
            "text": text,
            "expansion": expansion,
            "ipc": ipc,
            "chain": features.chain_score(demand, arrays, cfg),
            "region": features.region_score(demand, arrays, cfg),
            "price": features.price_score(demand, arrays, cfg),
            "mode": features.mode_score(demand, arrays, cfg),
        }

    def demands_for_patent(self, patent: PatentDoc, demands: Sequence[DemandDoc], k: int = 20) -> list[Match]:
        """A new (or changed) patent against all demands: the demands it serves best, ranked within this list."""
        self._require_fit()
        demands = list(demands)
        if not demands or k <= 0:
            return []
        view = self._patent_view(patent)
        queries = [self.build_query(d) for d in demands]
        text_m, ipc_m = self._query_matrices(queries)
        first = np.asarray((text_m @ view.weights.T).todense()).ravel()
        if ipc_m.shape[1]:
            first = first + np.asarray((ipc_m @ self.ipc.matrix[view.ipc_rows].T).todense()).ravel()
        candidates = np.flatnonzero(first > 0)
        candidates = candidates[np.argsort(-first[candidates], kind="stable")][: self.config.candidates]
        scored = []
        for i in candidates:
            parts = self._components(queries[i], view)
            total = float(sum(v[0] for v in parts.values()))
            scored.append((total, int(i), parts))
        scored.sort(key=lambda item: (-item[0], item[1]))
        out = []
        for rank, (total, i, parts) in enumerate(scored[:k], 1):
            explanation = explain_rows(self, queries[i], view, parts)[0]
            out.append(Match(demands[i].id, patent.id, total, rank, explanation))
        return out

    def _patent_view(self, patent: PatentDoc) -> PatentView:
        row = self.row_of.get(patent.id)
        if row is not None and self.patents[row] == patent:
            return self._rows_view(np.array([row]))
        tokens = patent.tokens if patent.tokens is not None else self.tokenize_patent(patent)
        return PatentView(
            rows=np.array([-1]),
            weights=self.text.single_row(tokens, self.config),
            ipc_codes=[IpcIndex([patent.ipc_codes]).codes[0]],
            ipc_rows=np.array([], dtype=np.int64),
            arrays=features.PatentArrays.build([patent], chains=self.arrays.chains),
        )

    def _rows_view(self, rows: np.ndarray) -> PatentView:
        return PatentView(
            rows=rows,
            weights=self.text.weights[rows],
            ipc_codes=[self.ipc.codes[r] for r in rows],
            ipc_rows=rows,
            arrays=self.arrays.take(rows),
        )


@dataclass
class PatentView:
    """The patents one scoring step looks at: fitted rows, or a single patent outside the index."""

    rows: np.ndarray
    weights: sparse.csr_matrix
    ipc_codes: list[tuple[str, ...]]
    ipc_rows: np.ndarray
    arrays: features.PatentArrays


def _dict_rows(rows: Sequence[dict[int, float]], scale: Sequence[float], width: int) -> sparse.csr_matrix:
    indptr, indices, data = [0], [], []
    for row, s in zip(rows, scale, strict=True):
        indices.extend(row.keys())
        data.extend(w / s for w in row.values())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.array(data, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
        shape=(len(rows), width),
    )


def _weighted(matrix: sparse.csr_matrix, weights: dict[int, float]) -> np.ndarray:
    if not weights:
        return np.zeros(matrix.shape[0])
    cols = np.fromiter(weights.keys(), dtype=np.int64)
    vals = np.fromiter(weights.values(), dtype=np.float64)
    return np.asarray(matrix[:, cols] @ vals, dtype=np.float64).ravel()


def _top_rows(rows: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    if len(rows) <= n:
        return rows.astype(np.int64)
    keep = np.argpartition(-scores, n - 1)[:n]
    return rows[keep].astype(np.int64)
