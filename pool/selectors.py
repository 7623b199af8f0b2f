"""Scoped reads of the pool app (every one goes through ``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Q

from portal.models import User
from portal.precompiled import Read

from .models import Application, ApplicationRevision, ApplicationTransition, Attachment, Batch, Evaluation


def application_list(*, user: User):
    return Application.objects.visible_to(user).select_related("batch", "region")


def application_detail_queryset():
    # The region's parents too: pages name the county in full (province, city, county) without a query per level.
    return Application.objects.select_related("batch__criteria_set", "enterprise", "region__parent__parent",
                                              "current_revision")


def review_detail_queryset():
    """What a reviewer's page of one application shows: as above without the enterprise's organisation (the page
    names the enterprise from the application's own columns)."""
    return Application.objects.select_related("batch__criteria_set", "region__parent__parent", "current_revision")


def _newest_evaluation(queryset):
    return queryset.order_by("-evaluated_at", "-id")[:1]


# Compiled once per process (``portal.precompiled``): every review page and criterion form reads them.
LATEST_UNDER_SET = Read(lambda _, application_id, criteria_set_id: _newest_evaluation(
    Evaluation.objects.filter(application_id=application_id, criteria_set_id=criteria_set_id)))
LATEST_EVALUATION = Read(lambda _, application_id: _newest_evaluation(
    Evaluation.objects.filter(application_id=application_id)))


def latest_evaluation(application: Application) -> Evaluation | None:
    """The evaluation under the batch's criteria set in force, else the most recent one.

    Its criteria set and revision are nearly always the batch's and the application's current ones, read with the
    application already: they are attached rather than joined again (a review page's request spent more on the
    join's columns than on the evaluation); any other is read when asked for."""
    under_batch = LATEST_UNDER_SET.fetch(None, application.pk, application.batch.criteria_set_id)
    evaluation = (under_batch or LATEST_EVALUATION.fetch(None, application.pk) or [None])[0]
    if evaluation is None:
        return None
    evaluation.application = application
    batch = application.batch
    if evaluation.criteria_set_id == batch.criteria_set_id and Batch.criteria_set.is_cached(batch):
        evaluation.criteria_set = batch.criteria_set
    if (evaluation.revision_id is not None and evaluation.revision_id == application.current_revision_id
            and Application.current_revision.is_cached(application)):
        evaluation.revision = application.current_revision
    return evaluation


TRANSITIONS = Read(lambda _, application_id: ApplicationTransition.objects.filter(application_id=application_id)
                   .select_related("actor").order_by("created_at", "id"))


def transition_log(application: Application) -> list[ApplicationTransition]:
    """``application.transitions`` with their actors, oldest first (the review page's history; compiled once)."""
    entries = TRANSITIONS.fetch(None, application.pk)
    for entry in entries:
        entry.application = application  # as the related manager does: no query to name it again
    return entries


def revision_attachments(revision: ApplicationRevision) -> list[Attachment]:
    ids = [item.get("id") for item in revision.attachments or [] if isinstance(item, dict)]
    if not ids:
        return []
    return list(Attachment.objects.filter(application_id=revision.application_id, pk__in=ids))


def batch_list(*, user: User):
    return Batch.objects.visible_to(user).select_related("criteria_set", "region")


def batch_statistics(batch: Batch, user: User) -> dict:
    """Counts of the batch's applications the user may see, by status and by verdict (one query)."""
    from .models import ApplicationStatus, Verdict

    aggregates = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in ApplicationStatus.values}
    aggregates |= {f"verdict_{v}": Count("pk", filter=Q(verdict=v)) for v in Verdict.values}
    row = Application.objects.visible_to(user).filter(batch=batch).aggregate(total=Count("pk"), **aggregates)
    return {
        "total": row["total"],
        "by_status": [(label, row[f"status_{value}"]) for value, label in ApplicationStatus.choices],
        "by_verdict": [(value, label, row[f"verdict_{value}"]) for value, label in Verdict.choices],
    }


def enterprise_applications(*, user: User):
    """The enterprise's own applications with their batches, newest first (for its home panel)."""
    if user.organisation_id is None:
        return Application.objects.none()
    return (Application.objects.filter(enterprise_id=user.organisation_id)
            .select_related("batch").order_by("-created_at"))
