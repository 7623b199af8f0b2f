#!/usr/bin/env python
"""Batch scoring on PostgreSQL: how fast every submitted application of a batch is scored and stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/score_batch.py
    DATABASE_URL=… python bench/score_batch.py --applications 100000 --small 10000 --workers 2

For each size (the small one first, so memory flatness is visible) a fresh batch of generated applications is
written (``pool.loadgen``, the generator behind ``manage.py generate_load_data``), then scored by
``pool.services.batch_scoring.batch_score`` — the service the Celery task ``pool.tasks.score_batch`` runs — in a
process of its own, so its peak memory is its own. A second run over the unchanged batch shows idempotence
(nothing written). Generated data is deleted afterwards unless ``--keep``.

Figures: wall seconds, applications/s, CPU seconds of the scoring process, of its evaluation workers and of the
PostgreSQL backend of its reading connection (chunks are written on a second connection by a background thread,
whose backend is not counted), peak RSS. The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import (  # noqa: E402
    cpu_seconds,
    database_cpu_seconds,
    peak_rss_mb,
    prepare_database,
    require_postgresql,
    setup_django,
)


def generate(count: int, seed: int) -> dict:
    from django.db import connection

    from pool.loadgen import generate_applications, load_batch

    batch = load_batch(None, "420000")
    started = time.perf_counter()
    generate_applications(batch=batch, count=count, seed=seed)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE pool_application")
    return {"batch": batch.pk, "generate_seconds": round(seconds, 1)}


def score(batch_id: int, workers: int, chunk: int) -> dict:
    from pool.models import Batch
    from pool.services.batch_scoring import batch_score

    batch = Batch.objects.select_related("criteria_set").get(pk=batch_id)
    database = database_cpu_seconds() or 0.0
    cpu, workers_cpu, started = cpu_seconds(), cpu_seconds(children=True), time.perf_counter()
    result = batch_score(batch=batch, workers=workers, chunk_size=chunk)
    seconds = time.perf_counter() - started
    return {"scored": result["scored"], "updated": result["updated"], "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds() - cpu, 1),
            "worker_cpu_seconds": round(cpu_seconds(children=True) - workers_cpu, 1),
            "reading_database_cpu_seconds": round((database_cpu_seconds() or 0.0) - database, 1),
            "peak_rss_mb": peak_rss_mb(), "worker_peak_rss_mb": peak_rss_mb(children=True)}


def purge(batch_id: int) -> None:
    from pool.loadgen import purge_generated
    from pool.models import Batch

    batch = Batch.objects.get(pk=batch_id)
    purge_generated(batch=batch)
    batch.delete()


def child_of(script: str, args: list[str]) -> dict:
    """Run one phase of ``script`` in a fresh interpreter and return the JSON it prints last."""
    output = subprocess.run([sys.executable, script, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(args: list[str]) -> dict:
    return child_of(__file__, args)


def run_size(count: int, options) -> dict:
    made = child(["--phase", "generate", "--applications", str(count), "--seed", str(options.seed)])
    common = ["--batch", str(made["batch"]), "--workers", str(options.workers), "--chunk", str(options.chunk)]
    first = child(["--phase", "score", *common])
    again = child(["--phase", "score", *common])
    if not options.keep:
        child(["--phase", "purge", "--batch", str(made["batch"])])
    per_second = round(first["scored"] / first["seconds"]) if first["seconds"] else 0
    print(f"{count:>7} applications: generated in {made['generate_seconds']} s; scored {first['scored']} in "
          f"{first['seconds']} s = {per_second}/s (CPU s: main {first['cpu_seconds']}, evaluation workers "
          f"{first['worker_cpu_seconds']}, PostgreSQL backend of the reading connection "
          f"{first['reading_database_cpu_seconds']}), peak RSS "
          f"{first['peak_rss_mb']} MB main / {first['worker_peak_rss_mb']} MB per worker; "
          f"second run {again['seconds']} s, {again['updated']} rewritten", flush=True)
    return {"made": made, "first": first, "again": again, "per_second": per_second}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="a smaller size run first (0 to skip)")
    parser.add_argument("--workers", type=int, default=2, help="evaluation processes (1 = all in one process)")
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--phase", choices=["generate", "score", "purge"], help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    require_postgresql()
    setup_django()
    if options.phase == "generate":
        print(json.dumps(generate(options.applications, options.seed)))
        return
    if options.phase == "score":
        print(json.dumps(score(options.batch, options.workers, options.chunk)))
        return
    if options.phase == "purge":
        purge(options.batch)
        print("{}")
        return
    prepare_database()
    sizes = [n for n in (options.small, options.applications) if n]
    runs = {n: run_size(n, options) for n in dict.fromkeys(sizes)}
    big, small = runs[options.applications], runs.get(options.small)
    figures = {"applications": options.applications, "seconds": big["first"]["seconds"],
               "per_second": big["per_second"], "peak_rss_mb": big["first"]["peak_rss_mb"],
               "worker_peak_rss_mb": big["first"]["worker_peak_rss_mb"], "cpu_seconds": big["first"]["cpu_seconds"],
               "worker_cpu_seconds": big["first"]["worker_cpu_seconds"],
               "reading_database_cpu_seconds": big["first"]["reading_database_cpu_seconds"],
               "workers": options.workers, "chunk": options.chunk,
               "rescore_seconds": big["again"]["seconds"], "rescore_rewritten": big["again"]["updated"],
               "generate_seconds": big["made"]["generate_seconds"]}
    if small:
        figures |= {"small_applications": options.small, "small_seconds": small["first"]["seconds"],
                    "small_peak_rss_mb": small["first"]["peak_rss_mb"]}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
