"""The indicators the bureaus report (DESIGN §8), as data: one registry collected from each app's ``indicators.py``.

An app's ``indicators.py`` defines ``INDICATORS``: a list of ``Indicator``. The portal collects them in app order,
exactly like ``navigation`` collects ``nav.py``, so the portal core imports no app directly and an app that is not
installed simply contributes nothing.

An indicator says what it counts and how: the records behind it (a queryset), the date that places a record in a
period, the region path that places it in a region subtree, and the SQL aggregate of its figure (a sum, a count,
a distinct count, or a ratio of two of them). Every figure is one aggregate query over the records; periods are
conditional aggregates of the same query (``aggregate(p0=Sum(..., filter=Q(date in p0)), p1=...)``), so the
dashboard asks the database once per indicator, never loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr

from .plugins import app_modules

ZERO = Decimal(0)
DASH = "—"


@dataclass(frozen=True)
class Measure:
    """How a figure is aggregated from the records: ``sum`` of a field, ``count`` of rows, ``distinct`` count of a
    field; optionally restricted by ``where`` (a Q over the same records)."""

    how: str
    field: str = "pk"
    #: a Q, or a function returning one (for a condition that names another app's models, built when first used)
    where: Q | Callable[[], Q] | None = None

    def condition(self) -> Q | None:
        return self.where() if callable(self.where) else self.where

    def expression(self, condition: Q):
        where = self.condition()
        if where is not None:
            condition = condition & where
        if self.how == "sum":
            return Coalesce(Sum(self.field, filter=condition), ZERO)
        if self.how == "count":
            return Count(self.field, filter=condition)
        if self.how == "distinct":
            return Count(self.field, filter=condition, distinct=True)
        raise ValueError(f"unknown measure: {self.how}")


@dataclass(frozen=True)
class Indicator:
    """绩效指标 — one figure a bureau reports, with how it is computed.

    ``records()`` is every record that can count (already restricted to the ones that count: deals of matches that
    reached the deal status, approved decisions, …); ``date_field`` places a record in a period, ``region_field``
    (a path to a ``portal.Region`` foreign key) places it in a region subtree. ``measure`` is the figure; a ratio
    indicator has ``denominator`` too and is shown as a percentage.
    """

    code: str
    name: str
    unit: str
    group: str
    records: Callable[[], QuerySet]
    date_field: str
    region_field: str
    measure: Measure
    period_note: str
    region_note: str
    denominator: Measure | None = None
    order: int = 50
    #: names the seed tables give this indicator (the task column of 年度绩效目标), for the Excel import
    aliases: tuple[str, ...] = ()
    #: the columns of the record list behind a figure: (header, dotted attribute path)
    columns: tuple[tuple[str, str], ...] = ()
    select_related: tuple[str, ...] = ()
    #: the record list's order (newest first); defaults to ``date_field``
    order_field: str = ""
    #: dotted path of the FilterSet the app's own list of these records uses, offered on the record list too
    filterset: str = ""
    #: the models whose changes move this figure, for the summary to follow them at once: ``(app_label.Model,
    #: how)``, ``how`` the lookup from a record to that model ("" for the record itself) or a function of the
    #: changed object returning a Q over the records (None when the change cannot matter)
    sources: tuple[tuple[str, str | Callable], ...] = ()

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    @property
    def is_money(self) -> bool:
        return self.unit == "元"

    # --- querying -----------------------------------------------------------------------------------------
    def region_q(self, prefix: str) -> Q:
        return Q(**{f"{self.region_field}__code__startswith": prefix}) if prefix else Q()

    def range_q(self, start: date, end: date) -> Q:
        return Q(**{f"{self.date_field}__gte": start, f"{self.date_field}__lte": end})

    def in_region(self, prefix: str) -> QuerySet:
        return self.records().filter(self.region_q(prefix))

    def behind(self, prefix: str, start: date, end: date) -> QuerySet:
        """The records behind one figure (the list a figure opens to)."""
        qs = self.in_region(prefix).filter(self.range_q(start, end))
        where = (self.denominator or self.measure).condition()  # a ratio lists its base, the others what they count
        if where is not None:
            qs = qs.filter(where)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.order_by(f"-{self.order_field or self.date_field}", "-pk")

    def _annotations(self, ranges: Sequence[tuple[date, date]]) -> dict:
        annotations = {}
        for i, (start, end) in enumerate(ranges):
            condition = self.range_q(start, end)
            annotations[f"n{i}"] = self.measure.expression(condition)
            if self.denominator is not None:
                annotations[f"d{i}"] = self.denominator.expression(condition)
        return annotations

    def _narrowed(self, prefix: str, ranges: Sequence[tuple[date, date]]) -> QuerySet:
        first = min(start for start, _ in ranges)
        last = max(end for _, end in ranges)
        return self.in_region(prefix).filter(self.range_q(first, last))

    def _figures(self, row: dict, count: int) -> list[Decimal]:
        figures = []
        for i in range(count):
            numerator = Decimal(row.get(f"n{i}") or 0)
            if self.denominator is None:
                figures.append(numerator)
            else:
                denominator = Decimal(row.get(f"d{i}") or 0)
                figures.append(None if not denominator else numerator * 100 / denominator)
        return figures

    def values(self, prefix: str, ranges: Sequence[tuple[date, date]]) -> list[Decimal | None]:
        """The figure for each date range in the region subtree of ``prefix``: one aggregate query. A ratio whose
        denominator is zero is None."""
        if not ranges:
            return []
        row = self._narrowed(prefix, ranges).aggregate(**self._annotations(ranges))
        return self._figures(row, len(ranges))

    def values_by_subregion(self, prefix: str, digits: int, ranges: Sequence[tuple[date, date]]) -> dict:
        """The figures per sub-region (the first ``digits`` of the region code) of the subtree: one grouped
        aggregate query. Returns ``{code prefix: [figure per range]}``."""
        if not ranges:
            return {}
        rows = (self._narrowed(prefix, ranges)
                .annotate(sub=Substr(f"{self.region_field}__code", 1, digits)).order_by()
                .values("sub").annotate(**self._annotations(ranges)))
        return {row["sub"]: self._figures(row, len(ranges)) for row in rows}

    def _row_of(self, row: dict, index: int, count: int) -> list[Decimal | None]:
        """This indicator's figures out of a row that several indicators share (keys ``n<index>_<range>``)."""
        mine = {f"{kind}{i}": row.get(f"{kind}{index}_{i}") for kind in "nd" for i in range(count)}
        return self._figures(mine, count)

    def describe(self) -> dict:
        return {"code": self.code, "name": self.name, "unit": self.unit, "group": self.group,
                "period": self.period_note, "region": self.region_note, "ratio": self.is_ratio}


