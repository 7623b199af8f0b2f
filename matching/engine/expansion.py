"""Bridging the vocabulary gap (供方说不清，需方听不明).

An SME writes the symptom (``电机壳加工后冒小孔、打压漏气``), the patent writes the technique (``真空压铸 气孔``).
Two data files written from domain knowledge carry the bridge:

* ``thesaurus.txt`` — problem wording → technique vocabulary and the IPC codes where such solutions are filed,
  one entry a line: ``触发词|触发词+语境词 => 技术词 技术词 @ IPC IPC``. Triggers are matched as substrings of
  the demand, so they do not depend on how jieba cuts a colloquial phrase; ``+`` asks for every part (a symptom
  word is only read as a casting defect next to a casting word).
* ``ipc_titles.tsv`` — the Chinese titles of IPC subclasses / main groups; an IPC code a user typed (or the
  thesaurus inferred) contributes its title words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .features import ipc_hint_codes, ipc_levels
from .text import Analyzer, read_lines


@dataclass(frozen=True)
class ThesaurusEntry:
    triggers: tuple[tuple[str, ...], ...]  # alternatives, each a conjunction of substrings
    terms: tuple[str, ...]
    ipc: tuple[str, ...]

    def hit(self, text: str) -> str | None:
        for parts in self.triggers:
            if all(p in text for p in parts):
                return "、".join(parts)
        return None

    @classmethod
    def parse(cls, line: str) -> ThesaurusEntry | None:
        left, _, right = line.partition("=>")
        right, _, codes = right.partition("@")
        triggers = tuple(
            tuple(p.strip() for p in alt.split("+") if p.strip()) for alt in left.split("|") if alt.strip()
        )
        ipc = tuple(k for code in codes.split() for k in ipc_hint_codes(code))
        entry = cls(triggers, tuple(right.split()), ipc)
        return entry if triggers and (entry.terms or ipc) else None


@dataclass
class Expansion:
    """Extra query vocabulary with weights, and the IPC keys it points at (with where each came from)."""

    terms: dict[str, float] = field(default_factory=dict)
    ipc: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # term or IPC key -> the demand words behind it

    def add_term(self, term: str, weight: float, source: str) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight
            self.sources[term] = source

    def add_ipc(self, key: str, weight: float, source: str) -> None:
        if weight > self.ipc.get(key, 0.0):
            self.ipc[key] = weight
            self.sources.setdefault(key, source)


class Expander:
    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.entries = [e for e in map(ThesaurusEntry.parse, read_lines(analyzer.data_dir / "thesaurus.txt")) if e]
        # segmentation of the entries' vocabulary and the trigger index are built once, not per demand
        self.entry_tokens = [tuple(t for term in e.terms for t in analyzer.tokens(term)) for e in self.entries]
        self.by_part: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
        for n, entry in enumerate(self.entries):
            for parts in entry.triggers:
                self.by_part[parts[0]].append((n, parts))
        # first trigger parts by their first character: one pass over the demand finds every part it contains
        self.by_char: dict[str, list[str]] = defaultdict(list)
        for first in self.by_part:
            self.by_char[first[0]].append(first)
        self.ipc_titles = {key: tuple(analyzer.tokens(title)) for key, title in self._load_ipc_titles().items()}
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

    def hits(self, text: str) -> dict[int, str]:
        """Entry number -> the demand words that fired it (the first alternative that matches, ``、``-joined)."""
        found: dict[int, str] = {}
        present = {
            part for pos, ch in enumerate(text) if ch in self.by_char
            for part in self.by_char[ch] if text.startswith(part, pos)
        }
        for first in sorted(present, key=lambda p: text.index(p)):
            for n, parts in self.by_part[first]:
                if n not in found and all(p in text for p in parts[1:]):
                    found[n] = "、".join(parts)
        return found

    def expand(self, text: str, ipc_hint: str, *, thesaurus_weight: float, ipc_title_weight: float,
               thesaurus_ipc_weight: float = 0.5) -> Expansion:
        """Vocabulary and IPC keys for a demand. An IPC code the user gave counts fully; one the thesaurus
        infers from the wording counts ``thesaurus_ipc_weight``."""
        out = Expansion()
        for key in ipc_hint_codes(ipc_hint):
            out.add_ipc(key, 1.0, ipc_hint)
        for n, hit in sorted(self.hits(text).items()):
            for token in self.entry_tokens[n]:
                out.add_term(token, thesaurus_weight, hit)
            for key in self.entries[n].ipc:
                out.add_ipc(key, thesaurus_ipc_weight, hit)
        for key in list(out.ipc):
            for token in self.ipc_titles.get(key, ()):
                out.add_term(token, ipc_title_weight * out.ipc[key], f"IPC {key}")
        return out
