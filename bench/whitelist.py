#!/usr/bin/env python
"""Speed and memory of the pledge-financing whitelist on PostgreSQL: generating it over 100,000 pool members and
exporting 10,000 of its rows to Excel.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/whitelist.py
    DATABASE_URL=… python bench/whitelist.py --members 100000 --export-rows 10000 --repeat 3

The first run writes the members once (``pool.loadgen`` applications in a batch of their own, admitted, with a
membership each; 80 % with a financing need, 60 % with consent, 1 % on the serious-dishonesty list) and reuses
them afterwards. Each measured step runs in a process of its own, so its peak memory (RSS) is its own:

* ``generate`` — ``finance.services.generation.whitelist_generate`` for the province (every member of Hubei
  evaluated rule by rule and stored as a candidate): what the Celery task runs. Targets: ≤ 30 s, ≤ 300 MB.
* ``publish`` — publishing that draft to a partner bank (consents locked, entries and the content hash written).
  Reported, no target.
* ``export`` — ``finance.exports.PublicationExporter`` writing a bank's download of ``--export-rows`` entries
  (what ``portal.run_export`` runs for a large list). Target: ≥ 5,000 rows/s, ≤ 300 MB.

Each step runs ``--repeat`` times (3) and the median run is reported with every run beside it. The last line is
one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
from _setup import cpu_seconds, peak_rss_mb, prepare_database, require_postgresql, setup_django  # noqa: E402

BATCH_NAME = "压测批次（质押融资白名单）"
PROVINCE = "420000"
BANK_NAME = "压测合作银行"
TARGETS = {"generate_seconds": 30, "peak_mb": 300, "export_rows_per_s": 5000}


def bench_user(role: str, region: str):
    from portal.models import Organisation, User

    organisation, _ = Organisation.objects.get_or_create(kind=role, region_id=region,
                                                         name=f"压测{role}{region}")
    user, _ = User.objects.get_or_create(username=f"bench_{role}_{region}", defaults={"organisation": organisation})
    return user


def bench_bank():
    from django.utils import timezone

    from finance.models import PartnerBank
    from portal.models import Organisation, User

    bank, _ = Organisation.objects.get_or_create(kind="bank", name=BANK_NAME, defaults={"region_id": PROVINCE})
    PartnerBank.objects.get_or_create(region_id=PROVINCE, bank=bank,
                                      defaults={"joined_on": timezone.localdate().replace(year=2020)})
    user, _ = User.objects.get_or_create(username="bench_bank", defaults={"organisation": bank})
    return user


def members(count: int):
    """The bench batch with at least ``count`` members (written the first time)."""
    from django.db import connection

    from pool.models import Batch, Membership

    for batch in Batch.objects.filter(name=BATCH_NAME):
        if Membership.objects.filter(batch=batch).count() >= count:
            return batch
    batch = _write_members(count)
    with connection.cursor() as cursor:
        for table in ("pool_membership", "finance_financingneed", "finance_consent", "criteria_listentry"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return batch


def _write_members(count: int):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from criteria.models import ListEntry, ListImport
    from criteria.services import default_criteria_set
    from finance.models import Consent, ConsentBank, FinancingNeed
    from finance.services.policies import policy_for
    from pool.loadgen import generate_applications
    from pool.models import Application, ApplicationStatus, Batch, Membership

    today = timezone.localdate()
    batch = Batch.objects.create(name=BATCH_NAME, year=today.year - 1, region_id=PROVINCE,
                                 criteria_set=default_criteria_set(), opens_on=today - timedelta(days=400),
                                 closes_on=today - timedelta(days=340))
    print(f"generating {count} applications …", flush=True)
    generate_applications(batch=batch, count=count, seed=20261)
    applications = Application.objects.filter(batch=batch)
    applications.update(status=ApplicationStatus.ADMITTED)
    rng = random.Random(2026)
    policy = policy_for(PROVINCE)
    bank = bench_bank().organisation
    rows = list(applications.values_list("pk", "enterprise_id", "region_id", "enterprise_name", "uscc"))
    print(f"writing {len(rows)} members, needs and consents …", flush=True)
    now = timezone.now()
    with transaction.atomic():
        Membership.objects.bulk_create(
            (Membership(enterprise_id=e, application_id=a, batch=batch, criteria_set=batch.criteria_set,
                        policy_code="national-2024", region_id=r, enterprise_name=n, uscc=u or "",
                        status=rng.choices(["cultivating", "graduated", "follow_up", "removed"], [80, 8, 8, 4])[0],
                        admitted_on=today - timedelta(days=300)) for a, e, r, n, u in rows), batch_size=5000)
        memberships = dict(Membership.objects.filter(batch=batch).values_list("enterprise_id", "pk"))
        needs, consents = [], []
        for _a, enterprise, region, _n, _u in rows:
            if rng.random() < 0.8:
                assets = [{"kind": "patent", "number": f"2020{rng.randint(10**7, 10**8 - 1)}.{rng.randint(0, 9)}",
                           "title": "一种装置", "granted": rng.random() < 0.9, "valid": rng.random() < 0.95}
                          for _ in range(rng.randint(0, 3))]
                needs.append(FinancingNeed(enterprise_id=enterprise, membership_id=memberships[enterprise],
                                           region_id=region, amount=rng.randint(50, 3000) * 10000,
                                           purpose="补充流动资金", term_months=rng.choice([12, 24, 36]),
                                           growth_stage=rng.choice(["cultivation", "growth", "pre_ipo"]),
                                           pledge_assets=assets))
            if rng.random() < 0.6:
                consents.append(Consent(enterprise_id=enterprise, region_id=region, all_banks=rng.random() < 0.9,
                                        policy=policy, text_version="bench", text="压测授权书", text_hash="0" * 64,
                                        given_at=now))
        FinancingNeed.objects.bulk_create(needs, batch_size=5000)
        Consent.objects.bulk_create(consents, batch_size=5000)
        chosen = Consent.objects.filter(enterprise__applications__batch=batch, all_banks=False).values_list(
            "pk", flat=True)
        ConsentBank.objects.bulk_create((ConsentBank(consent_id=pk, bank=bank) for pk in chosen), batch_size=5000)
        record = ListImport.objects.create(list_type="serious_dishonesty", file_name="bench.csv", region_id=PROVINCE)
        hits = [ListEntry(list_type="serious_dishonesty", uscc=u, name=n, reason="压测", source_import=record)
                for _a, _e, _r, n, u in rows if u and rng.random() < 0.01]
        ListEntry.objects.bulk_create(hits, batch_size=5000)
    return batch


def _measure(step) -> dict:
    started, cpu_started = time.perf_counter(), cpu_seconds()
    result = step()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    return {**result, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": peak_rss_mb()}


def child_generate() -> dict:
    """A fresh province draft, generated in this process."""
    from django.utils import timezone

    from finance.models import Whitelist, WhitelistStatus
    from finance.services.generation import whitelist_generate
    from finance.services.policies import policy_for
    from portal.services.jobs import job_create

    user = bench_user("province", PROVINCE)
    Whitelist.objects.filter(region_id=PROVINCE, status__in=[WhitelistStatus.DRAFT, WhitelistStatus.GENERATING]) \
        .update(status=WhitelistStatus.DISCARDED)
    job = job_create(kind="finance.whitelist", title="压测：生成白名单", created_by=user)
    whitelist = Whitelist.objects.create(region_id=PROVINCE, policy=policy_for(PROVINCE), job=job, created_by=user,
                                         evaluated_on=timezone.localdate())
    figures = _measure(lambda: whitelist_generate(whitelist=whitelist, job_id=job.pk))
    figures["rows_per_s"] = round(figures["candidates"] / figures["seconds"])
    figures["whitelist"] = whitelist.pk
    return figures


def child_publish(whitelist_id: int) -> dict:
    from finance.models import Whitelist
    from finance.services.publications import whitelist_publish

    user, bank = bench_user("province", PROVINCE), bench_bank().organisation
    whitelist = Whitelist.objects.get(pk=whitelist_id)
    figures = _measure(lambda: {"entries": whitelist_publish(whitelist=whitelist, user=user, banks=[bank],
                                                              change_note="压测").entry_count})
    from finance.models import Publication

    figures["publication"] = Publication.objects.get(whitelist_id=whitelist_id).pk
    return figures


def child_export(publication_id: int, rows: int) -> dict:
    from finance.exports import PublicationExporter
    from finance.models import Publication, PublicationDownload, PublicationEntry

    user = bench_bank()
    publication = Publication.objects.get(pk=publication_id)
    ids = list(PublicationEntry.objects.for_bank(user.organisation_id).filter(publication=publication)
               .order_by("position").values_list("pk", flat=True)[:rows])
    download = PublicationDownload.objects.create(publication=publication, bank=user.organisation, user=user,
                                                  file_format="xlsx", entry_ids=ids, entry_count=len(ids))
    exporter = PublicationExporter(user=user, params={"download": download.pk})
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / exporter.full_filename()
        figures = _measure(lambda: {"rows": exporter.write(target)})
        figures["file_mb"] = round(target.stat().st_size / 2**20, 2)
    figures["rows_per_s"] = round(figures["rows"] / figures["seconds"])
    return figures


def run_child(*args: str) -> dict:
    run = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if run.returncode:
        sys.exit(f"child {args} failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict], key: str) -> dict:
    ordered = sorted(runs, key=lambda r: r[key])
    return {**ordered[len(ordered) // 2], f"{key}_runs": [r[key] for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_postgresql()
    setup_django()
    if args.child:
        name, *rest = args.child
        result = {"generate": child_generate, "publish": lambda: child_publish(int(rest[0])),
                  "export": lambda: child_export(int(rest[0]), int(rest[1]))}[name]()
        print(json.dumps(result, default=str))
        return
    prepare_database()
    batch = members(args.members)
    from pool.models import Membership

    figures: dict = {"load_average": round(os.getloadavg()[0], 2),
                     "members": Membership.objects.filter(region__code__startswith="42").count(),
                     "bench_batch_members": Membership.objects.filter(batch=batch).count()}
    generations = [run_child("generate") for _ in range(args.repeat)]
    generate = median_of(generations, "seconds")
    figures["generate"] = generate
    print(f"generate  {generate['candidates']:7d} members  {generate['seconds']:6.1f} s  "
          f"{generate['rows_per_s']:6d} rows/s  (CPU {generate['cpu_seconds']:.1f} s)  peak {generate['peak_rss_mb']} MB  "
          f"eligible {generate['eligible']}  runs {generate['seconds_runs']}", flush=True)
    publish = run_child("publish", str(generations[-1]["whitelist"]))  # each run discards the draft before it
    figures["publish"] = publish
    print(f"publish   {publish['entries']:7d} entries  {publish['seconds']:6.1f} s  peak {publish['peak_rss_mb']} MB",
          flush=True)
    export = median_of([run_child("export", str(publish["publication"]), str(args.export_rows))
                        for _ in range(args.repeat)], "rows_per_s")
    figures["export"] = export
    print(f"export    {export['rows']:7d} rows  {export['seconds']:6.2f} s  {export['rows_per_s']:6d} rows/s  "
          f"peak {export['peak_rss_mb']} MB  file {export['file_mb']} MB  runs {export['rows_per_s_runs']}",
          flush=True)
    figures["targets"] = TARGETS
    figures["within_targets"] = (generate["seconds"] <= TARGETS["generate_seconds"]
                                 and generate["peak_rss_mb"] <= TARGETS["peak_mb"]
                                 and export["rows_per_s"] >= TARGETS["export_rows_per_s"]
                                 and export["peak_rss_mb"] <= TARGETS["peak_mb"])
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
