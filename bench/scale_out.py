#!/usr/bin/env python
"""Batch work scaled out over real Celery worker processes: scoring and matching with 1, then 2 workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        python bench/scale_out.py                     # 100,000 applications; 20,000 × 200,000 (+ two smaller)
    … python bench/scale_out.py --applications 20000 --sizes 1000x10000 --sizes 2000x20000 --sizes 5000x50000

Each worker is its own process (``celery worker --pool prefork --concurrency 1``) on the Redis broker and this
PostgreSQL database, sharing the export volume (stored index, chunk files) with this process. Timed:

* scoring a batch of generated applications (``pool.loadgen``) from nothing: ``batch_score_fanout``, chunks of
  ``--score-chunk`` applications, until the run has finished;
* a full matching run over generated demands and patents (``bench/match_corpus.py``'s realistic catalogue:
  Zipfian vocabulary, development-set lengths and IPC spread; tokens stored as at import), from no stored matches:
  the index is built once before the timing (its build time is printed: a new catalogue version pays it once),
  then the run's two stages of chunks on the workers — demand chunks (match and store each demand's list) and patent
  chunks (rank each patent's list, write the new rows) — and the finish. Printed apart: the wall time of the
  demand stage (``chunks_s``) and after it (``finish_s``: the patent stage and the finish), the chunk work of each
  stage in worker-seconds, and the serial rest (``serial_s``: wall time less the chunk work spread evenly over the
  workers used — the start, the finishes, the dispatch, any unevenness).

The results of the 2-worker runs are compared with those of the 1-worker runs (a digest of every evaluation and of
every stored match). The smaller matching sizes run with the most workers only; with the largest they give the
projection to 100,000 demands × 1,000,000 patents as serial + chunk work / N: chunk work per demand as a power of
the catalogue size, the serial rest in proportion to the demands, the index build as a power of the patents (before
the run; from sizes whose index this bench built); it prints the workers needed for ≤ 10 minutes and the time with
1, 2, 4, … workers.
Before each timed run the previous results are deleted and the tables it touches vacuumed and analysed, as
autovacuum would in service (it is off on the bench's server; without it the 2-worker runs, which come after the
1-worker ones, would write into tables and indexes full of dead rows). Generated data stays in the database for the
next run (``--fresh`` regenerates). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, prepare_database, require_postgresql, setup_django  # noqa: E402

BATCH_NAME = "扩展测评批次"
MARK = "SCALE-"
TARGET_SECONDS = 600


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ------------------------------------------------------------------------------------------------------- data
def scoring_batch(count: int, fresh: bool):
    from pool.loadgen import generate_applications, load_batch, purge_generated
    from pool.models import Batch
    from pool.services.batch_scoring import scorable

    batch = Batch.objects.filter(name=BATCH_NAME).select_related("criteria_set").first()
    if batch is not None and (fresh or scorable(batch).count() != count):
        purge_generated(batch=batch)
        batch.delete()
        batch = None
    if batch is None:
        batch = load_batch(None, "420000")
        batch.name = BATCH_NAME
        batch.save(update_fields=["name"])
        started = time.perf_counter()
        generate_applications(batch=batch, count=count, seed=20261203)
        print(f"generated {count} applications in {time.perf_counter() - started:.0f} s", flush=True)
    return batch


def matching_data(demands: int, patents: int, fresh: bool) -> None:
    """At least ``demands`` demands and ``patents`` patents of the bench's own organisation."""
    from decimal import Decimal

    from match_corpus import OFFERS, RealisticCorpus

    from matching.choices import CooperationMode, HolderType, LegalStatus, OfferType, PatentType
    from matching.engine.index import TITLE_END
    from matching.models import Demand, SupplyPatent
    from matching.services.engine import tokens_version
    from portal.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(kind="supplier", name="扩展测评技术转移中心",
                                                         defaults={"region_id": "420200"})
    mine_p = SupplyPatent.objects.filter(supplier=organisation)
    mine_d = Demand.objects.filter(enterprise=organisation)
    if fresh:
        raw("DELETE FROM matching_match")
        mine_p.delete()
        mine_d.delete()
    have_p, have_d = mine_p.count(), mine_d.count()
    if have_p >= patents and have_d >= demands:
        return
    started = time.perf_counter()
    generator = RealisticCorpus(patents, seed=have_p + have_d + 11)
    offer = {label: value for value, label in OfferType.choices}
    mode = {label: value for value, label in CooperationMode.choices}
    version = tokens_version()
    assert set(OFFERS) <= set(offer)
    for start in range(have_p, patents, 20_000):
        docs = generator.patents(min(20_000, patents - start))
        SupplyPatent.objects.bulk_create([SupplyPatent(
            application_no=f"S{start + i:011d}", external_id=f"{MARK}{start + i}", patent_type=PatentType.INVENTION,
            title=" ".join(doc.tokens[:doc.tokens.index(TITLE_END)])[:300] or "测评专利", abstract="", ipc_main=doc.ipc_codes[0] if doc.ipc_codes else "",
            ipc_other=";".join(doc.ipc_codes[1:])[:200], holder_name=organisation.name,
            holder_type=HolderType.UNIVERSITY, supplier=organisation, region_id=doc.region_code,
            legal_status=LegalStatus.VALID, offer_type=offer[doc.offer_type], price=doc.price,
            industry_chain=doc.industry_chain, tokens=list(doc.tokens), tokens_version=version)
            for i, doc in enumerate(docs)], batch_size=2000)
    for start in range(have_d, demands, 20_000):
        docs = generator.demands(min(20_000, demands - start))
        Demand.objects.bulk_create([Demand(
            enterprise=organisation, region_id=doc.region_code, reference=f"{MARK}{start + i}", title=doc.title,
            description=doc.description, industry_field=doc.industry_field, industry_chain=doc.industry_field,
            budget=doc.budget or Decimal(0), cooperation_mode=mode[doc.cooperation_mode])
            for i, doc in enumerate(docs)], batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE matching_supplypatent")
        cursor.execute("VACUUM ANALYZE matching_demand")
    print(f"generated patents and demands up to {patents} × {demands} in {time.perf_counter() - started:.0f} s",
          flush=True)


def select_size(demands: int, patents: int) -> None:
    """The first ``patents`` patents are matchable and the first ``demands`` demands open; the rest are not."""
    from matching.models import Demand, SupplyPatent

    SupplyPatent.objects.update(is_listed=False)
    SupplyPatent.objects.filter(pk__in=SupplyPatent.objects.order_by("pk").values("pk")[:patents]).update(
        is_listed=True)
    Demand.objects.update(is_open=False)
    Demand.objects.filter(pk__in=Demand.objects.order_by("pk").values("pk")[:demands]).update(is_open=True)


# ---------------------------------------------------------------------------------------------------- timing
def wait(job, seconds: float = 7200):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            if job.status != "done":
                raise RuntimeError(f"job {job.pk} failed: {job.message}")
            return job
        time.sleep(0.25)
    raise RuntimeError(f"job {job.pk} not finished after {seconds} s")


def raw(sql: str, params=()) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def vacuum(*tables: str) -> None:
    """What autovacuum does in service (it is off on the bench's server): without it every run after the first
    writes into tables and indexes full of the rows the previous run deleted or updated, and the planner
    estimates from stale statistics."""
    raw(f"VACUUM ANALYZE {', '.join(tables)}")


def digest(sql: str, params=()) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, value = cursor.fetchone()
    return f"{count}:{value}"


def scoring_digest(batch) -> str:
    return digest("SELECT count(*), md5(string_agg(concat_ws('|', e.application_id, e.criteria_set_id, e.verdict, "
                  "e.score, e.results::text, e.input_hash), ',' ORDER BY e.application_id)) FROM pool_evaluation e "
                  "JOIN pool_application a ON a.id = e.application_id WHERE a.batch_id = %s", [batch.pk])


def matching_digest() -> str:
    return digest("SELECT count(*), md5(string_agg(concat_ws('|', demand_id, patent_id, score, rank, patent_rank), "
                  "',' ORDER BY demand_id, patent_id)) FROM matching_match")


def phases(fanout_run, started: float, job) -> dict:
    """Wall seconds end to end, of the first stage (start → its last chunk claims the finish) and after it; the
    chunk work in worker-seconds (summed over every chunk of both stages of a matching run) and what remains of the
    wall time when that work is spread evenly over the workers used (``serial_s``: the start, the finishes, the
    dispatch and any unevenness — what more workers do not shrink)."""
    from django.db.models import F, Sum

    from portal.models import FanoutRun

    fanout_run.refresh_from_db()
    stages = [fanout_run]
    matching_run = fanout_run.params.get("matching_run")
    if matching_run is not None:
        stages += list(FanoutRun.objects.filter(params__patent_lists_of=matching_run))

    def work(stage) -> float:
        total = stage.chunks.aggregate(work=Sum(F("finished_at") - F("started_at")))["work"]
        return total.total_seconds() if total else 0.0

    claimed, ended = fanout_run.finished_at.timestamp(), job.finished_at.timestamp()
    works = [work(stage) for stage in stages]
    workers = len({w for stage in stages for w in stage.chunks.values_list("worker", flat=True)})
    seconds = ended - started
    return {"seconds": round(seconds, 1), "chunks_s": round(claimed - started, 1),
            "finish_s": round(ended - claimed, 1), "chunk_work_s": round(sum(works), 1),
            "demand_work_s": round(works[0], 1), "patent_work_s": round(sum(works[1:]), 1),
            "serial_s": round(max(seconds - sum(works) / max(workers, 1), 0.0), 1),
            "workers_used": workers, "chunk_count": sum(stage.chunk_count for stage in stages)}


def time_scoring(batch, chunk: int) -> dict:
    from pool.services.batch_scoring import batch_score_fanout
    from portal.services.jobs import job_create

    raw("DELETE FROM pool_evaluation e USING pool_application a WHERE a.id = e.application_id AND a.batch_id = %s",
        [batch.pk])
    vacuum("pool_evaluation")
    job = job_create(kind="pool.score_batch", title="扩展测评：批量评分")
    started = time.time()
    run = batch_score_fanout(batch=batch, job_id=job.pk, chunk_size=chunk)
    figures = phases(run, started, wait(job))
    figures.update(applications=run.total, per_s=round(run.total / figures["seconds"], 1),
                   digest=scoring_digest(batch), load=load())
    return figures


def build_index() -> dict:
    from matching.models import MatchingPolicy
    from matching.services.shared_index import index_fingerprint, index_root, shared_index

    policy = MatchingPolicy.current()
    directory = index_root() / index_fingerprint(policy)
    built = not directory.exists()
    started = time.perf_counter()
    _, engine = shared_index(policy)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in directory.iterdir())
    return {"index_s": round(seconds, 1), "index_built": built, "index_mb": round(size / 2**20),
            "patents": len(engine.patent_ids)}


