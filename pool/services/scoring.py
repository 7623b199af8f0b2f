"""Scoring one application against its batch's criteria set: the live pre-check of a draft and the stored
evaluation of a submission. Whole batches are scored by ``pool.services.batch_scoring`` with the same pieces.

Idempotence: a stored evaluation carries the SHA-256 of its inputs — the facts exactly as the database holds
them (their JSON text), the enterprise's list hits, the criteria-set row, the reference tables' fingerprint and
the evaluation date — so scoring again with unchanged inputs can be recognised and skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from criteria.evaluation import EvaluationResult, evaluate
from criteria.facts import ApplicationFacts, ListHit
from criteria.services import list_hits_for, reference_data, rules_for
from portal.validators import normalise_uscc

from ..models import Application, ApplicationRevision, Batch, Evaluation

EVALUATION_FIELDS = ["revision", "criteria_set_version", "verdict", "score", "rank_rate", "rank_intensity", "results",
                     "input_hash",
                     "evaluated_on", "evaluated_at"]


@dataclass
class ScoringContext:
    """What every evaluation of one batch shares, built once: the rules, the reference tables, the date."""

    criteria_set_id: int
    criteria_set_version: int
    rules: object
    reference: object
    on: date

    @classmethod
    def for_batch(cls, batch: Batch, on: date | None = None) -> ScoringContext:
        criteria_set = batch.criteria_set
        return cls(criteria_set_id=criteria_set.pk, criteria_set_version=criteria_set.version,
                   rules=rules_for(criteria_set), reference=reference_data(), on=on or timezone.localdate())


def hit_dicts(hits: list[ListHit]) -> list[dict]:
    return [{"list_type": h.list_type, "reason": h.reason,
             "listed_on": h.listed_on.isoformat() if h.listed_on else None} for h in hits]


def input_hash(data_text: str, hits: list[dict], context: ScoringContext) -> str:
    extra = json.dumps([hits, context.criteria_set_id, context.on.isoformat(),
                        getattr(context.reference, "digest", "")], sort_keys=True, ensure_ascii=False,
                       separators=(",", ":"))
    return hashlib.sha256(f"{data_text}\n{extra}".encode()).hexdigest()


def evaluate_data(data: dict, hits: list[dict], context: ScoringContext) -> EvaluationResult:
    facts = ApplicationFacts.from_dict(data)
    facts.list_hits = [ListHit(list_type=h["list_type"], reason=h["reason"],
                               listed_on=date.fromisoformat(h["listed_on"]) if h["listed_on"] else None)
                       for h in hits]
    return evaluate(facts, context.rules, on=context.on, reference=context.reference)


def hits_of(uscc: str) -> list[dict]:
    return hit_dicts(list_hits_for([uscc]).get(uscc, [])) if uscc else []


def precheck(application: Application, *, data: dict | None = None, on: date | None = None) -> EvaluationResult:
    """The live pre-check of a draft (nothing is stored): its 10 verdicts, overall verdict and score."""
    context = ScoringContext.for_batch(application.batch, on)
    data = application.data if data is None else data
    # The registered code, the key submission scores with, never one typed into the data: a draft hits the same
    # lists as its submission, and no other code's list entries can be looked up through a draft.
    uscc = normalise_uscc(application.uscc or "")
    return evaluate_data(data, hits_of(uscc), context)


def apply_result(application: Application, result: EvaluationResult, criteria_set) -> list[str]:
    """Copy a result onto the application's denormalised columns; returns the fields changed."""
    application.verdict = result.verdict
    application.score = result.score
    application.rank_rate, application.rank_intensity = result.rank_keys()
    application.criteria_set = criteria_set
    application.criteria_set_version = result.criteria_set_version
    application.evaluated_at = timezone.now()
    return ["verdict", "score", "rank_rate", "rank_intensity", "criteria_set", "criteria_set_version", "evaluated_at"]


def stored_text(model, pk: int) -> str:
    """A JSON column exactly as the database holds it, the form input hashes are taken of."""
    return model.objects.filter(pk=pk).annotate(text=Cast("data", TextField())).values_list("text", flat=True)[0]


def evaluation_store(*, application: Application, revision: ApplicationRevision,
                     on: date | None = None) -> Evaluation:
    """Score the revision just submitted and store it (called inside the submit transaction)."""
    batch = application.batch
    context = ScoringContext.for_batch(batch, on)
    hits = hits_of(application.uscc)
    result = evaluate_data(revision.data, hits, context)
    rank_rate, rank_intensity = result.rank_keys()
    evaluation = Evaluation(
        application=application, revision=revision, criteria_set=batch.criteria_set,
        criteria_set_version=result.criteria_set_version, verdict=result.verdict, score=result.score,
        rank_rate=rank_rate, rank_intensity=rank_intensity,
        results=result.to_dict(), input_hash=input_hash(stored_text(Application, application.pk), hits, context),
        evaluated_on=context.on, evaluated_at=timezone.now(),
    )
    Evaluation.objects.bulk_create([evaluation], update_conflicts=True,
                                   unique_fields=["application", "criteria_set"], update_fields=EVALUATION_FIELDS)
    application.save(update_fields=apply_result(application, result, batch.criteria_set))
    return Evaluation.objects.get(application=application, criteria_set=batch.criteria_set)
