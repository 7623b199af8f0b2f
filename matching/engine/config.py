"""Engine settings. The weights live in ``matching/data/weights.json``: they are data, tuned, not code, so the
fields below have no defaults; ``EngineConfig.load()`` reads every one of them."""

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
    w_text: float
    w_expansion: float
    w_ipc_subclass: float
    w_ipc_group: float
    w_chain: float
    w_chain_related: float  # a chain listed as related in related_chains.txt
    chain_term_discount: float  # a demand word used by a share s of its chain's patents counts (1 − this × s)
    chain_text_scale: float  # τ: the chain weight is earned in proportion to text relevance up to τ (0 = flat)
    w_region_county: float
    w_region_city: float
    w_region_province: float
    w_price_fit: float
    w_price_over: float
    w_mode: float
    # text model
    bm25_k1: float
    bm25_b: float
    title_boost: int  # title terms counted this many times
    min_df: int
    max_df_ratio: float  # terms in more of the catalogue than this carry no signal (and cost time)
    max_df_floor: int  # ... but a small catalogue keeps every term found in up to this many patents
    # vocabulary bridging (classifier.py, cooccur.py, expansion.py)
    ipc_title_weight: float  # title words of an IPC code the user gave or the prior predicted
    prior_groups: int  # IPC main groups the catalogue-trained classifier predicts per demand (0 = off)
    prior_ratio: float  # ... each scoring at least this share of the best prediction
    prior_ipc_weight: float  # a predicted IPC code, relative to one the user gave
    pmi_weight: float  # co-occurring catalogue words (0 = off)
    pmi_terms: int  # co-occurring words added per demand
    pmi_neighbours: int  # associates kept per demand word
    pmi_min_count: int  # patents two words must share before their association counts
    pmi_sample: int  # patents the co-occurrence counts are taken from (an even stride over the catalogue)
    prf_docs: int
    prf_terms: int
    prf_weight: float
    prf_leave_one_out: bool  # a feedback patent is scored without the words it lent itself
    prf_score_power: float  # a feedback patent's words count (its first-pass score / the best)^this (0 = alike)
    # batch
    probe_terms: int  # pruned search only: strongest query columns used to find candidates
    probe_postings: int  # 0 = exact search (every posting); n = pruned search, n strongest patents per term
    candidates: int  # best patents by the text, bridged-word and IPC parts that get every part of the score
    chunk_size: int
    workers: int  # processes for a large batch; 0 = one per core
    open_licence_small_fee: float  # an open-licence fee up to this fits any budget

    @classmethod
    def load(cls, path: str | Path | None = None) -> EngineConfig:
        """Every setting from the weights file; a missing file or setting is an error, not a silent default
        (a default in code would drift from the tuned values)."""
        path = Path(path) if path else WEIGHTS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"engine settings file not found: {path}") from exc
        data = {k: v for k, v in data.items() if not k.startswith("_")}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown, missing = set(data) - known, known - set(data)
        if unknown:
            raise ValueError(f"unknown engine settings in {path}: {sorted(unknown)}")
        if missing:
            raise ValueError(f"engine settings missing from {path}: {sorted(missing)}")
        return cls(**data)

    def replace(self, **changes) -> EngineConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)
