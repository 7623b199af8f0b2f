"""What every evaluator shares: the evaluation context (facts, rules, date, reference data and the patent
index built once per evaluation) and small formatting helpers for the Chinese explanations."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext
from functools import lru_cache

from ..facts import (
    ApplicationFacts,
    LegalForm,
    LicenceKind,
    Ownership,
    PartnerType,
    Patent,
    PatentType,
    QualificationLevel,
    QualificationType,
)
from ..reference import ReferenceData
from ..results import FAIL, MANUAL, PASS, WARN, CriterionResult, criterion_result
from ..rules import CriteriaRules

QUALIFICATION_LABELS = dict(QualificationType.CHOICES)
LEVEL_LABELS = dict(QualificationLevel.CHOICES)
PATENT_TYPE_LABELS = dict(PatentType.CHOICES)
LICENCE_LABELS = dict(LicenceKind.CHOICES)
PARTNER_LABELS = dict(PartnerType.CHOICES)
LEGAL_FORM_LABELS = dict(LegalForm.CHOICES)
HUNDRED = Decimal(100)
OWNED = Ownership.OWNED
CENT = Decimal("0.01")

__all__ = ["PASS", "FAIL", "WARN", "MANUAL", "Context", "in_window", "patent_key", "pct", "param_pct", "money",
           "day", "QUALIFICATION_LABELS", "LEVEL_LABELS", "PATENT_TYPE_LABELS", "LICENCE_LABELS",
           "PARTNER_LABELS", "LEGAL_FORM_LABELS"]


def in_window(start: date | None, end: date | None, on: date) -> bool:
    """Valid on ``on``: both ends included, no end = open-ended, a later start does not count yet."""
    return (start is None or start <= on) and (end is None or on <= end)


def patent_key(number: str) -> str:
    """``"ZL 2017 1 9081250.3"`` and ``"201719081250.3"`` compare equal."""
    compact = number.replace(".", "").replace(" ", "")
    if not compact.isdigit():  # rare: prefixes, lower-case x, other white space
        compact = "".join(compact.split()).upper()
        if compact[:2] in ("CN", "ZL"):
            compact = compact[2:]
    return compact


def pct(numerator, denominator) -> str:
    """A ratio as a percentage with two decimals, truncated so a value below a threshold never reads as it."""
    if not denominator:
        return "—"
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    # Enough digits for any finite quotient: a huge figure (10^32 of R&D on 1 yuan of revenue) is absurd input,
    # but its explanation must still print rather than fail.
    digits = max(numerator.adjusted() - denominator.adjusted(), 0) + 8
    with localcontext() as context:
        context.prec = max(context.prec, digits)
        value = numerator * HUNDRED / denominator
        return format(value.quantize(CENT, rounding=ROUND_DOWN), "f")


@lru_cache(maxsize=256)
def param_pct(ratio: Decimal) -> str:
    text = format(ratio * HUNDRED, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


@lru_cache(maxsize=256)
def _money_param(value: Decimal) -> str:
    if value >= 10000 and value % 10000 == 0:
        return f"{value / 10000:,f} 万元"
    return f"{value:,f} 元"


def money(value: Decimal | None, *, threshold: bool = False) -> str:
    if value is None:
        return "未填写"
    if threshold:
        return _money_param(value)
    return f"{value:,f} 元"


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "长期"


class Context:
    """One evaluation's inputs plus what several criteria need, computed once.

    ``live_patents`` are granted, valid and owned or licensed in under a licence that counts on the date.
    Evaluators may leave results for the score terms (``counted_qualifications``, ``brand_trademarks``).
    """

    __slots__ = ("facts", "rules", "on", "reference", "patents_by_key", "live_keys", "rate_counted", "rate_used",
                 "counted_qualifications", "brand_trademarks")

    def __init__(self, facts: ApplicationFacts, rules: CriteriaRules, on: date, reference: ReferenceData):
        self.facts, self.rules, self.on, self.reference = facts, rules, on, reference
        self.patents_by_key: dict[str, Patent] = {}
        self.live_keys: set[str] = set()
        counted = used = 0
        rate_types = rules.industrialisation_patent_types
        by_key, live = self.patents_by_key, self.live_keys
        for patent in facts.patents:
            key = patent_key(patent.application_no)
            if key in by_key:
                continue  # a patent listed twice counts once (the first row, as everywhere else)
            by_key[key] = patent
            if patent.granted is True and patent.valid is True and (
                    patent.ownership == OWNED or self.licence_counts(patent)):
                live.add(key)
                if patent.patent_type in rate_types:
                    counted += 1
                    used += patent.used_in_product is True
        self.rate_counted, self.rate_used = counted, used
        self.counted_qualifications: list = []
        self.brand_trademarks: list = []

    def licence_counts(self, patent: Patent) -> bool:
        if patent.ownership == Ownership.OWNED:
            return True
        return (patent.ownership == Ownership.LICENSED_IN and patent.licence_kind in self.rules.licence_kinds
                and in_window(patent.licence_from, patent.licence_to, self.on))

    def patent_problem(self, patent: Patent) -> str:
        """Why a patent does not count (Chinese), or ``""`` when it does."""
        if patent.granted is not True:
            return "尚未授权" if patent.granted is False else "未填写授权状态"
        if patent.valid is not True:
            return "已失效" if patent.valid is False else "未填写有效状态"
        if patent.ownership == Ownership.OWNED:
            return ""
        if patent.ownership != Ownership.LICENSED_IN:
            return "未填写权属（自有或许可使用）"
        if patent.licence_kind not in self.rules.licence_kinds:
            return f"许可方式（{LICENCE_LABELS.get(patent.licence_kind, patent.licence_kind or '未填写')}）不计入"
        if patent.licence_from is not None and patent.licence_from > self.on:
            return f"许可自 {patent.licence_from.isoformat()} 起才生效"
        if patent.licence_to is not None and patent.licence_to < self.on:
            return f"许可已于 {patent.licence_to.isoformat()} 到期"
        return ""

    def result(self, number: int, code: str, outcome: str, explanation: str, evidence: dict,
               kind: str = "hard") -> CriterionResult:
        return criterion_result(number, code, self.rules.titles[number], outcome, explanation, evidence, kind)
