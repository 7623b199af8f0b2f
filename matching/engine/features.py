"""Non-text parts of the score: industry chain, region proximity, price and cooperation fit; IPC code parsing.

Every function scores demand–patent *pairs* at once (numpy arrays aligned pair by pair), so the batch, the
incremental demand and the incremental patent paths share exactly the same arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import numpy as np

from .config import EngineConfig

IPC_RE = re.compile(r"^([A-H]\d{2}[A-Z])\s*(\d{1,4})?(?:/(\d{1,6}))?$")
OFFER_CODES = {"转让": 1, "许可": 2, "开放许可": 3, "作价入股": 4}
OPEN_LICENCE = OFFER_CODES["开放许可"]
MODE_CODES = {"转让": 1, "许可": 2, "作价入股": 3}  # 不限 / 合作开发 (0) accept any offer
# MODE_FIT[mode, offer]: which patent offers serve the cooperation mode the demand asks for
MODE_FIT = np.zeros((4, 5), dtype=bool)
MODE_FIT[1, 1] = MODE_FIT[2, 2] = MODE_FIT[2, 3] = MODE_FIT[3, 4] = True


@lru_cache(maxsize=65536)
def ipc_levels(code: str) -> tuple[str, str]:
    """``("B22D", "B22D17")`` for ``B22D 17/22``; empty parts when the code is shorter or malformed."""
    code = (code or "").strip().upper().replace(" ", "")
    m = IPC_RE.match(code)
    if not m:
        return "", ""
    subclass, group = m.group(1), m.group(2)
    return subclass, (f"{subclass}{int(group)}" if group else "")


def ipc_hint_codes(hint: str) -> list[str]:
    """IPC hints a user typed ("B22D, B22D17/00"): subclass and main-group keys."""
    keys = []
    for part in re.split(r"[,，;；\s]+", hint or ""):
        subclass, group = ipc_levels(part)
        for key in (subclass, group):
            if key and key not in keys:
                keys.append(key)
    return keys


def money(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None


def region_int(code: str) -> int:
    code = (code or "").strip()
    return int(code) if len(code) == 6 and code.isdigit() else -1


@dataclass
class PatentArrays:
    """Per-patent attributes as numbers, aligned with index rows (or with pairs after ``take``)."""

    chain: np.ndarray  # int code of the industry chain (-1 none)
    region: np.ndarray  # 6-digit GB/T 2260 code as int (-1 unknown)
    price: np.ndarray  # float yuan, nan = 面议
    offer: np.ndarray  # OFFER_CODES value, 0 unknown

    @classmethod
    def build(cls, patents, chains: dict[str, int]) -> PatentArrays:
        """``chains`` maps chain names to codes and grows with chains it has not seen."""
        prices = [money(p.price) for p in patents]
        return cls(
            chain=np.array([chain_code(chains, p.industry_chain, grow=True) for p in patents], dtype=np.int32),
            region=np.array([region_int(p.region_code) for p in patents], dtype=np.int64),
            price=np.array([np.nan if v is None else v for v in prices], dtype=np.float64),
            offer=np.array([OFFER_CODES.get((p.offer_type or "").strip(), 0) for p in patents], dtype=np.int8),
        )

    def take(self, rows: np.ndarray) -> PatentArrays:
        return PatentArrays(self.chain[rows], self.region[rows], self.price[rows], self.offer[rows])


@dataclass
class DemandArrays:
    chain: np.ndarray
    region: np.ndarray
    budget: np.ndarray  # nan = not given
    mode: np.ndarray

    @classmethod
    def build(cls, demands, chains: dict[str, int]) -> DemandArrays:
        budgets = [money(d.budget) for d in demands]
        return cls(
            chain=np.array([chain_code(chains, d.industry_field) for d in demands], dtype=np.int32),
            region=np.array([region_int(d.region_code) for d in demands], dtype=np.int64),
            budget=np.array([np.nan if v is None or v <= 0 else v for v in budgets], dtype=np.float64),
            mode=np.array([MODE_CODES.get((d.cooperation_mode or "").strip(), 0) for d in demands], dtype=np.int8),
        )

    def take(self, idx: np.ndarray) -> DemandArrays:
        return DemandArrays(self.chain[idx], self.region[idx], self.budget[idx], self.mode[idx])


def chain_code(chains: dict[str, int], name: str, grow: bool = False) -> int:
    name = (name or "").strip()
    if not name:
        return -1
    if grow:
        return chains.setdefault(name, len(chains))
    return chains.get(name, -2)  # a field no patent has never equals a patent's chain


def related_matrix(chains: dict[str, int], pairs: list[tuple[str, str]]) -> np.ndarray:
    """related[a, b] for chain codes; one spare row and column stand for any chain the catalogue lacks."""
    n = len(chains)
    out = np.zeros((n + 1, n + 1), dtype=bool)
    for a, b in pairs:
        if a in chains and b in chains:
            out[chains[a], chains[b]] = out[chains[b], chains[a]] = True
    return out


def _chain(dc: np.ndarray, pc: np.ndarray, related: np.ndarray, cfg: EngineConfig) -> np.ndarray:
    same = (dc >= 0) & (dc == pc)
    spare = len(related) - 1
    near = related[np.where(dc >= 0, np.minimum(dc, spare), spare), np.where(pc >= 0, np.minimum(pc, spare), spare)]
    return np.where(same, cfg.w_chain, np.where(near, cfg.w_chain_related, 0.0))


def pair_features(d: DemandArrays, p: PatentArrays, cfg: EngineConfig, related: np.ndarray) -> dict[str, np.ndarray]:
    """Chain, region, price and mode parts of each pair (``d`` and ``p`` aligned pair by pair)."""
    return {
        "chain": _chain(d.chain, p.chain, related, cfg),
        "region": _region(d.region, p.region, cfg),
        "price": _price(d.budget, p.price, p.offer, cfg),
        "mode": np.where(MODE_FIT[d.mode, p.offer], cfg.w_mode, 0.0),
    }


def _region(dr: np.ndarray, pr: np.ndarray, cfg: EngineConfig) -> np.ndarray:
    """Same county > same city > same province, by the GB/T 2260 code prefix."""
    known = (dr >= 0) & (pr >= 0)
    out = np.zeros(len(dr))
    out[known & (dr // 10000 == pr // 10000)] = cfg.w_region_province
    out[known & (dr // 100 == pr // 100)] = cfg.w_region_city
    out[known & (dr == pr)] = cfg.w_region_county
    return out


def _price(budget: np.ndarray, price: np.ndarray, offer: np.ndarray, cfg: EngineConfig) -> np.ndarray:
    """Within budget (or a small open-licence fee) fits; over budget costs in proportion; 面议 is neutral."""
    out = np.zeros(len(price))
    known = ~np.isnan(price)
    small_open = known & (offer == OPEN_LICENCE) & (price <= cfg.open_licence_small_fee)
    has_budget = ~np.isnan(budget)
    within = known & has_budget & (price <= budget)
    over = known & has_budget & (price > budget) & ~small_open
    out[within | small_open] = cfg.w_price_fit
    out[over] = cfg.w_price_over * np.minimum(1.0, (price[over] - budget[over]) / budget[over])
    return out
