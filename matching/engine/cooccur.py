"""Words that keep company in the catalogue: pointwise mutual information of index terms across patents.

A patent's 技术问题 / 背景技术 sentences name the problem in plainer words (毛刺, 漏气, 效率低) next to the technique
that removes it (飞边, 打磨, 真空压铸). Terms that occur in the same patents far more often than chance bridge a
demand's wording to the patents' (the catalogue is the source; no labelled demand is read). Counts come from at
most ``sample`` patents taken at an even stride, and only for the terms queries actually use (computed on first
use and kept), so the cost does not grow with the square of the vocabulary.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class CoOccurrence:
    def __init__(self, weights: sparse.csr_matrix, *, sample: int, min_count: int, neighbours: int):
        n = weights.shape[0]
        step = max(1, -(-n // sample)) if sample > 0 else 1
        binary = weights[::step].tocsr(copy=True)
        binary.data[:] = 1.0
        self.rows = binary.astype(np.float32)
        self.cols = self.rows.tocsc()
        self.n = max(self.rows.shape[0], 1)
        self.df = np.asarray(self.rows.sum(axis=0)).ravel()
        self.min_count = max(1, min_count)
        self.k = neighbours
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def neighbours(self, cols) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Per column, its ``neighbours`` strongest associates and their normalised PMI (in (0, 1])."""
        missing = [c for c in dict.fromkeys(int(c) for c in cols) if c not in self._cache]
        if missing and self.k > 0:
            self._compute(np.array(missing, dtype=np.int64))
        return {int(c): self._cache.get(int(c), _EMPTY) for c in cols}

    def _compute(self, cols: np.ndarray) -> None:
        counts = (self.cols[:, cols].T @ self.rows).tocsr()  # queried terms × all terms: shared patents
        n, df = float(self.n), self.df
        for i, a in enumerate(cols.tolist()):
            lo, hi = counts.indptr[i], counts.indptr[i + 1]
            b, c = counts.indices[lo:hi], counts.data[lo:hi].astype(np.float64)
            keep = (c >= self.min_count) & (b != a)
            b, c = b[keep], c[keep]
            if not len(b) or df[a] <= 0:
                self._cache[a] = _EMPTY
                continue
            pmi = np.log(c * n / (df[a] * df[b]))
            npmi = pmi / np.maximum(-np.log(c / n), 1e-9)
            good = npmi > 0
            b, npmi = b[good], npmi[good]
            best = np.lexsort((b, -npmi))[: self.k]
            self._cache[a] = (b[best].astype(np.int64), npmi[best])


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))
