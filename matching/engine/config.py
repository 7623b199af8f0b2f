"""Engine settings. The weights live in ``matching/data/weights.json``: they are data, tuned, not code."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from .text import DATA_DIR

WEIGHTS_FILE = DATA_DIR / "weights.json"


@dataclass(frozen=True)
class EngineConfig:
    # score = text + expansion + ipc + chain + region + price (each already multiplied by its weight)
    w_text: float = 1.0
    w_expansion: float = 0.5
    w_ipc_subclass: float = 0.2
    w_ipc_group: float = 0.1
    w_chain: float = 0.2
    w_chain_related: float = 0.1  # a chain listed as related in related_chains.txt
    w_region_county: float = 0.03
    w_region_city: float = 0.02
    w_region_province: float = 0.01
    w_price_fit: float = 0.02
    w_price_over: float = -0.03
    w_mode: float = 0.01
    # text model
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    title_boost: int = 2  # title terms counted this many times
    min_df: int = 1
    max_df_ratio: float = 0.2  # terms in more of the catalogue than this carry no signal (and cost time)
    max_df_floor: int = 10  # ... but a small catalogue keeps every term found in up to this many patents
    # vocabulary bridging
    thesaurus_weight: float = 0.6
    ipc_title_weight: float = 0.3
    thesaurus_ipc_weight: float = 0.5  # an IPC code inferred from the wording, relative to one the user gave
    prf_docs: int = 3
    prf_terms: int = 20
    prf_weight: float = 0.3
    # batch
    probe_terms: int = 24  # strongest query columns used to find candidates
    probe_postings: int = 3000  # strongest patents kept per term for finding candidates
    candidates: int = 100  # candidates per demand that get the exact full score
    chunk_size: int = 512
    workers: int = 0  # processes for a large batch; 0 = one per core
    open_licence_small_fee: float = 50000.0  # an open-licence fee up to this fits any budget

    @classmethod
    def load(cls, path: str | Path | None = None) -> EngineConfig:
        path = Path(path) if path else WEIGHTS_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = {k: v for k, v in data.items() if not k.startswith("_")}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown engine settings in {path}: {sorted(unknown)}")
        return cls(**data)

    def replace(self, **changes) -> EngineConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)
