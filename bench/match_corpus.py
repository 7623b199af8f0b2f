"""A realistic synthetic catalogue for bench/match.py: Zipfian vocabulary, patent length and IPC spread like the
development set, topical structure.

* Vocabulary: ``vocabulary`` terms (default 60,000) named ``w0``…; background frequencies follow a Zipf–Mandelbrot
  law (exponent 1.05), so a few terms are in most patents and most terms in a handful.
* Topics: one per IPC main group (about one group per 50 patents, seven groups per subclass, group sizes
  Zipfian); a group has 200 characteristic terms drawn from the whole vocabulary (flattened frequencies), so
  patents of a group share words beyond the background.
* A patent: its group's main code plus 0–2 other codes (21 % / 65 % / 14 % carry 1 / 2 / 3 codes, as the
  development set), an industry chain per subclass, a length drawn from the development set's token counts
  (median 49 tokens after segmentation, title about 7), title tokens mostly topical, abstract tokens
  half topical, half background. Tokens are given as stored at import (``PatentDoc.tokens``).
* A demand: a group chosen as patents are, about 21 tokens (the development demands' median) half from the
  group's terms and half background, written as text (the engine segments it as it would a real demand).
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np

from matching.engine import DemandDoc, PatentDoc
from matching.engine.index import TITLE_END

REGIONS = ["420202", "420203", "420204", "420205", "420222", "420281", "420502", "420503", "420100", "440703"]
OFFERS = ["转让", "许可", "开放许可", "作价入股"]
MODES = ["转让", "许可", "合作开发", "作价入股", "不限"]
CHAINS = ["铸造", "模具", "五金制品", "电子信息", "有色金属", "钢铁", "建材", "磷化工", "新能源电池", "光通信",
          "纺织服装", "食品", "生物医药", "农业", "智能制造", "电机", "轨道交通", "照明", "其他"]
# token counts of the development patents (title + abstract, search-mode segmentation): 5/25/50/75/95 %
LENGTH_QUANTILES = ([0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0], [25, 34, 42, 49, 57, 68, 90])
SECTIONS = "ABCDEFGH"


def _zipf(n: int, s: float, q: float = 2.7) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 1 + q) ** s
    return w / w.sum()


class RealisticCorpus:
    def __init__(self, n_patents: int, vocabulary: int = 60_000, seed: int = 11):
        self.rng = np.random.default_rng(seed)
        self.py = random.Random(seed)
        self.names = np.array([f"w{i:x}" for i in range(vocabulary)], dtype=object)
        self.background = np.cumsum(_zipf(vocabulary, 1.05))
        n_groups = max(40, n_patents // 50)
        self.group_weight = np.cumsum(_zipf(n_groups, 0.8, q=5.0))
        self.groups = [self._code(g) for g in range(n_groups)]
        flat = _zipf(vocabulary, 0.5)
        self.topic_terms = [self.rng.choice(vocabulary, size=200, replace=False, p=flat) for _ in range(n_groups)]
        self.topic_cdf = np.cumsum(_zipf(200, 1.0, q=1.0))

    def _code(self, g: int) -> str:
        sub = g // 7
        return f"{SECTIONS[sub % 8]}{(sub // 8) % 90 + 1:02d}{chr(65 + (sub // 720) % 26)}{g % 7 + 1}/00"

    def _group(self, size: int) -> np.ndarray:
        return np.searchsorted(self.group_weight, self.rng.random(size))

    def _tokens(self, group: int, n: int, topical: float) -> np.ndarray:
        from_topic = self.rng.random(n) < topical
        out = np.searchsorted(self.background, self.rng.random(n))
        picks = np.searchsorted(self.topic_cdf, self.rng.random(int(from_topic.sum())))
        out[from_topic] = self.topic_terms[group][picks]
        return np.minimum(out, len(self.names) - 1)

    def chain(self, group: int) -> str:
        return CHAINS[(group // 7) % len(CHAINS)]

    def patents(self, n: int) -> list[PatentDoc]:
        groups = self._group(n)
        lengths = np.interp(self.rng.random(n), *LENGTH_QUANTILES).astype(int)
        n_codes = np.searchsorted([0.21, 0.86, 1.0], self.rng.random(n)) + 1
        out = []
        for i in range(n):
            g = int(groups[i])
            title = self._tokens(g, 7, 0.7)
            body = self._tokens(g, int(lengths[i]) - 7, 0.5)
            codes = [self.groups[g]]
            for _ in range(int(n_codes[i]) - 1):
                other = g - g % 7 + self.py.randrange(7) if self.py.random() < 0.5 else self.py.randrange(len(self.groups))
                codes.append(self.groups[min(other, len(self.groups) - 1)])
            price = None if self.py.random() < 0.2 else Decimal(self.py.randrange(20, 2000) * 1000)
            out.append(PatentDoc(
                id=i + 1, title="", abstract="", ipc_codes=tuple(dict.fromkeys(codes)), industry_chain=self.chain(g),
                region_code=self.py.choice(REGIONS), price=price, offer_type=self.py.choice(OFFERS), legal_status="有效",
                tokens=(*self.names[title], TITLE_END, *self.names[body]),
            ))
        return out

    def demands(self, n: int) -> list[DemandDoc]:
        groups = self._group(n)
        out = []
        for i in range(n):
            g = int(groups[i])
            words = self.names[self._tokens(g, 21, 0.5)]
            out.append(DemandDoc(
                id=i + 1, title=" ".join(words[:5]), description="，".join(words[5:]), industry_field=self.chain(g),
                region_code=self.py.choice(REGIONS), budget=Decimal(self.py.randrange(10, 300) * 10000),
                cooperation_mode=self.py.choice(MODES),
            ))
        return out
