"""The matching engine: demand → ranked patents (and patent → ranked demands), every match explained."""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from . import features
from .classifier import IpcPrior
from .config import EngineConfig
from .cooccur import CoOccurrence
from .docs import DemandDoc, Explanation, Match, PatentDoc
from .expansion import Expander
from .explain import Fragments, explain_pairs
from .index import TITLE_END, IpcIndex, TextIndex, candidate_matrix
from .scoring import ChunkScorer, PatentSide, Query, index_side, row_values, with_priors
from .text import Analyzer, default_analyzer

QUERY_CACHE = 50_000
_FORKED: tuple[MatchingEngine, list[DemandDoc]] | None = None  # what forked batch workers inherit


def _forked_chunk(task: tuple[int, int, int]) -> list[list[tuple]]:
    """A chunk in a worker, returned as plain tuples: they cross the pipe several times faster than objects."""
    engine, demands = _FORKED
    start, stop, k = task
    rows = engine._match_chunk(engine.build_queries(demands[start:stop]), k)
    return [[(m.demand_id, m.patent_id, m.score, m.rank, m.explanation.matched_terms, m.explanation.expanded_terms,
              m.explanation.shared_ipc, tuple(m.explanation.components.items()), m.explanation.notes, m.explanation.caveats,
              m.explanation.predicted_ipc) for m in row]
            for row in rows]


def _rebuild(rows: list[list[tuple]]) -> list[list[Match]]:
    return [[Match(d, p, s, r, Explanation(mt, et, ipc, dict(parts), notes, caveats, predicted))
             for d, p, s, r, mt, et, ipc, parts, notes, caveats, predicted in row] for row in rows]


