"""Plain value objects the engine works on; the Django side builds them from its models."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PatentDoc:
    """A supply patent (供给专利) as the engine sees it.

    ``tokens`` may carry the output of ``MatchingEngine.tokenize_patent`` stored at import time, so a batch
    over a large catalogue does not segment every abstract again.
    """

    id: int | str
    title: str
    abstract: str
    ipc_codes: tuple[str, ...] = ()  # main code first
    industry_chain: str = ""
    region_code: str = ""
    price: Decimal | None = None  # None = 面议
    offer_type: str = ""  # 转让 / 许可 / 开放许可 / 作价入股
    legal_status: str = ""  # 有效 / 实质审查中 …
    tokens: tuple[str, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DemandDoc:
    """An enterprise's technology need (技术需求)."""

    id: int | str
    title: str
    description: str
    ipc_hint: str = ""
    industry_field: str = ""
    region_code: str = ""
    budget: Decimal | None = None
    cooperation_mode: str = ""  # 转让 / 许可 / 合作开发 / 作价入股 / 不限


@dataclass(frozen=True)
class Explanation:
    """Why a patent was suggested for a demand: the words, codes and score parts behind it."""

    matched_terms: tuple[str, ...]
    expanded_terms: tuple[str, ...]
    shared_ipc: tuple[str, ...]
    components: dict[str, float]
    notes: tuple[str, ...] = ()  # Chinese sentences for the page: why it was suggested
    caveats: tuple[str, ...] = ()  # what speaks against it (e.g. a price above the budget), never a reason
    predicted_ipc: tuple[str, ...] = ()  # the patent's IPC keys the demand's predicted classes share (预测)

    def to_dict(self) -> dict:
        return {
            "matched_terms": list(self.matched_terms),
            "expanded_terms": list(self.expanded_terms),
            "shared_ipc": list(self.shared_ipc),
            "components": {k: round(float(v), 6) for k, v in self.components.items()},
            "notes": list(self.notes),
            "caveats": list(self.caveats),
            "predicted_ipc": list(self.predicted_ipc),
        }


@dataclass(frozen=True)
class Match:
    """One suggested demand–patent pair with its rank (1 = best) in the list it belongs to."""

    demand_id: int | str
    patent_id: int | str
    score: float
    rank: int
    explanation: Explanation
