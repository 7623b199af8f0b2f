#!/usr/bin/env python
"""Speed and exactness of the matching engine at catalogue scale: top 20 per demand, on a realistic catalogue.

    python bench/match.py                 # 2,000×20,000, 5,000×50,000 and 20,000×200,000 (demands × patents)
    python bench/match.py --sizes 1000x10000 --fidelity-patents 20000

The catalogue is synthetic and realistic in the figures that decide the cost (``bench/match_corpus.py``): a
Zipfian vocabulary of 60,000 terms, patent lengths and IPC spread like the development set, topical structure;
tokens are given as stored at import. Demands are text the engine segments.

Timed phases, per size:
* ``tokenize`` — segmentation of real Chinese patent text (recombined development sentences) as the import does
  it, timed on a sample and extrapolated to the size;
* ``fit`` — index build from the stored tokens (vocabulary, BM25 weights, IPC index, classifier, attributes);
* ``store`` — writing the fitted index to disk for the workers (``matching.engine.storage``) and loading it back
  memory-mapped;
* ``match`` — every demand against every patent: segmentation and expansion of the demand text, the candidate
  search, pseudo-relevance feedback, every part of the score of the candidates, explanations of the top 20.
``batch`` = fit + match (wall clock), the figure compared with the 60 s target; ``batch_cpu_s`` = CPU seconds of
the batch over the process and its workers (the work done when other jobs share the cores); ``peak_rss_mb`` =
ru_maxrss of the process plus that of its largest worker.

``probe_fidelity``: the candidates the batch search finds against those of a dense exhaustive computation of the
same search score (text, bridged words and IPC parts over every patent), both then scored on every part: the
share of the exhaustive top 20 the batch keeps, at the largest size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from match_corpus import RealisticCorpus  # noqa: E402

from matching.engine import MatchingEngine, PatentDoc  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _peak_mb() -> float:
    """Peak resident memory of this process plus the largest forked batch worker (an upper bound of the peak:
    the workers share the parent's index pages copy-on-write, which both figures count)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) / 1024.0


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished workers: the work done, whatever the load."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def tokenize_rate(engine: MatchingEngine, sample: int = 2000) -> float:
    """Seconds per patent to segment title + abstract (what the import stores), on real Chinese text: titles of
    the development patents with abstracts recombined from their sentences."""
    rows = _read("patents.csv")
    sentences = [s for r in rows for s in SENTENCE.findall(r["abstract"]) if s.strip()]
    rng = random.Random(3)
    docs = [PatentDoc(id=i, title=rng.choice(rows)["title"], abstract="".join(rng.choice(sentences) for _ in range(3)))
            for i in range(sample)]
    t0 = time.perf_counter()
    for p in docs:
        engine.tokenize_patent(p)
    return (time.perf_counter() - t0) / sample


def store_seconds(engine: MatchingEngine) -> tuple[float, float, float]:
    """(write s, load s, MB on disk) of the fitted index through the shared-volume storage."""
    from matching.engine.storage import load_engine, save_engine

    folder = Path(tempfile.mkdtemp(prefix="match-bench-"))
    try:
        t0 = time.perf_counter()
        save_engine(engine, folder / "index")
        t1 = time.perf_counter()
        load_engine(folder / "index")
        t2 = time.perf_counter()
        size = sum(f.stat().st_size for f in (folder / "index").iterdir()) / 2**20
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return t1 - t0, t2 - t1, size


def run_size(n_demands: int, n_patents: int, per_patent_tokenize: float, fidelity_demands: int = 0) -> dict:
    corpus = RealisticCorpus(n_patents)
    patents, demands = corpus.patents(n_patents), corpus.demands(n_demands)
    engine = MatchingEngine()
    c0, t0 = _cpu_s(), time.perf_counter()
    engine.fit(patents)
    c1, t1 = _cpu_s(), time.perf_counter()
    results = engine.match(demands, k=20)
    t2, c2 = time.perf_counter(), _cpu_s()
    assert len(results) == n_demands
    write_s, load_s, disk_mb = store_seconds(engine)
    figures = {
        "demands": n_demands, "patents": n_patents,
        "fit_s": round(t1 - t0, 2), "match_s": round(t2 - t1, 2), "batch_s": round(t2 - t0, 2),
        "batch_cpu_s": round(c2 - c0, 2), "fit_cpu_s": round(c1 - c0, 2), "match_cpu_s": round(c2 - c1, 2),
        "tokenize_est_s": round(per_patent_tokenize * n_patents, 1),
        "store_write_s": round(write_s, 2), "store_load_s": round(load_s, 2), "index_mb": round(disk_mb, 1),
        "vocabulary": len(engine.text.terms), "index_nnz": int(engine.text.weights.nnz),
        "peak_rss_mb": round(_peak_mb(), 0), "exact_search": engine.exact,
    }
    print(f"{n_demands:>6} demands × {n_patents:>7} patents: fit {figures['fit_s']:6.2f} s  "
          f"match {figures['match_s']:6.2f} s  batch {figures['batch_s']:6.2f} s "
          f"(CPU fit {figures['fit_cpu_s']:.1f} s + match {figures['match_cpu_s']:.1f} s)  "
          f"tokenize at import ≈ {figures['tokenize_est_s']} s  store {write_s:.1f} s + load {load_s:.1f} s "
          f"({disk_mb:.0f} MB)  vocabulary {figures['vocabulary']}  nnz {figures['index_nnz']}  "
          f"peak RSS {figures['peak_rss_mb']:.0f} MB", flush=True)
    if fidelity_demands:
        figures["probe_fidelity"] = probe_fidelity(engine, demands[:fidelity_demands], results[:fidelity_demands])
    return figures


def probe_fidelity(engine: MatchingEngine, demands, batch) -> dict:
    """The batch's top 20 against the top 20 when the candidates come from a dense exhaustive computation of the
    search score over every patent (ties broken by row, as the batch does)."""
    search = engine.by_probe.T.tocsr()  # patents × (terms + IPC keys)
    limit = engine.config.candidates
    candidates = []
    for demand in demands:
        query = engine.build_query(demand)
        vector = np.zeros(search.shape[1], dtype=np.float64)
        vector[query.probe_cols] = query.probe_w
        scores = search @ vector
        hit = np.flatnonzero(scores > 0)
        if len(hit) > limit:
            order = np.lexsort((hit, -scores[hit]))[:limit]
            hit = hit[order]
        candidates.append(np.sort(hit).astype(np.int64))
    reference = engine.match_candidates(demands, candidates, k=20)
    kept = total = 0
    for a, b in zip(batch, reference, strict=True):
        best = {m.patent_id for m in b[:20]}
        kept += len(best & {m.patent_id for m in a})
        total += len(best)
    return {"demands": len(demands), "top20_recall": round(kept / total, 4) if total else 1.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", action="append", help="DEMANDSxPATENTS, repeatable")
    ap.add_argument("--fidelity-demands", type=int, default=200, help="demands checked at the largest size")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in (args.sizes or [])] or [
        (2_000, 20_000), (5_000, 50_000), (20_000, 200_000)]
    per_patent = tokenize_rate(MatchingEngine())
    print(f"segmentation: {per_patent * 1e3:.3f} ms per patent (title + abstract), done at import and stored")
    runs = [run_size(d, p, per_patent, args.fidelity_demands if i == len(sizes) - 1 else 0)
            for i, (d, p) in enumerate(sizes)]
    largest = runs[-1]
    fidelity = largest.get("probe_fidelity", {})
    print(f"candidate search vs dense exhaustive search ({fidelity.get('demands')} demands × {largest['patents']:,} "
          f"patents): keeps {fidelity.get('top20_recall', 0):.1%} of the exhaustive top 20")
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"load average while measuring (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    summary = {
        "bench": "match", "timed": "fit+match (tokens stored at import)", "k": 20, "corpus": "realistic",
        "sizes": runs, "batch_s": largest["batch_s"], "peak_rss_mb": largest["peak_rss_mb"],
        "target_batch_s": 60, "target_peak_mb": 4096,
        "meets_target": largest["batch_s"] <= 60 and largest["peak_rss_mb"] <= 4096,
        "probe_fidelity": fidelity, "loadavg": load, "cores": os.cpu_count(),
        "workers": MatchingEngine().config.workers or os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