class MatchingEngine:
    """供需匹配引擎: fit on the supply catalogue, then rank patents for demands (batch or one at a time) and
    demands for a patent. Text relevance (BM25 over a pruned vocabulary) plus vocabulary bridged from general
    sources (the IPC classes a classifier trained on the catalogue predicts, their titles, words that co-occur in
    the catalogue), pseudo-relevance feedback, IPC overlap, industry chain, region, price and cooperation fit; the
    weights come from ``matching/data/weights.json``."""

    def __init__(self, config: EngineConfig | None = None, analyzer: Analyzer | None = None):
        self.config = config or EngineConfig.load()
        self.analyzer = analyzer or default_analyzer()
        self.expander = Expander(self.analyzer)
        self.text: TextIndex | None = None

    # ------------------------------------------------------------------ index
    def tokenize_patent(self, patent: PatentDoc) -> tuple[str, ...]:
        """Index terms of a patent (title, marker, abstract); store them to skip segmentation in big batches."""
        return (*self.analyzer.tokens(patent.title or ""), TITLE_END, *self.analyzer.tokens(patent.abstract or ""))

    def fit(self, patents: Sequence[PatentDoc]) -> MatchingEngine:
        patents = list(patents)
        docs = [p.tokens if p.tokens is not None else self.tokenize_patent(p) for p in patents]
        self.patents = patents
        self.patent_ids = [p.id for p in patents]
        self.row_of = {pid: i for i, pid in enumerate(self.patent_ids)}
        self.text = TextIndex(docs, self.config)
        self.ipc = IpcIndex([p.ipc_codes for p in patents])
        self.chains: dict[str, int] = {}
        self.arrays = features.PatentArrays.build(patents, self.chains)
        self.related = features.related_matrix(self.chains, self.expander.related_chains)
        self.chain_share = _chain_share(self.text.weights, self.arrays.chain, len(self.chains))
        cfg = self.config
        self.by_probe = candidate_matrix(self.text, self.ipc, cfg.probe_postings)
        self.prior = IpcPrior(self.text.weights, self.ipc.matrix, self.ipc.key_names)
        # words that may join a query as feedback or co-occurrence: two characters or more, no figures (13k, 93mg)
        self.readable = np.array([len(t) > 1 and not any(c.isdigit() for c in t) for t in self.text.terms],
                                 dtype=bool)
        self.fragments = Fragments(self.text.terms, self.text.vocab, np.diff(self.text.by_term.indptr))
        self.cooccur = CoOccurrence(self.text.weights, sample=cfg.pmi_sample, min_count=cfg.pmi_min_count,
                                    neighbours=cfg.pmi_neighbours)
        self._bound_list = self.text.term_bound(self.config).tolist()
        self._idf_list = self.text.idf.tolist()
        self._queries: dict[DemandDoc, Query] = {}
        self._feedback: dict[DemandDoc, tuple[np.ndarray, np.ndarray]] = {}
        return self

    def _require_fit(self) -> None:
        if self.text is None:
            raise RuntimeError("MatchingEngine.fit() must be called before matching")

    # ------------------------------------------------------------------ queries
    def build_query(self, demand: DemandDoc) -> Query:
        """The demand's weighted columns; cached per demand value (a changed demand is a new key)."""
        return self.build_queries([demand])[0]

    def build_queries(self, demands: Sequence[DemandDoc]) -> list[Query]:
        """``build_query`` of each demand; the IPC prior of the new ones is predicted in one product."""
        new = list(dict.fromkeys(d for d in demands if d not in self._queries))
        if new:
            if len(self._queries) + len(new) > QUERY_CACHE:
                self._queries.clear()
            terms = [self._query_terms(d) for d in new]
            cfg, idf = self.config, self._idf_list
            weighted = [(np.fromiter(t, dtype=np.int64, count=len(t)),
                         np.array([w * idf[c] for c, w in t.items()], dtype=np.float64)) for t in terms]
            predicted = self.prior.predict_many(weighted, cfg.prior_groups, cfg.prior_ratio)
            for d, t, p in zip(new, terms, predicted, strict=True):
                self._queries[d] = self._build_query(d, t, p)
        return [self._queries[d] for d in demands]

    def _query_terms(self, demand: DemandDoc) -> dict[int, float]:
        cfg, vocab = self.config, self.text.vocab
        tf: dict[int, float] = {}
        for boost, text in ((cfg.title_boost, demand.title), (1, demand.description)):
            for token in self.analyzer.tokens(text or ""):
                col = vocab.get(token)
                if col is not None:
                    tf[col] = tf.get(col, 0.0) + boost
        terms = {col: cfg.w_text * (1.0 + math.log(n)) for col, n in tf.items()}
        code = self._discounted_chain(demand)
        if code is not None and terms:
            # the chain part already credits the demand's field: a word most of that chain's patents use (电机 for
            # a demand filed under 电机) says which chain, not which need, and would count the field twice
            cols = np.fromiter(terms, dtype=np.int64, count=len(terms))
            shares = row_values(self.chain_share, code, cols).tolist()
            terms = {col: w * (1.0 - cfg.chain_term_discount * s)
                     for (col, w), s in zip(terms.items(), shares, strict=True)}
        return terms

    def _discounted_chain(self, demand: DemandDoc) -> int | None:
        """The chain code whose word shares discount the demand's words (None: no field, a field no patent has,
        or the discount or the chain part off)."""
        if self.config.chain_term_discount <= 0 or self.config.w_chain <= 0:
            return None
        return self.chains.get((demand.industry_field or "").strip())

    def _build_query(self, demand: DemandDoc, terms: dict[int, float], predicted: dict[str, float]) -> Query:
        cfg, vocab = self.config, self.text.vocab
        info = self.expander.expand(demand.ipc_hint or "", predicted, ipc_title_weight=cfg.ipc_title_weight,
                                    prior_ipc_weight=cfg.prior_ipc_weight)
        self._add_cooccurring(info, terms)
        expansion = {}
        for term, w in info.terms.items():
            col = vocab.get(term)
            if col is not None and col not in terms:
                expansion[col] = cfg.w_expansion * w
        ipc = {
            self.ipc.keys[key]: w * (cfg.w_ipc_group if key[4:] else cfg.w_ipc_subclass)
            for key, w in info.ipc.items() if key in self.ipc.keys
        }
        # small per-demand sizes: plain Python here is several times cheaper than numpy calls
        bound = sum(w * self._bound_list[c] for d in (terms, expansion) for c, w in d.items()) or 1.0
        text_items = [(c, w / bound) for c, w in sorted(terms.items())]
        exp_items = [(c, w / bound) for c, w in sorted(expansion.items())]
        ipc_items = sorted(ipc.items())
        probe = self._probe(text_items + exp_items, ipc_items)
        return Query(demand, *_pair_arrays(text_items), *_pair_arrays(exp_items), *_pair_arrays(ipc_items),
                     *_pair_arrays(probe), info, float(bound))

    def _add_cooccurring(self, info, terms: dict[int, float]) -> None:
        """The catalogue words that keep company with several of the demand's words (weighted by how strongly
        and by the demand word's idf), strongest ``pmi_terms`` of them."""
        cfg = self.config
        if cfg.pmi_weight <= 0 or cfg.pmi_terms <= 0 or not terms:
            return
        idf, names, whole = self._idf_list, self.text.terms, self.readable
        score: dict[int, float] = {}
        source: dict[int, tuple[float, int]] = {}
        for a, (cols, npmi) in self.cooccur.neighbours(list(terms)).items():
            wa = terms[a] * idf[a]
            for b, v in zip(cols.tolist(), npmi.tolist(), strict=True):
                if b in terms or not whole[b]:
                    continue
                s = wa * v * idf[b]
                score[b] = score.get(b, 0.0) + s
                if s > source.get(b, (0.0, -1))[0]:
                    source[b] = (s, a)
        if not score:
            return
        best = sorted(score.items(), key=lambda bv: (-bv[1], bv[0]))[: cfg.pmi_terms]
        peak = best[0][1]
        for b, v in best:
            info.add_term(names[b], cfg.pmi_weight * v / peak, names[source[b][1]], "cooccurrence")

    @property
    def exact(self) -> bool:
        """Candidates by the exact linear part of the score (``probe_postings`` 0), not by pruned postings."""
        return self.config.probe_postings <= 0

    def _probe(self, weighted: list[tuple[int, float]], ipc_items: list[tuple[int, float]]) -> list:
        """The columns that find the candidates: the patents that then get every part of the score.

        Exact search (``probe_postings`` 0): every word and IPC key with its weight in the score, so the search
        score is the text, expansion and IPC parts exactly and the candidates are the best patents by them.
        Pruned search: the strongest words (weight × idf) and the IPC main groups over postings cut to the
        strongest ``probe_postings`` patents per word."""
        offset = len(self.text.terms)
        if self.exact:
            return sorted(weighted) + [(c + offset, w) for c, w in ipc_items]
        idf = self._idf_list
        strongest = sorted(weighted, key=lambda cw: (-cw[1] * idf[cw[0]], cw[0]))[: self.config.probe_terms]
        return strongest + [(c + offset, w) for c, w in ipc_items if self.ipc.key_names[c][4:]]

    # ------------------------------------------------------------------ matching
    def match(
        self, demands: Sequence[DemandDoc], k: int = 20, progress: Callable[[int], None] | None = None
    ) -> list[list[Match]]:
        """Top ``k`` patents of every demand, in chunks; ``progress(done)`` after each chunk.

        Chunks run in forked worker processes (``workers``; 0 = one per core) when there are several and this
        process may fork; the arithmetic is the same either way."""
        self._require_fit()
        demands = list(demands)
        step = max(1, self.config.chunk_size)
        tasks = [(start, min(start + step, len(demands)), k) for start in range(0, len(demands), step)]
        out: list[list[Match]] = []
        for rows in self._run_chunks(demands, tasks):
            out.extend(rows)
            if progress:
                progress(len(out))
        return out

    def _run_chunks(self, demands: list[DemandDoc], tasks: list[tuple[int, int, int]]):
        """Chunk results in order. With n workers this process takes every n-th chunk itself and n − 1 forked
        processes the others: only their share crosses a pipe, and no core waits on the collector."""
        workers = self._workers(len(tasks))
        if workers <= 1:
            for task in tasks:
                yield self._local_chunk(demands, task)
            return
        global _FORKED
        _FORKED = (self, demands)
        try:
            with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
                forked = pool.imap(_forked_chunk, [t for i, t in enumerate(tasks) if i % workers])
                for i, task in enumerate(tasks):
                    yield _rebuild(next(forked)) if i % workers else self._local_chunk(demands, task)
        finally:
            _FORKED = None

    def _local_chunk(self, demands: list[DemandDoc], task: tuple[int, int, int]) -> list[list[Match]]:
        start, stop, k = task
        return self._match_chunk(self.build_queries(demands[start:stop]), k)

    def _workers(self, n_tasks: int) -> int:
        wanted = self.config.workers or os.cpu_count() or 1
        can_fork = "fork" in multiprocessing.get_all_start_methods()
        if n_tasks < 2 or not can_fork or multiprocessing.current_process().daemon:
            return 1  # a daemonic process (e.g. a prefork Celery child) may not have children
        return max(1, min(wanted, n_tasks))

    def match_one(self, demand: DemandDoc, k: int = 20) -> list[Match]:
        """A new demand against the fitted catalogue (the same arithmetic as the batch)."""
        return self.match([demand], k)[0]

    def _scorer(self, queries: Sequence[Query]) -> ChunkScorer:
        return ChunkScorer(queries, len(self.text.terms), len(self.ipc.keys), self.chains, self.related, self.config)

    def _first_pass(self, queries: Sequence[Query], candidates: list[np.ndarray] | None = None
                    ) -> tuple[ChunkScorer, np.ndarray, PatentSide, dict]:
        """Candidates of every query (found by the search, or given) with all score parts, feedback included."""
        scorer = self._scorer(queries)
        if candidates is None:
            candidates = scorer.candidates(self.by_probe, self.config.candidates)
        qidx = np.repeat(np.arange(len(queries)), [len(c) for c in candidates])
        rows = np.concatenate(candidates) if candidates else np.zeros(0, dtype=np.int64)
        side = index_side(self.text.weights, self.ipc.matrix, self.arrays, rows)
        parts = scorer.components(qidx, side)
        scorer.set_feedback(self.text.weights, qidx, side, sum(with_priors(parts, self.config).values()),
                            self.readable, self.chain_share)
        if scorer.feedback is not None:
            parts["feedback"] = scorer.components_feedback(qidx, side)
            if len(self._feedback) + len(queries) > QUERY_CACHE:
                self._feedback.clear()
            self._feedback.update((q.demand, row) for q, row in zip(queries, scorer.feedback_rows, strict=True))
        return scorer, qidx, side, with_priors(parts, self.config)

    def match_candidates(self, demands: Sequence[DemandDoc], candidates: list[np.ndarray], k: int = 20
                         ) -> list[list[Match]]:
        """The top ``k`` of each demand among the index rows given (sorted) instead of those the search finds:
        for checking the search against another way of finding the same candidates."""
        self._require_fit()
        return self._match_chunk(self.build_queries(list(demands)), k, candidates)

    def _match_chunk(self, queries: Sequence[Query], k: int, candidates: list[np.ndarray] | None = None
                     ) -> list[list[Match]]:
        scorer, qidx, side, parts = self._first_pass(queries, candidates)
        total = sum(parts.values())
        order = np.lexsort((side.rows, -total, qidx))
        rank = np.arange(len(order)) - np.searchsorted(qidx[order], qidx[order])
        chosen = order[rank < k] if k > 0 else order[:0]
        explanations = explain_pairs(self, scorer, qidx[chosen], _take_side(side, chosen),
                                     {n: v[chosen] for n, v in parts.items()})
        out: list[list[Match]] = [[] for _ in queries]
        for j, pair in enumerate(chosen):
            i = int(qidx[pair])
            row = int(side.rows[pair])
            out[i].append(Match(queries[i].demand.id, self.patent_ids[row], float(total[pair]),
                                len(out[i]) + 1, explanations[j]))
        return out

    # ------------------------------------------------------------------ patent → demands
    def demands_for_patent(self, patent: PatentDoc, demands: Sequence[DemandDoc], k: int = 20) -> list[Match]:
        """A new (or changed) patent against all demands: the demands it serves best, ranked within this list.

        Each demand keeps its own feedback words (from its first pass over the fitted catalogue), so a pair
        scores the same here as in the demand's own list."""
        self._require_fit()
        demands = list(dict.fromkeys(demands))
        out: list[Match] = []
        step = max(1, self.config.chunk_size)
        for start in range(0, len(demands), step):
            out.extend(self._patent_chunk(patent, self.build_queries(demands[start : start + step])))
        out.sort(key=lambda m: (-m.score, str(m.demand_id)))
        return [Match(m.demand_id, m.patent_id, m.score, r, m.explanation) for r, m in enumerate(out[:k], 1)]

    def _feedback_scorer(self, queries: Sequence[Query]) -> ChunkScorer:
        """A scorer whose queries carry their feedback words: kept from their own matching when this process
        matched them since the last fit, otherwise from a first pass now."""
        cfg = self.config
        if cfg.prf_docs <= 0 or cfg.prf_weight <= 0:
            return self._scorer(queries)
        if all(q.demand in self._feedback for q in queries):
            scorer = self._scorer(queries)
            scorer.use_feedback([self._feedback[q.demand] for q in queries])
            return scorer
        return self._first_pass(queries)[0]

    def _patent_chunk(self, patent: PatentDoc, queries: Sequence[Query]) -> list[Match]:
        scorer = self._feedback_scorer(queries)
        qidx = np.arange(len(queries))
        side = self._patent_side(patent, len(queries))
        parts = scorer.components(qidx, side)
        parts["feedback"] = scorer.components_feedback(qidx, side)
        parts = with_priors(parts, self.config)
        total = sum(parts.values())
        related = np.flatnonzero(sum(parts[n] for n in ("text", "expansion", "feedback", "ipc")) > 0)
        explanations = explain_pairs(self, scorer, qidx[related], _take_side(side, related),
                                     {n: v[related] for n, v in parts.items()})
        return [Match(queries[i].demand.id, patent.id, float(total[i]), 0, explanations[j])
                for j, i in enumerate(related)]

    def _patent_side(self, patent: PatentDoc, n: int) -> PatentSide:
        row = self.row_of.get(patent.id)
        repeat = np.zeros(n, dtype=np.int64)
        if row is not None and self.patents[row] == patent:
            return index_side(self.text.weights, self.ipc.matrix, self.arrays, repeat + row)
        tokens = patent.tokens if patent.tokens is not None else self.tokenize_patent(patent)
        keys = [self.ipc.keys[k] for k in IpcIndex([patent.ipc_codes]).codes[0] if k in self.ipc.keys]
        ipc_row = sparse.csr_matrix((np.ones(len(keys), dtype=np.float32), (np.zeros(len(keys)), keys)),
                                    shape=(1, len(self.ipc.keys)))
        arrays = features.PatentArrays.build([patent], dict(self.chains))
        return PatentSide(repeat - 1, self.text.single_row(tokens, self.config)[repeat], ipc_row[repeat],
                          arrays.take(repeat))


def _chain_share(weights: sparse.csr_matrix, chain: np.ndarray, n_chains: int) -> sparse.csr_matrix:
    """chains × terms: the share of a chain's patents that use the term."""
    rows = np.flatnonzero(chain >= 0)
    if not n_chains or not len(rows):
        return sparse.csr_matrix((max(n_chains, 1), weights.shape[1]), dtype=np.float32)
    member = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (chain[rows], rows)),
                               shape=(n_chains, weights.shape[0]))
    used = weights.copy()
    used.data = np.ones_like(used.data, dtype=np.float32)
    counts = np.asarray(member.sum(axis=1)).ravel()
    counts[counts == 0] = 1.0
    out = (sparse.diags((1.0 / counts).astype(np.float32)) @ (member @ used)).tocsr()
    out.sort_indices()
    return out


def _take_side(side: PatentSide, idx: np.ndarray) -> PatentSide:
    return PatentSide(side.rows[idx], side.weights[idx], side.ipc[idx], side.arrays.take(idx))


def _pair_arrays(items: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([c for c, _ in items], dtype=np.int64), np.array([w for _, w in items], dtype=np.float64))
