#!/usr/bin/env python
"""What-if on PostgreSQL: a draft criteria set (R&D share lowered from 10 % to 8 %) simulated against a batch of
generated applications — every application evaluated under the published set and the draft, differences
stored, no verdict written.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> \
        python bench/what_if.py
    DATABASE_URL=… python bench/what_if.py --applications 100000 --small 10000 --workers 1   # no Redis needed

For each size a fresh batch is generated (``pool.loadgen``), scored once (so the batch looks as in production),
then simulated by ``pool.services.what_if.simulation`` — the service the Celery task ``pool.tasks.run_simulation``
runs, a fanned-out run whose chunks ``--workers`` real Celery worker processes take (2 by default; with 1, the
chunks run in the measuring process itself). Printed per size: seconds, applications/s, changed applications, peak RSS, and a
check that the applications' verdict columns and stored evaluations are the same before and after. The target:
100,000 applications within the scoring target (≤ 60 s). The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, cpu_seconds, peak_rss_mb, prepare_database, require_postgresql, setup_django  # noqa: E402
from score_batch import child_of, generate, purge, score  # noqa: E402


def fingerprint(batch_id: int) -> str:
    """What the simulation must leave as it was: the verdict columns and the stored evaluations."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(a.id || ':' || coalesce(a.verdict, '') || ':' || coalesce(a.score::text, '') "
            "|| ':' || coalesce(e.input_hash, ''), ',' ORDER BY a.id)) FROM pool_application a "
            "LEFT JOIN pool_evaluation e ON e.application_id = a.id WHERE a.batch_id = %s", [batch_id])
        return cursor.fetchone()[0]


@contextlib.contextmanager
def simulation_workers(count: int):
    """``count`` real Celery worker processes on the Redis broker for the simulation's chunks (more than one);
    with one, the chunks run in this process, eagerly."""
    from django.conf import settings

    from portal.celery import app

    if count <= 1:
        app.conf.task_always_eager = True  # even with a broker configured: no worker is started to take them
        yield
        return

    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        sys.exit("More than one worker needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<your db>.")
    sys.path.insert(0, str(ROOT))
    from tests.scale.workers import worker_processes

    settings.EXPORT_ROOT = Path(tempfile.mkdtemp(prefix="what-if-bench-"))
    app.conf.task_always_eager = False
    with worker_processes(count, settings.EXPORT_ROOT / "logs", prefix="whatif"):
        yield


def finished(simulation_id: int, seconds: float = 3600):
    from pool.models import Simulation

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        simulation = Simulation.objects.get(pk=simulation_id)
        if simulation.status in ("done", "failed"):
            return simulation
        time.sleep(0.25)
    raise RuntimeError(f"simulation {simulation_id} not finished after {seconds} s")


def simulate(batch_id: int, workers: int) -> dict:
    from pool.models import Batch
    from pool.services.what_if.drafts import draft_create, draft_update
    from pool.services.what_if.simulation import simulation_start
    from portal.models import Organisation, User

    batch = Batch.objects.select_related("criteria_set").get(pk=batch_id)
    bureau, _ = Organisation.objects.get_or_create(kind="province", name="省知识产权局（测算用）", region_id="420000")
    province, _ = User.objects.get_or_create(username="bench_province", defaults={"organisation": bureau})
    draft = draft_create(user=province, base=batch.criteria_set)
    draft = draft_update(user=province, draft=draft, name="研发投入比例下调至 8%",
                         parameters={**draft.parameters, "rnd_ratio_min": "0.08"}, weights=draft.weights)
    before = fingerprint(batch_id)
    with simulation_workers(workers):
        cpu, started = cpu_seconds(), time.perf_counter()
        simulation = simulation_start(user=province, draft=draft, batch=batch)  # eager (1 worker): runs here
        simulation = finished(simulation.pk)
        seconds = time.perf_counter() - started
    return {"status": simulation.status, "applications": simulation.application_count,
            "changed": simulation.changed_count, "verdict_changes": simulation.summary.get("verdict_changes"),
            "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1),
            "worker_cpu_seconds": round(cpu_seconds(children=True), 1), "peak_rss_mb": peak_rss_mb(),
            "nothing_written": fingerprint(batch_id) == before}


def run_size(count: int, options) -> dict:
    made = child_of(__file__, ["--phase", "generate", "--applications", str(count), "--seed", str(options.seed)])
    child_of(__file__, ["--phase", "score", "--batch", str(made["batch"])])
    result = child_of(__file__, ["--phase", "simulate", "--batch", str(made["batch"]),
                                 "--workers", str(options.workers)])
    if not options.keep:
        child_of(__file__, ["--phase", "purge", "--batch", str(made["batch"])])
    per_second = round(result["applications"] / result["seconds"]) if result["seconds"] else 0
    print(f"{count:>7} applications: simulated {result['applications']} in {result['seconds']} s = {per_second}/s "
          f"(CPU s: main {result['cpu_seconds']}, workers {result['worker_cpu_seconds']}), peak RSS "
          f"{result['peak_rss_mb']} MB; {result['verdict_changes']} verdicts change, {result['changed']} applications "
          f"differ; verdicts and evaluations untouched: {result['nothing_written']}", flush=True)
    return result | {"per_second": per_second}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="a smaller size run first (0 to skip)")
    parser.add_argument("--workers", type=int, default=2,
                        help="Celery worker processes taking the chunks (needs CELERY_BROKER_URL=redis://…; 1 = all "
                             "in this process)")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--phase", choices=["generate", "score", "simulate", "purge"], help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    require_postgresql()
    setup_django()
    if options.phase == "generate":
        print(json.dumps(generate(options.applications, options.seed)))
    elif options.phase == "score":
        print(json.dumps(score(options.batch, 2, 2000)))
    elif options.phase == "simulate":
        print(json.dumps(simulate(options.batch, options.workers)))
    elif options.phase == "purge":
        from pool.models import CriteriaDraft, Simulation

        Simulation.objects.filter(batch_id=options.batch).delete()
        CriteriaDraft.objects.filter(simulations__isnull=True, status="draft").delete()
        purge(options.batch)
        print("{}")
    else:
        prepare_database()
        sizes = [n for n in (options.small, options.applications) if n]
        runs = {n: run_size(n, options) for n in dict.fromkeys(sizes)}
        big = runs[options.applications]
        figures = {"applications": options.applications, "seconds": big["seconds"], "per_second": big["per_second"],
                   "peak_rss_mb": big["peak_rss_mb"], "changed": big["changed"],
                   "verdict_changes": big["verdict_changes"], "nothing_written": big["nothing_written"],
                   "workers": options.workers, "target_seconds": 60}
        if options.small and options.small in runs:
            figures |= {"small_applications": options.small, "small_seconds": runs[options.small]["seconds"]}
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
