"""Criteria 4 and 5: core patents behind the main products (and their product filing); the industrialisation
rate computed from the patent list."""

from __future__ import annotations

from decimal import Decimal

from ..facts import PatentType
from .common import FAIL, MANUAL, PASS, WARN, Context, param_pct, patent_key, pct


def _product_patents(ctx: Context, product, problems: list) -> tuple[list[str], bool]:
    """The qualifying core patents of one product, and whether a live design patent stands behind it."""
    good, design = [], False
    for number in product.core_patents:
        key = patent_key(number)
        patent = ctx.patents_by_key.get(key)
        if patent is None:
            problems.append(f"核心专利 {number} 不在专利清单中")
        elif key not in ctx.live_keys:
            problems.append(f"核心专利 {number} {ctx.patent_problem(patent)}")
        elif patent.patent_type in ctx.rules.core_patent_types:
            good.append(number)
        elif patent.patent_type == PatentType.DESIGN:
            design = True
        else:
            problems.append(f"核心专利 {number} 未填写专利类型")
    return good, design


def core_patent_product(ctx: Context):
    products = ctx.facts.products
    qualifying, problems, design_seen = [], [], False
    for product in products:
        if not product.core_patents:
            problems.append(f"产品「{product.name or '未命名'}」未关联核心专利")
            continue
        good, design = _product_patents(ctx, product, problems)
        design_seen = design_seen or design
        if good:
            qualifying.append((product, good))
    evidence = {"products": len(products), "qualifying_products": [p.name for p, _ in qualifying],
                "filed_products": [p.name for p, _ in qualifying if p.filing_no]}
    if not products:
        return ctx.result(4, "core_patent_product", FAIL, "未填写主营产品", evidence)
    if not qualifying:
        if design_seen:
            text = "主营产品背后只有外观设计专利，请审核人员判断其是否体现产品核心功能或制造方法"
            return ctx.result(4, "core_patent_product", MANUAL, text, evidence)
        text = "没有主营产品拥有有效的自有或许可发明、实用新型核心专利：" + "；".join(problems[:3])
        return ctx.result(4, "core_patent_product", FAIL, text, evidence)
    filed = [(p, good) for p, good in qualifying if p.filing_no]
    if filed:
        product, good = filed[0]
        text = f"主营产品「{product.name}」拥有核心专利 {good[0]}，已完成专利产品备案（{product.filing_no}）"
        return ctx.result(4, "core_patent_product", PASS, text, evidence)
    product, good = qualifying[0]
    text = f"主营产品「{product.name}」拥有核心专利 {good[0]}，但未填写专利产品备案号；原则上应完成备案，需审核人员说明理由"
    return ctx.result(4, "core_patent_product", WARN, text, evidence)


def industrialisation_rate(ctx: Context):
    used, counted = ctx.rate_used, ctx.rate_counted
    threshold = ctx.rules.industrialisation_rate_min
    excluded = len(ctx.facts.patents) - counted
    evidence = {"used_in_products": used, "counted_patents": counted, "excluded_patents": excluded,
                "threshold": format(threshold, "f")}
    if not ctx.facts.patents:
        return ctx.result(5, "industrialisation_rate", FAIL, "未填写专利清单，无法计算专利产业化率", evidence)
    if counted == 0:
        text = "没有可计入产业化率的专利（须已授权、有效，且自有或在有效许可期内）"
        return ctx.result(5, "industrialisation_rate", FAIL, text, evidence)
    passed = Decimal(used) >= threshold * counted  # exact: no rounding before the comparison
    note = f"（另有 {excluded} 件未授权、失效或许可不计入的专利未计入）" if excluded else ""
    text = (f"专利产业化率 {used}/{counted} = {pct(used, counted)}%，{'不低于' if passed else '低于'} "
            f"{param_pct(threshold)}{note}")
    return ctx.result(5, "industrialisation_rate", PASS if passed else FAIL, text, evidence)
