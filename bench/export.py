#!/usr/bin/env python
"""Speed and memory of the review's Excel exports on PostgreSQL with 100,000 generated applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/export.py
    DATABASE_URL=… python bench/export.py --applications 100000

The batch of ``bench/review_list.py`` is reused (or generated and scored once). Each export is written by the
exporter class itself — what the Celery task ``portal.run_export`` runs for a list over 2,000 rows — in a
process of its own, so its peak memory (RSS) is its own:

* ``queue_all`` — the province's whole queue (every submitted application of the batch, one sheet);
* ``recommendation_province`` / ``recommendation_city`` — the ranked recommendation list (summary sheet + one
  sheet per county) of the province and of the busiest city.

Figures per export: rows, wall seconds and rows/s, the process's CPU seconds and rows per CPU second (what a
busy machine distorts less), peak RSS (MB), file size. Targets: ≥ 5,000 rows/s, ≤ 300 MB.

With ``--workers N`` (repeatable; needs ``CELERY_BROKER_URL=redis://…``) the province's whole queue is then
written as a background export is, in chunks of ``--chunk-rows`` on N real worker processes (concurrency 1
each), from the start of the run to the finished file; every cell of that file is compared with the file written
in one process.
Each export runs ``--repeat`` times (3) and the median run is reported, with every run's rows/s beside it:
a shared machine's pauses otherwise decide the figure of a one-second export.
The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
from _setup import ROOT, cpu_seconds, peak_rss_mb, prepare_database, require_postgresql, setup_django  # noqa: E402

EXPORTERS = {
    "queue_all": ("pool.exports.ReviewQueueExporter", "province", {"status": ""}),
    "recommendation_province": ("pool.exports.RecommendationListExporter", "province", {}),
    "recommendation_city": ("pool.exports.RecommendationListExporter", "city", {}),
}


def make_exporter(name: str, batch_id: int, region: str):
    from importlib import import_module

    from review_list import reviewer

    path, role, params = EXPORTERS[name]
    module, _, cls = path.rpartition(".")
    return getattr(import_module(module), cls)(user=reviewer(role, region), params={**params, "batch": str(batch_id)})


def child(name: str, batch_id: int, region: str) -> None:
    """Write one export and print its figures (run in a process of its own)."""
    setup_django()
    exporter = make_exporter(name, batch_id, region)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / exporter.full_filename()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        rows = exporter.write(target)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        size = target.stat().st_size
    print(json.dumps({"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
                      "cpu_seconds": round(cpu, 2), "rows_per_cpu_s": round(rows / cpu),
                      "peak_rss_mb": peak_rss_mb(), "file_mb": round(size / 2**20, 1)}))


def run_child(name: str, batch_id: int, region: str) -> dict:
    run = subprocess.run([sys.executable, __file__, "--child", name, "--batch", str(batch_id), "--region", region],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def cells_digest(path: Path) -> str:
    """A digest of every sheet's name and every cell's value, in order."""
    import hashlib

    from openpyxl import load_workbook

    digest = hashlib.sha256()
    book = load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        digest.update(sheet.title.encode())
        for row in sheet.iter_rows(values_only=True):
            digest.update(repr(row).encode())
    book.close()
    return digest.hexdigest()


def fanned_out(name: str, batch_id: int, region: str, counts: list[int], chunk_rows: int) -> dict:
    """The export written in chunks on 1, 2, … real worker processes, against the file written in one process."""
    from django.conf import settings

    from portal.celery import app
    from portal.services.export_runs import export_run_start
    from portal.services.jobs import job_create

    sys.path.insert(0, str(ROOT))
    from tests.scale.workers import worker_processes

    settings.EXPORT_ROOT = Path(tempfile.mkdtemp(prefix="export-bench-"))
    settings.EXPORT_CHUNK_ROWS = chunk_rows
    app.conf.task_always_eager = False
    exporter = make_exporter(name, batch_id, region)
    started = time.perf_counter()
    exporter.write(settings.EXPORT_ROOT / "one-process.xlsx")
    figures: dict = {"export": name, "chunk_rows": chunk_rows,
                     "one_process_s": round(time.perf_counter() - started, 2)}
    reference = cells_digest(settings.EXPORT_ROOT / "one-process.xlsx")
    for count in counts:
        with worker_processes(count, settings.EXPORT_ROOT / "logs", prefix=f"e{count}w") as names:
            job = job_create(kind="export", title=f"导出：{exporter.title}", created_by=exporter.user,
                             total=exporter.count(), params={"exporter": exporter.path(), "params": exporter.params})
            started = time.perf_counter()
            run = export_run_start(job_id=job.pk)
            while not job.finished:
                time.sleep(0.1)
                job.refresh_from_db()
            seconds = time.perf_counter() - started
            if job.status != "done":
                raise RuntimeError(f"export job {job.pk} failed: {job.message}")
            used = set(run.chunks.values_list("worker", flat=True))
            figures[count] = {"seconds": round(seconds, 2), "rows": job.result["rows"], "chunks": run.chunk_count,
                              "workers_used": len(used & set(names)),
                              "equal": cells_digest(settings.EXPORT_ROOT / job.result_file) == reference}
            print(f"{name} on {count} worker(s): {figures[count]['seconds']} s, {run.chunk_count} chunks, "
                  f"{figures[count]['workers_used']} worker(s) used, same cells as one process: "
                  f"{figures[count]['equal']}", flush=True)
    low, high = counts[0], counts[-1]
    figures["speedup"] = round(figures[low]["seconds"] / figures[high]["seconds"], 2)
    print(f"{name}: {high} worker(s) over {low}: {figures['speedup']}×", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each export; the median is reported")
    parser.add_argument("--workers", type=int, action="append", help="also time the province's queue written in "
                        "chunks on this many worker processes (repeatable, e.g. --workers 1 --workers 2)")
    parser.add_argument("--chunk-rows", type=int, default=20_000, help="rows per chunk with --workers")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--region", help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_postgresql()
    if args.child:
        child(args.child, args.batch, args.region)
        return
    setup_django()
    prepare_database()
    from review_list import bench_batch, busiest_county

    batch = bench_batch(args.applications)
    county = busiest_county(batch)
    regions = {"province": "420000", "city": county[:4] + "00"}
    figures: dict = {"load_average": round(os.getloadavg()[0], 2)}
    for name, (_, role, _) in EXPORTERS.items():
        runs = sorted((run_child(name, batch.pk, regions[role]) for _ in range(args.repeat)),
                      key=lambda r: r["rows_per_s"])
        result = {**runs[len(runs) // 2], "rows_per_s_runs": [r["rows_per_s"] for r in runs]}
        figures[name] = result
        print(f"{name:24s} {result['rows']:7d} rows  {result['seconds']:6.1f} s  {result['rows_per_s']:6d} rows/s  "
              f"(CPU {result['cpu_seconds']:5.1f} s, {result['rows_per_cpu_s']:6d} rows per CPU second)  "
              f"peak {result['peak_rss_mb']:4d} MB  file {result['file_mb']} MB  "
              f"runs {result['rows_per_s_runs']}", flush=True)
    if args.workers:
        if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
            sys.exit("--workers needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<your db>.")
        figures["fanned_out"] = fanned_out("queue_all", batch.pk, regions["province"],
                                           sorted(args.workers), args.chunk_rows)
    figures["target_rows_per_s"], figures["target_peak_mb"] = 5000, 300
    figures["within_targets"] = all(f["rows_per_s"] >= 5000 and f["peak_rss_mb"] <= 300
                                    for k, f in figures.items() if isinstance(f, dict) and k != "fanned_out")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
