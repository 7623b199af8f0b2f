"""Synthetic enterprises and applications for benchmarks and demos, with a realistic spread of outcomes.

``generate_applications(batch=…, count=N)`` writes N enterprises spread over the counties of the batch's
province (the Region table), each with a submitted revision whose facts pass or fail the criteria in realistic
proportions: industrialisation rates around the 50 % line, R&D intensity around 10 % and 5,000,000 yuan,
expired certificates, licensed-in patents, products without filing numbers, a few non-SMEs, a few missing
declarations. Everything is bulk-inserted in chunks; the random generator is seeded, so a run is reproducible.
Generated enterprises carry the ``LOAD_NAME_MARK`` in their name so ``purge_generated`` can find them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from portal.models import Organisation, OrganisationKind, Region
from portal.validators import patent_check_digit

from .models import Application, ApplicationRevision, ApplicationStatus, Batch

LOAD_NAME_MARK = "（压测）"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STATUS_SPREAD = ((ApplicationStatus.SUBMITTED, 82), (ApplicationStatus.COUNTY_APPROVED, 8),
                 (ApplicationStatus.REJECTED, 3), (ApplicationStatus.RECOMMENDED, 3),
                 (ApplicationStatus.CITY_REJECTED, 1), (ApplicationStatus.PROVINCE_RECOMMENDED, 2),
                 (ApplicationStatus.ADMITTED, 1))
WORDS = ("智能", "精密", "新材", "光电", "生物", "节能", "环保", "数控", "电子", "化工", "机电", "汽配", "医疗",
         "信息", "铸造", "纺织", "食品", "装备", "能源", "仪器")
SUFFIXES = ("科技有限公司", "股份有限公司", "制造有限公司", "技术有限公司", "实业有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
INDUSTRIES_OTHER = ("5191", "5211", "6110", "7010", "7220", "1310", "2411")
QUALIFICATIONS = ("specialised_sme", "little_giant", "high_tech", "ip_advantage", "ip_demonstration", "ip_pilot",
                  "other")


@dataclass
class Pools:
    """Values drawn from many times, computed once per run."""

    counties: list[tuple[str, str]]
    industries: list[str]
    patent_numbers: list[str]


def _patent_numbers(rng: random.Random, count: int) -> list[str]:
    numbers = []
    for _ in range(count):
        digits = f"{rng.randint(2010, 2023)}{rng.choice('112123')}{rng.randint(0, 9999999):07d}"
        numbers.append(f"{digits}.{patent_check_digit(digits)}")
    return numbers


def build_pools(rng: random.Random, province: str) -> Pools:
    from criteria.models import PatentIntensiveIndustry

    counties = list(Region.objects.filter(level="county", code__startswith=province[:2])
                    .values_list("code", "name"))
    intensive = list(PatentIntensiveIndustry.objects.values_list("industry_code", flat=True).distinct()) \
        or ["3511", "3832", "2710", "3911"]
    return Pools(counties=counties, industries=intensive, patent_numbers=_patent_numbers(rng, 50_000))


def make_uscc(serial: int, region: str) -> str:
    code = ""
    for _ in range(9):
        serial, digit = divmod(serial, len(USCC_ALPHABET))
        code = USCC_ALPHABET[digit] + code
    body = f"91{region}{code}"
    return body + stdnum_uscc.calc_check_digit(body)


def _day(rng: random.Random, start: date, span_days: int) -> str:
    return (start + timedelta(days=rng.randint(0, span_days))).isoformat()


def _patents(rng: random.Random, pools: Pools, usage: float, today: date) -> list[dict]:
    rows = []
    for number in rng.sample(pools.patent_numbers, rng.randint(3, 12)):
        kind = {"1": "invention", "2": "utility_model", "3": "design"}[number[4]]
        licensed = rng.random() < 0.12
        row = {"application_no": number, "title": f"一种{rng.choice(WORDS)}装置", "patent_type": kind,
               "granted": rng.random() < 0.88, "valid": rng.random() < 0.92,
               "ownership": "licensed_in" if licensed else "owned", "licence_kind": "", "licence_from": "",
               "licence_to": "", "used_in_product": rng.random() < usage}
        if licensed:
            row["licence_kind"] = rng.choice(("exclusive", "sole", "ordinary"))
            row["licence_from"] = _day(rng, today - timedelta(days=2000), 1500)
            row["licence_to"] = _day(rng, today - timedelta(days=200), 1500) if rng.random() < 0.8 else ""
        rows.append(row)
    return rows


def _products(rng: random.Random, patents: list[dict]) -> list[dict]:
    usable = [p["application_no"] for p in patents if p["granted"] and p["patent_type"] != "design"] \
        or [patents[0]["application_no"]]
    return [{"name": f"{rng.choice(WORDS)}{rng.choice(('系统', '设备', '组件', '材料'))}",
             "core_patents": rng.sample(usable, min(len(usable), rng.randint(1, 2))),
             "filing_no": f"BA{rng.randint(10**9, 10**10 - 1)}" if rng.random() < 0.6 else "",
             "sales": str(rng.randint(1, 200) * 100_000), "profit": str(rng.randint(-5, 40) * 100_000),
             "patent_intensive": rng.random() < 0.3}
            for _ in range(rng.randint(1, 3))]


def _identity(rng: random.Random, pools: Pools, name: str, uscc: str, county: str) -> dict:
    employees = rng.randint(20, 900) if rng.random() < 0.96 else rng.randint(1000, 3000)
    revenue = rng.randint(5, 450) * 1_000_000 if rng.random() < 0.97 else rng.randint(400, 900) * 1_000_000
    return {"name": name, "uscc": uscc, "region_code": county,
            "legal_form": "company" if rng.random() < 0.97 else rng.choice(("partnership", "branch")),
            "registration_date": _day(rng, date(2003, 1, 1), 7000),
            "industry_code": rng.choice(pools.industries) if rng.random() < 0.8 else rng.choice(INDUSTRIES_OTHER),
            "employees": str(employees), "revenue": str(revenue), "total_assets": str(int(revenue * rng.uniform(0.6, 2)))}


def _rnd(rng: random.Random, identity: dict, today: date) -> dict:
    revenue, staff = int(identity["revenue"]), int(identity["employees"])
    cooperations = [{"partner": f"{rng.choice(('武汉', '湖北', '华中'))}{rng.choice(('大学', '理工学院', '研究院'))}",
                     "partner_type": rng.choice(("university", "university", "institute", "enterprise")),
                     "valid_from": _day(rng, today - timedelta(days=1500), 1200),
                     "valid_to": _day(rng, today - timedelta(days=300), 1500), "agreement_attached": True}
                    for _ in range(rng.choice((0, 0, 1, 1, 2)))]
    return {"rnd_expense": str(int(revenue * rng.uniform(0.02, 0.2))), "rnd_staff": str(int(staff * rng.uniform(0.12, 0.4))),
            "total_staff": str(staff), "leader_name": f"{rng.choice(SURNAMES)}工" if rng.random() < 0.93 else "",
            "cooperations": cooperations}


def application_facts(rng: random.Random, pools: Pools, *, name: str, uscc: str, county: str,
                      today: date) -> dict:
    """One application's facts in the shape of ``criteria.facts.ApplicationFacts``."""
    identity = _identity(rng, pools, name, uscc, county)
    patents = _patents(rng, pools, rng.uniform(0.35, 1.0), today)
    flags = {k: rng.random() < 0.975 for k in ("system", "organisation", "personnel", "safeguard")}
    return {
        "identity": identity,
        "qualifications": [{"type": rng.choice(QUALIFICATIONS), "level": rng.choice(("national", "provincial", "city")),
                            "certificate_no": f"GR{rng.randint(10**8, 10**9)}",
                            "valid_from": _day(rng, today - timedelta(days=1800), 1500),
                            "valid_to": _day(rng, today - timedelta(days=400), 1500)}
                           for _ in range(rng.choice((0, 1, 1, 2)))],
        "patents": patents,
        "products": _products(rng, patents),
        "trademarks": [{"registration_no": str(rng.randint(10**7, 10**8)), "name": rng.choice(WORDS),
                        "owned": rng.random() < 0.96, "used_on_products": rng.random() < 0.96,
                        "registered_on": _day(rng, today - timedelta(days=3600), 3000), "valid_to": ""}
                       for _ in range(rng.choice((0, 1, 1, 1, 1, 1, 1, 1, 2, 2)))],
        "rnd": _rnd(rng, identity, today),
        "ip_management": {**flags, "evidence": "管理制度文件及任命文件", "gbt29490_certified": rng.random() < 0.4,
                          "gbt29490_certificate_no": ""},
        "integrity": {"declared": rng.random() < 0.98, "note": ""},
    }


