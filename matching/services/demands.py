"""Technology demands: an enterprise posts and edits its needs; county staff may post for an enterprise of
their county. Every new or changed demand is matched after commit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.models import Organisation, OrganisationKind
from portal.outbox import enqueue
from portal.scoping import BUREAU_ROLES
from portal.services.audit import audit

from ..models import Demand
from ..validators import validate_ipc_hint

DEMAND_FIELDS = ("title", "description", "industry_field", "ipc_hint", "industry_chain", "budget",
                 "cooperation_mode", "reference")
POSTING_ROLES = frozenset({"enterprise", "county", "city", "province", "admin"})
MATCHED_FIELDS = ("title", "description", "industry_field", "ipc_hint", "industry_chain", "budget",
                  "cooperation_mode")


def can_post_for(user, enterprise: Organisation) -> tuple[bool, str]:
    """The enterprise itself, or a bureau whose region contains the enterprise (county staff in practice)."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        return False, "只能为企业发布技术需求。"
    if user.role == "enterprise" and user.organisation_id == enterprise.pk:
        return True, ""
    if user.role in BUREAU_ROLES and user.region.contains(enterprise.region_id):
        return True, ""
    if user.role == "admin" and (user.is_superuser or user.is_staff):
        return True, ""
    return False, "您只能为本企业或本辖区内的企业发布技术需求。"


def ensure_can_post_for(user, enterprise: Organisation) -> None:
    allowed, reason = can_post_for(user, enterprise)
    if not allowed:
        raise PermissionDenied(reason)


def _clean(data: dict) -> dict:
    cleaned = {k: v for k, v in data.items() if k in DEMAND_FIELDS}
    if "ipc_hint" in cleaned:
        try:
            cleaned["ipc_hint"] = validate_ipc_hint(cleaned["ipc_hint"] or "")
        except ValidationError as exc:
            raise ValidationError({"ipc_hint": exc.messages}) from exc
    if cleaned.get("budget") is not None and cleaned["budget"] < 0:
        raise ValidationError({"budget": "预算不能为负数。"})
    return cleaned


def demand_create(*, enterprise: Organisation, actor, **data) -> Demand:
    """Post a demand; the engine suggests patents for it as soon as the transaction commits."""
    ensure_can_post_for(actor, enterprise)
    demand = Demand(enterprise=enterprise, region_id=enterprise.region_id, entered_by=actor, **_clean(data))
    demand.full_clean()
    with transaction.atomic():
        demand.save()
        on_behalf = actor.organisation_id != enterprise.pk
        audit(actor=actor, action="demand.created", target=demand,
              comment="代企业填报" if on_behalf else "", data={"on_behalf": on_behalf})
        queue_demand_matching([demand.pk])
    return demand


def demand_update(*, demand: Demand, actor, **data) -> Demand:
    ensure_can_post_for(actor, demand.enterprise)
    cleaned = _clean(data)
    with transaction.atomic():
        demand = Demand.objects.select_for_update().get(pk=demand.pk)
        changed = [k for k, v in cleaned.items() if getattr(demand, k) != v]
        for name in changed:
            setattr(demand, name, cleaned[name])
        demand.full_clean()
        demand.save()
        audit(actor=actor, action="demand.updated", target=demand, data={"fields": changed})
        if demand.is_open and any(name in MATCHED_FIELDS for name in changed):
            queue_demand_matching([demand.pk])
    return demand


def demand_close(*, demand: Demand, actor, reopen: bool = False) -> Demand:
    """Stop (or resume) collecting suggestions; matches already followed up stay."""
    ensure_can_post_for(actor, demand.enterprise)
    with transaction.atomic():
        demand = Demand.objects.select_for_update().get(pk=demand.pk)
        if demand.is_open == reopen:
            demand.is_open = reopen
            demand.save(update_fields=["is_open", "updated_at"])
            audit(actor=actor, action="demand.reopened" if reopen else "demand.closed", target=demand)
            if reopen:
                queue_demand_matching([demand.pk])
    return demand


def queue_demand_matching(demand_ids: list[int]) -> None:
    """After commit, match the new or changed demands against the catalogue (incremental run)."""
    from ..tasks import match_demands

    if demand_ids:
        enqueue(match_demands, list(demand_ids))
