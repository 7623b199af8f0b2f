"""The one entry point that writes the audit log. Services call it inside their transaction."""

from __future__ import annotations

from django.db import models

from ..http import client_ip  # noqa: F401  (the one place that decides the client's address; imported from here)
from ..models import AuditEntry


def _region_of(target) -> str | None:
    for path in ("region_id", "organisation.region_id", "enterprise.region_id"):
        obj = target
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        if obj:
            return obj
    return None


def audit(*, actor, action: str, target: models.Model | None = None, comment: str = "",
          data: dict | None = None, ip_address: str | None = None, actor_name: str = "") -> AuditEntry:
    """Record that ``actor`` did ``action`` (``"<entity>.<verb>"``) to ``target``."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        region_id=_region_of(target) if target is not None else None,
        comment=comment,
        data=data or {},
        ip_address=ip_address,
    )
