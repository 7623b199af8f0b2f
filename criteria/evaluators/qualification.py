"""Criterion 2 (in principle): holds at least one unexpired qualification of the listed types."""

from __future__ import annotations

from ..facts import QualificationLevel
from .common import LEVEL_LABELS, PASS, QUALIFICATION_LABELS, WARN, Context, day, in_window


def _problem(ctx: Context, qualification) -> str:
    rules, on = ctx.rules, ctx.on
    label = QUALIFICATION_LABELS.get(qualification.type, qualification.type or "未填写类型的资格")
    if qualification.type not in rules.qualification_types:
        return f"{label}不属于本标准认可的资格类型"
    if qualification.type in rules.national_only_types and qualification.level != QualificationLevel.NATIONAL:
        level = LEVEL_LABELS.get(qualification.level, "级别未填写")
        return f"{label}为{level}，本标准仅认可国家级"
    if not in_window(qualification.valid_from, qualification.valid_to, on):
        if qualification.valid_from is not None and qualification.valid_from > on:
            return f"{label}自 {qualification.valid_from.isoformat()} 起才生效"
        return f"{label}已于 {qualification.valid_to.isoformat()} 到期"
    return ""


def qualification(ctx: Context):
    qualifications = ctx.facts.qualifications
    problems = []
    for item in qualifications:
        problem = _problem(ctx, item)
        if problem:
            problems.append(problem)
        else:
            ctx.counted_qualifications.append(item)
    evidence = {"qualifications": [{"type": q.type, "level": q.level, "certificate_no": q.certificate_no,
                                    "valid_to": q.valid_to.isoformat() if q.valid_to else None}
                                   for q in qualifications],
                "counted": len(ctx.counted_qualifications)}
    if ctx.counted_qualifications:
        best = ctx.counted_qualifications[0]
        level = LEVEL_LABELS.get(best.level, "")
        text = f"持有有效资格：{QUALIFICATION_LABELS[best.type]}{f'（{level}）' if level else ''}，有效期至 {day(best.valid_to)}"
        return ctx.result(2, "qualification", PASS, text, evidence, "in_principle")
    if not qualifications:
        text = "未填写资格；原则上应具备专精特新、高新技术企业等资格，需审核人员说明理由"
    else:
        text = "无本标准认可的有效资格：" + "；".join(problems) + "（需审核人员说明理由）"
    return ctx.result(2, "qualification", WARN, text, evidence, "in_principle")
