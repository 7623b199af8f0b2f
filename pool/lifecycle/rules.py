"""The lifecycle rules of DESIGN §5.1 as one pure function: ``evaluate`` → ``LifecycleVerdict``.

Every comparison is exact (money in decimals, rates as fractions); every verdict carries its reason keys, the
evidence it read and one Chinese sentence. Reason keys: ``misconduct:<kind>``, ``no_progress_two_years``,
``new_filed_product``, ``sales_and_profit_growth``, ``rate_improved``, ``revenue_growth``, ``rate_growth``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .policy import LifecycleRules, MisconductKind
from .snapshot import Snapshot


class Outcome:
    GRADUATE = "graduate"
    REMOVE = "remove"
    NONE = "none"
    NOT_CULTIVATING = "not_cultivating"
    CHOICES = [(GRADUATE, "建议出库"), (REMOVE, "建议退库"), (NONE, "暂无调整"), (NOT_CULTIVATING, "非培育中")]


SIGNAL_LABELS = {
    "new_filed_product": "入库后新增专利密集型产品备案",
    "sales_and_profit_growth": "认定的专利密集型产品销售额与利润均达到增长幅度",
    "rate_improved": "专利产业化率提升达到规定幅度",
    "revenue_growth": "营业收入增长",
    "rate_growth": "专利产业化率提高",
}
PROGRESS_SIGNALS = ("new_filed_product", "sales_and_profit_growth", "revenue_growth", "rate_growth")
NO_PROGRESS = "no_progress_two_years"
MISCONDUCT_PREFIX = "misconduct:"


def reason_label(key: str) -> str:
    if key.startswith(MISCONDUCT_PREFIX):
        return MisconductKind.LABELS.get(key[len(MISCONDUCT_PREFIX):], key)
    if key == NO_PROGRESS:
        return "入库满期限后无实质进展"
    return SIGNAL_LABELS.get(key, key)


@dataclass(frozen=True)
class Misconduct:
    kind: str
    known_on: date
    source: str = ""
    description: str = ""


@dataclass(frozen=True)
class LifecycleVerdict:
    outcome: str
    reasons: tuple[str, ...]
    signals: dict
    evidence: dict = field(default_factory=dict)
    explanation: str = ""


def anniversary(admitted_on: date, years: int) -> date:
    """Admission date plus ``years``, same month and day; 29 February becomes 28 February."""
    try:
        return admitted_on.replace(year=admitted_on.year + years)
    except ValueError:
        return admitted_on.replace(year=admitted_on.year + years, day=28)


def grew(base: Decimal | None, value: Decimal | None, threshold: Decimal) -> bool:
    """Grew by at least ``threshold`` from ``base`` to ``value``: v ≥ b × (1 + t) when b > 0; when b ≤ 0 (zero or a
    loss) only a positive value counts. A missing figure is not zero: no growth."""
    if base is None or value is None:
        return False
    if base > 0:
        return value >= base * (1 + threshold)
    return value > 0


def _points(rate: Fraction) -> str:
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return format(value.quantize(Decimal("0.01")), "f") + "%"


def _new_filed_products(latest: Snapshot, admitted_on: date, on: date) -> list[str]:
    return [p.name for p in latest.products
            if p.filing_no and p.recognised and p.filed_on is not None and admitted_on <= p.filed_on <= on]


def _grown_products(baseline: Snapshot, latest: Snapshot, threshold: Decimal) -> list[str]:
    grown = []
    for product in latest.products:
        base = baseline.product(product.name) if product.recognised else None
        if base is not None and grew(base.sales, product.sales, threshold) and grew(
                base.profit, product.profit, threshold):
            grown.append(product.name)
    return grown


def signals_of(rules: LifecycleRules, *, admitted_on: date, on: date, baseline: Snapshot,
               latest: Snapshot | None) -> tuple[dict, dict]:
    """Each signal (true / false) and the evidence behind it. No accepted report → every signal is false."""
    signals = dict.fromkeys(SIGNAL_LABELS, False)
    evidence: dict = {"baseline_year": baseline.year, "baseline_rate": _points(baseline.rate),
                      "growth_threshold": format(rules.growth_threshold, "f"),
                      "rate_margin": format(rules.rate_margin, "f")}
    if latest is None:
        evidence["latest_year"] = None
        return signals, evidence
    filed = _new_filed_products(latest, admitted_on, on)
    grown = _grown_products(baseline, latest, rules.growth_threshold)
    rise = latest.rate - baseline.rate
    signals.update({
        "new_filed_product": bool(filed),
        "sales_and_profit_growth": bool(grown),
        "rate_improved": rise >= Fraction(rules.rate_margin),
        "revenue_growth": (baseline.revenue is not None and latest.revenue is not None
                           and latest.revenue > baseline.revenue),
        "rate_growth": rise > 0,
    })
    evidence.update({"latest_year": latest.year, "latest_rate": _points(latest.rate),
                     "filed_products": filed, "grown_products": grown,
                     "baseline_revenue": None if baseline.revenue is None else format(baseline.revenue, "f"),
                     "latest_revenue": None if latest.revenue is None else format(latest.revenue, "f")})
    return signals, evidence


def _graduates(rules: LifecycleRules, signals: dict) -> bool:
    product = signals["new_filed_product"] or signals["sales_and_profit_growth"]
    return product and (signals["rate_improved"] or not rules.require_rate_improved)


def evaluate(rules: LifecycleRules, *, cultivating: bool, admitted_on: date, on: date, baseline: Snapshot,
             latest: Snapshot | None, misconduct: list[Misconduct] = ()) -> LifecycleVerdict:
    """What the policy proposes for one member on ``on`` (DESIGN §5.1, in its order)."""
    if not cultivating:
        return LifecycleVerdict(Outcome.NOT_CULTIVATING, (), {}, {}, "该企业已不在培育中，不作出出库或退库建议。")
    signals, evidence = signals_of(rules, admitted_on=admitted_on, on=on, baseline=baseline, latest=latest)
    due = anniversary(admitted_on, rules.no_progress_years)
    evidence["no_progress_from"] = due.isoformat()
    progress = [key for key in PROGRESS_SIGNALS if signals[key]]
    no_progress = on >= due and not progress
    known = sorted({m.kind for m in misconduct if m.known_on <= on})
    if known:
        reasons = tuple(MISCONDUCT_PREFIX + kind for kind in known) + ((NO_PROGRESS,) if no_progress else ())
        evidence["misconduct"] = [{"kind": m.kind, "known_on": m.known_on.isoformat(), "source": m.source,
                                   "description": m.description} for m in misconduct if m.known_on <= on]
        text = "存在" + "、".join(reason_label(r) for r in reasons) + "情形，建议退库。"
        return LifecycleVerdict(Outcome.REMOVE, reasons, signals, evidence, text)
    if _graduates(rules, signals):
        reasons = tuple(key for key in ("new_filed_product", "sales_and_profit_growth", "rate_improved")
                        if signals[key] and (key != "rate_improved" or rules.require_rate_improved))
        return LifecycleVerdict(Outcome.GRADUATE, reasons, signals, evidence, _graduate_text(reasons, evidence))
    if no_progress:
        text = (f"自入库之日起满 {rules.no_progress_years} 年（{due.isoformat()}）仍无实质进展"
                "（无新增备案产品、产品销售与利润未达增长幅度、营业收入与专利产业化率均未提高），建议退库。")
        return LifecycleVerdict(Outcome.REMOVE, (NO_PROGRESS,), signals, evidence, text)
    if progress:
        text = "暂不调整；已有进展：" + "、".join(SIGNAL_LABELS[k] for k in progress) + "。"
    elif latest is None:
        text = "暂不调整：尚无经县级核实的年度监测报告。"
    else:
        text = f"暂不调整：尚无实质进展，满 {rules.no_progress_years} 年（{due.isoformat()}）仍无进展将建议退库。"
    return LifecycleVerdict(Outcome.NONE, tuple(progress), signals, evidence, text)


def _graduate_text(reasons: tuple[str, ...], evidence: dict) -> str:
    parts = []
    if "new_filed_product" in reasons:
        parts.append("入库后新增专利密集型产品备案（" + "、".join(evidence["filed_products"]) + "）")
    if "sales_and_profit_growth" in reasons:
        parts.append("认定产品（" + "、".join(evidence["grown_products"]) + "）销售额与利润均增长 "
                     + format(Decimal(evidence["growth_threshold"]) * 100, "f").rstrip("0").rstrip(".") + "% 以上")
    if "rate_improved" in reasons:
        parts.append(f"专利产业化率由 {evidence['baseline_rate']} 提高到 {evidence['latest_rate']}")
    return "；".join(parts) + "，符合出库条件，建议出库。"
