"""The supply catalogue: a supplier adds, edits, withdraws and relists its patents; the dormant flag follows the
rule of the matching policy in force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import Organisation, OrganisationKind
from portal.outbox import enqueue
from portal.services.audit import audit
from portal.validators import patent_type_from_no, validate_patent_no

from ..choices import LegalStatus, OfferType, PatentType
from ..models import Match, MatchingPolicy, SupplyPatent
from ..validators import validate_ipc, validate_ipc_list
from .engine import patent_tokens

EDITABLE_FIELDS = (
    "external_id", "title", "abstract", "ipc_main", "ipc_other", "holder_name", "holder_type", "legal_status",
    "offer_type", "price", "payment_terms", "open_licence_fee", "industry_chain", "ever_licensed", "ever_used",
)
TEXT_FIELDS = ("title", "abstract", "ipc_main", "ipc_other", "industry_chain")


def can_manage_supply(user, supplier: Organisation) -> tuple[bool, str]:
    if user.role == "admin" and (user.is_superuser or user.is_staff):
        return True, ""
    if user.role == "supplier" and user.organisation_id == supplier.pk:
        return True, ""
    return False, "只有供给方本单位的账号可以维护其专利。"


def ensure_can_manage(user, supplier: Organisation) -> None:
    allowed, reason = can_manage_supply(user, supplier)
    if not allowed:
        raise PermissionDenied(reason)
    if supplier.kind != OrganisationKind.SUPPLIER:
        raise ValidationError("专利只能登记在高校、院所或国企技术转移机构名下。")


def is_dormant(patent: SupplyPatent, policy: MatchingPolicy, today: date | None = None) -> bool:
    """沉睡专利: the policy's rule — legal status and type, age since filing, never licensed, never used."""
    if patent.legal_status not in policy.dormant_legal_statuses:
        return False
    if patent.patent_type not in policy.dormant_patent_types:
        return False
    if policy.dormant_requires_unlicensed and patent.ever_licensed:
        return False
    if policy.dormant_requires_unused and patent.ever_used:
        return False
    if policy.dormant_min_years:
        year = patent.filing_year
        today = today or timezone.localdate()
        if year is None or today.year - year < policy.dormant_min_years:
            return False
    return True


def normalise_patent_fields(data: dict) -> dict:
    """Validate and normalise the fields the form and the import share; raises ValidationError per field."""
    errors, cleaned = {}, dict(data)
    for name, validator in (("ipc_main", validate_ipc), ("ipc_other", validate_ipc_list)):
        if name in data:
            try:
                cleaned[name] = validator(data[name] or "") if data[name] or name == "ipc_main" else ""
            except ValidationError as exc:
                errors[name] = exc.messages
    for name in ("price", "open_licence_fee"):
        if cleaned.get(name) is not None and cleaned[name] < 0:
            errors[name] = ["金额不能为负数。"]
    if errors:
        raise ValidationError(errors)
    if cleaned.get("offer_type") == OfferType.OPEN_LICENCE and cleaned.get("open_licence_fee") is None:
        cleaned["open_licence_fee"] = cleaned.get("price")
    return cleaned


def prepare_patent(patent: SupplyPatent, policy: MatchingPolicy) -> SupplyPatent:
    """Derived fields: dormant flag and the engine's stored tokens."""
    patent.is_dormant = is_dormant(patent, policy)
    patent.tokens, patent.tokens_version = patent_tokens(patent)
    return patent


def supply_patent_create(*, supplier: Organisation, actor, application_no: str, **data) -> SupplyPatent:
    """A supplier lists one patent in the catalogue; matching for it is queued after commit."""
    ensure_can_manage(actor, supplier)
    errors = {}
    try:
        number = validate_patent_no(application_no)
    except ValidationError as exc:
        errors["application_no"] = exc.messages
    try:
        data = normalise_patent_fields(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:  # every mistake at once, not one per submit
        raise ValidationError(errors)
    with transaction.atomic():
        if SupplyPatent.objects.select_for_update().filter(application_no=number).exists():
            raise ValidationError({"application_no": "该申请号已在供给库中登记。"})
        patent = SupplyPatent(application_no=number, supplier=supplier, region_id=supplier.region_id,
                              patent_type=patent_type_from_no(number) or PatentType.INVENTION,
                              **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
        prepare_patent(patent, MatchingPolicy.current())
        patent.full_clean()
        patent.save()
        audit(actor=actor, action="supply_patent.created", target=patent)
        queue_patent_matching([patent.pk])
    return patent


def supply_patent_update(*, patent: SupplyPatent, actor, **data) -> SupplyPatent:
    ensure_can_manage(actor, patent.supplier)
    data = normalise_patent_fields(data)
    with transaction.atomic():
        patent = SupplyPatent.objects.select_for_update().get(pk=patent.pk)
        changed = [k for k, v in data.items() if k in EDITABLE_FIELDS and getattr(patent, k) != v]
        for name in changed:
            setattr(patent, name, data[name])
        prepare_patent(patent, MatchingPolicy.current())
        patent.full_clean()
        patent.save()
        audit(actor=actor, action="supply_patent.updated", target=patent, data={"fields": changed})
        if patent.legal_status == LegalStatus.LAPSED:
            queue_withdrawal(patent)
        elif any(name in TEXT_FIELDS for name in changed):
            queue_patent_matching([patent.pk])
    return patent


def supply_patent_set_listed(*, patent: SupplyPatent, actor, listed: bool) -> SupplyPatent:
    """Withdraw a patent from the public catalogue (it stops being suggested) or list it again."""
    ensure_can_manage(actor, patent.supplier)
    with transaction.atomic():
        patent = SupplyPatent.objects.select_for_update().get(pk=patent.pk)
        if patent.is_listed == listed:
            return patent
        patent.is_listed = listed
        patent.save(update_fields=["is_listed", "updated_at"])
        audit(actor=actor, action="supply_patent.listed" if listed else "supply_patent.withdrawn", target=patent)
        if listed:
            queue_patent_matching([patent.pk])
        else:
            queue_withdrawal(patent)
    return patent


def dormancy_refresh(*, actor=None, policy: MatchingPolicy | None = None) -> int:
    """Apply the dormant rule in force to the whole catalogue (after the rule changes); returns rows changed."""
    policy = policy or MatchingPolicy.current()
    changed = []
    with transaction.atomic():
        for patent in SupplyPatent.objects.select_for_update().only(
                "pk", "application_no", "patent_type", "legal_status", "ever_licensed", "ever_used", "is_dormant"):
            flag = is_dormant(patent, policy)
            if flag != patent.is_dormant:
                patent.is_dormant = flag
                changed.append(patent)
        SupplyPatent.objects.bulk_update(changed, ["is_dormant"], batch_size=1000)
        audit(actor=actor, action="supply_patent.dormancy_refreshed", actor_name="system",
              comment=policy.dormant_rule_text(), data={"changed": len(changed)})
    return len(changed)


def queue_withdrawal(patent: SupplyPatent) -> None:
    """A patent that is no longer offered stops being suggested: the demands it was suggested for are matched
    again without it (after commit); matches already followed up stay."""
    from ..tasks import match_demands

    demand_ids = list(Match.objects.filter(patent=patent).values_list("demand_id", flat=True).distinct())
    if demand_ids:
        enqueue(match_demands, demand_ids)


def queue_patent_matching(patent_ids: list[int]) -> None:
    """After commit, match the new or changed patents against the demands (incremental run)."""
    from ..tasks import match_patents

    if patent_ids:
        enqueue(match_patents, list(patent_ids))