def _next_serial() -> int:
    # Above every organisation id ever used, so serials (and the USCCs made from them) never repeat.
    return (Organisation.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert_chunk(batch: Batch, rng: random.Random, pools: Pools, serials: range, statuses, now, today) -> int:
    organisations, facts = [], []
    for serial in serials:
        code, county_name = rng.choice(pools.counties)
        name = f"{county_name}{rng.choice(WORDS)}{rng.choice(SUFFIXES)}{serial}{LOAD_NAME_MARK}"
        uscc = make_uscc(7_000_000_000 + serial, code)
        organisations.append(Organisation(kind=OrganisationKind.ENTERPRISE, name=name, region_id=code, uscc=uscc))
        facts.append(application_facts(rng, pools, name=name, uscc=uscc, county=code, today=today))
    with transaction.atomic():
        Organisation.objects.bulk_create(organisations)
        app_ids, revision_ids = reserve_ids(Application, len(facts)), reserve_ids(ApplicationRevision, len(facts))
        # Both sides of the application ↔ current revision link are known before inserting, so no row is
        # written twice (foreign keys are checked at commit).
        applications = [
            Application(pk=pk, batch=batch, enterprise=org, region_id=org.region_id, data=data,
                        enterprise_name=org.name, uscc=org.uscc, industry_code=data["identity"]["industry_code"],
                        status=rng.choices(statuses[0], statuses[1])[0], revision_number=1,
                        current_revision_id=revision_id, submitted_at=now, autosaved_at=now, created_at=now,
                        updated_at=now)
            for pk, revision_id, org, data in zip(app_ids, revision_ids, organisations, facts, strict=True)]
        revisions = [ApplicationRevision(pk=revision_id, application_id=pk, number=1, data=data, attachments=[],
                                         submitted_at=now)
                     for pk, revision_id, data in zip(app_ids, revision_ids, facts, strict=True)]
        insert(Application, applications)
        insert(ApplicationRevision, revisions)
    return len(facts)


def insert(model, objects: list) -> None:
    """Insert ``objects`` with their primary keys set: COPY on PostgreSQL (no SQL to build or parse for
    thousands of rows of JSON), ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") \
            as copy:
        for obj in objects:
            copy.write_row([_copy_value(f, getattr(obj, f.attname)) for f in fields])


def _copy_value(field, value):
    if value is not None and field.get_internal_type() == "JSONField":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys of ``model`` (from its sequence on PostgreSQL; above the maximum otherwise,
    which the caller's write transaction keeps to itself on SQLite)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        top = cursor.fetchone()[0]
    return list(range(top + 1, top + 1 + count))


def analyse() -> None:
    """Fresh planner statistics after a bulk load, so the queues' queries use their indexes at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Organisation, Application, ApplicationRevision):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def load_batch(batch_id: int | None, province: str = "420000") -> Batch:
    """Batch ``batch_id``, or a new load-test batch of ``province`` open all year under the national set."""
    from criteria.services import clear_caches, default_criteria_set

    if batch_id:
        return Batch.objects.select_related("criteria_set").get(pk=batch_id)
    criteria_set = default_criteria_set()
    if criteria_set is None:
        from django.core.management import call_command

        call_command("load_criteria_sets", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        clear_caches()
        criteria_set = default_criteria_set()
    today = timezone.localdate()
    return Batch.objects.create(name=f"压测批次 {timezone.now():%Y%m%d%H%M%S}", year=today.year, region_id=province,
                                criteria_set=criteria_set, opens_on=today.replace(month=1, day=1),
                                closes_on=today.replace(month=12, day=31))


def generate_applications(*, batch: Batch, count: int, seed: int = 20240901, chunk_size: int = 2000,
                          progress=None) -> int:
    """Write ``count`` generated enterprises with one submitted application each to ``batch``."""
    rng = random.Random(seed)
    pools = build_pools(rng, batch.region_id)
    statuses = ([s for s, _ in STATUS_SPREAD], [w for _, w in STATUS_SPREAD])
    now, today, first, written = timezone.now(), timezone.localdate(), _next_serial(), 0
    while written < count:
        size = min(chunk_size, count - written)
        written += _insert_chunk(batch, rng, pools, range(first + written, first + written + size), statuses,
                                 now, today)
        if progress:
            progress(written, count)
    analyse()
    return written


def purge_generated(*, batch: Batch | None = None) -> int:
    """Delete generated enterprises with everything that hangs off them (the whole batch's, if given)."""
    from .models import ApplicationTransition, Attachment, Evaluation

    enterprises = Organisation.objects.filter(name__endswith=LOAD_NAME_MARK)
    applications = Application.objects.filter(enterprise__in=enterprises)
    if batch is not None:
        applications = applications.filter(batch=batch)
    with transaction.atomic():
        ids = applications.values("pk")
        Application.objects.filter(pk__in=ids).update(current_revision=None)
        for model in (Evaluation, ApplicationTransition, Attachment, ApplicationRevision):
            model.objects.filter(application_id__in=ids)._raw_delete(model.objects.db)
        count = Application.objects.filter(pk__in=ids)._raw_delete(Application.objects.db)
        Organisation.objects.filter(name__endswith=LOAD_NAME_MARK, applications__isnull=True)._raw_delete(
            Organisation.objects.db)
    return count
