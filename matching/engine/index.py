"""The sparse text index: BM25 document weights over a pruned vocabulary, and the IPC code index."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .config import EngineConfig
from .features import ipc_levels

TITLE_END = "\x1f"  # separates title tokens from abstract tokens in a stored token tuple


def _split(tokens: Sequence[str]) -> tuple[Sequence[str], Sequence[str]]:
    """(title tokens, abstract tokens) of a stored token sequence."""
    if TITLE_END in tokens:
        cut = list(tokens).index(TITLE_END)
        return tokens[:cut], tokens[cut + 1 :]
    return (), tokens


class TextIndex:
    """``weights`` is patents × terms (CSR); ``by_term`` its transpose (CSR) for the query products.

    Built with numpy over one flat array of token ids: a Python loop per (patent, term) would dominate the fit
    of a large catalogue."""

    def __init__(self, docs: Sequence[Sequence[str]], cfg: EngineConfig):
        n = len(docs)
        flat: list[str] = []
        boosts: list[int] = []
        lengths = []
        for tokens in docs:
            title, abstract = _split(tokens)
            flat.extend(title)
            flat.extend(abstract)
            boosts.extend((cfg.title_boost,) * len(title))
            boosts.extend((1,) * len(abstract))
            lengths.append(len(title) + len(abstract))
        all_terms = {t: i for i, t in enumerate(dict.fromkeys(flat))}
        tid = np.fromiter(map(all_terms.__getitem__, flat), dtype=np.int64, count=len(flat))
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)
        boost = np.array(boosts, dtype=np.float64)
        # duplicates (a term repeated in a patent) are summed per row: term frequencies without a global sort
        counts = sparse.csr_matrix((boost, (row, tid)), shape=(n, max(len(all_terms), 1)))
        counts.sum_duplicates()
        tf = counts.data
        p_row = np.repeat(np.arange(n, dtype=np.int64), np.diff(counts.indptr))
        p_tid = counts.indices.astype(np.int64)
        df = np.bincount(p_tid, minlength=len(all_terms))
        self.doc_len = np.bincount(row, weights=boost, minlength=n).astype(np.float64)
        self.avgdl = float(self.doc_len.mean()) if n and self.doc_len.sum() else 1.0
        max_df = max(cfg.max_df_ratio * n, cfg.max_df_floor)
        names = np.array(list(all_terms), dtype=object)
        keep_tid = np.flatnonzero((df >= cfg.min_df) & (df <= max_df))
        keep_tid = keep_tid[np.argsort(names[keep_tid].astype(str), kind="stable")] if len(keep_tid) else keep_tid
        self.terms = [str(t) for t in names[keep_tid]]
        self.vocab = {t: i for i, t in enumerate(self.terms)}
        self.multi_char = np.array([len(t) > 1 for t in self.terms], dtype=bool)
        self.n_docs = n
        kept_df = df[keep_tid].astype(np.float64)
        # Lucene's BM25 idf stays positive, so a common term never counts against a patent
        self.idf = np.log(1 + (n - kept_df + 0.5) / (kept_df + 0.5))
        col_of = np.full(len(all_terms) + 1, -1, dtype=np.int64)
        col_of[keep_tid] = np.arange(len(keep_tid))
        cols = col_of[p_tid] if len(p_tid) else p_tid
        mask = cols >= 0
        self.weights = self._bm25(p_row[mask], cols[mask], tf[mask], self.doc_len, n, cfg)
        self.by_term = self.weights.T.tocsr()

    def _bm25(self, rows, cols, tf, doc_len, n_rows: int, cfg: EngineConfig) -> sparse.csr_matrix:
        k1, b = cfg.bm25_k1, cfg.bm25_b
        sat = tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len[rows] / self.avgdl))
        data = (sat * self.idf[cols]).astype(np.float32)
        m = sparse.csr_matrix((data, (rows, cols)), shape=(n_rows, len(self.terms)), dtype=np.float32)
        m.sum_duplicates()
        return m

    def single_row(self, tokens: Sequence[str], cfg: EngineConfig) -> sparse.csr_matrix:
        """BM25 weights of one patent outside the index, with the index's idf and average length."""
        bag: dict[int, float] = {}
        in_title = TITLE_END in tokens
        length = 0.0
        for t in tokens:
            if t == TITLE_END:
                in_title = False
                continue
            w = cfg.title_boost if in_title else 1
            length += w
            col = self.vocab.get(t)
            if col is not None:
                bag[col] = bag.get(col, 0.0) + w
        cols = np.fromiter(bag.keys(), dtype=np.int64, count=len(bag))
        tf = np.fromiter(bag.values(), dtype=np.float64, count=len(bag))
        return self._bm25(np.zeros(len(cols), dtype=np.int64), cols, tf, np.array([length]), 1, cfg)

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
    """(Terms + IPC keys) × patents for finding candidates: each term keeps only its ``max_postings`` strongest
    patents (impact pruning), so the cost of a query no longer grows with the catalogue; the candidates found are
    then scored exactly."""
    by_term = sparse.vstack([text.by_term, ipc.by_key.astype(np.float32)], format="csr")
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
    return by_term.tocsr()
