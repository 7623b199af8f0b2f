"""Scoped reads of the pool app (every one goes through ``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Q

from portal.models import User

from .models import Application, ApplicationRevision, Attachment, Batch, Evaluation


def application_list(*, user: User):
    return Application.objects.visible_to(user).select_related("batch", "region")


def application_detail_queryset():
    # The region's parents too: pages name the county in full (province, city, county) without a query per level.
    return Application.objects.select_related("batch__criteria_set", "enterprise", "region__parent__parent",
                                              "current_revision")


def latest_evaluation(application: Application) -> Evaluation | None:
    """The evaluation under the batch's criteria set in force, else the most recent one."""
    evaluations = application.evaluations.select_related("criteria_set", "revision")
    return (evaluations.filter(criteria_set_id=application.batch.criteria_set_id).first()
            or evaluations.order_by("-evaluated_at", "-id").first())


def revision_attachments(revision: ApplicationRevision) -> list[Attachment]:
    ids = [item.get("id") for item in revision.attachments or [] if isinstance(item, dict)]
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
