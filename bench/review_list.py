#!/usr/bin/env python
"""Server time of the review lists on PostgreSQL with 100,000 generated applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/review_list.py
    DATABASE_URL=… python bench/review_list.py --applications 100000 --requests 60

A batch holding at least ``--applications`` submitted, scored applications is reused, or generated
(``pool.loadgen``, the generator behind ``manage.py generate_load_data``) and scored once. Each URL is requested
``--requests`` times in-process through the whole Django stack (middleware, session, scoping, FilterSet,
template or serializer) after two warm-up requests; the time is the server's time for the request (wall
clock, and the Python process's CPU time, which a busy machine inflates less). Reviewers:
the county with the most applications (its queue), its city and the province (ranked lists, whole-province
queue). Target: p95 of the 50-row queue page and API page ≤ 100 ms.

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# Measured as deployed: DEBUG off (no query log, production template settings).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
from _setup import prepare_database, require_postgresql, setup_django  # noqa: E402


def bench_batch(count: int):
    """The batch of generated applications (created and scored the first time)."""
    from django.db import connection
    from django.db.models import Count

    from pool.loadgen import generate_applications
    from pool.management.commands.generate_load_data import load_batch
    from pool.models import Application, Batch
    from pool.services.batch_scoring import batch_score

    sizes = dict(Application.objects.values_list("batch").annotate(n=Count("pk")))
    batch_id = next((pk for pk, n in sorted(sizes.items(), key=lambda kv: -kv[1]) if n >= count), None)
    if batch_id is not None:
        with connection.cursor() as cursor:  # a scoring run leaves dead row versions behind
            cursor.execute("VACUUM ANALYZE pool_application")
        return Batch.objects.select_related("criteria_set").get(pk=batch_id)
    batch = load_batch(None, "420000")
    print(f"generating {count} applications …", flush=True)
    generate_applications(batch=batch, count=count)
    batch_score(batch=batch, workers=2)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE pool_application")
    return batch


def reviewer(role: str, region: str):
    from portal.models import Organisation, User

    organisation, _ = Organisation.objects.get_or_create(kind=role, region_id=region,
                                                         defaults={"name": f"压测{role}{region}"})
    user, _ = User.objects.get_or_create(username=f"bench_{role}_{region}", defaults={"organisation": organisation})
    return user


def busiest_county(batch) -> str:
    from django.db.models import Count

    from pool.models import Application

    row = (Application.objects.filter(batch=batch).values("region_id").annotate(n=Count("pk")).order_by("-n")
           .first())
    return row["region_id"]


def timed(client, url: str, requests: int) -> dict:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1),
            "python_cpu_ms": round(statistics.median(cpu), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    require_postgresql()
    setup_django()
    prepare_database()
    from django.test import Client

    from pool.models import Application

    batch = bench_batch(args.applications)
    total = Application.objects.filter(batch=batch).count()
    county = busiest_county(batch)
    people = {"county": reviewer("county", county), "city": reviewer("city", county[:4] + "00"),
              "province": reviewer("province", "420000")}
    b = batch.pk
    cases = [
        ("county", "queue_page", f"/pool/review/?status=submitted&batch={b}"),
        ("county", "queue_api", f"/api/pool/review/?status=submitted&batch={b}"),
        ("county", "queue_page_by_score", f"/pool/review/?status=&batch={b}&ordering=-score"),
        ("county", "queue_page_keyword", f"/pool/review/?status=submitted&q=%E7%A7%91%E6%8A%80&batch={b}"),
        ("city", "queue_page", f"/pool/review/?status=submitted&batch={b}"),
        ("city", "ranking_page", f"/pool/ranking/?status=&batch={b}"),
        ("city", "ranking_api", f"/api/pool/ranking/?batch={b}"),
        ("province", "queue_page", f"/pool/review/?status=submitted&batch={b}"),
        ("province", "queue_api", f"/api/pool/review/?status=submitted&batch={b}&page=20"),
        ("province", "ranking_page", f"/pool/ranking/?status=&batch={b}"),
    ]
    figures: dict = {"applications": total, "county": county, "requests": args.requests,
                     "load_average": round(os.getloadavg()[0], 2)}
    for role, name, url in cases:
        client = Client()
        client.force_login(people[role])
        result = timed(client, url, args.requests)
        figures[f"{role}_{name}"] = result
        print(f"{role:9s} {name:22s} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
              f"max {result['max_ms']:7.1f} ms  cpu {result['python_cpu_ms']:5.1f} ms   {url}", flush=True)
    figures["target_p95_ms"] = 100
    figures["county_queue_within_target"] = max(figures["county_queue_page"]["p95_ms"],
                                                figures["county_queue_api"]["p95_ms"]) <= 100
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
