"""Admission makes a pool member; the replenishment ledger (增补名额台账) counts and spends its places.

``membership_admit`` runs inside the province's admit transaction (``application_admit``), so an application
is admitted exactly when its member exists. A replenishment admission takes its place under a lock on the
ledger's scope region row: of two sessions admitting at once, the second counts the first's place.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from criteria.services import rules_for
from portal.models import Region
from portal.services import audit

from ...lifecycle.policy import ReplenishmentScope
from ...lifecycle.snapshot import application_snapshot
from ...models import Application, LifecycleProposal, Membership, ReplenishmentEntry
from .policies import current_policy, policy_code_for, rules_of


def scope_code(membership_region: str, scope: str) -> str:
    """The ledger a county's graduations and replenishments count in: the county itself, or its province."""
    return membership_region if scope == ReplenishmentScope.COUNTY else membership_region[:2] + "0000"


def ledger_balance(scope_region: str, on=None) -> int:
    """Places left in a scope on ``on`` (default: every line): factor × graduations − replenishments made (never
    below 0)."""
    return ledger_summary(scope_region, on=on)["available"]


def ledger_summary(scope_region: str, on=None) -> dict:
    """Graduations, places earned and used, and places left of a scope. With ``on``, a graduation counts from its
    decision date (that day included), and every replenishment already made is used whatever its date."""
    rows = ReplenishmentEntry.objects.filter(scope_region_id=scope_region)
    earning = Q(places__gt=0) if on is None else Q(places__gt=0, entered_on__lte=on)
    totals = rows.aggregate(earned=Sum("places", filter=earning), graduations=Count("pk", filter=earning),
                            used=Sum("places", filter=Q(places__lt=0)))
    earned, used = totals["earned"] or 0, -(totals["used"] or 0)
    return {"graduations": totals["graduations"], "earned": earned, "used": used,
            "available": max(earned - used, 0)}


def _scope_label(scope_region: str) -> str:
    return Region.objects.filter(code=scope_region).values_list("name", flat=True).first() or scope_region


def ledger_earn(*, proposal: LifecycleProposal, on) -> ReplenishmentEntry | None:
    """A decided graduation earns ``factor`` places in its scope (inside the decision's transaction)."""
    membership = proposal.membership
    rules = rules_of(proposal.policy)
    if rules.replenishment_factor <= 0:
        return None
    code = scope_code(membership.region_id, rules.replenishment_scope)
    return ReplenishmentEntry.objects.create(
        scope_region_id=code, scope=rules.replenishment_scope, places=rules.replenishment_factor,
        graduation=proposal, membership=membership, entered_on=on)


def _use_place(application: Application, membership: Membership, rules, on) -> ReplenishmentEntry:
    code = scope_code(membership.region_id, rules.replenishment_scope)
    Region.objects.select_for_update().get(code=code)  # serialises every admission of this scope
    summary = ledger_summary(code, on=on)
    if summary["available"] < 1:
        where = _scope_label(code)
        raise ValidationError(
            f"{where}增补名额已用完：已出库 {summary['graduations']} 家，可增补 {summary['earned']} 家，"
            f"已增补 {summary['used']} 家。待有企业出库后方可增补入库。")
    return ReplenishmentEntry.objects.create(scope_region_id=code, scope=rules.replenishment_scope, places=-1,
                                             admission=application, membership=membership, entered_on=on)


def membership_admit(*, application: Application, user, on=None) -> Membership:
    """Make the admitted ``application``'s enterprise a cultivating member (called inside the admit transaction,
    the application row locked). A replenishment batch's admission spends a place or is refused."""
    on = on or timezone.localdate()
    criteria_set = application.criteria_set or application.batch.criteria_set
    policy = current_policy(policy_code_for(criteria_set.code))
    revision = application.current_revision
    baseline = application_snapshot(revision.data if revision else application.data, rules_for(criteria_set),
                                    on=on, year=on.year - 1)
    membership = Membership.objects.create(
        enterprise_id=application.enterprise_id, application=application, batch_id=application.batch_id,
        criteria_set=criteria_set, policy_code=policy.code, region_id=application.region_id,
        enterprise_name=application.enterprise_name, uscc=application.uscc, admitted_on=on,
        replenishment=application.batch.replenishment, status_changed_on=on, baseline=baseline.to_dict())
    if application.batch.replenishment:
        _use_place(application, membership, rules_of(policy), on)
    audit(actor=user, action="membership.admitted", target=membership,
          data={"application": application.pk, "replenishment": membership.replenishment})
    return membership
