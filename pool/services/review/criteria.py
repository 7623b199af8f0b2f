"""A reviewer's judgement beside the machine's, criterion by criterion, and what approval requires of them.

Rules (DESIGN §4.2): ``warn`` ("in principle" not met) may be approved only with a written justification;
``manual`` needs the reviewer's written judgement; a ``fail`` blocks approval unless the reviewer overrides it
with a justification. An override never erases the machine outcome: both are kept and shown side by side, and
a judgement counts only while the machine still says what it said when the reviewer wrote it (a re-scoring
that changes the machine outcome asks the reviewer to look again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.models import User
from portal.precompiled import Read
from portal.services.audit import audit

from ... import selectors
from ...models import Application, CriterionReview, Evaluation
from ...models.review import OVERRIDE_OUTCOMES, Outcome
from ...workflow import TransitionError, available_actions
from .common import lock

UNRESOLVED = (Outcome.WARN, Outcome.MANUAL)


@dataclass
class CriterionState:
    number: int
    title: str
    kind: str
    machine_outcome: str
    explanation: str
    evidence: dict
    review: CriterionReview | None

    @property
    def review_counts(self) -> bool:
        return self.review is not None and self.review.machine_outcome == self.machine_outcome

    @property
    def outcome(self) -> str:
        """The outcome in force: the reviewer's where one counts, else the machine's."""
        return self.review.outcome if self.review_counts else self.machine_outcome

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label

    @property
    def machine_label(self) -> str:
        return Outcome(self.machine_outcome).label

    @property
    def machine_unresolved(self) -> bool:
        """The machine left it to the reviewer (``warn`` / ``manual``): kept only with a written reason."""
        return self.machine_outcome in UNRESOLVED

    @property
    def overridden(self) -> bool:
        return self.review_counts and self.review.is_override

    @property
    def needs_justification(self) -> bool:
        return self.outcome in UNRESOLVED and not self.review_counts

    def problem(self) -> str | None:
        """Why this criterion stands in the way of approval, in Chinese (None: it does not)."""
        if self.outcome == Outcome.FAIL:
            return f"第 {self.number} 项“{self.title}”不符合，不能审核通过；如系统判断有误，请先改判并说明理由。"
        if self.needs_justification and self.outcome == Outcome.WARN:
            return f"第 {self.number} 项“{self.title}”原则上不符合，审核通过须说明理由。"
        if self.needs_justification:
            return f"第 {self.number} 项“{self.title}”需人工判断，审核通过须填写判断意见。"
        return None


#: The reviewers' judgements of one revision, compiled once per process (every review page reads them). Unordered:
#: they go into a dict, and the model's order would join the application.
JUDGEMENTS = Read(lambda _, application_id, revision_number: CriterionReview.objects.filter(
    application_id=application_id, revision_number=revision_number).select_related("reviewer").order_by())


def criterion_states(application: Application, evaluation: Evaluation | None = None) -> list[CriterionState]:
    """The 10 criteria of the submitted revision with the machine outcome and the reviewer's judgement."""
    evaluation = evaluation or selectors.latest_evaluation(application)
    if evaluation is None:
        return []
    reviews = {r.number: r for r in JUDGEMENTS.fetch(None, application.pk, application.revision_number)}
    return [_state(r, reviews.get(r["number"])) for r in (evaluation.results or {}).get("results", [])]


def _state(result: dict, review: CriterionReview | None) -> CriterionState:
    return CriterionState(number=result["number"], title=result["title"], kind=result.get("kind", ""),
                          machine_outcome=result["outcome"], explanation=result.get("explanation", ""),
                          evidence=result.get("evidence") or {}, review=review)


def machine_state(application: Application, number: int) -> CriterionState | None:
    """Criterion ``number`` as the machine judged it, without the reviewer's judgement (recording a new one does
    not need the old: ``update_or_create`` reads it, locked)."""
    evaluation = selectors.latest_evaluation(application)
    results = (evaluation.results or {}).get("results", []) if evaluation is not None else []
    return next((_state(r, None) for r in results if r["number"] == number), None)


def approval_problems(states: list[CriterionState]) -> dict[str, str]:
    """Every criterion that blocks approval, keyed ``criterion_<n>`` (all at once, not the first only)."""
    if not states:
        return {"__all__": "该申报尚无评分结果，不能审核通过。"}
    return {f"criterion_{s.number}": p for s in states if (p := s.problem())}


def _save(application: Application, state: CriterionState, *, reviewer: User, outcome: str,
          justification: str) -> CriterionReview:
    # One statement, written or rewritten: the new judgement replaces the old. The stored time stays the first;
    # the object returned carries this write's (pages read judgements afresh).
    [review] = CriterionReview.objects.bulk_create(
        [CriterionReview(application=application, revision_number=application.revision_number, number=state.number,
                         machine_outcome=state.machine_outcome, outcome=outcome, justification=justification,
                         reviewer=reviewer, reviewer_role=reviewer.role)],
        update_conflicts=True, unique_fields=["application", "revision_number", "number"],
        update_fields=["machine_outcome", "outcome", "justification", "reviewer", "reviewer_role"])
    action = "application.criterion_overridden" if review.is_override else "application.criterion_justified"
    audit(actor=reviewer, action=action, target=application, comment=justification,
          data={"criterion": state.number, "machine": state.machine_outcome, "outcome": outcome,
                "revision": application.revision_number})
    return review


def _check_outcome(state: CriterionState, outcome: str) -> None:
    if outcome == state.machine_outcome and outcome in UNRESOLVED:
        return  # accepting a warn / manual with reasons
    if outcome not in OVERRIDE_OUTCOMES:
        raise ValidationError({"outcome": "请选择“符合”或“不符合”。"})
    if outcome == state.machine_outcome:
        raise ValidationError({"outcome": f"系统结论已是“{state.machine_label}”，无需改判。"})


def criterion_review_save(*, application: Application, reviewer: User, number: int, outcome: str,
                          justification: str) -> CriterionReview:
    """Record a reviewer's override of (or justification for) criterion ``number``; only the reviewer whose
    step the application is waiting for may do so."""
    justification = _required_justification(justification)
    with transaction.atomic():
        return locked_criterion_review_save(locked=lock(application), reviewer=reviewer, number=number,
                                            outcome=outcome, justification=justification)


def locked_criterion_review_save(*, locked: Application, reviewer: User, number: int, outcome: str,
                                 justification: str) -> CriterionReview:
    """``criterion_review_save`` of an application the caller has read with its lock (``lock``'s
    ``select_for_update`` and related rows) in the transaction it runs in."""
    justification = _required_justification(justification)
    if not available_actions(reviewer, locked):
        raise TransitionError(f"申报当前状态为“{locked.get_status_display()}”，您不能对其逐项审核。")
    state = machine_state(locked, number)
    if state is None:
        raise ValidationError({"number": f"没有第 {number} 项标准的评分结果。"})
    _check_outcome(state, outcome)
    return _save(locked, state, reviewer=reviewer, outcome=outcome, justification=justification)


def _required_justification(justification: str | None) -> str:
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": "请填写理由。"})
    return justification


def justify_unresolved(application: Application, *, reviewer: User, justifications: dict) -> list[CriterionState]:
    """Store the approver's reasons for each ``warn`` / ``manual`` criterion given one (inside the approval's
    transaction); returns the states after."""
    states = criterion_states(application)
    for state in states:
        text = str(justifications.get(state.number) or justifications.get(str(state.number)) or "").strip()
        if text and state.needs_justification:
            state.review = _save(application, state, reviewer=reviewer, outcome=state.machine_outcome,
                                 justification=text)
    return states
