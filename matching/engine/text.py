"""Chinese segmentation for the engine: its own jieba tokenizer with the domain dictionary, and stop words.

The engine keeps a private ``jieba.Tokenizer`` so its dictionary never leaks into the plain baseline (or any
other caller of the module-level jieba), which must stay on the default dictionary.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KEEP = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
NUMBER = re.compile(r"^[0-9.%]+$")
# quantities written in Chinese (三千多万, 两名, 几十万吨): a number is never the need
CHINESE_QUANTITY = re.compile(r"^[零一二三四五六七八九十百千万亿两几多余来半]+[名个吨天年月万千百家件批次套台种亩元]*$")


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a data file; ``#`` starts a comment."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


class Analyzer:
    """Turns text into index terms: segmentation, lower-casing, punctuation, numbers and stop words dropped."""

    def __init__(self, data_dir: Path = DATA_DIR):
        self.data_dir = Path(data_dir)
        self.stopwords = frozenset(read_lines(self.data_dir / "stopwords.txt"))
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word, freq in self.domain_words():
            self._tokenizer.add_word(word, freq=freq)

    def domain_words(self) -> list[tuple[str, int | None]]:
        """``word [frequency]`` lines; without a frequency jieba picks one that keeps the word whole."""
        words = []
        for line in read_lines(self.data_dir / "domain_dict.txt"):
            parts = line.split()
            words.append((parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None))
        return words

    def segment(self, text: str) -> list[str]:
        """Every word of the text in order (no stop-word removal); used to find phrases."""
        if not text:
            return []
        return [t.lower() for t in self._tokenizer.lcut_for_search(text, HMM=False) if KEEP.search(t)]

    def words(self, text: str) -> list[str]:
        """Whole words as a reader would cut them (precise mode: no sub-words such as 感器 of 传感器)."""
        if not text:
            return []
        return [t.lower() for t in self._tokenizer.lcut(text, HMM=False) if KEEP.search(t)]

    def tokens(self, text: str) -> list[str]:
        return [
            t for t in self.segment(text)
            if t not in self.stopwords and not NUMBER.match(t) and not CHINESE_QUANTITY.match(t)
        ]


@lru_cache(maxsize=4)
def default_analyzer(data_dir: str = str(DATA_DIR)) -> Analyzer:
    return Analyzer(Path(data_dir))
