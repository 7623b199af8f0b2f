"""Actual figures against targets: per region subtree and period, and per sub-region."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache

from ...indicators import (
    Indicator,
    all_indicators,
    figure_text,
    growth,
    percent_text,
    values_by_subregion_many,
    values_many,
)
from ...models import KpiTarget, Region
from ...models.regions import SCOPE_DIGITS
from .periods import Period
from .summary import (
    cache_seconds,
    summary_ensure,
    summary_readable,
    summary_values,
    summary_values_by_subregion,
    summary_version,
)
from .targets import child_regions, current_targets


@dataclass
class Row:
    """One indicator of a dashboard or report: the period's figure, the year to date, their year-on-year growth,
    the quarters of this and last year, and the target with its completion."""

    indicator: Indicator
    value: Decimal | None
    previous: Decimal | None
    ytd: Decimal | None
    ytd_previous: Decimal | None
    last_year: Decimal | None
    quarters: list
    quarters_previous: list
    target: KpiTarget | None

    @property
    def growth(self) -> Decimal | None:
        return growth(self.value, self.previous)

    @property
    def ytd_growth(self) -> Decimal | None:
        return growth(self.ytd, self.ytd_previous)

    @property
    def target_value(self) -> Decimal | None:
        """The absolute target, or one implied by the growth target over last year's whole-year figure."""
        if self.target is None:
            return None
        if self.target.absolute is not None:
            return self.target.absolute
        if self.target.growth_rate is not None and self.last_year:
            return self.last_year * (1 + self.target.growth_rate / 100)
        return None

    @property
    def completion(self) -> Decimal | None:
        target = self.target_value
        if target is None or target == 0 or self.ytd is None:
            return None
        return self.ytd * 100 / target

    def as_dict(self) -> dict:
        def num(value):
            return None if value is None else float(round(value, 2))

        return {"indicator": self.indicator.code, "name": self.indicator.name, "unit": self.indicator.unit,
                "value": num(self.value), "previous": num(self.previous), "growth": num(self.growth),
                "ytd": num(self.ytd), "ytd_previous": num(self.ytd_previous), "ytd_growth": num(self.ytd_growth),
                "quarters": [num(v) for v in self.quarters],
                "quarters_previous": [num(v) for v in self.quarters_previous],
                "target": ({"absolute": num(self.target.absolute), "growth_rate": num(self.target.growth_rate),
                            "version": self.target.version} if self.target else None),
                "target_value": num(self.target_value), "completion": num(self.completion)}

    # text for tables and the report
    def text(self, name: str) -> str:
        value = getattr(self, name)
        if name in ("growth", "ytd_growth", "completion"):
            return percent_text(value)
        return figure_text(self.indicator, value)

    def __getattr__(self, name: str):
        """``row.text_ytd`` is ``row.text("ytd")`` (for templates)."""
        if name.startswith("text_"):
            return self.text(name[5:])
        raise AttributeError(name)


def _ranges(period: Period, *, quarters: bool) -> list[tuple[date, date]]:
    ytd = period.year_to_date()
    ranges = [period.range, period.shifted(-1).range, ytd.range, ytd.shifted(-1).range, Period(period.year - 1).range]
    if quarters:
        ranges += [q.range for q in period.quarters()] + [q.shifted(-1).range for q in period.quarters()]
    return ranges


def _cached(kind: str, key: tuple, compute):
    """Figures are kept in the shared cache for ``KPI_CACHE_SECONDS`` (0: always computed) under the summary's
    version, which every refresh of the summary bumps: a cached figure is never older than the records. Targets
    are never cached."""
    seconds = cache_seconds()
    if not seconds:
        return compute()
    name = f"kpi:{kind}:{summary_version()}:" + hashlib.sha1(repr(key).encode()).hexdigest()
    hit = cache.get(name)
    if hit is None:
        hit = compute()
        cache.set(name, hit, seconds)
    return hit


def figures_for(indicators, prefix: str, ranges) -> dict:
    """Every indicator's figure per range in the region subtree: from the summary (whole months of a year, in a
    province, city or county), else from the records."""
    if not summary_readable(prefix, ranges):
        return values_many(indicators, prefix, ranges)
    summary_ensure()
    return summary_values(indicators, prefix, ranges)


