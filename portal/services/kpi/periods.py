"""Reporting periods (年、季度、月、累计) and their URL tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """A reporting period: a year, a quarter or a month, or the year to the end of a quarter or month (累计).

    Its token is what the URL carries: ``2026``, ``2026Q3``, ``2026M07``, ``2026Q3C`` (1–9月累计), ``2026M07C``."""

    year: int
    kind: str = "year"  # year | quarter | month
    number: int = 0
    cumulative: bool = False

    TOKEN = re.compile(r"^(\d{4})(?:(Q)([1-4])|(M)(0[1-9]|1[0-2]))?(C)?$")

    @classmethod
    def parse(cls, token: str | None, *, today: date | None = None) -> Period:
        match = cls.TOKEN.match((token or "").strip().upper())
        if not match:
            return cls.current_quarter(today)
        year = int(match.group(1))
        if match.group(2):
            return cls(year, "quarter", int(match.group(3)), bool(match.group(6)))
        if match.group(4):
            return cls(year, "month", int(match.group(5)), bool(match.group(6)))
        return cls(year)

    @classmethod
    def current_quarter(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.year, "quarter", (today.month - 1) // 3 + 1)

    @property
    def token(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}{'C' if self.cumulative else ''}"
        if self.kind == "month":
            return f"{self.year}M{self.number:02d}{'C' if self.cumulative else ''}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        if self.cumulative or self.kind == "year":
            return 1
        return (self.number - 1) * 3 + 1 if self.kind == "quarter" else self.number

    @property
    def last_month(self) -> int:
        if self.kind == "year":
            return 12
        return self.number * 3 if self.kind == "quarter" else self.number

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, self.last_month)

    @property
    def range(self) -> tuple[date, date]:
        return self.start, self.end

    def shifted(self, years: int) -> Period:
        return Period(self.year + years, self.kind, self.number, self.cumulative)

    def year_to_date(self) -> Period:
        """The year up to this period's end (the base of the completion rate)."""
        if self.kind == "year":
            return self
        return Period(self.year, self.kind, self.number, True)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year}年"
        if self.cumulative:
            return f"{self.year}年1—{self.last_month}月累计"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年{self.number}月"

    def quarters(self) -> list[Period]:
        return [Period(self.year, "quarter", q) for q in range(1, 5)]


def parse_year(value) -> int:
    """A year from the URL; this year for anything else."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def period_choices(year: int) -> list[tuple[str, str]]:
    choices = [(str(year), f"{year}年全年")]
    for q in range(1, 5):
        choices.append((f"{year}Q{q}", f"{year}年第{q}季度"))
    for q in range(2, 4):
        choices.append((f"{year}Q{q}C", f"{year}年1—{q * 3}月累计"))
    for m in range(1, 13):
        choices.append((f"{year}M{m:02d}", f"{year}年{m}月"))
    return choices
