"""Words of the catalogue that jieba's general dictionary does not know, found in the catalogue itself.

``domain_dict.txt`` (the engine's extra segmentation words) is generated here from patent titles and abstracts
only — no demand, no judgement, no hand-picked word. A run of tokens that jieba's precise mode leaves with a
single character in it (飞边 → 飞 / 边, 消失模 → 消失 / 模) is a candidate; it becomes a word when enough patents
use it and its parts seldom occur without each other (cohesion). Regenerate after a large import:

    python -m matching.engine.vocabulary PATENTS.csv [...] > matching/data/domain_dict.txt
"""

from __future__ import annotations

import csv
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable

import jieba

from .text import DATA_DIR, read_lines

jieba.setLogLevel(logging.WARNING)
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
MIN_DF = 3
MIN_COHESION = 0.5  # patents with the whole word / patents with its rarer part
MAX_CHARS = 4


def candidates(tokens: list[str], stop: frozenset) -> set[str]:
    """Joins of 2–3 adjacent CJK tokens, 2–4 characters, with a single character among them and no stop word."""
    out = set()
    for i in range(len(tokens)):
        for size in (2, 3):
            parts = tokens[i : i + size]
            if len(parts) < size or not all(CJK.match(p) and p not in stop for p in parts):
                continue
            word = "".join(parts)
            if len(word) <= MAX_CHARS and any(len(p) == 1 for p in parts):
                out.add(word)
    return out


def discover(texts: Iterable[str], min_df: int = MIN_DF, min_cohesion: float = MIN_COHESION) -> list[tuple[str, int]]:
    """(word, number of patents) of the new words, most used first."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    stop = frozenset(read_lines(DATA_DIR / "stopwords.txt"))
    word_df: Counter = Counter()
    part_df: Counter = Counter()
    parts_of: dict[str, tuple[str, ...]] = {}
    for text in texts:
        tokens = tokenizer.lcut(text, HMM=False)
        found = candidates(tokens, stop)
        word_df.update(found)
        part_df.update(set(tokens))
        for i in range(len(tokens)):
            for size in (2, 3):
                word = "".join(tokens[i : i + size])
                if word in found and word not in parts_of:
                    parts_of[word] = tuple(tokens[i : i + size])
    out = []
    for word, df in word_df.items():
        if df < min_df:
            continue
        rarest = min(part_df[p] for p in parts_of[word])
        if df / rarest >= min_cohesion:
            out.append((word, df))
    return sorted(out, key=lambda wd: (-wd[1], wd[0]))


def main(paths: list[str]) -> int:
    texts = []
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as f:
            texts.extend(f"{r['title']}。{r['abstract']}" for r in csv.DictReader(f))
    print("# Words of the supply catalogue that jieba's general dictionary lacks, for the engine's private segmenter.")
    print("# Generated from patent titles and abstracts only (no demand, no judgement) by")
    print(f"# python -m matching.engine.vocabulary {' '.join(paths)}")
    print(f"# (a run of tokens with a single character in it, used by >= {MIN_DF} patents, cohesion >= {MIN_COHESION}).")
    for word, _df in discover(texts):
        print(word)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