def figures_by_subregion(indicators, prefix: str, digits: int, ranges, subs: list[str]) -> dict:
    if not summary_readable(prefix, ranges, digits):
        return values_by_subregion_many(indicators, prefix, digits, ranges)
    summary_ensure()
    return summary_values_by_subregion(indicators, prefix, digits, ranges, subs)


def kpi_rows(*, region: Region, period: Period, indicators: list[Indicator] | None = None) -> list[Row]:
    """Every indicator's figures for the region's subtree: one aggregate query per group of indicators over the
    same records (the deals are one pass)."""
    indicators = indicators if indicators is not None else all_indicators()
    ranges = _ranges(period, quarters=True)
    codes = tuple(i.code for i in indicators)
    figures = _cached("rows", (region.scope_prefix, codes, ranges),
                      lambda: figures_for(indicators, region.scope_prefix, ranges))
    targets = current_targets(regions=[region], year=period.year)
    rows = []
    for indicator in indicators:
        v = figures[indicator.code]
        rows.append(Row(indicator, v[0], v[1], v[2], v[3], v[4], v[5:9], v[9:13],
                        targets.get((region.code, indicator.code))))
    return rows


def kpi_breakdown(*, region: Region, period: Period, indicators: list[Indicator] | None = None) -> dict:
    """The figures of each sub-region (a province's cities, a city's counties) for the period and the year to
    date, with their targets: ``{region code: [Row, …]}``; one grouped query per group of indicators."""
    children = child_regions(region)
    if not children:
        return {}
    indicators = indicators if indicators is not None else all_indicators()
    digits = SCOPE_DIGITS[children[0].level]
    ranges = _ranges(period, quarters=False)
    codes = tuple(i.code for i in indicators)
    by_sub = _cached("breakdown", (region.scope_prefix, digits, codes, ranges),
                     lambda: figures_by_subregion(indicators, region.scope_prefix, digits, ranges,
                                                  [child.scope_prefix for child in children]))
    targets = current_targets(regions=children, year=period.year)
    result: dict[str, list[Row]] = {child.code: [] for child in children}
    for indicator in indicators:
        for child in children:
            v = by_sub[indicator.code].get(child.scope_prefix)
            if v is None:
                v = [None] * len(ranges) if indicator.is_ratio else [Decimal(0)] * len(ranges)
            result[child.code].append(Row(indicator, v[0], v[1], v[2], v[3], v[4], [], [],
                                          targets.get((child.code, indicator.code))))
    return result


def split_check(*, region: Region, year: int) -> list[dict]:
    """A city's targets against the sum of what it split over its counties (absolute targets of summable
    indicators only; a rate does not add up)."""
    children = child_regions(region)
    own = current_targets(regions=[region], year=year)
    below = current_targets(regions=children, year=year)
    result = []
    for indicator in all_indicators():
        if indicator.is_ratio:
            continue
        total = sum((t.absolute for (code, ind), t in below.items()
                     if ind == indicator.code and t.absolute is not None), Decimal(0))
        target = own.get((region.code, indicator.code))
        if target is None and not total:
            continue
        result.append({"indicator": indicator, "target": target, "split": total,
                       "short": target is not None and target.absolute is not None and total < target.absolute})
    return result


#: query parameters that choose the figure, not a filter of its records
FIGURE_PARAMS = ("region", "indicator", "period", "page", "year", "scope_region", "format")


def kpi_records(*, indicator: Indicator, region: Region, period: Period, params, request):
    """The records behind one figure, narrowed by the app's own FilterSet (the one its list page and API use);
    the figure's region and period stay those of the figure. Returns the queryset and the FilterSet (or None)."""
    from django.utils.module_loading import import_string

    queryset = indicator.behind(region.scope_prefix, *period.range)
    if not indicator.filterset:
        return queryset, None
    data = params.copy()
    for key in FIGURE_PARAMS:
        data.pop(key, None)
    filterset = import_string(indicator.filterset)(data or None, queryset=queryset, request=request)
    for name in FIGURE_PARAMS:
        filterset.form.fields.pop(name, None)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return queryset, filterset


def record_cells(indicator: Indicator, obj) -> list:
    """One record as the cells of the indicator's columns."""
    cells = []
    for _, dotted in indicator.columns:
        value = obj
        for name in dotted.split("."):
            value = getattr(value, name, None) if value is not None else None
            if callable(value):
                value = value()
        cells.append(("是" if value else "否") if isinstance(value, bool) else value)
    return cells
