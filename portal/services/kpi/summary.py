"""The monthly summary of the indicators: built from the records by set-based SQL, kept current by the source
models' signals, and read by the dashboard, the API and the quarterly report.

Why a summary: the deal indicators join a million deals to their matches, demands and patents; each pass costs
seconds, too slow for a dashboard opened cold. The summary holds, per *series* (an indicator's numerator, or a
ratio's denominator):

- sums and counts per region scope (province, city, county prefix) and month (``KpiMonthly``): a period is a
  range of months, so a figure is ``SUM(value)`` over a few dozen rows;
- distinct counts (SMEs benefited, the filing rate) cannot be added up month by month (an SME with deals in
  January and March is one SME in the quarter), so they are kept per entity and year with the bit set of the
  months it counted in (``KpiEntityYear``), and rolled up per region scope, year and month set
  (``KpiMaskCount``): the SMEs of a month range are those whose month set meets the range's.

Both are only ever sums over the records, so the figures equal the live aggregate exactly (tests/kpi/
test_summary.py compares them). A change to a source record refreshes the months (or entities) it touched —
before and after the change — in the same transaction, so a figure is current as soon as the change is, and a
rolled-back change leaves the summary as it was. Writes that bypass the models (``QuerySet.update``, raw SQL,
bulk loads) are caught by the nightly full rebuild (``summary_rebuild``, beat ``portal.rebuild_kpi_summary``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Length

from ...indicators import Indicator, Measure, all_indicators
from ...models import KpiEntityYear, KpiMaskCount, KpiMonthly, KpiSummaryBuild
from ...models.regions import SCOPE_DIGITS

#: the region scopes a distinct count is rolled up to (province, city, county prefixes)
SCOPE_LENGTHS = tuple(sorted(set(SCOPE_DIGITS.values())))
VERSION_KEY = "kpi:summary:version"


@dataclass(frozen=True)
class Series:
    key: str
    indicator: Indicator
    measure: Measure

    @property
    def distinct(self) -> bool:
        return self.measure.how == "distinct"

    def records(self):
        queryset = self.indicator.records()
        where = self.measure.condition()
        return queryset.filter(where) if where is not None else queryset

    def dated(self, queryset=None):
        """The records with their region (``kr``), year (``ky``) and month (``km``), undated ones left out."""
        queryset = self.records() if queryset is None else queryset
        return (queryset.annotate(kd=F(self.indicator.date_field), kr=F(self.indicator.region_field))
                .filter(kd__isnull=False, kr__isnull=False)
                .annotate(ky=ExtractYear("kd"), km=ExtractMonth("kd")))


def _signature(indicator: Indicator, measure: Measure):
    return (indicator.records, indicator.date_field, indicator.region_field, measure)


@cache
def _all_series() -> tuple[dict[str, str], dict[str, Series]]:
    """``({indicator code + kind: series key}, {series key: Series})``; two indicators measuring the same thing
    (SMEs benefited, and the filing rate's denominator) share one series."""
    names: dict[str, str] = {}
    series: dict[str, Series] = {}
    seen: dict = {}
    for indicator in all_indicators():
        for kind, measure in (("n", indicator.measure), ("d", indicator.denominator)):
            if measure is None:
                continue
            signature = _signature(indicator, measure)
            if signature not in seen:
                key = indicator.code if kind == "n" else f"{indicator.code}:d"
                seen[signature] = key
                series[key] = Series(key, indicator, measure)
            names[f"{indicator.code}:{kind}"] = seen[signature]
    return names, series


def series_of(indicator: Indicator, kind: str = "n") -> Series:
    names, series = _all_series()
    return series[names[f"{indicator.code}:{kind}"]]


def all_series() -> list[Series]:
    return list(_all_series()[1].values())


# --- building -------------------------------------------------------------------------------------------------
def _execute(sql: str, params: Sequence) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


MONTH_BIT = "CASE CAST(s.km AS INTEGER) " + " ".join(f"WHEN {m} THEN {1 << (m - 1)}" for m in range(1, 13)) + " END"


def _fill_monthly(series: Series) -> None:
    """One INSERT … SELECT … GROUP BY region, month of the series' records (the counties' rows), then the
    cities' and the province's rows summed from them."""
    how, field = series.measure.how, series.measure.field
    value = Coalesce(Sum(field), Value(Decimal(0))) if how == "sum" else Count(field)
    grouped = series.dated().values("kr", "ky", "km").annotate(v=value).order_by()
    sql, params = grouped.query.sql_with_params()
    table = _table(KpiMonthly)
    _execute(f"INSERT INTO {table} (series, scope, ym, value) "
             f"SELECT %s, s.kr, CAST(s.ky AS INTEGER) * 100 + CAST(s.km AS INTEGER), s.v FROM ({sql}) s",
             [series.key, *params])
    leaf = max(SCOPE_LENGTHS)
    for digits in SCOPE_LENGTHS[:-1]:
        _execute(f"INSERT INTO {table} (series, scope, ym, value) "
                 f"SELECT series, SUBSTR(scope, 1, {digits}), ym, SUM(value) FROM {table} "
                 f"WHERE series = %s AND LENGTH(scope) = {leaf} GROUP BY series, SUBSTR(scope, 1, {digits}), ym",
                 [series.key])


def _fill_entities(series: Series, where: Q | None = None) -> None:
    """One INSERT … SELECT of each counted entity's region, year and month set (distinct months summed as bits)."""
    queryset = series.dated(series.records().filter(where) if where is not None else None)
    months = queryset.annotate(ke=F(series.measure.field)).values("ke", "kr", "ky", "km").distinct().order_by()
    sql, params = months.query.sql_with_params()
    _execute(f"INSERT INTO {_table(KpiEntityYear)} (series, entity, region, year, months) "
             f"SELECT %s, s.ke, s.kr, CAST(s.ky AS INTEGER), SUM({MONTH_BIT}) FROM ({sql}) s "
             f"WHERE s.ke IS NOT NULL GROUP BY s.ke, s.kr, s.ky", [series.key, *params])


BITS = " UNION ALL ".join(f"SELECT {1 << m} AS bit" for m in range(12))


def _fill_masks(series: Series) -> None:
    """Per scope length: each entity's month set in the scope (the union over its regions there, as the sum of
    its distinct month bits), then the entities counted per month set."""
    for digits in SCOPE_LENGTHS:
        _execute(
            f"INSERT INTO {_table(KpiMaskCount)} (series, scope, year, months, count) "
            f"SELECT %s, u.scope, u.year, u.months, COUNT(*) FROM ("
            f" SELECT e.entity, SUBSTR(e.region, 1, {digits}) AS scope, e.year, SUM(DISTINCT b.bit) AS months"
            f" FROM {_table(KpiEntityYear)} e JOIN ({BITS}) b ON (e.months & b.bit) <> 0"
            f" WHERE e.series = %s AND LENGTH(e.region) >= {digits}"
            f" GROUP BY e.entity, SUBSTR(e.region, 1, {digits}), e.year) u "
            f"GROUP BY u.scope, u.year, u.months", [series.key, series.key])


def summary_rebuild() -> KpiSummaryBuild:
    """Build the whole summary again from the records (nightly; idempotent). Readers see the previous summary
    until this transaction commits."""
    started = time.perf_counter()
    with transaction.atomic():
        for model in (KpiMonthly, KpiEntityYear, KpiMaskCount):
            model.objects.all().delete()
        for series in all_series():
            if series.distinct:
                _fill_entities(series)
                _fill_masks(series)
            else:
                _fill_monthly(series)
        build = KpiSummaryBuild.objects.create(seconds=Decimal(round(time.perf_counter() - started, 2)))
        summary_changed()
    if connection.vendor == "postgresql":  # fresh statistics, so the readers' plans use the key index
        _execute("ANALYZE " + ", ".join(_table(m) for m in (KpiMonthly, KpiEntityYear, KpiMaskCount)), [])
    return build


def summary_ensure() -> None:
    """The summary exists (built once when it never was, e.g. right after installation)."""
    if not KpiSummaryBuild.objects.exists():
        summary_rebuild()


def summary_version() -> int:
    return shared_cache.get(VERSION_KEY) or 0


def summary_changed() -> None:
    """Cached figures are keyed by the summary's version: bump it now and again once the change is committed
    (a figure computed in between, from the old rows, is then never served)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        shared_cache.incr(VERSION_KEY)
    except ValueError:
        shared_cache.set(VERSION_KEY, 1, None)


# --- refreshing what a change touched -------------------------------------------------------------------------
def contribution(series: Series):
    """What one record adds to a summed or counted series (0 when the measure's condition leaves it out), for
    the records a change reaches, grouped in SQL."""
    from django.db.models import Case, DecimalField, When

    measure = series.measure
    condition = measure.condition() or Q()
    if measure.field != "pk":
        condition &= Q(**{f"{measure.field}__isnull": False})
    added = Value(Decimal(1)) if measure.how == "count" else F(measure.field)
    if not condition:
        return Sum(added, output_field=DecimalField())
    return Sum(Case(When(condition, then=added), default=Value(Decimal(0)), output_field=DecimalField()))


def add_to_months(series: Series, delta: dict[tuple[str, int], Decimal]) -> None:
    """Move the series' rows of these (region, year × 100 + month), and of the city and province above them, by
    what the changed records added or took away (their contributions after the change less those before it: the
    rows stay sums over the records without reading the other records of the month). Rows that come to nothing
    go."""
    scoped: Counter = Counter()
    for (region, ym), change in delta.items():
        for digits in SCOPE_LENGTHS:
            if change and len(region) >= digits:
                scoped[(region[:digits], ym)] += change
    touched = Q()
    for (scope, ym), change in sorted(scoped.items()):
        if not change:
            continue
        touched |= Q(scope=scope, ym=ym)
        rows = KpiMonthly.objects.filter(series=series.key, scope=scope, ym=ym)
        if rows.update(value=F("value") + change):
            continue
        try:
            with transaction.atomic():
                KpiMonthly.objects.create(series=series.key, scope=scope, ym=ym, value=change)
        except IntegrityError:  # another transaction added the same month meanwhile
            rows.update(value=F("value") + change)
    if touched:
        KpiMonthly.objects.filter(touched, series=series.key, value=0).delete()
        summary_changed()


def _scope_masks(rows) -> Counter:
    """``{(scope, year, months): 1}`` of one entity: its month set per scope (union over its regions there)."""
    masks: dict[tuple[str, int], int] = {}
    for region, year, months in rows:
        for digits in SCOPE_LENGTHS:
            if len(region) >= digits:
                key = (region[:digits], year)
                masks[key] = masks.get(key, 0) | months
    return Counter({(scope, year, months): 1 for (scope, year), months in masks.items()})


@transaction.atomic(savepoint=False)  # a save outside a transaction (a live server, a script) still locks its rows
def refresh_entities(series: Series, entities: Iterable[int]) -> None:
    """Recompute the series' rows of these entities and move them between the month-set counts."""
    entities = {e for e in entities if e is not None}
    if not entities:
        return
    mine = KpiEntityYear.objects.filter(series=series.key, entity__in=entities)
    # locked: a concurrent change of the same entity waits and then reads what this one leaves
    before = list(mine.select_for_update().order_by("pk").values_list("entity", "region", "year", "months"))
    mine.delete()
    _fill_entities(series, Q(**{f"{series.measure.field}__in": entities}))
    after = list(mine.values_list("entity", "region", "year", "months"))
    delta: Counter = Counter()
    for entity in entities:
        delta.update(_scope_masks([r[1:] for r in after if r[0] == entity]))
        delta.subtract(_scope_masks([r[1:] for r in before if r[0] == entity]))
    for (scope, year, months), change in sorted(delta.items()):
        if change:
            _add_count(series.key, scope, year, months, change)
    if delta:
        KpiMaskCount.objects.filter(series=series.key, count__lte=0).delete()
    summary_changed()


def _add_count(series: str, scope: str, year: int, months: int, change: int) -> None:
    rows = KpiMaskCount.objects.filter(series=series, scope=scope, year=year, months=months)
    if rows.update(count=F("count") + change) or change < 0:
        return
    try:
        with transaction.atomic():
            KpiMaskCount.objects.create(series=series, scope=scope, year=year, months=months, count=change)
    except IntegrityError:  # another transaction added the same month set meanwhile
        rows.update(count=F("count") + change)


# --- reading -------------------------------------------------------------------------------------------------
def _months_of(ranges: Sequence[tuple[date, date]]) -> list[tuple[int, int, int]] | None:
    """Each range as (year, first month, last month); None when one is not whole months of one year."""
    from .periods import month_end

    result = []
    for start, end in ranges:
        if start.day != 1 or end != month_end(end.year, end.month) or start.year != end.year or start > end:
            return None
        result.append((start.year, start.month, end.month))
    return result


def _bits(first: int, last: int) -> int:
    return ((1 << last) - 1) ^ ((1 << (first - 1)) - 1)


def _in_scopes(rows, *, prefix: str, digits: int | None, subs: Sequence[str] | None):
    """The rows of the region's own scope, or of its sub-regions' (those named, by the key's index, else every
    scope of ``digits`` under the prefix)."""
    if digits is None:
        return rows.filter(scope=prefix)
    if subs is not None:
        return rows.filter(scope__in=list(subs))
    return rows.filter(scope__startswith=prefix).annotate(n=Length("scope")).filter(n=digits)


def _monthly_sums(keys: list[str], months, *, prefix: str, digits: int | None, subs=None):
    ranges = {f"r{i}": Sum("value", filter=Q(ym__gte=y * 100 + a, ym__lte=y * 100 + b))
              for i, (y, a, b) in enumerate(months)}
    low = min(y * 100 + a for y, a, _ in months)
    high = max(y * 100 + b for y, _, b in months)
    rows = _in_scopes(KpiMonthly.objects.filter(series__in=keys, ym__gte=low, ym__lte=high), prefix=prefix,
                      digits=digits, subs=subs)
    group = ["series"] if digits is None else ["series", "scope"]
    return rows.order_by().values(*group).annotate(**ranges)


def _mask_counts(keys: list[str], months, *, prefix: str, digits: int | None, subs=None):
    annotations, aliases = {}, {}
    for i, (y, a, b) in enumerate(months):
        aliases[f"b{i}"] = F("months").bitand(_bits(a, b))
        annotations[f"r{i}"] = Sum("count", filter=Q(year=y, **{f"b{i}__gt": 0}))
    rows = _in_scopes(KpiMaskCount.objects.filter(series__in=keys, year__in={y for y, _, _ in months}),
                      prefix=prefix, digits=digits, subs=subs)
    group = ["series"] if digits is None else ["series", "scope"]
    return rows.alias(**aliases).order_by().values(*group).annotate(**annotations)


def summary_readable(prefix: str, ranges: Sequence[tuple[date, date]], digits: int | None = None) -> bool:
    """The summary answers whole months of one year, in a region scope it is rolled up to."""
    if _months_of(ranges) is None or not ranges:
        return False
    scope = digits if digits is not None else len(prefix)
    return scope in SCOPE_LENGTHS and len(prefix) <= scope


def _collect(indicators: Sequence[Indicator], months, *, prefix: str, digits: int | None, subs=None) -> dict:
    """``{(series key, sub-region or ""): [sum per range]}`` from one query per summary table."""
    wanted = {series_of(i, kind) for i in indicators for kind in ("n", "d") if kind == "n" or i.is_ratio}
    plain = sorted(s.key for s in wanted if not s.distinct)
    distinct = sorted(s.key for s in wanted if s.distinct)
    found: dict = {}
    if plain:
        for row in _monthly_sums(plain, months, prefix=prefix, digits=digits, subs=subs):
            found[(row["series"], row.get("scope", ""))] = [row[f"r{i}"] for i in range(len(months))]
    if distinct:
        for row in _mask_counts(distinct, months, prefix=prefix, digits=digits, subs=subs):
            found[(row["series"], row.get("scope", ""))] = [row[f"r{i}"] for i in range(len(months))]
    return found


def _figures(indicator: Indicator, found: dict, sub: str, count: int) -> list[Decimal | None]:
    def sums(kind):
        return found.get((series_of(indicator, kind).key, sub)) or [None] * count

    row = {f"n{i}": v for i, v in enumerate(sums("n"))}
    if indicator.is_ratio:
        row.update({f"d{i}": v for i, v in enumerate(sums("d"))})
    return indicator._figures(row, count)


def summary_values(indicators: Sequence[Indicator], prefix: str,
                   ranges: Sequence[tuple[date, date]]) -> dict[str, list[Decimal | None]]:
    """Like ``portal.indicators.values_many``, from the summary: two queries whatever the indicators."""
    months = _months_of(ranges)
    found = _collect(indicators, months, prefix=prefix, digits=None)
    return {i.code: _figures(i, found, "", len(ranges)) for i in indicators}


def summary_values_by_subregion(indicators: Sequence[Indicator], prefix: str, digits: int,
                                ranges: Sequence[tuple[date, date]],
                                subs: Sequence[str] | None = None) -> dict[str, dict[str, list]]:
    """Like ``portal.indicators.values_by_subregion_many``, from the summary: two grouped queries. ``subs``: only
    these sub-region prefixes (the region's children)."""
    months = _months_of(ranges)
    found = _collect(indicators, months, prefix=prefix, digits=digits, subs=subs)
    subs = {sub for _, sub in found}
    result: dict[str, dict] = {}
    for indicator in indicators:
        keys = {series_of(indicator, kind).key for kind in ("n", "d") if kind == "n" or indicator.is_ratio}
        mine = {sub for sub in subs if any((key, sub) in found for key in keys)}
        result[indicator.code] = {sub: _figures(indicator, found, sub, len(ranges)) for sub in sorted(mine)}
    return result


def cache_seconds() -> int:
    return getattr(settings, "KPI_CACHE_SECONDS", 300)
