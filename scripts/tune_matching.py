#!/usr/bin/env python
"""Development tool for the matching engine: evaluate, diagnose and cross-validate settings on a labelled split.

    python scripts/tune_matching.py [SPLIT_DIR]                       # engine vs BM25, overall and per half
    python scripts/tune_matching.py [SPLIT_DIR] --per-demand          # plus one line per demand
    python scripts/tune_matching.py [SPLIT_DIR] --cv                  # tune on one half, report the other
    python scripts/tune_matching.py [SPLIT_DIR] --set w_chain=0.3     # try a setting without editing weights.json

SPLIT_DIR holds patents.csv, demands.csv and qrels.csv in the layout of the evaluation set
(default: tests/data/matching). The halves are fixed: demands in sorted-id order, alternately A and B.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine import DemandDoc, EngineConfig, MatchingEngine, PatentDoc  # noqa: E402
from matching.engine.baseline import BM25Baseline  # noqa: E402
from matching.engine.metrics import evaluate, per_demand, rankings_from  # noqa: E402

DEFAULT_SPLIT = ROOT / "tests" / "data" / "matching"
RANK_DEPTH = 100

# the settings cross-validation may move, and the values it tries for each
SEARCH_SPACE = {
    "w_expansion": [0.3, 0.5, 0.7, 1.0],
    "w_chain": [0.05, 0.1, 0.2, 0.3],
    "w_ipc_subclass": [0.0, 0.05, 0.1, 0.2],
    "w_ipc_group": [0.0, 0.05, 0.1, 0.2],
    "prf_weight": [0.0, 0.2, 0.4],
}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _money(value: str) -> Decimal | None:
    return Decimal(value) if value and value.strip() else None


def load_split(folder: Path):
    patents = [
        PatentDoc(
            id=r["patent_id"], title=r["title"], abstract=r["abstract"],
            ipc_codes=tuple(c for c in [r["ipc_main"], *r["ipc_other"].split(";")] if c.strip()),
            industry_chain=r["industry_chain"], price=_money(r["price_yuan"]), offer_type=r["offer_type"],
            legal_status=r["legal_status"],
        )
        for r in _read(folder / "patents.csv")
    ]
    demands = [
        DemandDoc(
            id=r["demand_id"], title=r["title"], description=r["description"], ipc_hint=r["ipc_hint"],
            industry_field=r["industry_field"], budget=_money(r["budget_yuan"]),
            cooperation_mode=r["cooperation_mode"],
        )
        for r in _read(folder / "demands.csv")
    ]
    qrels: dict = defaultdict(dict)
    for r in _read(folder / "qrels.csv"):
        qrels[r["demand_id"]][r["patent_id"]] = int(r["grade"])
    return patents, demands, dict(qrels)


def halves(demands):
    ordered = sorted(demands, key=lambda d: d.id)
    return ordered[0::2], ordered[1::2]


def run_engine(engine, demands) -> dict:
    return rankings_from([d.id for d in demands], engine.match(demands, k=RANK_DEPTH))


def engine_for(patents, config: EngineConfig, cache: dict) -> MatchingEngine:
    """Re-fit only when a setting that shapes the index changed."""
    key = (config.bm25_k1, config.bm25_b, config.title_boost, config.min_df, config.max_df_ratio,
           config.probe_postings)
    engine = cache.get(key)
    if engine is None:
        engine = cache[key] = MatchingEngine(config).fit(patents)
    engine.config = config
    engine._queries = {}
    engine._feedback = {}
    return engine


def cross_validate(patents, demands, qrels, base: EngineConfig) -> dict:
    """Coordinate search on one half, scored on the other; both directions."""
    out = {}
    a, b = halves(demands)
    cache: dict = {}
    for name, tune, test in (("A→B", a, b), ("B→A", b, a)):
        best = base
        for _round, (key, values) in itertools.product(range(2), SEARCH_SPACE.items()):
            scored = []
            for value in values:
                cfg = best.replace(**{key: value})
                m = evaluate(run_engine(engine_for(patents, cfg, cache), tune), qrels)
                scored.append((m["ndcg@10"] + m["p@5"], value))
            best = best.replace(**{key: max(scored)[1]})
        chosen = {k: getattr(best, k) for k in SEARCH_SPACE}
        test_m = evaluate(run_engine(engine_for(patents, best, cache), test), qrels)
        out[name] = {"chosen": chosen, "held_out": test_m}
    return out


def report(patents, demands, qrels, config: EngineConfig, show_per_demand: bool) -> dict:
    t0 = time.perf_counter()
    engine = MatchingEngine(config).fit(patents)
    engine_runs = run_engine(engine, demands)
    t1 = time.perf_counter()
    bm25_runs = rankings_from([d.id for d in demands], BM25Baseline().fit(patents).match(demands, k=len(patents)))
    out = {"engine": evaluate(engine_runs, qrels), "bm25": evaluate(bm25_runs, qrels)}
    for label, part in zip(("half A", "half B"), halves(demands), strict=True):
        ids = {d.id for d in part}
        out[label] = {
            "engine": evaluate({k: v for k, v in engine_runs.items() if k in ids}, qrels),
            "bm25": evaluate({k: v for k, v in bm25_runs.items() if k in ids}, qrels),
        }
    print(f"engine fit + match of {len(demands)} demands: {t1 - t0:.2f} s")
    for label in ("engine", "bm25"):
        m = out[label]
        print(f"{label:<8} P@5 {m['p@5']:.4f}  nDCG@10 {m['ndcg@10']:.4f}  MRR {m['mrr']:.4f}")
    for label in ("half A", "half B"):
        e, b = out[label]["engine"], out[label]["bm25"]
        print(f"{label}: engine P@5 {e['p@5']:.4f} nDCG@10 {e['ndcg@10']:.4f} MRR {e['mrr']:.4f} | "
              f"bm25 P@5 {b['p@5']:.4f} nDCG@10 {b['ndcg@10']:.4f} MRR {b['mrr']:.4f}")
    if show_per_demand:
        pe, pb = per_demand(engine_runs, qrels), per_demand(bm25_runs, qrels)
        for d in sorted(demands, key=lambda d: d.id):
            e, b = pe[d.id], pb[d.id]
            print(f"{d.id} P@5 {e['p@5']:.2f} ({b['p@5']:.2f})  nDCG {e['ndcg@10']:.3f} ({b['ndcg@10']:.3f})  "
                  f"MRR {e['mrr']:.2f} ({b['mrr']:.2f})  {d.title}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split_dir", nargs="?", default=str(DEFAULT_SPLIT))
    ap.add_argument("--per-demand", action="store_true")
    ap.add_argument("--cv", action="store_true", help="two-fold cross-validation of SEARCH_SPACE")
    ap.add_argument("--set", action="append", default=[], help="override a setting, e.g. w_chain=0.3")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = ap.parse_args(argv)
    config = EngineConfig.load()
    for item in args.set:
        key, _, value = item.partition("=")
        config = config.replace(**{key: type(getattr(config, key))(value)})
    patents, demands, qrels = load_split(Path(args.split_dir))
    out = report(patents, demands, qrels, config, args.per_demand)
    if args.cv:
        out["cv"] = cross_validate(patents, demands, qrels, config)
        for name, res in out["cv"].items():
            m = res["held_out"]
            print(f"CV {name}: held-out P@5 {m['p@5']:.4f} nDCG@10 {m['ndcg@10']:.4f} MRR {m['mrr']:.4f} "
                  f"with {res['chosen']}")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