@dataclass
class Figure:
    """One indicator's figure with its comparison, as shown and exported."""

    indicator: Indicator
    value: Decimal | None
    previous: Decimal | None = None
    extra: dict = field(default_factory=dict)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.value, self.previous)


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Year-on-year growth in percent; None (shown "—") when there is no base to compare with."""
    if current is None or previous is None or previous == 0:
        return None
    return (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)


def percent_text(value: Decimal | None, decimals: int = 1) -> str:
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-decimals)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)}%"


def figure_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return DASH
    if indicator.is_ratio:
        return percent_text(value)
    if indicator.is_money:
        return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


# --- several indicators at once ------------------------------------------------------------------------------
def _groups(indicators: Sequence[Indicator], *, by_region: bool) -> dict:
    """Indicators over the same records and date (and, for a breakdown, region path) share one query."""
    groups: dict = {}
    for indicator in indicators:
        distinct = indicator.measure.field if indicator.measure.how == "distinct" else None
        key = (indicator.records, indicator.date_field, indicator.region_field if by_region else None, distinct)
        groups.setdefault(key, []).append(indicator)
    return groups


def _distinct_rows(members: list[Indicator], field: str, prefix: str, ranges: Sequence[tuple[date, date]],
                   sub: tuple[str, int] | None = None) -> list[dict]:
    """Distinct counts (e.g. SMEs benefited) without a COUNT(DISTINCT …) per period, which sorts the records
    once per period: the records are grouped by ``field`` once, each group flagged 1/0 per period, and the flags
    summed (one pass and one hash aggregate). ``sub``: (region path, digits) to count per sub-region."""
    queryset = _base(members, prefix, ranges)
    paths = {m.region_field for m in members}
    flags = {}
    for j, indicator in enumerate(members):
        for i, (start, end) in enumerate(ranges):
            condition = indicator.range_q(start, end)
            if len(paths) > 1 and prefix:
                condition &= indicator.region_q(prefix)
            for kind, measure in (("n", indicator.measure), ("d", indicator.denominator)):
                if measure is None:
                    continue
                where = measure.condition()
                flag = condition & where if where is not None else condition
                flags[f"{kind}{j}_{i}"] = Max(Case(When(flag, then=Value(1)), default=Value(0),
                                                   output_field=IntegerField()))
    group = [field]
    if sub is not None:
        queryset = queryset.annotate(sub=Substr(f"{sub[0]}__code", 1, sub[1]))
        group.append("sub")
    inner = queryset.order_by().values(*group).annotate(**flags)
    sql, params = inner.query.sql_with_params()
    quote = connection.ops.quote_name
    sums = ", ".join(f"SUM({quote(name)}) AS {quote(name)}" for name in flags)
    outer = (f"SELECT {quote('sub') + ', ' if sub else ''}{sums} FROM ({sql}) flagged"
             f"{' GROUP BY ' + quote('sub') if sub else ''}")
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _shared(members: list[Indicator], prefix: str, ranges: Sequence[tuple[date, date]]):
    """The records of a group in the date span, in the region (any of the members' region paths), with each
    member's conditional aggregates (``n<member>_<range>``, ``d<member>_<range>``)."""
    paths = {m.region_field for m in members}
    annotations = {}
    for j, indicator in enumerate(members):
        for i, (start, end) in enumerate(ranges):
            condition = indicator.range_q(start, end)
            if len(paths) > 1 and prefix:
                condition &= indicator.region_q(prefix)
            annotations[f"n{j}_{i}"] = indicator.measure.expression(condition)
            if indicator.denominator is not None:
                annotations[f"d{j}_{i}"] = indicator.denominator.expression(condition)
    return _base(members, prefix, ranges), annotations


def _base(members: list[Indicator], prefix: str, ranges: Sequence[tuple[date, date]]) -> QuerySet:
    """A group's records in the date span of the ranges and in the region by any of the members' paths."""
    first = min(start for start, _ in ranges)
    last = max(end for _, end in ranges)
    queryset = members[0].records().filter(members[0].range_q(first, last))
    if not prefix:
        return queryset
    region = Q()
    for path in {m.region_field for m in members}:
        region |= Q(**{f"{path}__code__startswith": prefix})
    return queryset.filter(region)


def values_many(indicators: Sequence[Indicator], prefix: str,
                ranges: Sequence[tuple[date, date]]) -> dict[str, list[Decimal | None]]:
    """The figures of several indicators for each range: one aggregate query per group of indicators that read
    the same records (all the deal indicators are one pass over the deals)."""
    result: dict[str, list] = {}
    for (*_, distinct), members in _groups(indicators, by_region=False).items():
        if distinct:
            row = _distinct_rows(members, distinct, prefix, ranges)[0]
        else:
            queryset, annotations = _shared(members, prefix, ranges)
            row = queryset.aggregate(**annotations)
        for j, indicator in enumerate(members):
            result[indicator.code] = indicator._row_of(row, j, len(ranges))
    return result


def values_by_subregion_many(indicators: Sequence[Indicator], prefix: str, digits: int,
                             ranges: Sequence[tuple[date, date]]) -> dict[str, dict[str, list]]:
    """``{indicator code: {sub-region prefix: [figure per range]}}``: one grouped query per group of indicators
    over the same records and region path."""
    result: dict[str, dict] = {}
    for (_, _, path, distinct), members in _groups(indicators, by_region=True).items():
        if distinct:
            rows = _distinct_rows(members, distinct, prefix, ranges, sub=(path, digits))
        else:
            queryset, annotations = _shared(members, prefix, ranges)
            rows = (queryset.annotate(sub=Substr(f"{path}__code", 1, digits)).order_by().values("sub")
                    .annotate(**annotations))
        for indicator in members:
            result[indicator.code] = {}
        for row in rows:
            for j, indicator in enumerate(members):
                result[indicator.code][row["sub"]] = indicator._row_of(row, j, len(ranges))
    return result


# --- the registry --------------------------------------------------------------------------------------------
def _indicator_modules():
    return app_modules("indicators")


@cache
def registry() -> dict[str, Indicator]:
    """Every installed app's indicators by code, in display order."""
    found = [i for module in _indicator_modules() for i in getattr(module, "INDICATORS", [])]
    found.sort(key=lambda i: i.order)
    result: dict[str, Indicator] = {}
    for indicator in found:
        if indicator.code in result:
            raise ValueError(f"indicator code used twice: {indicator.code}")
        result[indicator.code] = indicator
    return result


def all_indicators() -> list[Indicator]:
    return list(registry().values())


def get_indicator(code: str) -> Indicator | None:
    return registry().get(code)
