"""The one guarded way to change an application's status, shared by the enterprise's and reviewers' services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.services.audit import audit

from ..models import Application, ApplicationTransition
from ..workflow import ensure_transition


def record_transition(*, application: Application, from_status: str, user, comment: str = "",
                      section_comments: dict | None = None) -> ApplicationTransition:
    """Log a status change the caller has just made (inside its transaction) and audit it."""
    entry = ApplicationTransition.objects.create(
        application=application, from_status=from_status, to_status=application.status, actor=user,
        actor_role=getattr(user, "role", ""), comment=comment, section_comments=section_comments or {},
        revision_number=application.revision_number,
    )
    audit(actor=user, action=f"application.{application.status}", target=application, comment=comment,
          data={"from": from_status, "to": application.status, "revision": application.revision_number,
                "sections": section_comments or {}})
    return entry


def application_transition(*, application: Application, to: str, user, comment: str = "",
                           section_comments: dict | None = None, extra_fields: dict | None = None) -> Application:
    """Move ``application`` to ``to`` if ``user`` may (``pool.workflow.TRANSITIONS``); of two people acting at
    once on the same application, the second is refused with the reason."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        rule = ensure_transition(application, to=to, user=user)
        if rule.comment_required and not (comment or "").strip():
            raise ValidationError({"comment": f"“{rule.label}”须填写意见。"})
        from_status = application.status
        application.status = to
        fields = ["status", "updated_at"]
        for name, value in (extra_fields or {}).items():
            setattr(application, name, value)
            fields.append(name)
        application.updated_at = timezone.now()
        application.save(update_fields=fields)
        record_transition(application=application, from_status=from_status, user=user, comment=comment.strip(),
                          section_comments=section_comments)
    return application
