"""The enterprise's financing need and its consent to share data with banks (PIPL: separate, explicit,
revocable, recorded with time and text version)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import Organisation, User
from portal.services import audit, notify_on_commit

from ..models import (
    Consent,
    ConsentBank,
    FinancingNeed,
    GrowthStage,
    NeedStatus,
    PartnerBank,
    PublicationEntry,
)
from ..policy import MEMBERSHIP_STATUS_LABELS
from .policies import rules_for

MAX_AMOUNT = Decimal("1000000000")


def _own_enterprise(user: User) -> Organisation:
    if user is None or not user.is_authenticated or user.role != "enterprise" or user.organisation_id is None:
        raise PermissionDenied("只有企业用户可以申报融资需求或授权。")
    return user.organisation


def current_membership(enterprise: Organisation):
    """The enterprise's pool membership (the most recent admission), or None."""
    from pool.models import Membership

    return (Membership.objects.filter(enterprise=enterprise).select_related("application__current_revision")
            .order_by("-admitted_on", "-id").first())


def eligible_membership(enterprise: Organisation):
    """The membership that lets the enterprise declare a need: in a status the policy admits, else a Chinese
    ValidationError that says why not."""
    membership = current_membership(enterprise)
    if membership is None:
        raise ValidationError("贵企业尚未入库，入库（培育中、已出库或接续培育）后方可申报质押融资需求。")
    _policy, rules = rules_for(membership.region_id)
    if membership.status not in rules.whitelist.membership_statuses:
        label = MEMBERSHIP_STATUS_LABELS.get(membership.status, membership.status)
        raise ValidationError(f"贵企业当前为“{label}”，不能申报质押融资需求。")
    return membership


def available_assets(membership) -> list[dict]:
    """The patents and trademarks the enterprise owns according to its admitted application (the submitted
    revision the county reviewed), as pledge-asset dicts keyed ``patent:<no>`` / ``trademark:<no>``."""
    application = membership.application
    revision = application.current_revision
    data = revision.data if revision is not None else application.data
    assets = []
    for patent in data.get("patents", []) or []:
        number = (patent.get("application_no") or "").strip()
        if number and patent.get("ownership") == "owned":
            assets.append({"key": f"patent:{number}", "kind": "patent", "number": number,
                           "title": patent.get("title", ""), "granted": bool(patent.get("granted")),
                           "valid": bool(patent.get("valid"))})
    for mark in data.get("trademarks", []) or []:
        number = (mark.get("registration_no") or "").strip()
        if number and mark.get("owned"):
            assets.append({"key": f"trademark:{number}", "kind": "trademark", "number": number,
                           "title": mark.get("name", ""), "registered_on": mark.get("registered_on") or "",
                           "valid_to": mark.get("valid_to") or ""})
    return assets


def _clean_need(amount, purpose: str, term_months, growth_stage: str) -> dict:
    errors = {}
    if amount is None or not Decimal(amount).is_finite() or Decimal(amount) <= 0:
        errors["amount"] = "融资金额应大于 0 元。"
    elif Decimal(amount) > MAX_AMOUNT:
        errors["amount"] = "融资金额不得超过 10 亿元。"
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = "请填写融资用途。"
    if not isinstance(term_months, int) or not 1 <= term_months <= 360:
        errors["term_months"] = "期限应为 1 至 360 个月。"
    if growth_stage not in GrowthStage.values:
        errors["growth_stage"] = "请选择成长阶段。"
    if errors:
        raise ValidationError(errors)
    return {"amount": Decimal(amount).quantize(Decimal("0.01")), "purpose": purpose[:200],
            "term_months": term_months, "growth_stage": growth_stage}


def need_declare(*, user: User, amount, purpose: str, term_months: int, growth_stage: str,
                 asset_keys: list[str]) -> FinancingNeed:
    """Declare (or replace) the enterprise's open financing need."""
    enterprise = _own_enterprise(user)
    membership = eligible_membership(enterprise)
    fields = _clean_need(amount, purpose, term_months, growth_stage)
    offered = {a["key"]: a for a in available_assets(membership)}
    unknown = [k for k in asset_keys if k not in offered]
    if unknown:
        raise ValidationError({"assets": "只能选择申报书中本企业拥有的专利和商标。"})
    fields["pledge_assets"] = [{k: v for k, v in offered[k].items() if k != "key"} for k in dict.fromkeys(asset_keys)]
    with transaction.atomic():
        need = (FinancingNeed.objects.select_for_update()
                .filter(enterprise=enterprise, status=NeedStatus.OPEN).first())
        created = need is None
        if created:
            need = FinancingNeed(enterprise=enterprise, declared_by=user)
        need.membership, need.region_id = membership, membership.region_id
        for key, value in fields.items():
            setattr(need, key, value)
        need.full_clean()
        need.save()
        audit(actor=user, action="financing_need.declared" if created else "financing_need.updated", target=need,
              data={"amount": str(need.amount), "term_months": need.term_months, "growth_stage": need.growth_stage,
                    "assets": [a["number"] for a in need.pledge_assets]})
    return need


