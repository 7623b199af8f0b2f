"""The composite score 0–100: one term per weight of the criteria set, each explained.

A ratio term earns its weight in proportion to the indicator up to ``full_at`` (capped there); a count term the
same with a count; a flag term all or nothing; the qualification term the share its best counted level earns."""

from __future__ import annotations

from decimal import Decimal

from ..results import ScoreTerm
from .common import CENT, LEVEL_LABELS, Context, pct

ONE = Decimal(1)
ZERO = Decimal(0)


def _share(value, full_at: Decimal) -> Decimal:
    if value is None or value <= 0:
        return ZERO
    share = Decimal(value) / full_at
    return ONE if share >= ONE else share


def _ratio(numerator, denominator):
    if numerator is None or not denominator or denominator <= 0 or numerator < 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _indicator(ctx: Context, weight) -> tuple[object, Decimal, str]:
    """(shown value, share of the weight 0..1, explanation) of one term."""
    facts, code = ctx.facts, weight.code
    if code == "industrialisation_rate":
        ratio = _ratio(ctx.rate_used, ctx.rate_counted)
        return (None if ratio is None else pct(ctx.rate_used, ctx.rate_counted) + "%", _share(ratio, weight.full_at),
                "专利产业化率" + ("无法计算" if ratio is None else f" {pct(ctx.rate_used, ctx.rate_counted)}%"))
    if code == "rnd_intensity":
        ratio = _ratio(facts.rnd.rnd_expense, facts.identity.revenue)
        shown = None if ratio is None else pct(facts.rnd.rnd_expense, facts.identity.revenue) + "%"
        return shown, _share(ratio, weight.full_at), "研发投入占营业收入" + (f" {shown}" if shown else "无法计算")
    if code == "rnd_staff_ratio":
        rnd = facts.rnd
        ratio = _ratio(rnd.rnd_staff, rnd.total_staff)
        ratio = None if ratio is not None and ratio > ONE else ratio
        shown = None if ratio is None else pct(rnd.rnd_staff, rnd.total_staff) + "%"
        return shown, _share(ratio, weight.full_at), "研发人员占比" + (f" {shown}" if shown else "无法计算")
    if code == "qualification_level":
        levels = [weight.levels.get(q.level, ZERO) for q in ctx.counted_qualifications]
        best = max(levels, default=ZERO)
        level = next((q.level for q in ctx.counted_qualifications if weight.levels.get(q.level, ZERO) == best), None)
        text = f"最高有效资格级别：{LEVEL_LABELS.get(level, '级别未填写')}" if level is not None else "无认可的有效资格"
        return level, best, text
    if code == "filed_products":
        count = sum(1 for p in facts.products if p.filing_no and p.patent_intensive is True)
        return count, _share(count, weight.full_at), f"已备案的专利密集型产品 {count} 个"
    if code == "brand":
        owned = bool(ctx.brand_trademarks)
        return owned, ONE if owned else ZERO, "有自有注册商标用于产品" if owned else "无自有注册商标用于产品"
    certified = facts.ip_management.gbt29490_certified is True
    return certified, ONE if certified else ZERO, "已通过 GB/T 29490 认证" if certified else "未通过 GB/T 29490 认证"


def score_terms(ctx: Context) -> tuple[ScoreTerm, ...]:
    terms = []
    for weight in ctx.rules.weights:
        value, share, text = _indicator(ctx, weight)
        points = (weight.weight * share).quantize(CENT)
        terms.append(ScoreTerm(weight.code, weight.label, weight.weight, value, points,
                               f"{text}，得 {points}/{weight.weight} 分"))
    return tuple(terms)
