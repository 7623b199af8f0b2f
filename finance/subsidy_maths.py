"""The amount of a subsidy (贴息 / 评估费 / 保险费 / 担保费补贴), computed in exact decimals and explained term
by term, then held to the policy's caps per loan and per enterprise per year.

Pure: the service passes what has already been granted for the same loan and in the same year (read under a
lock, so two approvals at once see each other); every figure is rounded to the fen, half up, term by term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .money import ZERO, to_fen, yuan
from .policy import FEE_KINDS, SubsidyRules

DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True)
class Term:
    key: str  # "interest" | a fee kind
    label: str
    base: Decimal
    share: Decimal
    amount: Decimal
    note: str

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "base": str(self.base), "share": str(self.share),
                "amount": str(self.amount), "note": self.note}


@dataclass(frozen=True)
class SubsidyComputation:
    terms: tuple[Term, ...]
    subtotal: Decimal
    loan_cap: Decimal
    loan_used: Decimal
    year_cap: Decimal
    year_used: Decimal
    granted: Decimal
    capped_by: str  # "" | "loan" | "year"
    lines: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"terms": [t.as_dict() for t in self.terms], "subtotal": str(self.subtotal),
                "loan_cap": str(self.loan_cap), "loan_used": str(self.loan_used), "year_cap": str(self.year_cap),
                "year_used": str(self.year_used), "granted": str(self.granted), "capped_by": self.capped_by,
                "lines": list(self.lines)}


def percent(share: Decimal) -> str:
    text = f"{share * 100:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def interest_days(period_from: date, period_to: date) -> int:
    """Days of interest in the period, both ends included."""
    return (period_to - period_from).days + 1


def interest_term(rules: SubsidyRules, *, principal: Decimal, interest_paid: Decimal, period_from: date,
                  period_to: date) -> Term:
    share = rules.interest_share
    if rules.interest_base == "actual":
        base = to_fen(interest_paid)
        note = f"实际支付利息 {yuan(base)} × 补贴比例 {percent(share)}"
    else:
        days = interest_days(period_from, period_to)
        reference = to_fen(principal * rules.reference_rate * days / DAYS_IN_YEAR)
        base = min(to_fen(interest_paid), reference)
        note = (f"按参考利率 {percent(rules.reference_rate)} 计算的利息为 {yuan(principal)} × "
                f"{percent(rules.reference_rate)} × {days} 天 ÷ 365 = {yuan(reference)}，实际支付利息 "
                f"{yuan(to_fen(interest_paid))}，取较低者 {yuan(base)} × 补贴比例 {percent(share)}")
    amount = to_fen(base * share)
    return Term("interest", "贷款贴息", base, share, amount, f"{note} = {yuan(amount)}")


def fee_term(rules: SubsidyRules, kind: str, paid: Decimal) -> Term:
    label = f"{FEE_KINDS[kind]}补贴"
    base = to_fen(paid)
    share = rules.fee_shares.get(kind)
    if share is None:
        return Term(kind, label, base, ZERO, ZERO, f"{FEE_KINDS[kind]} {yuan(base)}：本政策不补贴该项费用，计 0 元")
    amount = to_fen(base * share)
    return Term(kind, label, base, share, amount,
                f"{FEE_KINDS[kind]} {yuan(base)} × 补贴比例 {percent(share)} = {yuan(amount)}")


def compute(rules: SubsidyRules, *, principal: Decimal, interest_paid: Decimal | None, period_from: date | None,
            period_to: date | None, fees: dict[str, Decimal | None], loan_used: Decimal = ZERO,
            year_used: Decimal = ZERO, year: int | None = None) -> SubsidyComputation:
    """Every term, their sum, and the amount granted once the caps are applied.

    ``loan_used``: granted so far for the same loan (every year); ``year_used``: granted so far to the same
    enterprise for the same year. Both exclude the application being computed."""
    terms: list[Term] = []
    if interest_paid:
        terms.append(interest_term(rules, principal=principal, interest_paid=interest_paid,
                                   period_from=period_from, period_to=period_to))
    for kind in FEE_KINDS:
        if fees.get(kind):
            terms.append(fee_term(rules, kind, fees[kind]))
    subtotal = sum((t.amount for t in terms), ZERO)
    loan_left = max(ZERO, rules.cap_per_loan - loan_used)
    year_left = max(ZERO, rules.cap_per_enterprise_year - year_used)
    granted = min(subtotal, loan_left, year_left)
    capped_by = "" if granted == subtotal else ("loan" if loan_left <= year_left else "year")
    lines = [f"{i}. {t.label}：{t.note}。" for i, t in enumerate(terms, start=1)]
    lines.append(f"合计 {yuan(subtotal)}。")
    lines.append(f"单笔贷款补贴上限 {yuan(rules.cap_per_loan)}，该笔贷款已获补贴 {yuan(loan_used)}，"
                 f"尚可补贴 {yuan(loan_left)}。")
    year_text = f"{year} 年度" if year else "本年度"
    lines.append(f"每户每年补贴上限 {yuan(rules.cap_per_enterprise_year)}，该企业{year_text}已获补贴 "
                 f"{yuan(year_used)}，尚可补贴 {yuan(year_left)}。")
    if capped_by:
        reason = "单笔贷款上限" if capped_by == "loan" else "每户每年上限"
        lines.append(f"受{reason}限制，核定补贴 {yuan(granted)}。")
    else:
        lines.append(f"未超过上限，核定补贴 {yuan(granted)}。")
    return SubsidyComputation(tuple(terms), subtotal, rules.cap_per_loan, loan_used, rules.cap_per_enterprise_year,
                              year_used, granted, capped_by, tuple(lines))
