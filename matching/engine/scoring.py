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


def row_values(m: sparse.csr_matrix, row: int, cols: np.ndarray) -> np.ndarray:
    """``m[row, cols]`` as a dense vector (``m`` with sorted indices)."""
    lo, hi = m.indptr[row], m.indptr[row + 1]
    have, values = m.indices[lo:hi], m.data[lo:hi]
    out = np.zeros(len(cols))
    if len(have):
        pos = np.minimum(np.searchsorted(have, cols), len(have) - 1)
        hit = have[pos] == cols
        out[hit] = values[pos[hit]]
    return out


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
        self.feedback_ratio: sparse.csr_matrix | None = None
        self.feedback_docs: sparse.csr_matrix | None = None  # queries × index rows: each feedback patent's weight
        self.feedback_rows: list[tuple[np.ndarray, ...]] = []

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
        out = row_sums(side.weights.multiply(self.feedback[qidx]))
        if self.cfg.prf_leave_one_out and self.feedback_docs is not None:
            # a feedback patent is not scored on the words it lent: its own share of the feedback vector is taken
            # out (leave one out), so the first pass's best patent cannot lock itself in at the top
            width = self.feedback_docs.shape[1]
            inside = (side.rows >= 0) & (side.rows < width)
            own = np.asarray(self.feedback_docs[qidx, np.clip(side.rows, 0, width - 1)]).ravel() * inside
            lent = np.flatnonzero(own > 0)
            if len(lent):
                squares = side.weights[lent].power(2)
                out[lent] -= own[lent] * row_sums(squares.multiply(self.feedback_ratio[qidx[lent]]))
        return out

    def set_feedback(self, weights: sparse.csr_matrix, qidx: np.ndarray, side: PatentSide, total: np.ndarray,
                     eligible: np.ndarray, chain_share: sparse.csr_matrix | None = None):
        """Rocchio: the best ``prf_docs`` patents of each query lend it their strongest other words (``eligible``
        columns only: a single character left over by segmentation says nothing on its own). Each feedback patent
        counts (its first-pass score / the best)^``prf_score_power``; with ``chain_share`` (chains × terms) a word
        most patents of the demand's chain use is discounted as in the query (``chain_term_discount``)."""
        cfg = self.cfg
        n = len(self.queries)
        if cfg.prf_docs <= 0 or cfg.prf_weight <= 0 or not len(qidx):
            return
        order = np.lexsort((side.rows, -total, qidx))  # by query, best first, ties by row
        rank = np.arange(len(order)) - np.searchsorted(qidx[order], qidx[order])
        top = order[rank < cfg.prf_docs]
        best = np.zeros(n)
        np.maximum.at(best, qidx[top], total[top])
        peak = best[qidx[top]]
        rel = np.where(peak > 0, np.maximum(total[top], 0.0) / np.where(peak > 0, peak, 1.0), 1.0)
        doc_w = (rel ** cfg.prf_score_power).astype(np.float32)
        picks = sparse.csr_matrix((doc_w, (qidx[top], side.rows[top])), shape=(n, weights.shape[0]))
        centroid = (picks @ weights).tocsr()
        rows = []
        for i, q in enumerate(self.queries):
            lo, hi = centroid.indptr[i], centroid.indptr[i + 1]
            c, raw = centroid.indices[lo:hi], centroid.data[lo:hi]
            fresh = eligible[c] & ~np.isin(c, q.text_cols) & ~np.isin(c, q.exp_cols)
            c, raw = c[fresh], raw[fresh]
            v = raw
            code = self.demands.chain[i]
            if chain_share is not None and 0 <= code < chain_share.shape[0] and cfg.chain_term_discount > 0 \
                    and cfg.w_chain > 0:
                v = raw * (1.0 - cfg.chain_term_discount * row_values(chain_share, code, c))
            keep = np.lexsort((c, -v))[: cfg.prf_terms]
            c, v, raw = c[keep], v[keep], raw[keep]
            w = cfg.prf_weight * v / v[0] / q.bound if len(v) else v
            lo, hi = picks.indptr[i], picks.indptr[i + 1]
            rows.append((c, w, w / np.where(raw > 0, raw, 1.0), picks.indices[lo:hi].copy(), picks.data[lo:hi].copy()))
        self.use_feedback(rows)

    def use_feedback(self, rows: list[tuple[np.ndarray, ...]]) -> None:
        """Per query: feedback columns and weights, each weight per unit of the feedback patents' sum (for leaving
        one out), the feedback patents' rows and weights (computed here, or kept from an earlier pass)."""
        self.feedback_rows = rows
        self.feedback = rows_matrix([r[0] for r in rows], [r[1] for r in rows], self.n_terms)
        self.feedback_ratio = rows_matrix([r[0] for r in rows], [r[2] for r in rows], self.n_terms)
        n_rows = max((int(r[3].max()) + 1 for r in rows if len(r[3])), default=1)
        self.feedback_docs = rows_matrix([r[3] for r in rows], [r[4] for r in rows], n_rows)


TEXT_PARTS = ("text", "expansion", "feedback", "ipc")


def with_priors(parts: dict[str, np.ndarray], cfg: EngineConfig) -> dict[str, np.ndarray]:
    """The parts as they count in the score. The industry chain is a prior that text evidence can overcome, not
    a filter: with ``chain_text_scale`` τ > 0 a pair earns the chain weight in proportion to its text relevance
    (text, bridged words, feedback, IPC), in full from τ upward, so a patent of the demand's chain with only the
    chain's common words in common cannot outrank one that answers the demand's own words. τ = 0: a flat
    bonus."""
    tau = cfg.chain_text_scale
    if tau <= 0:
        return parts
    relevance = sum(parts[n] for n in TEXT_PARTS)
    out = dict(parts)
    out["chain"] = parts["chain"] * np.clip(relevance / tau, 0.0, 1.0)
    return out


def index_side(weights, ipc_matrix, arrays: features.PatentArrays, rows: np.ndarray) -> PatentSide:
    return PatentSide(rows, weights[rows], ipc_matrix[rows], arrays.take(rows))
