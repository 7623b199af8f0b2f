"""Criterion 3 (in principle): the main industry is in the patent-intensive industry classification."""

from __future__ import annotations

from ..reference import industry_digits
from .common import MANUAL, PASS, WARN, Context


def industry(ctx: Context):
    raw = ctx.facts.identity.industry_code
    table = ctx.reference.industry_tables.get(ctx.rules.industry_table)
    evidence = {"industry_code": raw, "table": ctx.rules.industry_table}
    if table is None:
        text = f"未加载专利密集型产业分类表（{ctx.rules.industry_table}），请管理员导入参考数据"
        return ctx.result(3, "industry", MANUAL, text, evidence, "in_principle")
    if not raw:
        return ctx.result(3, "industry", MANUAL, "未填写主营行业代码（GB/T 4754 小类，如 C3511）", evidence, "in_principle")
    digits = industry_digits(raw)
    if len(digits) != 4:
        text = f"主营行业代码 {raw} 不是 GB/T 4754 四位小类代码（如 C3511），无法判断"
        return ctx.result(3, "industry", MANUAL, text, evidence, "in_principle")
    entry = table.get(digits)
    if entry is None:
        text = f"主营行业 {digits} 不属于专利密集型产业（{ctx.rules.industry_table} 分类），需审核人员说明理由"
        return ctx.result(3, "industry", WARN, text, evidence, "in_principle")
    evidence.update(industry_name=entry.name, category=entry.category, partial=entry.partial)
    if entry.partial:
        text = f"主营行业 {digits} {entry.name} 仅部分活动属于「{entry.category}」，请审核人员结合主营产品确认"
        return ctx.result(3, "industry", MANUAL, text, evidence, "in_principle")
    text = f"主营行业 {digits} {entry.name} 属于专利密集型产业「{entry.category}」"
    return ctx.result(3, "industry", PASS, text, evidence, "in_principle")
