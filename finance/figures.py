"""Pledge-financing figures (质押融资金额、项目数 and their year-on-year growth) per region and period, computed
by the database: one grouped aggregate over ``PledgeRegistration`` (indexed on region and registration day, the
loan amount carried in the index), so the KPI work can call it for a province of any size.

A pledge project is one registered pledge; its amount is the loan it secures; its period is the day the pledge
was registered. Growth compares a period with the same period one year earlier (同比): ``(now − before) ÷
before`` as an exact fraction, None when there is nothing to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, Sum, Value
from django.db.models.functions import Concat, Substr, TruncMonth, TruncQuarter, TruncYear

from portal.models import Region

from .models import PledgeRegistration
from .money import to_fen

PERIODS = {"year": ("年度", TruncYear), "quarter": ("季度", TruncQuarter), "month": ("月度", TruncMonth)}
LEVELS = {"province": ("省", 2), "city": ("市（州）", 4), "county": ("县（市、区）", 6)}


@dataclass
class FigureRow:
    region_code: str
    region_name: str
    period: date
    amount: Decimal
    projects: int
    amount_growth: Decimal | None = None
    projects_growth: Decimal | None = None
    kind: str = "year"

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.kind)

    def as_dict(self) -> dict:
        return {"region": self.region_code, "region_name": self.region_name, "period": self.period.isoformat(),
                "period_label": self.period_label, "amount": str(self.amount), "projects": self.projects,
                "amount_growth": str(self.amount_growth) if self.amount_growth is not None else None,
                "projects_growth": str(self.projects_growth) if self.projects_growth is not None else None}


def period_label(day: date, kind: str) -> str:
    if kind == "year":
        return f"{day.year} 年"
    if kind == "quarter":
        return f"{day.year} 年第 {(day.month - 1) // 3 + 1} 季度"
    return f"{day.year} 年 {day.month} 月"


def _area(level: str):
    digits = LEVELS[level][1]
    if digits == 6:
        return Substr("region_id", 1, 6)
    return Concat(Substr("region_id", 1, digits), Value("0" * (6 - digits)), output_field=CharField())


def _growth(now, before) -> Decimal | None:
    if not before:
        return None
    return (Decimal(now - before) / Decimal(before)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1)


def aggregate_rows(queryset, *, period: str, level: str, since: date, until: date) -> list[dict]:
    """The grouped rows straight from SQL: ``{"area", "period", "amount", "projects"}``."""
    trunc = PERIODS[period][1]
    return list(queryset.filter(registered_on__gte=since, registered_on__lte=until)
                .annotate(area=_area(level), period=trunc("registered_on"))
                .values("area", "period").annotate(amount=Sum("loan_amount"), projects=Count("pk"))
                .order_by("area", "period"))


def pledge_figures(*, queryset=None, user=None, region_code: str = "", period: str = "year", level: str = "city",
                   since: date, until: date) -> list[FigureRow]:
    """Amount and project count per region of ``level`` and per ``period`` from ``since`` to ``until`` (both
    included), each with its growth on the same period a year earlier. ``queryset`` (or ``user``'s visible
    registrations) may be narrowed to ``region_code``'s subtree."""
    if period not in PERIODS or level not in LEVELS:
        raise ValueError("period or level unknown")
    if queryset is None:
        queryset = PledgeRegistration.objects.visible_to(user) if user is not None else PledgeRegistration.objects
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        queryset = queryset.filter(region__code__startswith=region.scope_prefix if region else region_code)
    rows = aggregate_rows(queryset, period=period, level=level, since=_year_before(since), until=until)
    index = {(r["area"], _as_date(r["period"])): r for r in rows}
    names = dict(Region.objects.filter(code__in={r["area"] for r in rows}).values_list("code", "name"))
    result = []
    for (area, day), row in index.items():
        if day < since:
            continue
        before = index.get((area, _year_before(day)), {"amount": None, "projects": None})
        result.append(FigureRow(area, names.get(area, area), day, to_fen(row["amount"] or 0), row["projects"],
                                _growth(row["amount"], before["amount"]), _growth(row["projects"], before["projects"]),
                                kind=period))
    return sorted(result, key=lambda r: (r.region_code, r.period))


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def totals(rows: list[FigureRow]) -> dict:
    return {"amount": to_fen(sum((r.amount for r in rows), Decimal(0))), "projects": sum(r.projects for r in rows)}
