"""Criterion 8: an own registered trademark used on the products; the reviewer judges its influence."""

from __future__ import annotations

from .common import FAIL, PASS, Context


def _problem(trademark, on) -> str:
    name = trademark.name or trademark.registration_no or "未命名商标"
    if not trademark.registration_no:
        return f"商标「{name}」未填写注册号"
    # In China an application keeps its number when it is registered, so the number alone proves nothing: only a
    # registration date (注册公告日) on or before the day makes it a registered mark.
    if trademark.registered_on is None:
        return f"商标「{name}」未填写注册日期，仅提出申请、尚未核准注册的商标不计入"
    if trademark.registered_on > on:
        return f"商标「{name}」的注册日期 {trademark.registered_on.isoformat()} 晚于核验日，尚未注册"
    if trademark.owned is not True:
        return f"商标「{name}」非企业自有"
    if trademark.used_on_products is not True:
        return f"商标「{name}」未用于企业产品"
    if trademark.valid_to is not None and trademark.valid_to < on:
        return f"商标「{name}」注册已于 {trademark.valid_to.isoformat()} 到期"
    return ""


def trademark(ctx: Context):
    problems = []
    for item in ctx.facts.trademarks:
        problem = _problem(item, ctx.on)
        if problem:
            problems.append(problem)
        else:
            ctx.brand_trademarks.append(item)
    evidence = {"trademarks": len(ctx.facts.trademarks), "own_used": [t.registration_no for t in ctx.brand_trademarks]}
    if ctx.brand_trademarks:
        best = ctx.brand_trademarks[0]
        text = (f"自有注册商标「{best.name or best.registration_no}」（注册号 {best.registration_no}）用于产品；"
                "请审核人员判断品牌知名度和影响力")
        return ctx.result(8, "trademark", PASS, text, evidence)
    text = "；".join(problems) if problems else "未填写自有注册商标"
    return ctx.result(8, "trademark", FAIL, text, evidence)
