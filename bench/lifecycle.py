#!/usr/bin/env python
"""The pool lifecycle on PostgreSQL: the evaluation job over 20,000 members with three years of accepted
monitoring reports each, and the enterprise timeline page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/lifecycle.py
    DATABASE_URL=… python bench/lifecycle.py --members 20000 --chunk 2000 --requests 60

Phases, each in a process of its own (so its peak memory is its own):

* ``generate`` — ``--members`` generated enterprises with an admitted application (``pool.loadgen``), a
  cultivating member each with its baseline, accepted reports of the last three years (figures as the monitoring
  service stores them) and a little misconduct: about 10 % graduate, 20 % are two years in without progress,
  2 % have a misconduct record, the rest progress without graduating;
* ``evaluate`` — ``pool.services.lifecycle.evaluation.lifecycle_evaluate`` over every cultivating member (what
  the Celery task ``pool.tasks.lifecycle_evaluate`` runs), with a progress job; then ``again``: the same run a
  second time, which must open nothing;
* ``timeline`` — p95 of the enterprise timeline page (URL ``pool:membership-detail``) of a member with 200
  events, for its county reviewer (measured only when that page exists);
* ``purge`` — everything generated is deleted unless ``--keep``.

Targets: the evaluation ≤ 20 s and ≤ 300 MB; the timeline page p95 ≤ 100 ms. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
from _setup import cpu_seconds, peak_rss_mb, prepare_database, require_postgresql, setup_django  # noqa: E402

YEARS = 3


def _product(name, *, filing_no="", filed_on=None, sales="1000000.00", profit="200000.00") -> dict:
    return {"name": name, "filing_no": filing_no, "filed_on": filed_on.isoformat() if filed_on else None,
            "recognised": True, "sales": sales, "profit": profit}


def _figures(kind: str, year: int, step: int, admitted_on: date, serial: int) -> dict:
    """One year's figures of a member of ``kind`` (``step`` 0 … YEARS-1, the last is the latest year)."""
    revenue = 10_000_000 + serial
    products = [_product("智能分拣机"), _product("精密夹持机构", sales="500000.00", profit="80000.00")]
    used, counted = 1, 2
    if kind == "progress":
        revenue += 100_000 * (step + 1)
    elif kind == "graduate" and step == YEARS - 1:
        products.append(_product("新型传感模组", filing_no=f"BA{year}42{serial:06d}",
                                 filed_on=admitted_on + timedelta(days=120)))
        used = 2
    return {"year": year, "revenue": f"{revenue}.00", "profit": "1500000.00", "rnd_expense": "600000.00",
            "rate_used": used, "rate_counted": counted, "products": products}


def _kind(serial: int) -> str:
    return {0: "graduate", 1: "stalled", 2: "stalled"}.get(serial % 10, "progress")


