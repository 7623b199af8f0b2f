"""The sparse text index: BM25 document weights over a pruned vocabulary, and the IPC code index."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .config import EngineConfig
from .features import ipc_levels

TITLE_END = "\x1f"  # separates title tokens from abstract tokens in a stored token tuple


class TextIndex:
    """``weights`` is patents × terms (CSR); ``by_term`` its transpose (CSR) for the query products."""

    def __init__(self, docs: Sequence[Sequence[str]], cfg: EngineConfig):
        n = len(docs)
        bags = [self._bag(tokens, cfg.title_boost) for tokens in docs]
        df = Counter()
        for bag in bags:
            df.update(bag.keys())
        max_df = max(cfg.max_df_ratio * n, 10)
        kept = sorted(t for t, c in df.items() if cfg.min_df <= c <= max_df)
        self.vocab = {t: i for i, t in enumerate(kept)}
        self.terms = kept
        self.n_docs = n
        self.pruned = frozenset(t for t, c in df.items() if c > max_df)
        # Lucene's BM25 idf stays positive, so a common term never counts against a patent
        self.idf = np.array([math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in kept], dtype=np.float64)
        self.doc_len = np.array([sum(b.values()) for b in bags], dtype=np.float64)
        self.avgdl = float(self.doc_len.mean()) if n and self.doc_len.sum() else 1.0
        self.weights = self._bm25_matrix(bags, cfg)
        self.by_term = self.weights.T.tocsr()

    @staticmethod
    def _bag(tokens: Sequence[str], title_boost: int) -> Counter:
        bag = Counter()
        in_title = TITLE_END in tokens
        for t in tokens:
            if t == TITLE_END:
                in_title = False
                continue
            bag[t] += title_boost if in_title else 1
        return bag

    def single_row(self, tokens: Sequence[str], cfg: EngineConfig) -> sparse.csr_matrix:
        """BM25 weights of one patent outside the index, with the index's idf and average length."""
        bag = self._bag(tokens, cfg.title_boost)
        return self._bm25_matrix([bag], cfg, np.array([sum(bag.values())], dtype=np.float64))

    def _bm25_matrix(self, bags, cfg: EngineConfig, doc_len: np.ndarray | None = None) -> sparse.csr_matrix:
        doc_len = self.doc_len if doc_len is None else doc_len
        indptr, indices, tfs = [0], [], []
        vocab = self.vocab
        for bag in bags:
            for t, c in bag.items():
                col = vocab.get(t)
                if col is not None:
                    indices.append(col)
                    tfs.append(c)
            indptr.append(len(indices))
        indptr = np.array(indptr, dtype=np.int64)
        tf = np.array(tfs, dtype=np.float64)
        cols = np.array(indices, dtype=np.int32)
        rows_len = np.repeat(doc_len, np.diff(indptr))
        k1, b = cfg.bm25_k1, cfg.bm25_b
        sat = tf * (k1 + 1) / (tf + k1 * (1 - b + b * rows_len / self.avgdl))
        data = (sat * self.idf[cols]).astype(np.float32)
        shape = (len(bags), len(self.terms))
        return sparse.csr_matrix((data, cols, indptr), shape=shape)

    def term_bound(self, cfg: EngineConfig) -> np.ndarray:
        """The most a term can add to one patent's score (for normalising a query's score to [0, 1])."""
        return self.idf * (cfg.bm25_k1 + 1)


class IpcIndex:
    """Patents × IPC keys (subclass ``B22D`` and main group ``B22D17``), binary."""

    def __init__(self, code_lists: Sequence[Sequence[str]]):
        keys: dict[str, int] = {}
        rows, cols = [], []
        self.codes = []
        for row, codes in enumerate(code_lists):
            own = []
            for code in codes:
                for key in ipc_levels(code):
                    if key and key not in own:
                        own.append(key)
            self.codes.append(tuple(own))
            for key in own:
                rows.append(row)
                cols.append(keys.setdefault(key, len(keys)))
        self.keys = keys
        self.key_names = list(keys)
        data = np.ones(len(rows), dtype=np.float32)
        self.matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(code_lists), len(keys)))
        self.by_key = self.matrix.T.tocsr()


def candidate_matrix(text: TextIndex, ipc: IpcIndex, max_postings: int) -> sparse.csr_matrix:
    """(terms + IPC keys) × patents for finding candidates: each term keeps only its ``max_postings`` strongest
    patents (impact pruning), so the cost of a query no longer grows with the catalogue; the candidates found are
    then scored exactly."""
    by_term = text.by_term
    lengths = np.diff(by_term.indptr)
    if max_postings > 0 and (lengths > max_postings).any():
        keep = np.ones(by_term.nnz, dtype=bool)
        for row in np.flatnonzero(lengths > max_postings):
            lo, hi = by_term.indptr[row], by_term.indptr[row + 1]
            weakest = np.argpartition(-by_term.data[lo:hi], max_postings)[max_postings:]
            keep[lo + weakest] = False
        rows = np.repeat(np.arange(by_term.shape[0]), lengths)[keep]
        by_term = sparse.csr_matrix(
            (by_term.data[keep], (rows, by_term.indices[keep])), shape=by_term.shape, dtype=np.float32
        )
    return sparse.vstack([by_term, ipc.by_key.astype(np.float32)], format="csr")
