"""The composite score 0–100: one term per weight of the criteria set, each explained.

A ratio term earns its weight in proportion to the indicator up to ``full_at`` (capped there); a count term the
same with a count; a flag term all or nothing; the qualification term the share its best counted level earns."""

from __future__ import annotations

from decimal import Decimal

from ..results import ScoreTerm, score_term
from .common import CENT, LEVEL_LABELS, Context, pct

ONE = Decimal(1)
ZERO = Decimal(0)


def _share(value, full_at: Decimal) -> Decimal:
    if value is None or value <= 0:
        return ZERO
    share = value / full_at
    return ONE if share >= ONE else share


def _ratio_term(numerator, denominator, full_at: Decimal, label: str, *, cap_at_one: bool = False):
    if numerator is None or not denominator or denominator <= 0 or numerator < 0:
        return None, ZERO, f"{label}无法计算"
    ratio = Decimal(numerator) / Decimal(denominator)
    if cap_at_one and ratio > ONE:
        return None, ZERO, f"{label}无法计算"
    shown = pct(numerator, denominator) + "%"
    return shown, _share(ratio, full_at), f"{label} {shown}"


def _industrialisation_rate(ctx: Context, weight):
    return _ratio_term(ctx.rate_used, ctx.rate_counted, weight.full_at, "专利产业化率")


def _rnd_intensity(ctx: Context, weight):
    return _ratio_term(ctx.facts.rnd.rnd_expense, ctx.facts.identity.revenue, weight.full_at, "研发投入占营业收入")


def _rnd_staff_ratio(ctx: Context, weight):
    rnd = ctx.facts.rnd
    return _ratio_term(rnd.rnd_staff, rnd.total_staff, weight.full_at, "研发人员占比", cap_at_one=True)


def _qualification_level(ctx: Context, weight):
    best, level = ZERO, None
    for qualification in ctx.counted_qualifications:
        share = weight.levels.get(qualification.level, ZERO)
        if level is None or share > best:
            best, level = share, qualification.level
    text = f"最高有效资格级别：{LEVEL_LABELS.get(level, '级别未填写')}" if level is not None else "无认可的有效资格"
    return level, best, text


def _filed_products(ctx: Context, weight):
    count = sum(1 for p in ctx.facts.products if p.filing_no and p.patent_intensive is True)
    return count, _share(Decimal(count), weight.full_at), f"已备案的专利密集型产品 {count} 个"


def _brand(ctx: Context, weight):
    owned = bool(ctx.brand_trademarks)
    return owned, ONE if owned else ZERO, "有自有注册商标用于产品" if owned else "无自有注册商标用于产品"


def _ip_certification(ctx: Context, weight):
    certified = ctx.facts.ip_management.gbt29490_certified is True
    return certified, ONE if certified else ZERO, "已通过 GB/T 29490 认证" if certified else "未通过 GB/T 29490 认证"


INDICATORS = {"industrialisation_rate": _industrialisation_rate, "rnd_intensity": _rnd_intensity,
              "rnd_staff_ratio": _rnd_staff_ratio, "qualification_level": _qualification_level,
              "filed_products": _filed_products, "brand": _brand, "ip_certification": _ip_certification}


def score_terms(ctx: Context) -> tuple[ScoreTerm, ...]:
    terms = []
    for weight in ctx.rules.weights:
        value, share, text = INDICATORS[weight.code](ctx, weight)
        points = (weight.weight * share).quantize(CENT)
        terms.append(score_term(weight.code, weight.label, weight.weight, value, points,
                                text + "，得 " + str(points) + "/" + weight.weight_text + " 分"))
    return tuple(terms)
