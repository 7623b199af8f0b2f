"""Publishing a reviewed draft as a dated, immutable whitelist version to chosen banks, and recording every
download.

A publication carries only enterprises whose consent is still in force on the day of publishing and covers at
least one chosen bank (the consents are locked while the entries are written, so a revocation either comes
first and the enterprise is left out, or comes after and hides it from banks at once). The content hash is a
SHA-256 over the header and every entry in order; ``changes`` says what differs from the region's previous
version (added, removed with the reason, need changed, banks).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from portal.models import Organisation, Region, User
from portal.services import audit, notify_on_commit

from ..models import (
    Candidate,
    Consent,
    FinancingNeed,
    NeedStatus,
    PartnerBank,
    Publication,
    PublicationDownload,
    PublicationEntry,
    PublicationRecipient,
    Whitelist,
    WhitelistStatus,
)
from ..models.whitelists import PUBLISHED_IMMUTABLE, ImmutableError
from .bulk import write_rows
from .whitelists import ensure_publisher

CHUNK = 2000
ENTRY_FIELDS = ("enterprise_id", "enterprise_name", "uscc", "region_id", "region_name", "membership_status",
                "need_amount", "need_term_months", "need_purpose", "growth_stage", "pledge_assets",
                "contact_person", "contact_phone", "consent_id", "need_id")
HASHED = ("position", "enterprise_name", "uscc", "region_id", "membership_status", "need_amount",
          "need_term_months", "need_purpose", "growth_stage", "pledge_assets", "contact_person", "contact_phone",
          "consent_id")


def partner_banks_of(region_code: str):
    """The banks a whitelist of ``region_code`` may be sent to (partners of the city or the province)."""
    return Organisation.objects.filter(pk__in=PartnerBank.objects.serving(region_code).values("bank_id"),
                                       kind="bank").order_by("name")


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=lambda v: str(v) if isinstance(v, Decimal) else v.isoformat())


def content_hash(header: dict, entries) -> str:
    digest = hashlib.sha256(_canonical(header).encode())
    for entry in entries:
        digest.update(b"\n" + _canonical({k: entry[k] for k in HASHED}).encode())
    return digest.hexdigest()


def publication_header(publication: Publication, bank_ids: list[int]) -> dict:
    return {"region": publication.region_id, "number": publication.number, "title": publication.title,
            "published_on": publication.published_on.isoformat(), "policy": publication.policy_id,
            "publisher": publication.publisher_name, "banks": sorted(bank_ids)}


def verify_hash(publication: Publication) -> bool:
    """Recompute the content hash from the stored rows (tampering at the database level shows)."""
    bank_ids = list(publication.recipients.values_list("bank_id", flat=True))
    rows = publication.entries.order_by("position").values(*HASHED).iterator(chunk_size=CHUNK)
    return content_hash(publication_header(publication, bank_ids), rows) == publication.content_hash


def _entry_rows(whitelist: Whitelist, bank_ids: set[int]) -> tuple[list[dict], dict[int, str]]:
    """The rows to publish and, for listed candidates left out now, why."""
    listed = list(whitelist.candidates.filter(eligible=True, excluded=False)
                  .order_by("region_id", "enterprise_name", "pk")
                  .values("enterprise_id", "enterprise_name", "uscc", "region_id", "membership_status",
                          "need_id", "consent_id"))
    rows, left_out = [], {}
    regions = dict(Region.objects.filter(code__startswith=whitelist.region.scope_prefix)
                   .values_list("code", "name"))
    for start in range(0, len(listed), CHUNK):
        part = listed[start:start + CHUNK]
        consent_ids = [c["consent_id"] for c in part]
        consents = {c.pk: c for c in Consent.objects.select_for_update(of=("self",)).filter(pk__in=consent_ids)}
        chosen: dict[int, set[int]] = {}
        for consent_id, bank_id in Consent.banks.through.objects.filter(consent_id__in=consent_ids).values_list(
                "consent_id", "bank_id"):
            chosen.setdefault(consent_id, set()).add(bank_id)
        needs = {n["pk"]: n for n in FinancingNeed.objects.filter(
            pk__in=[c["need_id"] for c in part], status=NeedStatus.OPEN).values(
            "pk", "amount", "term_months", "purpose", "growth_stage", "pledge_assets")}
        contacts = dict((pk, (person, phone)) for pk, person, phone in Organisation.objects.filter(
            pk__in=[c["enterprise_id"] for c in part]).values_list("pk", "contact_person", "contact_phone"))
        for candidate in part:
            consent = consents.get(candidate["consent_id"])
            if consent is None or consent.revoked_at is not None:
                left_out[candidate["enterprise_id"]] = "已撤回信息共享授权"
                continue
            if not consent.all_banks and not (chosen.get(consent.pk, set()) & bank_ids):
                left_out[candidate["enterprise_id"]] = "授权范围不含本次发布的银行"
                continue
            need = needs.get(candidate["need_id"])
            if need is None:
                left_out[candidate["enterprise_id"]] = "融资需求已撤回"
                continue
            person, phone = contacts.get(candidate["enterprise_id"], ("", ""))
            rows.append({**candidate, "region_name": regions.get(candidate["region_id"], ""),
                         "need_amount": need["amount"], "need_term_months": need["term_months"],
                         "need_purpose": need["purpose"], "growth_stage": need["growth_stage"],
                         "pledge_assets": need["pledge_assets"], "contact_person": person or "",
                         "contact_phone": phone or ""})
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return rows, left_out


def _removal_reason(candidate: dict | None, left_out: dict[int, str], enterprise_id: int) -> str:
    if enterprise_id in left_out:
        return left_out[enterprise_id]
    if candidate is None:
        return "不再是本地区入库企业"
    if candidate["excluded"]:
        return f"人工排除：{candidate['exclusion_reason']}"
    return candidate["summary"]


def _changes(whitelist: Whitelist, previous: Publication | None, rows: list[dict], left_out: dict[int, str],
             bank_ids: set[int]) -> dict:
    if previous is None:
        return {"first": True, "added": len(rows), "removed": [], "changed": [], "banks_added": sorted(bank_ids),
                "banks_removed": []}
    before = {e["enterprise_id"]: e for e in previous.entries.values(
        "enterprise_id", "enterprise_name", "uscc", "need_amount", "need_term_months", "pledge_assets")}
    now = {r["enterprise_id"]: r for r in rows}
    gone = [pk for pk in before if pk not in now]
    candidates = {c["enterprise_id"]: c for c in whitelist.candidates.filter(enterprise_id__in=gone).values(
        "enterprise_id", "excluded", "exclusion_reason", "summary")}
    old_banks = set(previous.recipients.values_list("bank_id", flat=True))
    return {
        "first": False, "previous": previous.number,
        "added": [{"name": r["enterprise_name"], "uscc": r["uscc"]} for pk, r in now.items() if pk not in before],
        "removed": [{"name": before[pk]["enterprise_name"], "uscc": before[pk]["uscc"],
                     "reason": _removal_reason(candidates.get(pk), left_out, pk)} for pk in gone],
        "changed": [{"name": r["enterprise_name"], "uscc": r["uscc"],
                     "fields": [label for key, label in (("need_amount", "融资金额"), ("need_term_months", "期限"),
                                                         ("pledge_assets", "可质押知识产权"))
                                if before[pk][key] != r[key]]}
                    for pk, r in now.items() if pk in before and any(
                        before[pk][k] != r[k] for k in ("need_amount", "need_term_months", "pledge_assets"))],
        "banks_added": sorted(bank_ids - old_banks), "banks_removed": sorted(old_banks - bank_ids),
    }


def change_summary(changes: dict) -> str:
    if changes.get("first"):
        return f"首次发布，共 {changes['added']} 家企业。"
    parts = [f"新增 {len(changes['added'])} 家", f"移出 {len(changes['removed'])} 家",
             f"融资需求变更 {len(changes['changed'])} 家"]
    if changes["banks_added"] or changes["banks_removed"]:
        parts.append(f"发布银行增加 {len(changes['banks_added'])} 家、减少 {len(changes['banks_removed'])} 家")
    return f"与第 {changes['previous']} 版相比：{'，'.join(parts)}。"


def whitelist_publish(*, whitelist: Whitelist, user: User, banks, change_note: str = "") -> Publication:
    """Publish the draft as the region's next version to ``banks`` (partner banks of the region); the banks'
    officers are told in the portal and by e-mail."""
    banks = list(dict.fromkeys(banks))
    with transaction.atomic():
        whitelist = Whitelist.objects.select_for_update().select_related("region", "policy").get(pk=whitelist.pk)
        ensure_publisher(user, whitelist)
        if whitelist.status == WhitelistStatus.PUBLISHED:
            raise ImmutableError(PUBLISHED_IMMUTABLE)
        if whitelist.status != WhitelistStatus.DRAFT:
            raise ValidationError(f"白名单当前为“{whitelist.get_status_display()}”，不能发布。")
        if not banks:
            raise ValidationError({"banks": "请选择至少一家合作银行。"})
        allowed = set(partner_banks_of(whitelist.region_id).values_list("pk", flat=True))
        if any(bank.pk not in allowed for bank in banks):
            raise ValidationError({"banks": "只能向本地区的合作银行发布。"})
        bank_ids = {bank.pk for bank in banks}
        Region.objects.select_for_update().get(pk=whitelist.region_id)  # one numbering per region at a time
        previous = Publication.objects.filter(region_id=whitelist.region_id).order_by("-number").first()
        number = (Publication.objects.filter(region_id=whitelist.region_id).aggregate(n=Max("number"))["n"] or 0) + 1
        rows, left_out = _entry_rows(whitelist, bank_ids)
        now = timezone.now()
        publication = Publication(
            whitelist=whitelist, region=whitelist.region, number=number, published_on=timezone.localdate(),
            title=f"{whitelist.region.name}知识产权质押融资授信企业白名单（第 {number} 版）", published_at=now,
            published_by=user, publisher_name=user.organisation.name, policy=whitelist.policy, previous=previous,
            change_note=(change_note or "").strip(), entry_count=len(rows))
        publication.changes = _changes(whitelist, previous, rows, left_out, bank_ids)
        publication.content_hash = content_hash(publication_header(publication, list(bank_ids)), rows)
        publication.save()
        PublicationRecipient.objects.bulk_create(
            [PublicationRecipient(publication=publication, bank_id=pk) for pk in sorted(bank_ids)])
        columns = ("publication_id", "position", *ENTRY_FIELDS)
        write_rows(PublicationEntry, columns, ((publication.pk, r["position"], *(r[k] for k in ENTRY_FIELDS))
                                              for r in rows), json_columns=("pledge_assets",))
        whitelist.status = WhitelistStatus.PUBLISHED
        whitelist.save(update_fields=["status"])
        audit(actor=user, action="publication.published", target=publication, comment=publication.change_note,
              data={"number": number, "entries": len(rows), "banks": sorted(bank_ids), "hash":
                    publication.content_hash, "left_out": len(left_out), "summary": change_summary(publication.changes)})
        notify_on_commit(
            recipients=list(User.objects.filter(organisation_id__in=bank_ids, is_active=True)),
            verb="publication.published", title=f"新的授信企业白名单：{publication.title}",
            body=(f"{publication.publisher_name}于 {publication.published_on:%Y年%m月%d日}向贵行发布{publication.title}，"
                  f"请登录系统查看并下载，对接后请及时反馈授信、放款和质押登记情况。{change_summary(publication.changes)}"),
            url=reverse("finance:publication-detail", args=[publication.pk]))
    return publication


def delivered_entries(publication: Publication, user: User):
    """The entries of ``publication`` the user may receive now: a bank only those under a consent in force that
    covers it; a bureau all of them."""
    entries = PublicationEntry.objects.filter(publication=publication)
    if user.role == "bank":
        return entries.for_bank(user.organisation_id)
    return entries


def publication_download(*, publication: Publication, user: User, file_format: str,
                         ip_address: str | None = None) -> PublicationDownload:
    """Record (and audit) a download before the file is written: exactly which entries it holds."""
    ids = list(delivered_entries(publication, user).order_by("position").values_list("pk", flat=True))
    download = PublicationDownload.objects.create(
        publication=publication, bank_id=user.organisation_id if user.role == "bank" else None, user=user,
        file_format=file_format, entry_ids=ids, entry_count=len(ids),
        withheld_count=publication.entry_count - len(ids))
    audit(actor=user, action="publication.downloaded", target=publication, ip_address=ip_address,
          data={"format": file_format, "entries": len(ids), "withheld": download.withheld_count,
                "download": download.pk})
    return download


def candidate_for_enterprise(enterprise) -> Candidate | None:
    """The enterprise's result in the newest draft or publication of any region that evaluated it."""
    return (Candidate.objects.filter(enterprise=enterprise).exclude(whitelist__status=WhitelistStatus.DISCARDED)
            .select_related("whitelist").order_by("-whitelist__created_at", "-pk").first())