def generate(count: int, seed: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from pool.lifecycle.workflow import MembershipStatus
    from pool.loadgen import generate_applications, insert, load_batch, reserve_ids
    from pool.models import (
        Application,
        Membership,
        MisconductRecord,
        MonitoringReport,
        MonitoringStatus,
        ReportingYear,
    )
    from pool.services.lifecycle.policies import current_policy, policy_code_for

    started = time.perf_counter()
    batch = load_batch(None, "420000")
    generate_applications(batch=batch, count=count, seed=seed)
    Application.objects.filter(batch=batch).update(status="admitted")
    today, now = timezone.localdate(), timezone.now()
    policy = current_policy(policy_code_for(batch.criteria_set.code))
    years = []
    for year in range(today.year - YEARS, today.year):
        found, _ = ReportingYear.objects.get_or_create(
            region_id="420000", year=year, defaults={"opens_on": date(year + 1, 1, 1),
                                                     "deadline": date(year + 1, 4, 30), "evaluated_at": now})
        years.append(found)
    rows = list(Application.objects.filter(batch=batch).order_by("pk").values_list(
        "pk", "enterprise_id", "region_id", "enterprise_name", "uscc"))
    chunk = 2000
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        member_ids = reserve_ids(Membership, len(part))
        members, reports, records = [], [], []
        for (app_id, org_id, region, name, uscc), member_id in zip(part, member_ids, strict=True):
            serial = app_id
            kind = _kind(serial)
            admitted_on = today - timedelta(days=(3 * 365 if kind == "stalled" else 400) + serial % 30)
            baseline = _figures("base", admitted_on.year - 1, -1, admitted_on, serial)
            members.append(Membership(
                pk=member_id, enterprise_id=org_id, application_id=app_id, batch_id=batch.pk,
                criteria_set_id=batch.criteria_set_id, policy_code=policy.code, region_id=region,
                enterprise_name=name, uscc=uscc, status=MembershipStatus.CULTIVATING, admitted_on=admitted_on,
                replenishment=False, status_changed_on=admitted_on, baseline=baseline, created_at=now,
                updated_at=now))
            for step, reporting_year in enumerate(years):
                reports.append(MonitoringReport(
                    membership_id=member_id, reporting_year_id=reporting_year.pk, year=reporting_year.year,
                    status=MonitoringStatus.ACCEPTED, data={},
                    figures=_figures(kind, reporting_year.year, step, admitted_on, serial), revision_number=1,
                    submitted_at=now, autosaved_at=now, verified_at=now - timedelta(days=30), comment="",
                    created_at=now, updated_at=now))
            if serial % 50 == 3:
                records.append(MisconductRecord(membership_id=member_id, kind="serious_dishonesty",
                                                known_on=today - timedelta(days=10), source="list",
                                                source_key=f"bench:{serial}", description="压测数据", created_at=now))
        report_ids = reserve_ids(MonitoringReport, len(reports))
        for report, pk in zip(reports, report_ids, strict=True):
            report.pk = report.id = pk
        record_ids = reserve_ids(MisconductRecord, len(records)) if records else []
        for record, pk in zip(records, record_ids, strict=True):
            record.pk = record.id = pk
        with transaction.atomic():
            insert(Membership, members)
            insert(MonitoringReport, reports)
            if records:
                insert(MisconductRecord, records)
    with connection.cursor() as cursor:
        for table in ("pool_membership", "pool_monitoringreport", "pool_misconductrecord", "pool_lifecycleproposal"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"batch": batch.pk, "members": len(rows), "reports": len(rows) * YEARS,
            "generate_seconds": round(time.perf_counter() - started, 1)}


def evaluate(chunk: int) -> dict:
    from pool.services.lifecycle.evaluation import JOB_KIND, lifecycle_evaluate
    from portal.services.jobs import job_create

    job = job_create(kind=JOB_KIND, title="压测：出库退库评估")
    cpu, started = cpu_seconds(), time.perf_counter()
    result = lifecycle_evaluate(job_id=job.pk, trigger="manual", chunk_size=chunk)
    seconds = time.perf_counter() - started
    return {**result, "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds() - cpu, 1),
            "peak_rss_mb": peak_rss_mb()}


# --- the enterprise timeline (another engineer's page: measured when it exists) ---------------------------

def timeline_p95(batch_id: int, requests: int) -> dict:
    """p95 of the timeline page of an enterprise with 200 events (target ≤ 100 ms), for its county reviewer.

    Calls the URL name ``pool:membership-detail`` (the member page with its timeline); when that page does not
    exist yet, reports ``{"skipped": …}`` instead of a figure."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from pool.models import LifecycleProposal, Membership, MisconductRecord
    from pool.services.lifecycle.policies import current_policy
    from portal.models import Organisation, User

    member = Membership.objects.filter(batch_id=batch_id).order_by("pk").first()
    try:
        url = reverse("pool:membership-detail", args=[member.pk])
    except NoReverseMatch:
        return {"skipped": "pool:membership-detail does not exist"}
    today, policy = timezone.localdate(), current_policy(member.policy_code)
    # 200 events: 60 proposals opened and dismissed (120), 77 misconduct records, the 3 reports' acceptances.
    LifecycleProposal.objects.bulk_create([LifecycleProposal(
        membership=member, kind="graduate", status="dismissed", reasons=["new_filed_product"], evidence={},
        explanation="压测", policy=policy, evaluated_on=today, fingerprint=f"bench-timeline-{n}",
        proposed_at=timezone.now(), county_comment="压测") for n in range(60)])
    MisconductRecord.objects.bulk_create([MisconductRecord(
        membership=member, kind="other_violation", known_on=today - timedelta(days=n), source="county",
        source_key=f"bench-timeline-{n}", description="压测") for n in range(77)])
    organisation, _ = Organisation.objects.get_or_create(kind="county", region_id=member.region_id,
                                                         defaults={"name": f"压测县{member.region_id}"})
    user, _ = User.objects.get_or_create(username=f"bench_county_{member.region_id}",
                                         defaults={"organisation": organisation})
    events = None
    try:
        from pool.services.lifecycle.timeline import membership_timeline

        events = len(membership_timeline(membership=member, user=user))
    except ImportError:
        pass
    client = Client()
    client.force_login(user)
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            return {"skipped": f"{url} answered {response.status_code}"}
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return {"url": url, "events": events, "requests": requests, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1)}


def purge(batch_id: int) -> dict:
    from django.db import transaction

    from pool.loadgen import purge_generated
    from pool.models import (
        Appeal,
        Batch,
        LifecycleProposal,
        Membership,
        MisconductRecord,
        MonitoringReport,
        ReplenishmentEntry,
    )

    members = Membership.objects.filter(batch_id=batch_id).values("pk")
    with transaction.atomic():
        for model in (ReplenishmentEntry, Appeal):
            model.objects.filter(membership_id__in=members).delete()
        for model in (LifecycleProposal, MisconductRecord, MonitoringReport):
            model.objects.filter(membership_id__in=members)._raw_delete(model.objects.db)
        Membership.objects.filter(batch_id=batch_id)._raw_delete(Membership.objects.db)
    batch = Batch.objects.get(pk=batch_id)
    purge_generated(batch=batch)
    batch.delete()
    return {}


def child(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--phase", choices=["generate", "evaluate", "timeline", "purge"], help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    require_postgresql()
    setup_django()
    if options.phase == "generate":
        print(json.dumps(generate(options.members, options.seed)))
        return
    if options.phase == "evaluate":
        print(json.dumps(evaluate(options.chunk)))
        return
    if options.phase == "timeline":
        print(json.dumps(timeline_p95(options.batch, options.requests)))
        return
    if options.phase == "purge":
        print(json.dumps(purge(options.batch)))
        return
    prepare_database()
    made = child(["--phase", "generate", "--members", str(options.members), "--seed", str(options.seed)])
    print(f"generated {made['members']} members with {made['reports']} accepted reports in "
          f"{made['generate_seconds']} s", flush=True)
    try:
        first = child(["--phase", "evaluate", "--chunk", str(options.chunk)])
        print(f"evaluation: {first['evaluated']} members in {first['seconds']} s (CPU {first['cpu_seconds']} s), "
              f"peak RSS {first['peak_rss_mb']} MB; opened {first['opened_graduate']} graduations and "
              f"{first['opened_remove']} removals", flush=True)
        again = child(["--phase", "evaluate", "--chunk", str(options.chunk)])
        print(f"second run: {again['seconds']} s, opened {again['opened']}, already pending "
              f"{again['already_pending']}", flush=True)
        timeline = child(["--phase", "timeline", "--batch", str(made["batch"]), "--requests",
                          str(options.requests)])
        print(f"timeline: {timeline}", flush=True)
    finally:
        if not options.keep:
            child(["--phase", "purge", "--batch", str(made["batch"])])
    figures = {"members": made["members"], "reports": made["reports"], "chunk": options.chunk, "batch": made["batch"],
               "evaluate_seconds": first["seconds"], "evaluate_cpu_seconds": first["cpu_seconds"],
               "evaluate_peak_rss_mb": first["peak_rss_mb"], "opened_graduate": first["opened_graduate"],
               "opened_remove": first["opened_remove"], "second_run_seconds": again["seconds"],
               "second_run_opened": again["opened"], "target_seconds": 20, "target_rss_mb": 300,
               "within_target": first["seconds"] <= 20 and first["peak_rss_mb"] <= 300,
               "timeline": timeline, "timeline_target_p95_ms": 100,
               "load_average": round(os.getloadavg()[0], 2), "generate_seconds": made["generate_seconds"]}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
