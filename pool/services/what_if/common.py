"""The steps every draft of a rule set goes through, whatever the rules (criteria set, lifecycle policy, financing
policy): only the province drafts; only a draft is edited; the newest simulation of the unchanged draft is the one
seen before publishing; publishing and discarding end the draft."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.services.audit import audit

from ...models.what_if import DraftStatus, SimulationStatus, may_draft


def ensure_drafter(user, what: str) -> None:
    if not may_draft(user):
        raise PermissionDenied(f"只有省级管理员可以{what}。")


def editable(draft):
    """The draft locked for the change; refused once published or discarded."""
    locked = type(draft).objects.select_for_update().get(pk=draft.pk)
    if locked.status != DraftStatus.DRAFT:
        raise ValidationError(f"该草案{locked.get_status_display()}，不能再修改。")
    return locked


def newest_simulation(simulations, print_: str):
    """The newest finished simulation run with exactly this fingerprint (the draft as it stands now)."""
    return (simulations.filter(status=SimulationStatus.DONE, fingerprint=print_)
            .order_by("-finished_at", "-pk").first())


def mark_published(draft, *, user, published, seen) -> None:
    draft.status, draft.published_as, draft.published_by = DraftStatus.PUBLISHED, published, user
    draft.published_at, draft.simulation_seen = timezone.now(), seen
    draft.save()


def discard(*, user, draft, action: str):
    draft = editable(draft)
    draft.status = DraftStatus.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
    audit(actor=user, action=action, target=draft)
    return draft
