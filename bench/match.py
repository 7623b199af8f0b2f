#!/usr/bin/env python
"""Speed of the matching engine: fit + batch match, top 20 per demand, at three sizes.

    python bench/match.py                 # 2,000×20,000, 5,000×50,000 and 20,000×200,000 (demands × patents)
    python bench/match.py --sizes 1000x10000 --sizes 4000x40000

Synthetic data built from the labelled development set's vocabulary (no database): every patent is a new mix of
real patent sentences of one industry chain (title of one patent, abstract sentences of others of the same chain),
every demand a new mix of real demand sentences (title, description sentences, closing business sentence), with
ids, IPC codes, prices, budgets and regions drawn at random.

Timed phases, per size:
* ``tokenize`` — segmentation of the patents' text. The Django side stores ``MatchingEngine.tokenize_patent``
  at import time, so it is NOT part of the batch; it is timed on a sample and extrapolated, for information.
* ``fit`` — index build from the stored tokens (vocabulary, BM25 weights, IPC index, attributes).
* ``match`` — every demand against every patent: segmentation and expansion of the demand text, pseudo-relevance
  feedback, sparse products, top-k, full scores and explanations of the top 20.
``batch`` = fit + match (wall clock), the figure compared with the 60 s target; ``batch_cpu_s`` = the CPU seconds
of the batch over the process and its workers, which shows the work done when other jobs share the cores; ``peak_rss_mb`` = ru_maxrss of the process
plus that of its largest worker (sizes run smallest first, so the last figure is the largest size's peak).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine import DemandDoc, MatchingEngine, PatentDoc  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
REGIONS = ["420202", "420203", "420204", "420205", "420222", "420281", "420502", "420503", "420100", "440703"]
OFFERS = ["转让", "许可", "开放许可", "作价入股"]
MODES = ["转让", "许可", "合作开发", "作价入股", "不限"]


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _peak_mb() -> float:
    """Peak resident memory of this process plus the largest forked batch worker (an upper bound of the peak:
    the workers share the parent's index pages copy-on-write, which both figures count)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) / 1024.0


class Generator:
    """Recombines real sentences; segmentation happens once per source sentence, not per synthetic patent."""

    def __init__(self, engine: MatchingEngine, seed: int = 5):
        self.rng = random.Random(seed)
        self.analyzer = engine.analyzer
        by_chain = defaultdict(list)
        for row in _read("patents.csv"):
            sentences = [s for s in SENTENCE.findall(row["abstract"]) if s.strip()]
            codes = tuple(c for c in [row["ipc_main"], *row["ipc_other"].split(";")] if c)
            by_chain[row["industry_chain"]].append(
                (row["title"], self.analyzer.tokens(row["title"]), [self.analyzer.tokens(s) for s in sentences],
                 sentences, codes)
            )
        self.chains = sorted(by_chain)
        self.by_chain = by_chain
        demands = _read("demands.csv")
        self.demand_titles = [d["title"] for d in demands]
        self.demand_fields = [d["industry_field"] for d in demands]
        self.demand_sentences = [s for d in demands for s in SENTENCE.findall(d["description"]) if s.strip()]

    def patents(self, n: int, with_text: bool = False) -> list[PatentDoc]:
        rng, out = self.rng, []
        for i in range(n):
            chain = rng.choice(self.chains)
            pool = self.by_chain[chain]
            title_src = rng.choice(pool)
            picks = [rng.choice(pool) for _ in range(3)]
            sent_tokens, sent_text = [], []
            for src in picks:
                j = rng.randrange(len(src[2]))
                sent_tokens.extend(src[2][j])
                sent_text.append(src[3][j])
            price = None if rng.random() < 0.2 else Decimal(rng.randrange(20, 2000) * 1000)
            out.append(PatentDoc(
                id=i + 1, title=title_src[0], abstract="".join(sent_text) if with_text else "",
                ipc_codes=title_src[4], industry_chain=chain, region_code=rng.choice(REGIONS), price=price,
                offer_type=rng.choice(OFFERS), legal_status="有效",
                tokens=(*title_src[1], "\x1f", *sent_tokens),
            ))
        return out

    def demands(self, n: int) -> list[DemandDoc]:
        rng, out = self.rng, []
        for i in range(n):
            j = rng.randrange(len(self.demand_titles))
            text = "".join(rng.choice(self.demand_sentences) for _ in range(rng.randint(2, 3)))
            out.append(DemandDoc(
                id=i + 1, title=self.demand_titles[j], description=text, industry_field=self.demand_fields[j],
                region_code=rng.choice(REGIONS), budget=Decimal(rng.randrange(10, 300) * 10000),
                cooperation_mode=rng.choice(MODES),
            ))
        return out


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished workers: the work done, whatever the load."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def tokenize_rate(engine: MatchingEngine, gen: Generator, sample: int = 2000) -> float:
    """Seconds per patent to segment title + abstract (what the import stores)."""
    docs = gen.patents(sample, with_text=True)
    t0 = time.perf_counter()
    for p in docs:
        engine.tokenize_patent(p)
    return (time.perf_counter() - t0) / sample


def run_size(n_demands: int, n_patents: int, gen: Generator, per_patent_tokenize: float) -> dict:
    patents = gen.patents(n_patents)
    demands = gen.demands(n_demands)
    engine = MatchingEngine()
    c0, t0 = _cpu_s(), time.perf_counter()
    engine.fit(patents)
    c1, t1 = _cpu_s(), time.perf_counter()
    results = engine.match(demands, k=20)
    t2, c2 = time.perf_counter(), _cpu_s()
    assert len(results) == n_demands and all(len(r) == 20 for r in results[:100])
    figures = {
        "demands": n_demands, "patents": n_patents,
        "fit_s": round(t1 - t0, 2), "match_s": round(t2 - t1, 2), "batch_s": round(t2 - t0, 2),
        "batch_cpu_s": round(c2 - c0, 2), "fit_cpu_s": round(c1 - c0, 2), "match_cpu_s": round(c2 - c1, 2),
        "tokenize_est_s": round(per_patent_tokenize * n_patents, 1),
        "vocabulary": len(engine.text.terms), "index_nnz": int(engine.text.weights.nnz),
        "peak_rss_mb": round(_peak_mb(), 0),
    }
    print(f"{n_demands:>6} demands × {n_patents:>7} patents: fit {figures['fit_s']:6.2f} s  "
          f"match {figures['match_s']:6.2f} s  batch {figures['batch_s']:6.2f} s "
          f"(CPU fit {figures['fit_cpu_s']:.1f} s + match {figures['match_cpu_s']:.1f} s)  "
          f"(tokenize at import ≈ {figures['tokenize_est_s']} s, not in batch)  "
          f"vocabulary {figures['vocabulary']}  nnz {figures['index_nnz']}  peak RSS {figures['peak_rss_mb']:.0f} MB",
          flush=True)
    return figures


def probe_fidelity(gen: Generator, n_patents: int = 20_000, n_demands: int = 300) -> dict:
    """What the pruned candidate search (which bounds the batch time) costs, against scoring every patent
    exhaustively on the same synthetic catalogue: the share of the exhaustive top 20 it keeps, and the
    exhaustive score of its top 20 relative to the best possible."""
    patents, demands = gen.patents(n_patents), gen.demands(n_demands)
    pruned = MatchingEngine().fit(patents)
    config = pruned.config.replace(probe_terms=100_000, probe_postings=0, candidates=n_patents, workers=1)
    exhaustive = MatchingEngine(config).fit(patents)
    kept = total = 0
    ratios = []
    for a, b in zip(pruned.match(demands, k=20), exhaustive.match(demands, k=300), strict=True):
        best = {m.patent_id for m in b[:20]}
        kept += len(best & {m.patent_id for m in a})
        total += len(best)
        score = {m.patent_id: m.score for m in b}
        floor = b[-1].score if b else 0.0
        ideal = sum(m.score for m in b[:20])
        ratios.append(sum(score.get(m.patent_id, floor) for m in a) / ideal if ideal else 1.0)
    return {"top20_overlap": round(kept / total, 4) if total else 1.0,
            "top20_score_ratio": round(sum(ratios) / len(ratios), 4) if ratios else 1.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", action="append", help="DEMANDSxPATENTS, repeatable")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in (args.sizes or [])] or [
        (2_000, 20_000), (5_000, 50_000), (20_000, 200_000)]
    engine = MatchingEngine()
    gen = Generator(engine)
    per_patent = tokenize_rate(engine, gen)
    print(f"segmentation: {per_patent * 1e3:.3f} ms per patent (title + abstract), done at import and stored")
    runs = [run_size(d, p, gen, per_patent) for d, p in sizes]
    fidelity = probe_fidelity(gen)
    print(f"pruned candidate search vs exhaustive scoring (300 demands × 20,000 patents): keeps "
          f"{fidelity['top20_overlap']:.1%} of the exhaustive top 20, at {fidelity['top20_score_ratio']:.1%} of "
          f"its total score")
    largest = runs[-1]
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"load average while measuring (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    summary = {
        "bench": "match", "timed": "fit+match (tokens stored at import)", "k": 20,
        "sizes": runs, "batch_s": largest["batch_s"], "peak_rss_mb": largest["peak_rss_mb"],
        "target_batch_s": 60, "target_peak_mb": 4096,
        "meets_target": largest["batch_s"] <= 60 and largest["peak_rss_mb"] <= 4096,
        "probe_fidelity": fidelity, "loadavg": load, "cores": os.cpu_count(), "workers": MatchingEngine().config.workers or os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
