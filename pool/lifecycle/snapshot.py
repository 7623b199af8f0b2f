"""The figures the lifecycle rules compare, read once out of facts and stored as JSON beside them.

A *snapshot* is taken of the admitted application's revision (the baseline, the fiscal year before admission)
and of every submitted monitoring report. The industrialisation rate is counted by criterion 5's own code
(``criteria.evaluators.common.Context``) on the snapshot's patent list, never typed; the rate is kept as its
two counts so every comparison is exact.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from criteria.evaluators.common import Context
from criteria.facts import ApplicationFacts
from criteria.facts import parse_date as _date
from criteria.facts import parse_decimal as _decimal
from criteria.rules import CriteriaRules


def product_key(name: str) -> str:
    """The same product in two years: its name without spaces and punctuation width differences."""
    return "".join((name or "").split()).replace("（", "(").replace("）", ")").lower()


@dataclass(frozen=True)
class ProductFigures:
    name: str
    filing_no: str = ""
    filed_on: date | None = None
    recognised: bool = False  # 已认定为专利密集型产品
    sales: Decimal | None = None
    profit: Decimal | None = None


@dataclass(frozen=True)
class Snapshot:
    year: int | None
    revenue: Decimal | None
    profit: Decimal | None
    rnd_expense: Decimal | None
    rate_used: int
    rate_counted: int
    products: tuple[ProductFigures, ...] = field(default=())

    @property
    def rate(self) -> Fraction:
        """Criterion 5's rate as an exact fraction; 0 when no patent counts."""
        return Fraction(self.rate_used, self.rate_counted) if self.rate_counted else Fraction(0)

    def product(self, name: str) -> ProductFigures | None:
        key = product_key(name)
        return next((p for p in self.products if product_key(p.name) == key), None)

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("revenue", "profit", "rnd_expense"):
            data[key] = None if data[key] is None else format(data[key], "f")
        data["products"] = [_product_dict(p) for p in self.products]
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> Snapshot | None:
        if not data:
            return None
        return cls(
            year=data.get("year"), revenue=_decimal(data.get("revenue")), profit=_decimal(data.get("profit")),
            rnd_expense=_decimal(data.get("rnd_expense")), rate_used=int(data.get("rate_used") or 0),
            rate_counted=int(data.get("rate_counted") or 0),
            products=tuple(ProductFigures(
                name=p.get("name", ""), filing_no=p.get("filing_no", ""), filed_on=_date(p.get("filed_on")),
                recognised=p.get("recognised") is True, sales=_decimal(p.get("sales")),
                profit=_decimal(p.get("profit"))) for p in data.get("products") or []))


def _product_dict(product: ProductFigures) -> dict:
    return {"name": product.name, "filing_no": product.filing_no,
            "filed_on": product.filed_on.isoformat() if product.filed_on else None,
            "recognised": product.recognised,
            "sales": None if product.sales is None else format(product.sales, "f"),
            "profit": None if product.profit is None else format(product.profit, "f")}


def rate_counts(patents: list, criteria_rules: CriteriaRules, on: date) -> tuple[int, int]:
    """(used in products on sale, counted) of a patent list, exactly as criterion 5 counts them on ``on``."""
    facts = ApplicationFacts.from_dict({"patents": patents})
    context = Context(facts, criteria_rules, on, None)
    return context.rate_used, context.rate_counted


def application_snapshot(data: dict, criteria_rules: CriteriaRules, *, on: date, year: int | None) -> Snapshot:
    """The baseline: the admitted revision's figures of the fiscal year before admission."""
    facts = ApplicationFacts.from_dict(data)
    used, counted = rate_counts(data.get("patents") or [], criteria_rules, on)
    products = tuple(ProductFigures(name=p.name, filing_no=p.filing_no, recognised=p.patent_intensive is True,
                                    sales=p.sales, profit=p.profit) for p in facts.products)
    return Snapshot(year=year, revenue=facts.identity.revenue, profit=None, rnd_expense=facts.rnd.rnd_expense,
                    rate_used=used, rate_counted=counted, products=products)


def report_snapshot(data: dict, criteria_rules: CriteriaRules, *, on: date, year: int) -> Snapshot:
    """A monitoring report's figures (``data`` in the shape of ``pool.monitoring_schema``)."""
    figures = data.get("figures") or {}
    used, counted = rate_counts(data.get("patents") or [], criteria_rules, on)
    products = tuple(ProductFigures(
        name=str(p.get("name") or ""), filing_no=str(p.get("filing_no") or "").strip(),
        filed_on=_date(p.get("filed_on")), recognised=p.get("recognised") is True,
        sales=_decimal(p.get("sales")), profit=_decimal(p.get("profit")))
        for p in data.get("products") or [] if isinstance(p, dict))
    return Snapshot(year=year, revenue=_decimal(figures.get("revenue")), profit=_decimal(figures.get("profit")),
                    rnd_expense=_decimal(figures.get("rnd_expense")), rate_used=used, rate_counted=counted,
                    products=products)
