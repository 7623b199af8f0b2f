"""Scoring demand–patent pairs in bulk: candidate search, exact components, pseudo-relevance feedback.

A chunk of demands is handled as sparse matrices: one row per demand for the products, one row per
(demand, patent) pair for the exact components, so Python does per-pair work only for the explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import features
from .config import EngineConfig
from .docs import DemandDoc
from .expansion import Expansion


@dataclass
class Query:
    """One demand turned into weighted index columns (weights already divided by ``bound``)."""

    demand: DemandDoc
    text_cols: np.ndarray
    text_w: np.ndarray
    exp_cols: np.ndarray
    exp_w: np.ndarray
    ipc_cols: np.ndarray
    ipc_w: np.ndarray
    probe_cols: np.ndarray  # the columns (terms, then IPC keys offset by the vocabulary) used to find candidates
    probe_w: np.ndarray
    expansion: Expansion
    bound: float  # the text score of this demand is divided by it, so it lies in [0, 1]


@dataclass
class PatentSide:
    """The patent half of a list of pairs: index rows (or a patent outside the index) repeated pair by pair."""

    rows: np.ndarray  # index rows, -1 for a patent outside the index
    weights: sparse.csr_matrix
    ipc: sparse.csr_matrix
    arrays: features.PatentArrays


def rows_matrix(cols: Sequence[np.ndarray], weights: Sequence[np.ndarray], width: int) -> sparse.csr_matrix:
    lengths = [len(c) for c in cols]
    indptr = np.zeros(len(cols) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.concatenate(cols).astype(np.int32) if cols else np.zeros(0, dtype=np.int32)
    data = np.concatenate(weights).astype(np.float32) if weights else np.zeros(0, dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(cols), width))


def row_sums(m: sparse.spmatrix) -> np.ndarray:
    return np.asarray(m.sum(axis=1), dtype=np.float64).ravel()


class ChunkScorer:
    """Everything one chunk of queries needs, built once."""

    def __init__(self, queries: Sequence[Query], n_terms: int, n_keys: int, chains: dict, related: np.ndarray,
                 cfg: EngineConfig):
        self.queries = list(queries)
        self.cfg = cfg
        self.n_terms = n_terms
        self.text = rows_matrix([q.text_cols for q in queries], [q.text_w for q in queries], n_terms)
        self.expansion = rows_matrix([q.exp_cols for q in queries], [q.exp_w for q in queries], n_terms)
        self.ipc = rows_matrix([q.ipc_cols for q in queries], [q.ipc_w for q in queries], n_keys)
        self.probe = rows_matrix([q.probe_cols for q in queries], [q.probe_w for q in queries], n_terms + n_keys)
        self.demands = features.DemandArrays.build([q.demand for q in queries], chains)
        self.related = related
        self.feedback: sparse.csr_matrix | None = None
        self.feedback_rows: list[tuple[np.ndarray, np.ndarray]] = []

    def candidates(self, by_probe: sparse.csr_matrix, limit: int) -> list[np.ndarray]:
        """Per query, the patent rows with the best probe scores (at most ``limit``), sorted by row."""
        scores = (self.probe @ by_probe).tocsr()
        out = []
        for i in range(len(self.queries)):
            lo, hi = scores.indptr[i], scores.indptr[i + 1]
            rows, data = scores.indices[lo:hi], scores.data[lo:hi]
            if len(rows) > limit:
                rows = rows[np.argpartition(-data, limit - 1)[:limit]]
            out.append(np.sort(rows).astype(np.int64))
        return out

    def components(self, qidx: np.ndarray, side: PatentSide) -> dict[str, np.ndarray]:
        """Every part of the score of each pair (query ``qidx[j]``, patent ``side`` row ``j``)."""
        parts = {
            "text": row_sums(side.weights.multiply(self.text[qidx])),
            "expansion": row_sums(side.weights.multiply(self.expansion[qidx])),
            "feedback": self.components_feedback(qidx, side),
            "ipc": row_sums(side.ipc.multiply(self.ipc[qidx])) if self.ipc.nnz else np.zeros(len(qidx)),
        }
        parts.update(features.pair_features(self.demands.take(qidx), side.arrays, self.cfg, self.related))
        return parts

    def components_feedback(self, qidx: np.ndarray, side: PatentSide) -> np.ndarray:
        if self.feedback is None:
            return np.zeros(len(qidx))
        return row_sums(side.weights.multiply(self.feedback[qidx]))

    def set_feedback(self, weights: sparse.csr_matrix, qidx: np.ndarray, side: PatentSide, total: np.ndarray,
                     eligible: np.ndarray):
        """Rocchio: the best ``prf_docs`` patents of each query lend it their strongest other words (``eligible``
        columns only: a single character left over by segmentation says nothing on its own)."""
        cfg = self.cfg
        n = len(self.queries)
        if cfg.prf_docs <= 0 or cfg.prf_weight <= 0 or not len(qidx):
            return
        order = np.lexsort((side.rows, -total, qidx))  # by query, best first, ties by row
        rank = np.arange(len(order)) - np.searchsorted(qidx[order], qidx[order])
        top = order[rank < cfg.prf_docs]
        picks = sparse.csr_matrix(
            (np.ones(len(top), dtype=np.float32), (qidx[top], side.rows[top])), shape=(n, weights.shape[0])
        )
        centroid = (picks @ weights).tocsr()
        cols, vals = [], []
        for i, q in enumerate(self.queries):
            lo, hi = centroid.indptr[i], centroid.indptr[i + 1]
            c, v = centroid.indices[lo:hi], centroid.data[lo:hi]
            fresh = eligible[c] & ~np.isin(c, q.text_cols) & ~np.isin(c, q.exp_cols)
            c, v = c[fresh], v[fresh]
            best = np.lexsort((c, -v))[: cfg.prf_terms]
            c, v = c[best], v[best]
            cols.append(c)
            vals.append(cfg.prf_weight * v / v[0] / q.bound if len(v) else v)
        self.use_feedback(list(zip(cols, vals, strict=True)))

    def use_feedback(self, rows: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Feedback columns and weights per query (computed here, or kept from an earlier pass)."""
        self.feedback_rows = rows
        self.feedback = rows_matrix([c for c, _ in rows], [v for _, v in rows], self.n_terms)


def index_side(weights, ipc_matrix, arrays: features.PatentArrays, rows: np.ndarray) -> PatentSide:
    return PatentSide(rows, weights[rows], ipc_matrix[rows], arrays.take(rows))
