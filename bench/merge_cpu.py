#!/usr/bin/env python
"""CPU seconds of a fanned-out full matching run, stage by stage, in this one process (eager), on PostgreSQL:
what the workers share (the demand chunks, the patent chunks) and what one process does alone (the start, the
finishes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        python bench/merge_cpu.py --size 5000x50000 [--rerun]

CPU time (user + system) of this process and of its PostgreSQL backend, read around each chunk and finish,
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
    PARTS = ("start", "demand_chunks", "patent_chunks", "finish")

    def __init__(self):
        self.totals = {name: [0.0, 0.0, 0.0] for name in self.PARTS}
        self.inner: list[list[float]] = []

    def wrap(self, name: str, fn):
        """``fn`` measured into ``name``, less what the measured calls inside it took (in eager mode the start runs
        the chunks, and the demand stage's finish runs the patent stage)."""
        def measured(*args, **kwargs):
            self.inner.append([0.0, 0.0, 0.0])
            start = (cpu_seconds(), database_cpu_seconds() or 0.0, time.perf_counter())
            try:
                return fn(*args, **kwargs)
            finally:
                end = (cpu_seconds(), database_cpu_seconds() or 0.0, time.perf_counter())
                spent = [b - a for a, b in zip(start, end, strict=True)]
                inner = self.inner.pop()
                total = self.totals[name]
                for i in range(3):
                    total[i] += spent[i] - inner[i]
                    if self.inner:
                        self.inner[-1][i] += spent[i]
        return measured

    def report(self) -> dict:
        figures = {f"{name}_{kind}": round(value, 1) for name, values in self.totals.items()
                   for kind, value in zip(("cpu_s", "db_cpu_s", "wall_s"), values, strict=True)}
        # What one process does alone, whatever the workers: the start and the finishes.
        figures["serial_cpu_s"] = round(sum(self.totals[n][0] + self.totals[n][1] for n in ("start", "finish")), 1)
        return figures


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

    from matching.services import fanout

    matching_data(demands, patents, False)
    select_size(demands, patents)
    print(f"index: {build_index()}", flush=True)
    meter = Meter()
    fanout.matching_fanout_start = meter.wrap("start", fanout.matching_fanout_start)
    fanout.MatchingFanout.chunk = meter.wrap("demand_chunks", fanout.MatchingFanout.chunk)
    fanout.MatchingFanout.finish = meter.wrap("finish", fanout.MatchingFanout.finish)
    second = getattr(fanout, "PatentListsFanout", None)  # the second stage (absent before it existed)
    if second is not None:
        second.chunk = meter.wrap("patent_chunks", second.chunk)
        second.finish = meter.wrap("finish", second.finish)
    raw("DELETE FROM matching_match")
    result = {"demands": demands, "patents": patents, "first": timed_run(meter)}
    print(f"first run: {result['first']}", flush=True)
    if options.rerun:
        meter.totals = Meter().totals
        raw("VACUUM ANALYZE matching_match")
        result["rerun"] = timed_run(meter)
        print(f"second run: {result['rerun']}", flush=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