def need_withdraw(*, user: User) -> FinancingNeed | None:
    enterprise = _own_enterprise(user)
    with transaction.atomic():
        need = (FinancingNeed.objects.select_for_update()
                .filter(enterprise=enterprise, status=NeedStatus.OPEN).first())
        if need is None:
            return None
        need.status = NeedStatus.WITHDRAWN
        need.save(update_fields=["status", "updated_at"])
        audit(actor=user, action="financing_need.withdrawn", target=need)
    return need


def consent_in_force(enterprise) -> Consent | None:
    return (Consent.objects.filter(enterprise=enterprise, revoked_at__isnull=True)
            .select_related("policy").prefetch_related("banks").first())


def partner_banks_for(region_code: str):
    """The banks an enterprise of ``region_code`` may choose: the partner banks of its city and province."""
    bank_ids = PartnerBank.objects.serving(region_code).values("bank_id")
    return Organisation.objects.filter(pk__in=bank_ids, kind="bank").order_by("name")


def consent_give(*, user: User, all_banks: bool, banks=(), ip_address: str | None = None) -> Consent:
    """Record the enterprise's consent under the policy's current text; it replaces a consent in force."""
    enterprise = _own_enterprise(user)
    policy, rules = rules_for(enterprise.region_id)
    chosen = [] if all_banks else list(dict.fromkeys(banks))
    if not all_banks:
        if not chosen:
            raise ValidationError({"banks": "请选择至少一家银行，或选择“全部合作银行”。"})
        allowed = set(partner_banks_for(enterprise.region_id).values_list("pk", flat=True))
        if any(bank.pk not in allowed for bank in chosen):
            raise ValidationError({"banks": "只能选择本地区的合作银行。"})
    now = timezone.now()
    with transaction.atomic():
        previous = Consent.objects.select_for_update().filter(enterprise=enterprise, revoked_at__isnull=True).first()
        if previous is not None:
            previous.revoked_at, previous.revoked_by = now, user
            previous.save(update_fields=["revoked_at", "revoked_by"])
            audit(actor=user, action="consent.replaced", target=previous, ip_address=ip_address)
        consent = Consent.objects.create(
            enterprise=enterprise, region_id=enterprise.region_id, all_banks=all_banks, policy=policy,
            text_version=rules.consent.version, text=rules.consent.text,
            text_hash=hashlib.sha256(rules.consent.text.encode()).hexdigest(), given_by=user, given_at=now,
            ip_address=ip_address)
        ConsentBank.objects.bulk_create([ConsentBank(consent=consent, bank=bank) for bank in chosen])
        audit(actor=user, action="consent.given", target=consent, ip_address=ip_address,
              data={"text_version": consent.text_version, "text_hash": consent.text_hash, "all_banks": all_banks,
                    "banks": [b.pk for b in chosen]})
    return consent


def consent_revoke(*, user: User, ip_address: str | None = None) -> Consent:
    """Revoke the consent in force: no new publication will carry the enterprise and banks stop seeing it at
    once (their entries are read through the consent). Banks that had received it are told."""
    enterprise = _own_enterprise(user)
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(enterprise=enterprise, revoked_at__isnull=True).first()
        if consent is None:
            raise ValidationError("贵企业当前没有生效的授权。")
        recipients = _banks_that_received(consent)
        consent.revoked_at, consent.revoked_by = timezone.now(), user
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit(actor=user, action="consent.revoked", target=consent, ip_address=ip_address,
              data={"banks_told": sorted(recipients)})
        if recipients:
            notify_on_commit(
                recipients=list(User.objects.filter(organisation_id__in=recipients, is_active=True)),
                verb="consent.revoked", title=f"企业已撤回信息共享授权：{enterprise.name}",
                body=(f"{enterprise.name}已于 {timezone.localtime(consent.revoked_at):%Y-%m-%d %H:%M} 撤回向贵行提供"
                      "企业信息的授权。贵行已不能在系统中查看其白名单信息；此前下载的资料请按个人信息保护相关规定处理。"),
                url=reverse("finance:publication-list"))
    return consent


def _banks_that_received(consent: Consent) -> set[int]:
    from ..models import PublicationRecipient

    publications = PublicationEntry.objects.filter(consent=consent).values("publication_id")
    banks = set(PublicationRecipient.objects.filter(publication_id__in=publications).values_list("bank_id", flat=True))
    if consent.all_banks:
        return banks
    return banks & set(consent.bank_links.values_list("bank_id", flat=True))
