#!/usr/bin/env python
"""CPU seconds of a fanned-out full matching run, chunks and finish apart, in this one process (eager), on
PostgreSQL: what the workers share (the chunks) and what one process does after them (the finish).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        python bench/merge_cpu.py --size 5000x50000 [--rerun]

CPU time (user + system) of this process and of its PostgreSQL backend, read around each chunk and the finish,
so the figures hold on a busy machine; wall seconds beside them. The data is bench/scale_out.py's (generated there,
or here when missing). ``--rerun`` times a second run over the stored matches (the nightly case) after the first.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import cpu_seconds, database_cpu_seconds, prepare_database, require_postgresql, setup_django  # noqa: E402


class Meter:
    def __init__(self):
        self.totals = {"chunks": [0.0, 0.0, 0.0], "finish": [0.0, 0.0, 0.0]}

    def wrap(self, name: str, fn):
        def measured(*args, **kwargs):
            cpu, db, wall = cpu_seconds(), database_cpu_seconds() or 0.0, time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                total = self.totals[name]
                total[0] += cpu_seconds() - cpu
                total[1] += (database_cpu_seconds() or 0.0) - db
                total[2] += time.perf_counter() - wall
        return measured

    def report(self) -> dict:
        return {f"{name}_{kind}": round(value, 1) for name, values in self.totals.items()
                for kind, value in zip(("cpu_s", "db_cpu_s", "wall_s"), values, strict=True)}


def timed_run(meter: Meter) -> dict:
    from matching.models import Match, MatchingRun
    from matching.services import runs

    run = MatchingRun.objects.create(kind="full")
    runs.matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return meter.report() | {"status": run.status, "stored": Match.objects.count(),
                             "created": run.created_count, "updated": run.updated_count,
                             "deleted": run.deleted_count, "load": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="5000x50000", help="DEMANDSxPATENTS")
    parser.add_argument("--rerun", action="store_true")
    options = parser.parse_args()
    demands, patents = (int(x) for x in options.size.lower().split("x"))
    require_postgresql()
    setup_django()
    prepare_database()
    from django.conf import settings

    from portal.celery import app

    settings.EXPORT_ROOT = Path(os.environ.get("SCALE_BENCH_VOLUME") or tempfile.mkdtemp(prefix="merge-cpu-"))
    app.conf.task_always_eager = True
    from scale_out import build_index, matching_data, raw, select_size

    from matching.services.fanout import MatchingFanout

    matching_data(demands, patents, False)
    select_size(demands, patents)
    print(f"index: {build_index()}", flush=True)
    meter = Meter()
    MatchingFanout.chunk = meter.wrap("chunks", MatchingFanout.chunk)
    MatchingFanout.finish = meter.wrap("finish", MatchingFanout.finish)
    raw("DELETE FROM matching_match")
    result = {"demands": demands, "patents": patents, "first": timed_run(meter)}
    print(f"first run: {result['first']}", flush=True)
    if options.rerun:
        meter.totals = Meter().totals
        result["rerun"] = timed_run(meter)
        print(f"second run: {result['rerun']}", flush=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
