#!/usr/bin/env python
"""Server time of the KPI dashboard and API for the province, and of its quarterly report, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpi_bench python bench/kpi.py
    DATABASE_URL=… python bench/kpi.py --deals 1000000 --pledges 200000 --members 100000 --requests 40

The database named in DATABASE_URL is created if it does not exist. The data are written once with
``INSERT … SELECT generate_series`` (every NOT NULL column filled from the model's default, so the script follows
model changes): ``--members`` pool enterprises (organisation, admitted application, member, a monitoring report
each, a graduation or removal decision for one in ten), 1,000 suppliers with 200,000 patents, 200,000 demands,
``--deals`` matches ending in a deal (one in twenty dropped: present but not counted) signed over 2024–2026, and
``--pledges`` loans with their pledge registrations over the province's counties. A second run with the same sizes
reuses them.

The summary (portal.services.kpi.summary) is first built from scratch (timed: the data were loaded past the
models' signals). Each URL is then requested ``--requests`` times in-process through the whole Django stack as the
province bureau, each with the cache cleared first (cold: every figure read from the summary), and as many times
warm. The quarterly report is built for the whole province (summary sheet + one per city; Excel, then Excel and
PDF) with the cache cleared. Last, one deal is moved across a quarter boundary and back through its model (the
summary refreshed in the same transaction) and the dashboard read again. Targets: cold p95 of the dashboard and
the API ≤ 300 ms; the report ≤ 10 s.

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
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("OTP_REQUIRED", "false")  # the bench signs the bureau in directly; the second factor is not timed
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
from _setup import prepare_database, require_postgresql, setup_django  # noqa: E402

YEAR, QUARTER = 2026, 2


def ensure_database() -> None:
    """Create the database of DATABASE_URL when it is missing (connecting to the server's ``postgres`` one)."""
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def insert_series(model, count: int, values: dict[str, str], *, joins: str = "", params: list | None = None):
    """``INSERT INTO <model> (…) SELECT … FROM generate_series(1, count) g``: ``values`` gives SQL expressions of
    ``g`` for some columns; every other NOT NULL column gets the field's default (or '' / now())."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    columns, expressions, literal = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue
        columns.append(f'"{field.column}"')
        if field.column in values:
            expressions.append(values[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.default is not NOT_PROVIDED:
            default = field.get_default()
            expressions.append("%s")
            literal.append(json.dumps(default) if field.get_internal_type() == "JSONField" else default)
        elif field.null:
            expressions.append("NULL")
        elif field.get_internal_type() in ("CharField", "TextField", "SlugField"):
            expressions.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    sql = (f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(expressions)} '
           f"FROM generate_series(1, {int(count)}) g {joins}")
    with connection.cursor() as cursor:
        cursor.execute(sql, literal + list(params or []))
        cursor.execute(f'SELECT max("{model._meta.pk.column}") FROM "{model._meta.db_table}"')
        last = cursor.fetchone()[0]
    # one INSERT … SELECT in one session takes consecutive ids (a sequence may have skipped ahead before it)
    return last - count + 1 if isinstance(last, int) else None


COUNTIES = ("(SELECT array_agg(code ORDER BY code) a FROM portal_region "
            "WHERE level = 'county' AND code LIKE '42%%') c")


def generate(members: int, deals: int, pledges: int) -> None:
    from django.db import connection, transaction

    from criteria.models import CriteriaSet
    from finance.models import (
        BankCase,
        Consent,
        FinancePolicy,
        FinancingNeed,
        Loan,
        PledgeRegistration,
        Publication,
        PublicationEntry,
        Whitelist,
    )
    from matching.models import Deal, Demand, Match, SupplyPatent
    from pool.models import Application, Batch, LifecycleProposal, Membership, MonitoringReport, ReportingYear
    from pool.services.lifecycle.policies import current_policy
    from portal.models import Organisation

    demands, patents, suppliers = 200_000, 200_000, 1_000
    steps = []

    def step(label):
        steps.append((label, time.perf_counter()))
        print(f"  {label} …", flush=True)

    with transaction.atomic():
        step("enterprises")
        county = "c.a[1 + ((g * 31) %% array_length(c.a, 1))]"
        first = insert_series(Organisation, members, {"kind": "'enterprise'", "name": "'压测企业' || g",
                                              "region_id": county, "uscc": "NULL"}, joins=f", {COUNTIES}")
        supplier0 = insert_series(Organisation, suppliers, {"kind": "'supplier'", "name": "'压测供给方' || g",
                                                "region_id": county, "uscc": "NULL"}, joins=f", {COUNTIES}")
        bank = insert_series(Organisation, 1, {"kind": "'bank'", "name": "'压测银行'", "region_id": "'420200'",
                                        "uscc": "NULL"})
        step("applications and members")
        criteria = CriteriaSet.objects.order_by("pk").first()
        batch = Batch.objects.create(name="压测批次", year=2024, region_id="420000", criteria_set=criteria,
                                     opens_on="2024-01-01", closes_on="2024-03-01")
        app0 = insert_series(Application, members, {
            "batch_id": str(batch.pk), "enterprise_id": f"{first - 1} + g", "region_id": "o.region_id",
            "status": "'admitted'", "enterprise_name": "o.name", "submitted_at": "timestamptz '2024-01-05' + "
            "((g %% 1000) || ' days')::interval"}, joins="JOIN portal_organisation o ON o.id = %s + g",
            params=[first - 1])
        policy = current_policy("national-2024")
        member0 = insert_series(Membership, members, {
            "enterprise_id": f"{first - 1} + g", "application_id": f"{app0 - 1} + g", "batch_id": str(batch.pk),
            "criteria_set_id": str(criteria.pk), "policy_code": f"'{policy.code}'", "region_id": "o.region_id",
            "enterprise_name": "o.name", "admitted_on": "date '2024-01-01' + (g * 7 %% 1090)"},
            joins="JOIN portal_organisation o ON o.id = %s + g", params=[first - 1])
        insert_series(LifecycleProposal, members // 10, {
            "membership_id": f"{member0 - 1} + g * 10", "kind": "CASE WHEN g %% 2 = 0 THEN 'graduate' "
            "ELSE 'remove' END", "status": "'approved'", "explanation": "'压测'", "policy_id": str(policy.pk),
            "evaluated_on": "date '2024-06-01' + (g %% 900)", "fingerprint": "'bench' || g",
            "decided_on": "date '2024-06-01' + (g %% 900)"})
        reporting = ReportingYear.objects.create(year=2025, region_id="420000", opens_on="2026-01-01",
                                                 deadline="2026-03-31")
        insert_series(MonitoringReport, members, {
            "membership_id": f"{member0 - 1} + g", "reporting_year_id": str(reporting.pk), "year": "2025",
            "status": "'submitted'", "submitted_at": "timestamptz '2026-02-01' + ((g %% 70) || ' days')::interval"})
        step("patents and demands")
        patent0 = insert_series(SupplyPatent, patents, {
            "application_no": "'BENCH' || g", "patent_type": "'invention'", "title": "'压测专利' || g",
            "ipc_main": "'B22D17/22'", "holder_name": "o.name",
            "holder_type": "(ARRAY['university','institute','soe','enterprise'])[1 + g %% 4]",
            "supplier_id": "o.id", "region_id": "o.region_id", "legal_status": "'valid'",
            "offer_type": "'transfer'"}, joins="JOIN portal_organisation o ON o.id = %s + g %% %s",
            params=[supplier0, suppliers])
        demand0 = insert_series(Demand, demands, {
            "enterprise_id": "o.id", "region_id": "o.region_id", "title": "'压测需求' || g",
            "description": "'压测'"}, joins="JOIN portal_organisation o ON o.id = %s + g %% %s",
            params=[first, members])
        step("matches")
        match0 = insert_series(Match, deals, {
            "demand_id": f"{demand0} + g %% {demands}",
            "patent_id": f"{patent0} + ((g / {demands}) + 5 * (g %% {demands})) %% {patents}",
            "score": "0.5", "status": "CASE WHEN g %% 20 = 0 THEN 'dropped' ELSE 'deal' END"})
        step("deals")
        insert_series(Deal, deals, {
            "match_id": f"{match0 - 1} + g", "mode": "(ARRAY['transfer','licence','shares'])[1 + g %% 3]",
            "contract_amount": "10000 + (g::bigint * 7919) %% 990000", "amount_received": "(g::bigint * 7919) %% 500000",
            "signed_on": "date '2024-01-01' + (g * 37 %% 1096)"})
        step("pledges")
        finance_policy = FinancePolicy.objects.order_by("pk").first()
        enterprise = Organisation.objects.get(pk=first)
        member = Membership.objects.get(pk=member0)
        need = FinancingNeed.objects.create(enterprise=enterprise, membership=member, region=enterprise.region,
                                            amount=1000000, purpose="压测", term_months=12, growth_stage="growth")
        consent = Consent.objects.create(enterprise=enterprise, region=enterprise.region, policy=finance_policy,
                                         text_version="bench", text="压测", text_hash="0" * 64,
                                         given_at="2024-01-01T00:00:00+08:00")
        whitelist = Whitelist.objects.create(region_id="420200", policy=finance_policy, evaluated_on="2024-01-01")
        insert_series(Publication, 1, {
            "whitelist_id": str(whitelist.pk), "region_id": "'420200'", "number": "1", "title": "'压测白名单'",
            "published_on": "date '2024-01-02'", "published_at": "now()", "publisher_name": "'压测'",
            "policy_id": str(finance_policy.pk), "entry_count": "1", "content_hash": "'0'"})
        publication = Publication.objects.get(whitelist=whitelist)
        insert_series(PublicationEntry, 1, {
            "publication_id": str(publication.pk), "position": "1", "enterprise_id": str(enterprise.pk),
            "region_id": f"'{enterprise.region_id}'", "consent_id": str(consent.pk), "need_id": str(need.pk),
            "enterprise_name": "'压测企业'", "uscc": "''", "region_name": "''", "membership_status": "'cultivating'",
            "need_amount": "1000000", "need_term_months": "12", "need_purpose": "'压测'",
            "growth_stage": "'growth'"})
        entry = PublicationEntry.objects.get(publication=publication)
        case = BankCase.objects.create(bank_id=bank, enterprise=enterprise, region=enterprise.region, entry=entry,
                                       enterprise_name="压测企业", uscc="")
        loan0 = insert_series(Loan, pledges, {
            "case_id": str(case.pk), "bank_id": str(bank), "enterprise_id": "o.id", "region_id": "o.region_id",
            "contract_no": "'BENCH' || g", "amount": "100000 + (g::bigint * 7919) %% 9900000", "annual_rate": "3.5",
            "term_months": "12", "start_on": "date '2024-01-01' + (g * 13 %% 1096)",
            "end_on": "date '2027-01-01' + (g * 13 %% 1096)"}, joins="JOIN portal_organisation o ON o.id = %s + g %% %s",
            params=[first, members])
        insert_series(PledgeRegistration, pledges, {
            "loan_id": f"{loan0 - 1} + g", "bank_id": "l.bank_id", "enterprise_id": "l.enterprise_id",
            "region_id": "l.region_id", "registration_no": "'BENCH' || g", "registered_on": "l.start_on",
            "pledged_assets": "'[]'", "pledged_value": "l.amount", "loan_amount": "l.amount"},
            joins="JOIN finance_loan l ON l.id = %s + g", params=[loan0 - 1])
    step("analyse")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    steps.append(("done", time.perf_counter()))
    for (label, start), (_, end) in zip(steps, steps[1:], strict=False):
        print(f"  {label}: {end - start:.1f} s", flush=True)


def bureau(role: str, region: str):
    from portal.models import Organisation, User

    organisation, _ = Organisation.objects.get_or_create(kind=role, region_id=region,
                                                         defaults={"name": f"压测{role}{region}"})
    user, _ = User.objects.get_or_create(username=f"bench_{role}_{region}", defaults={"organisation": organisation})
    return user


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]


def timed(client, url: str, requests: int) -> dict:
    """``requests`` requests each with the cache cleared first (cold: the figures read from the summary), then as
    many with the cache warm."""
    from django.core.cache import cache

    cold, warm = [], []
    for _ in range(requests):
        cache.clear()
        started = time.perf_counter()
        response = client.get(url, secure=True)  # production settings redirect plain HTTP
        cold.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, secure=True)  # production settings redirect plain HTTP
        warm.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"cold_p50_ms": round(statistics.median(cold), 1), "cold_p95_ms": round(_p95(cold), 1),
            "cold_max_ms": round(max(cold), 1), "warm_p95_ms": round(_p95(warm), 1),
            "load_average": round(os.getloadavg()[0], 2)}


def deal_change(client, url: str) -> dict:
    """A deal moved across a quarter boundary and back through its model (the signals refresh the summary in
    the same transaction), each time followed by the dashboard, which must show the change."""
    from django.db import transaction

    from matching.models import Deal

    deal = Deal.objects.filter(signed_on__range=("2026-04-01", "2026-06-29"), match__status="deal").order_by("pk")[0]
    times, original = [], deal.signed_on
    for day in (original.replace(day=1, month=7), original):
        started = time.perf_counter()
        with transaction.atomic():
            deal.signed_on = day
            deal.save()
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    assert client.get(url, secure=True).status_code == 200
    return {"deal_save_with_refresh_ms": round(max(times), 1),
            "dashboard_after_change_ms": round((time.perf_counter() - started) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--pledges", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    require_postgresql()
    ensure_database()
    setup_django()
    prepare_database()
    from django.core.management import call_command

    from finance.models import FinancePolicy, PledgeRegistration
    from matching.models import Deal
    from pool.models import Membership

    if not FinancePolicy.objects.exists():
        call_command("load_finance_policies", verbosity=0)
    have = (Deal.objects.count(), PledgeRegistration.objects.count(), Membership.objects.count())
    if have < (args.deals, args.pledges, args.members):
        print(f"generating {args.members} members, {args.deals} deals, {args.pledges} pledges …", flush=True)
        started = time.perf_counter()
        generate(args.members, args.deals, args.pledges)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
        have = (Deal.objects.count(), PledgeRegistration.objects.count(), Membership.objects.count())

    from django.core.cache import cache
    from django.test import Client

    from portal.models import Region
    from portal.services.kpi import report_build, summary_rebuild

    figures: dict = {"deals": have[0], "pledges": have[1], "members": have[2], "requests": args.requests}
    started = time.perf_counter()
    summary_rebuild()  # from scratch: the data were loaded past the models' signals
    figures["summary_build_s"] = round(time.perf_counter() - started, 2)
    figures["summary_build_load_average"] = round(os.getloadavg()[0], 2)
    print(f"summary built from scratch in {figures['summary_build_s']:.2f} s "
          f"(load {figures['summary_build_load_average']})", flush=True)

    province = bureau("province", "420000")
    client = Client()
    client.force_login(province)
    period = f"{YEAR}Q{QUARTER}"
    dashboard = f"/portal/kpi/?region=420000&period={period}"
    for name, url in [("province_dashboard", dashboard),
                      ("province_api", f"/api/kpi/actuals/?region=420000&period={period}")]:
        result = timed(client, url, args.requests)
        figures[name] = result
        print(f"{name:20s} cold p50 {result['cold_p50_ms']:7.1f} ms  p95 {result['cold_p95_ms']:7.1f} ms  "
              f"max {result['cold_max_ms']:7.1f} ms  warm p95 {result['warm_p95_ms']:6.1f} ms  "
              f"(load {result['load_average']})  {url}", flush=True)
    hubei = Region.objects.get(code="420000")
    for key, with_pdf in [("province_report_cold_xlsx_s", False), ("province_report_cold_xlsx_pdf_s", True)]:
        cache.clear()
        started = time.perf_counter()
        report_build(region=hubei, year=YEAR, quarter=QUARTER, user=province, with_pdf=with_pdf)
        figures[key] = round(time.perf_counter() - started, 2)
        print(f"{key:36s} {figures[key]:.2f} s (load {os.getloadavg()[0]:.2f})", flush=True)
    figures.update(deal_change(client, dashboard))
    print(f"deal saved with its summary refresh in {figures['deal_save_with_refresh_ms']} ms; dashboard after it "
          f"{figures['dashboard_after_change_ms']} ms", flush=True)
    figures["load_average"] = round(os.getloadavg()[0], 2)
    figures["target_p95_ms"], figures["target_report_s"] = 300, 10
    figures["cold_p95_within_target"] = max(figures["province_dashboard"]["cold_p95_ms"],
                                            figures["province_api"]["cold_p95_ms"]) <= 300
    figures["report_cold_within_target"] = figures["province_report_cold_xlsx_pdf_s"] <= 10
    print(json.dumps(figures, ensure_ascii=False))

if __name__ == "__main__":
    main()
