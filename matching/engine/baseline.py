"""The plain BM25 baseline the engine is compared with (README of the evaluation set).

Deliberately plain: module-level jieba in precise mode with its default dictionary (HMM on), tokens without a
CJK character, letter or digit dropped, ASCII lower-cased, no stop words; one document per patent =
title + "。" + abstract; query = title + "。" + description; Okapi BM25 exactly as ``rank_bm25.BM25Okapi`` with its
defaults (k1=1.5, b=0.75, epsilon=0.25: a negative idf is replaced by epsilon × the mean idf); every patent is
ranked, ties broken by patent id.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

import jieba
import numpy as np
from scipy import sparse

from .docs import DemandDoc, Explanation, Match, PatentDoc

jieba.setLogLevel(logging.WARNING)
KEEP = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")


def tokenize(text: str) -> list[str]:
    return [t.lower() for t in jieba.lcut(text or "", cut_all=False) if KEEP.search(t)]


class BM25Baseline:
    def __init__(self, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25):
        self.k1, self.b, self.epsilon = k1, b, epsilon

    def fit(self, patents: Sequence[PatentDoc]) -> BM25Baseline:
        self.ids = [p.id for p in patents]
        bags = [Counter(tokenize(f"{p.title}。{p.abstract}")) for p in patents]
        n = len(bags)
        df = Counter()
        for bag in bags:
            df.update(bag.keys())
        self.vocab = {t: i for i, t in enumerate(df)}
        idf = np.array([math.log(n - df[t] + 0.5) - math.log(df[t] + 0.5) for t in df], dtype=np.float64)
        if len(idf):
            idf[idf < 0] = self.epsilon * idf.mean()
        self.idf = idf
        doc_len = np.array([sum(b.values()) for b in bags], dtype=np.float64)
        avgdl = doc_len.sum() / n if n else 1.0
        rows, cols, tfs = [], [], []
        for r, bag in enumerate(bags):
            for t, c in bag.items():
                rows.append(r)
                cols.append(self.vocab[t])
                tfs.append(c)
        tf = np.array(tfs, dtype=np.float64)
        dl = doc_len[np.array(rows, dtype=np.int64)] if rows else np.zeros(0)
        data = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * dl / (avgdl or 1.0)))
        self.by_term = sparse.csr_matrix((data, (cols, rows)), shape=(len(self.vocab), n))
        return self

    def scores(self, demand: DemandDoc) -> np.ndarray:
        # rank_bm25 adds a term once per occurrence in the query, so repeated words weigh more
        query = Counter(t for t in tokenize(f"{demand.title}。{demand.description}") if t in self.vocab)
        q = np.zeros(len(self.vocab))
        for t, c in query.items():
            q[self.vocab[t]] = c * self.idf[self.vocab[t]]
        return np.asarray(self.by_term.T @ q).ravel()

    def match(
        self, demands: Sequence[DemandDoc], k: int = 20, progress: Callable[[int], None] | None = None
    ) -> list[list[Match]]:
        out = []
        for demand in demands:
            out.append(self.match_one(demand, k))
            if progress:
                progress(len(out))
        return out

    def match_one(self, demand: DemandDoc, k: int = 20) -> list[Match]:
        scores = self.scores(demand)
        order = sorted(range(len(self.ids)), key=lambda i: (-scores[i], self.ids[i]))[:k]
        return [
            Match(demand.id, self.ids[i], float(scores[i]), rank, Explanation((), (), (), {"text": float(scores[i])}))
            for rank, i in enumerate(order, 1)
        ]
