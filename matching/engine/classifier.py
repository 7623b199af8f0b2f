"""Text → IPC main group, learned from the catalogue itself (the prior on a demand's likely IPC groups).

Every patent carries IPC codes, so the catalogue is its own supervision: no labelled demand is read. The model is
a nearest-centroid linear classifier over the index's BM25 rows (rows scaled to unit length, one centroid per
IPC key, centroids scaled to unit length); predicting is one sparse product. It is refitted whenever the index
is, so a new patent's codes and wording count at once.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def unit_rows(m: sparse.csr_matrix) -> sparse.csr_matrix:
    m = m.tocsr().astype(np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ m


class IpcPrior:
    """``predict`` gives, per query row, the main groups (and their subclasses) whose centroid is nearest."""

    def __init__(self, weights: sparse.csr_matrix, ipc_matrix: sparse.csr_matrix, key_names: list[str]):
        groups = np.array([len(k) > 4 for k in key_names], dtype=bool)
        self.key_names = key_names
        self.group_cols = np.flatnonzero(groups)
        labels = ipc_matrix.tocsc()[:, self.group_cols]  # patents × main groups
        centroids = unit_rows((labels.T @ unit_rows(weights)).tocsr())  # main groups × terms
        self.by_term = centroids.T.tocsr()  # terms × main groups: a query's columns pick rows
        self.subclass_of = {key: key[:4] for key in key_names if len(key) > 4}

    def scores(self, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine of one query (its index columns and weights) with every main group's centroid."""
        if not len(cols) or not len(self.group_cols):
            return np.zeros(len(self.group_cols), dtype=np.float32)
        w = weights / (np.linalg.norm(weights) or 1.0)
        return np.asarray(self.by_term[cols].T @ w.astype(np.float32)).ravel()

    def predict(self, cols: np.ndarray, weights: np.ndarray, top: int, ratio: float) -> dict[str, float]:
        """The ``top`` best main groups scoring at least ``ratio`` × the best, each with its score relative to the
        best (1.0 for the best); a subclass takes the best score of its groups."""
        return self._top(self.scores(cols, weights), top, ratio)

    def predict_many(self, queries: list[tuple[np.ndarray, np.ndarray]], top: int, ratio: float) -> list[dict]:
        """``predict`` for many queries with one sparse product (the same figures, row by row)."""
        if not queries or top <= 0 or not len(self.group_cols):
            return [{} for _ in queries]
        lengths = [len(c) for c, _ in queries]
        indptr = np.zeros(len(queries) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        cols = np.concatenate([c for c, _ in queries]).astype(np.int64)
        data = np.concatenate([(w / (np.linalg.norm(w) or 1.0)).astype(np.float32) if len(w) else
                               np.zeros(0, dtype=np.float32) for _, w in queries])
        q = sparse.csr_matrix((data, cols, indptr), shape=(len(queries), self.by_term.shape[0]))
        scores = (q @ self.by_term).toarray()
        return [self._top(row, top, ratio) if n else {} for row, n in zip(scores, lengths, strict=True)]

    def _top(self, s: np.ndarray, top: int, ratio: float) -> dict[str, float]:
        if not len(s) or top <= 0 or s.max() <= 0:
            return {}
        best = np.argsort(-s, kind="stable")[:top]
        out: dict[str, float] = {}
        peak = float(s[best[0]])
        for i in best.tolist():
            rel = float(s[i]) / peak
            if rel < ratio:
                break
            key = self.key_names[self.group_cols[i]]
            out[key] = rel
            sub = self.subclass_of[key]
            out[sub] = max(out.get(sub, 0.0), rel)
        return out

