"""Bridging the vocabulary gap (供方说不清，需方听不明) from general sources, never from labelled demands.

An SME writes the symptom (``电机壳体机加工后毛刺多``), the patent writes the technique (``铸件飞边打磨``). Two
sources connect them, neither written while reading demands:

* the catalogue as supervision — ``classifier.IpcPrior`` predicts the demand's likely IPC main groups from its
  words (a prior, labelled 预测 wherever it is shown), and ``cooccur.CoOccurrence`` adds the words that keep
  company with the demand's words across the patents' abstracts;
* the IPC scheme's Chinese titles (``ipc_titles.tsv``): an IPC code the user typed, or the prior predicted,
  contributes its title words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .features import ipc_hint_codes, ipc_levels
from .text import Analyzer, read_lines


@dataclass
class Expansion:
    """Extra query vocabulary with weights, and the IPC keys it points at (with where each came from)."""

    terms: dict[str, float] = field(default_factory=dict)
    ipc: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # term or IPC key -> the demand words behind it
    kinds: dict[str, str] = field(default_factory=dict)  # term -> "ipc" (title words) / "cooccurrence"
    predicted: set[str] = field(default_factory=set)  # IPC keys the prior predicted (the user gave none of them)

    def add_term(self, term: str, weight: float, source: str, kind: str) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight
            self.sources[term] = source
            self.kinds[term] = kind

    def add_ipc(self, key: str, weight: float, source: str, predicted: bool = False) -> None:
        if weight > self.ipc.get(key, 0.0):
            self.ipc[key] = weight
            self.sources.setdefault(key, source)
            if predicted:
                self.predicted.add(key)


class Expander:
    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.ipc_title_text = self._load_ipc_titles()
        self.ipc_titles = {key: tuple(analyzer.tokens(title)) for key, title in self.ipc_title_text.items()}
        self.related_chains = [
            tuple(line.split()[:2]) for line in read_lines(analyzer.data_dir / "related_chains.txt")
            if len(line.split()) >= 2
        ]

    def _load_ipc_titles(self) -> dict[str, str]:
        titles = {}
        for line in read_lines(self.analyzer.data_dir / "ipc_titles.tsv"):
            code, _, title = line.partition("\t")
            subclass, group = ipc_levels(code.strip())
            key = group or subclass
            if key and title.strip():
                titles[key] = title.strip()
        return titles

    def expand(self, ipc_hint: str, predicted: dict[str, float], *, ipc_title_weight: float,
               prior_ipc_weight: float) -> Expansion:
        """IPC keys and their title words for a demand. An IPC code the user gave counts fully; one the prior
        predicted counts ``prior_ipc_weight`` × its score relative to the best prediction."""
        out = Expansion()
        for key in ipc_hint_codes(ipc_hint):
            out.add_ipc(key, 1.0, ipc_hint)
        for key, rel in predicted.items():
            if key not in out.ipc:
                out.add_ipc(key, prior_ipc_weight * rel, "预测", predicted=True)
        for key in list(out.ipc):
            for token in self.ipc_titles.get(key, ()):
                out.add_term(token, ipc_title_weight * out.ipc[key], f"IPC {key}", "ipc")
        return out
