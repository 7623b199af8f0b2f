"""Evaluate an application's facts against one criteria set: the 10 verdicts, the overall verdict, the score.

``evaluate`` is pure (no database, no I/O) and never raises on any facts: a missing or malformed fact yields
``fail`` or ``manual`` with a Chinese reason. ``EvaluationResult.to_dict`` is the stored and transmitted form.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .evaluators import EVALUATORS
from .evaluators.common import Context
from .evaluators.scoring import score_terms
from .facts import ApplicationFacts
from .reference import ReferenceData
from .results import (
    CONDITIONAL,
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    MANUAL,
    OUTCOME_LABELS,
    PASS,
    VERDICT_LABELS,
    WARN,
    CriterionResult,
    EvaluationResult,
    ScoreTerm,
)
from .rules import CriteriaRules

__all__ = ["CriterionResult", "EvaluationResult", "ScoreTerm", "evaluate", "overall_verdict", "PASS", "FAIL", "WARN",
           "MANUAL", "ELIGIBLE", "CONDITIONAL", "INELIGIBLE", "OUTCOME_LABELS", "VERDICT_LABELS"]


def overall_verdict(results) -> str:
    outcomes = {r.outcome for r in results}
    if FAIL in outcomes:
        return INELIGIBLE
    if WARN in outcomes or MANUAL in outcomes:
        return CONDITIONAL
    return ELIGIBLE


def evaluate(facts: ApplicationFacts, rules: CriteriaRules, *, on: date, reference: ReferenceData) -> EvaluationResult:
    """The 10 verdicts, the overall verdict and the composite score of ``facts`` on date ``on``."""
    context = Context(facts, rules, on, reference)
    results = tuple(evaluator(context) for evaluator in EVALUATORS)
    terms = score_terms(context)
    score = sum((t.points for t in terms), Decimal(0)).quantize(Decimal("0.01"))
    return EvaluationResult(
        criteria_set_code=rules.code, criteria_set_version=rules.version, evaluated_on=on,
        verdict=overall_verdict(results), score=score, results=results, score_terms=terms,
    )
