"""The log of a status change, shared by the enterprise's (submit) and reviewers' (``review.common.decide``) services."""

from __future__ import annotations

from portal.services.audit import audit

from ..models import Application, ApplicationTransition


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