def time_matching(chunk: int) -> dict:
    from matching.models import Match, MatchingRun
    from matching.services import runs
    from matching.services.fanout import fanout_for
    from portal.services.jobs import job_create

    raw("DELETE FROM matching_match")
    vacuum("matching_match", "matching_matchcandidate", "matching_supplypatent", "matching_demand")
    job = job_create(kind="matching", title="扩展测评：全量匹配")
    run = MatchingRun.objects.create(kind="full", job=job)
    started = time.time()
    runs.matching_run_execute(run_id=run.pk, chunk_size=chunk)
    figures = phases(fanout_for(run), started, wait(job))
    run.refresh_from_db()
    figures.update(demands=run.demand_count, stored=Match.objects.count(), digest=matching_digest(), load=load())
    return figures


# ------------------------------------------------------------------------------------------------ projection
def fit_power(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """y = c · x^g by least squares in log space."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    g = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den if den else 1.0
    return math.exp(my - g * mx), g


def project(measured: list[dict], demands: int = 100_000, patents: int = 1_000_000) -> dict:
    """Wall time with N workers ≈ serial rest + chunk work / N. The chunk work per demand (both stages) as a power
    of the catalogue size; the serial rest in proportion to the demands from the largest size (an upper bound: the
    start and the finishes read ids and sum counts, and small measured rests are mostly noise, which a fitted power
    would extrapolate to nothing); the index build (once per catalogue version, before the run) as a power of the
    patents, from the sizes whose index was built during this bench (not when it was found stored)."""
    per_demand_c, per_demand_g = fit_power([m["patents"] for m in measured],
                                           [m["chunk_work_s"] / m["demands"] for m in measured])
    work = demands * per_demand_c * patents ** per_demand_g
    largest = max(measured, key=lambda m: m["demands"])
    serial = largest["serial_s"] * demands / largest["demands"]
    built = [m for m in measured if m.get("index_built")]
    index = None
    if len(built) >= 2:
        index_c, index_g = fit_power([m["patents"] for m in built], [m["index_s"] for m in built])
        index = round(index_c * patents ** index_g)
    budget = TARGET_SECONDS - serial
    workers = math.ceil(work / budget) if budget > 0 else None
    return {"demands": demands, "patents": patents, "chunk_work_s": round(work), "index_s": index,
            "serial_s": round(serial), "per_demand_exponent": round(per_demand_g, 2), "workers_for_10_min": workers,
            "seconds_with": {n: round(serial + work / n) for n in (1, 2, 4, 8, 16, 32) if n <= 2 * (workers or 32)}}


# ------------------------------------------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--sizes", action="append", help="DEMANDSxPATENTS, repeatable; the largest is timed with "
                        "every worker count, the others with the most workers (default 2000x20000, 5000x50000, "
                        "20000x200000)")
    parser.add_argument("--workers", type=int, action="append", help="worker counts (default 1 and 2)")
    parser.add_argument("--score-chunk", type=int, default=5000)
    parser.add_argument("--demand-chunk", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--skip-scoring", action="store_true")
    options = parser.parse_args()
    sizes = sorted(tuple(int(x) for x in s.lower().split("x")) for s in (options.sizes or
                   ["2000x20000", "5000x50000", "20000x200000"]))
    counts = sorted(options.workers or [1, 2])
    require_postgresql()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        sys.exit("This benchmark needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<your db>.")
    setup_django()
    prepare_database()
    from django.conf import settings

    from portal.celery import app

    sys.path.insert(0, str(ROOT))
    from tests.scale.workers import worker_processes

    settings.EXPORT_ROOT = Path(os.environ.get("SCALE_BENCH_VOLUME") or tempfile.mkdtemp(prefix="scale-bench-"))
    app.conf.task_always_eager = False
    print(f"load average at start: {load()} on {os.cpu_count()} cores; volume {settings.EXPORT_ROOT}", flush=True)

    batch = None if options.skip_scoring else scoring_batch(options.applications, options.fresh)
    largest = sizes[-1]
    matching_data(max(d for d, _ in sizes), max(p for _, p in sizes), options.fresh)
    indexes = {}
    for size in sizes:  # built once per catalogue version, before any timing
        select_size(*size)
        indexes[size] = build_index()
        print(f"index {size[0]}×{size[1]}: {indexes[size]}", flush=True)

    results: dict = {"scoring": {}, "matching": {}, "sizes": []}
    for count in counts:
        with worker_processes(count, settings.EXPORT_ROOT / "logs", prefix=f"b{count}w") as names:
            print(f"--- {count} worker process(es): {', '.join(names)}", flush=True)
            if batch is not None:
                figures = time_scoring(batch, options.score_chunk)
                results["scoring"][count] = figures
                print(f"scoring {figures['applications']} applications: {figures['seconds']} s "
                      f"({figures['per_s']}/s; chunks {figures['chunks_s']} s, finish {figures['finish_s']} s, "
                      f"{figures['workers_used']} worker(s) used), load {figures['load']}", flush=True)
            for size in sizes if count == counts[-1] else [largest]:
                select_size(*size)
                figures = time_matching(options.demand_chunk) | indexes[size]
                print(f"matching {size[0]} × {size[1]}: {figures['seconds']} s (demand stage {figures['chunks_s']} s, "
                      f"then {figures['finish_s']} s; chunk work {figures['demand_work_s']} + "
                      f"{figures['patent_work_s']} worker-s; serial rest {figures['serial_s']} s; "
                      f"{figures['workers_used']} worker(s) used; {figures['stored']} matches stored), "
                      f"load {figures['load']}", flush=True)
                if size == largest:
                    results["matching"][count] = figures
                if count == counts[-1]:
                    results["sizes"].append(figures)

    low, high = counts[0], counts[-1]
    summary: dict = {"workers": counts, "cores": os.cpu_count(), "load_end": load()}
    if results["scoring"]:
        a, b = results["scoring"][low], results["scoring"][high]
        summary["scoring"] = {"applications": a["applications"], f"seconds_{low}": a["seconds"],
                              f"seconds_{high}": b["seconds"], "speedup": round(a["seconds"] / b["seconds"], 2),
                              "equal": a["digest"] == b["digest"], "load": [a["load"], b["load"]]}
        print(f"scoring speed-up {high} over {low} worker(s): {summary['scoring']['speedup']}× "
              f"(results equal: {summary['scoring']['equal']})")
    a, b = results["matching"][low], results["matching"][high]
    summary["matching"] = {"demands": a["demands"], "patents": a["patents"], f"seconds_{low}": a["seconds"],
                           f"seconds_{high}": b["seconds"], "speedup": round(a["seconds"] / b["seconds"], 2),
                           f"chunks_s_{low}": a["chunks_s"], f"chunks_s_{high}": b["chunks_s"],
                           "chunks_speedup": round(a["chunks_s"] / b["chunks_s"], 2) if b["chunks_s"] else None,
                           "finish_s": [a["finish_s"], b["finish_s"]], "serial_s": [a["serial_s"], b["serial_s"]],
                           "chunk_work_s": [a["chunk_work_s"], b["chunk_work_s"]], "index_s": a["index_s"],
                           "equal": a["digest"] == b["digest"], "load": [a["load"], b["load"]]}
    print(f"matching speed-up {high} over {low} worker(s): {summary['matching']['speedup']}× end to end, "
          f"{summary['matching']['chunks_speedup']}× for the demand stage "
          f"(results equal: {summary['matching']['equal']})")
    if len(results["sizes"]) >= 3:
        summary["projection"] = project(results["sizes"])
        p = summary["projection"]
        print(f"projection 100,000 × 1,000,000: chunk work ≈ {p['chunk_work_s']} worker-seconds (both stages), "
              f"serial rest ≈ {p['serial_s']} s, index build ≈ {p['index_s'] or '(not measured: found stored)'} s "
              f"(once per catalogue version, before the run): {p['workers_for_10_min'] or 'no number of'} worker processes for ≤ "
              f"{TARGET_SECONDS // 60} minutes end to end; seconds with N workers: {p['seconds_with']}")
    summary["measured_sizes"] = [{k: m[k] for k in ("demands", "patents", "seconds", "chunks_s", "finish_s",
                                                    "chunk_work_s", "demand_work_s", "patent_work_s", "serial_s",
                                                    "workers_used", "index_s", "index_built", "load")} for m in results["sizes"]]
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
