"""Criteria 6 and 7: R&D expense against revenue or an absolute amount; research leader with R&D staff share or
a research cooperation with a university or institute."""

from __future__ import annotations

from decimal import Decimal

from .common import FAIL, MANUAL, PARTNER_LABELS, PASS, Context, in_window, money, param_pct, pct


def rnd_expense(ctx: Context):
    rules = ctx.rules
    expense, revenue = ctx.facts.rnd.rnd_expense, ctx.facts.identity.revenue
    evidence = {"rnd_expense": None if expense is None else format(expense, "f"),
                "revenue": None if revenue is None else format(revenue, "f"),
                "ratio_min": format(rules.rnd_ratio_min, "f"), "amount_min": format(rules.rnd_amount_min, "f")}
    amount = money(rules.rnd_amount_min, threshold=True)
    ratio_label = param_pct(rules.rnd_ratio_min)
    if expense is None:
        return ctx.result(6, "rnd_expense", FAIL, "未填写上年度研发投入", evidence)
    if expense < 0:
        return ctx.result(6, "rnd_expense", MANUAL, f"研发投入为负数（{money(expense)}），请核实", evidence)
    amount_ok = expense >= rules.rnd_amount_min
    amount_text = f"研发投入 {money(expense)}，{'不低于' if amount_ok else '低于'} {amount}"
    if revenue is None or revenue <= 0:
        if amount_ok:
            return ctx.result(6, "rnd_expense", PASS, amount_text, evidence)
        if revenue is None:
            return ctx.result(6, "rnd_expense", FAIL, f"{amount_text}，且未填写营业收入", evidence)
        text = f"{amount_text}，营业收入为 {money(revenue)}，无法计算占比，需人工判断"
        return ctx.result(6, "rnd_expense", MANUAL, text, evidence)
    ratio_ok = expense >= revenue * rules.rnd_ratio_min  # exact decimals
    ratio_text = (f"占营业收入（{money(revenue)}）的 {pct(expense, revenue)}%，"
                  f"{'不低于' if ratio_ok else '低于'} {ratio_label}")
    outcome = PASS if ratio_ok or amount_ok else FAIL
    return ctx.result(6, "rnd_expense", outcome, f"{amount_text}；{ratio_text}", evidence)


def _staff_branch(ctx: Context) -> tuple[bool, bool, str]:
    """(ratio met, figures contradictory, explanation)."""
    staff, total = ctx.facts.rnd.rnd_staff, ctx.facts.rnd.total_staff
    threshold = ctx.rules.rnd_staff_ratio_min
    if staff is None or total is None or total <= 0 or staff < 0:
        return False, False, "未填写研发人员数或职工总数"
    if staff > total:
        return False, True, f"研发人员 {staff} 人多于职工总数 {total} 人"
    met = Decimal(staff) >= threshold * total
    return met, False, (f"研发人员占比 {staff}/{total} = {pct(staff, total)}%，"
                        f"{'不低于' if met else '低于'} {param_pct(threshold)}")


def _cooperation_branch(ctx: Context) -> tuple[bool, str]:
    problems = []
    for item in ctx.facts.rnd.cooperations:
        partner = item.partner or "未填写名称的合作方"
        if item.partner_type not in ctx.rules.partner_types:
            problems.append(f"{partner}为{PARTNER_LABELS.get(item.partner_type, '未注明类型的单位')}，不计入")
        elif not in_window(item.valid_from, item.valid_to, ctx.on):
            problems.append(f"与{partner}的合作协议不在有效期内")
        elif item.agreement_attached is not True:
            problems.append(f"与{partner}的合作协议未附")
        else:
            return True, f"与{partner}（{PARTNER_LABELS[item.partner_type]}）有有效的产学研合作协议"
    return False, "；".join(problems) if problems else "无高校或科研院所合作协议"


def rnd_team(ctx: Context):
    rnd = ctx.facts.rnd
    leader = rnd.leader_name
    ratio_ok, contradictory, ratio_text = _staff_branch(ctx)
    coop_ok, coop_text = _cooperation_branch(ctx)
    evidence = {"leader_name": leader, "rnd_staff": rnd.rnd_staff, "total_staff": rnd.total_staff,
                "ratio_min": format(ctx.rules.rnd_staff_ratio_min, "f"), "cooperation": coop_ok}
    if not leader:
        return ctx.result(7, "rnd_team", FAIL, f"未填写科研带头人；{ratio_text}；{coop_text}", evidence)
    if ratio_ok or coop_ok:
        return ctx.result(7, "rnd_team", PASS, f"科研带头人 {leader}；{ratio_text if ratio_ok else coop_text}", evidence)
    if contradictory:
        return ctx.result(7, "rnd_team", MANUAL, f"{ratio_text}，请核实；{coop_text}", evidence)
    return ctx.result(7, "rnd_team", FAIL, f"科研带头人 {leader}；{ratio_text}；{coop_text}", evidence)
