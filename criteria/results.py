"""The results of an evaluation: one verdict per criterion, the score terms, and the whole; ``to_dict`` is the
stored and transmitted form (JSON-serialisable, stable keys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PASS, FAIL, WARN, MANUAL = "pass", "fail", "warn", "manual"
ELIGIBLE, CONDITIONAL, INELIGIBLE = "eligible", "conditional", "ineligible"
OUTCOME_LABELS = {PASS: "符合", FAIL: "不符合", WARN: "原则上不符合（需说明理由）", MANUAL: "需人工判断"}
VERDICT_LABELS = {ELIGIBLE: "符合入库条件", CONDITIONAL: "有条件符合（待审核确认）", INELIGIBLE: "不符合入库条件"}
KIND_LABELS = {"hard": "必备条件", "in_principle": "原则性条件"}


@dataclass(frozen=True)
class CriterionResult:
    number: int
    code: str
    title: str
    outcome: str
    explanation: str
    evidence: dict
    kind: str

    def to_dict(self) -> dict:
        return {"number": self.number, "code": self.code, "title": self.title, "outcome": self.outcome,
                "outcome_label": OUTCOME_LABELS[self.outcome], "explanation": self.explanation,
                "evidence": self.evidence, "kind": self.kind}


@dataclass(frozen=True)
class ScoreTerm:
    code: str
    label: str
    weight: Decimal
    value: object  # the indicator (a ratio string, a count, a level, a flag)
    points: Decimal
    explanation: str

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "weight": format(self.weight, "f"),
                "value": self.value, "points": format(self.points, "f"), "explanation": self.explanation}


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    criteria_set_code: str
    criteria_set_version: int
    evaluated_on: date
    verdict: str
    score: Decimal
    results: tuple[CriterionResult, ...]
    score_terms: tuple[ScoreTerm, ...]

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def outcome_counts(self) -> dict[str, int]:
        counts = {PASS: 0, FAIL: 0, WARN: 0, MANUAL: 0}
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    def rank_keys(self) -> tuple[float | None, float | None]:
        """The ranking's tie-breakers: (industrialisation rate, R&D intensity), see ``rank_keys``."""
        return rank_keys(r.evidence for r in self.results[RATE_CRITERION - 1:RND_CRITERION])

    def to_dict(self) -> dict:
        return {
            "criteria_set": {"code": self.criteria_set_code, "version": self.criteria_set_version},
            "evaluated_on": self.evaluated_on.isoformat(),
            "verdict": self.verdict,
            "verdict_label": VERDICT_LABELS[self.verdict],
            "score": format(self.score, "f"),
            "counts": self.outcome_counts(),
            "results": [r.to_dict() for r in self.results],
            "score_terms": [t.to_dict() for t in self.score_terms],
        }


#: The criteria whose evidence breaks ties in a ranking (the evaluators run in the standard's order).
RATE_CRITERION, RND_CRITERION = 5, 6


def _quotient(numerator, denominator) -> float | None:
    try:
        top, bottom = float(numerator), float(denominator)
    except (TypeError, ValueError):
        return None
    return top / bottom if bottom else None


def rank_keys(evidence) -> tuple[float | None, float | None]:
    """(industrialisation rate, R&D intensity) from the evidence of criteria 5 and 6, in that order — the
    quotients the evaluators compared, as floats for sorting; None where a figure is missing or the
    denominator is zero. Takes live results or stored ones (``results[4:6]`` evidence dicts)."""
    rate, rnd = (list(evidence) + [None, None])[:2]
    rate, rnd = rate or {}, rnd or {}
    return (_quotient(rate.get("used_in_products"), rate.get("counted_patents")),
            _quotient(rnd.get("rnd_expense"), rnd.get("revenue")))


_new = object.__new__
_set = object.__setattr__


# A frozen dataclass's generated __init__ sets each field through object.__setattr__; at 17 objects per
# evaluation and 100,000 evaluations per batch that is measurable, so the evaluators build them in one step.
def criterion_result(number, code, title, outcome, explanation, evidence, kind) -> CriterionResult:
    result = _new(CriterionResult)
    _set(result, "__dict__", {"number": number, "code": code, "title": title, "outcome": outcome,
                              "explanation": explanation, "evidence": evidence, "kind": kind})
    return result


def score_term(code, label, weight, value, points, explanation) -> ScoreTerm:
    term = _new(ScoreTerm)
    _set(term, "__dict__", {"code": code, "label": label, "weight": weight, "value": value, "points": points,
                            "explanation": explanation})
    return term
