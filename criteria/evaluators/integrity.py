"""Criterion 10: no abnormal patent filing, major accident, violation or serious dishonesty.

A hit on an imported list fails whatever the self-declaration says."""

from __future__ import annotations

from ..facts import ListKind
from .common import FAIL, PASS, Context

LIST_LABELS = dict(ListKind.CHOICES)


def integrity(ctx: Context):
    checked = ctx.rules.lists_checked
    hits = [hit for hit in ctx.facts.list_hits if hit.list_type in checked]
    declared = ctx.facts.integrity.declared
    evidence = {"declared": declared, "lists_checked": sorted(checked),
                "hits": [{"list_type": h.list_type, "reason": h.reason,
                          "listed_on": h.listed_on.isoformat() if h.listed_on else None} for h in hits]}
    if hits:
        first = hits[0]
        detail = "，".join(x for x in (first.listed_on.isoformat() if first.listed_on else "", first.reason) if x)
        more = f"等 {len(hits)} 条记录" if len(hits) > 1 else ""
        text = (f"统一社会信用代码列入{LIST_LABELS.get(first.list_type, first.list_type)}"
                f"{f'（{detail}）' if detail else ''}{more}，无论自我承诺如何均不符合")
        return ctx.result(10, "integrity", FAIL, text, evidence)
    if declared is not True:
        text = "未作出诚信承诺（无非正常专利申请、重大事故、违法违规及严重失信等情况）"
        return ctx.result(10, "integrity", FAIL, text, evidence)
    return ctx.result(10, "integrity", PASS, "已作诚信承诺，且未列入所核查的名单", evidence)
