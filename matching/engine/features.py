"""Non-text parts of the score: IPC overlap, industry chain, region proximity, price and cooperation fit.

Each function scores one demand against many patents at once (numpy arrays over the patent axis) so the batch
and the incremental paths share exactly the same arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .config import EngineConfig

IPC_RE = re.compile(r"^([A-H]\d{2}[A-Z])\s*(\d{1,4})?(?:/(\d{1,6}))?$")


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
    return float(Decimal(str(value)))


OFFER_CODES = {"转让": 1, "许可": 2, "开放许可": 3, "作价入股": 4}
MODE_FITS = {"转让": (1,), "许可": (2, 3), "作价入股": (4,)}  # 不限 / 合作开发 accept any offer


def region_int(code: str) -> int:
    code = (code or "").strip()
    return int(code) if len(code) == 6 and code.isdigit() else -1


@dataclass
class PatentArrays:
    """Per-patent attributes aligned with the index rows, as numbers so candidate scoring stays vectorised."""

    chain: np.ndarray  # int code of the industry chain (-1 none)
    region: np.ndarray  # 6-digit GB/T 2260 code as int (-1 unknown)
    price: np.ndarray  # float yuan, nan = 面议
    offer: np.ndarray  # OFFER_CODES value, 0 unknown
    chains: dict  # chain name -> code

    @classmethod
    def build(cls, patents, chains: dict[str, int] | None = None) -> PatentArrays:
        """``chains`` reuses the codes of a fitted catalogue (a chain it does not know gets a fresh code)."""
        chains = dict(chains or {})
        chain = [chains.setdefault(p.industry_chain.strip(), len(chains)) if p.industry_chain else -1
                 for p in patents]
        prices = [money(p.price) for p in patents]
        return cls(
            chain=np.array(chain, dtype=np.int32),
            region=np.array([region_int(p.region_code) for p in patents], dtype=np.int64),
            price=np.array([np.nan if v is None else v for v in prices], dtype=float),
            offer=np.array([OFFER_CODES.get((p.offer_type or "").strip(), 0) for p in patents], dtype=np.int8),
            chains=chains,
        )

    def take(self, rows: np.ndarray) -> PatentArrays:
        return PatentArrays(self.chain[rows], self.region[rows], self.price[rows], self.offer[rows], self.chains)


def chain_score(demand, arrays: PatentArrays, cfg: EngineConfig) -> np.ndarray:
    code = arrays.chains.get((demand.industry_field or "").strip(), -2)
    return (arrays.chain == code).astype(float) * cfg.w_chain


def region_score(demand, arrays: PatentArrays, cfg: EngineConfig) -> np.ndarray:
    """Same county > same city > same province, by the GB/T 2260 code prefix."""
    code = region_int(demand.region_code)
    out = np.zeros(len(arrays.region))
    if code < 0:
        return out
    known = arrays.region >= 0
    out[known & (arrays.region // 10000 == code // 10000)] = cfg.w_region_province
    out[known & (arrays.region // 100 == code // 100)] = cfg.w_region_city
    out[known & (arrays.region == code)] = cfg.w_region_county
    return out


def price_score(demand, arrays: PatentArrays, cfg: EngineConfig) -> np.ndarray:
    """Within budget (or a small open-licence fee) fits; over budget costs in proportion; 面议 is neutral."""
    budget = money(demand.budget)
    price = arrays.price
    out = np.zeros(len(price))
    known = ~np.isnan(price)
    small_open = known & (arrays.offer == OFFER_CODES["开放许可"]) & (price <= cfg.open_licence_small_fee)
    out[small_open] = cfg.w_price_fit
    if budget is None or budget <= 0:
        return out
    within = known & (price <= budget)
    over = known & (price > budget) & ~small_open
    out[within] = cfg.w_price_fit
    out[over] = cfg.w_price_over * np.minimum(1.0, (price[over] - budget) / budget)
    return out


def mode_score(demand, arrays: PatentArrays, cfg: EngineConfig) -> np.ndarray:
    wanted = MODE_FITS.get((demand.cooperation_mode or "").strip())
    if not wanted:
        return np.zeros(len(arrays.offer))
    return np.isin(arrays.offer, wanted).astype(float) * cfg.w_mode
