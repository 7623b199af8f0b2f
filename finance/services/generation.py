"""Evaluating pool members against the whitelist rules, in chunks read as plain rows.

``member_facts`` builds the rules' input for a chunk of memberships with a fixed handful of queries (needs,
consents, list hits), so a whitelist over 100,000 enterprises runs in constant memory and a few hundred queries;
``whitelist_generate`` (the Celery task's work) writes one ``Candidate`` per member with every rule explained.
The enterprise's own pre-check uses the same functions on one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from criteria.services.evaluation import list_hits_for
from portal.services import audit, notify_on_commit
from portal.services.jobs import job_finish, job_progress, job_start

from .. import rules as whitelist_rules
from ..models import Candidate, Consent, FinancingNeed, NeedStatus, Whitelist, WhitelistStatus
from ..policy import WhitelistRules
from .bulk import write_rows

CHUNK = 2000
MEMBER_FIELDS = ("pk", "enterprise_id", "region_id", "enterprise_name", "uscc", "status", "admitted_on")


def members_of(region_code_prefix: str):
    """Every pool membership of a region subtree, newest admission first, as plain rows."""
    from pool.models import Membership

    return (Membership.objects.filter(region__code__startswith=region_code_prefix)
            .order_by("enterprise_id", "-admitted_on", "-id").values(*MEMBER_FIELDS))


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    """Chunks of rows with one (the newest) membership per enterprise."""
    chunk, last = [], None
    for row in rows:
        if row["enterprise_id"] == last:
            continue
        last = row["enterprise_id"]
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _local_day(moment) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def listed_usccs(usccs) -> set[str]:
    """Which of ``usccs`` (a list or a subquery of stored, normalised codes) any imported list names: one query
    returning only the hits, so a region of 100,000 members asks the lists about the few that are on them."""
    from criteria.models import ListEntry

    return set(ListEntry.objects.filter(uscc__in=usccs).values_list("uscc", flat=True).distinct())


def member_facts(chunk: list[dict], *, on_lists: set[str] | None = None
                 ) -> dict[int, tuple[whitelist_rules.CandidateFacts, dict]]:
    """For each enterprise of ``chunk``: the rules' facts and the ids a candidate row keeps (need, consent).
    ``on_lists``: the chunk's codes known to be on a list (looked up here when not given)."""
    ids = [row["enterprise_id"] for row in chunk]
    needs = {n["enterprise_id"]: n for n in FinancingNeed.objects.filter(
        enterprise_id__in=ids, status=NeedStatus.OPEN).values(
        "pk", "enterprise_id", "amount", "term_months", "purpose", "pledge_assets")}
    consents = {c["enterprise_id"]: c for c in Consent.objects.filter(
        enterprise_id__in=ids, revoked_at__isnull=True).annotate(bank_count=Count("bank_links")).values(
        "pk", "enterprise_id", "given_at", "text_version", "all_banks", "bank_count")}
    revoked = dict(Consent.objects.filter(enterprise_id__in=[i for i in ids if i not in consents],
                                          revoked_at__isnull=False)
                   .values("enterprise_id").annotate(last=Max("revoked_at")).values_list("enterprise_id", "last"))
    # Members keep the code as submitted, already normalised (``normalise_uscc``), like the imported lists.
    codes = {row["uscc"] for row in chunk if row["uscc"]}
    if on_lists is None:
        on_lists = listed_usccs(list(codes))
    hits = list_hits_for(code for code in codes if code in on_lists) if on_lists else {}
    facts = {}
    for row in chunk:
        need, consent = needs.get(row["enterprise_id"]), consents.get(row["enterprise_id"])
        found = hits.get(row["uscc"], ()) if hits else ()
        item = whitelist_rules.CandidateFacts(
            membership_status=row["status"], admitted_on=row["admitted_on"],
            list_hits=[whitelist_rules.Hit(h.list_type, h.reason, h.listed_on) for h in found],
            assets=need["pledge_assets"] if need else [],
            need_amount=need["amount"] if need else None,
            need_term_months=need["term_months"] if need else None,
            need_purpose=need["purpose"] if need else "",
            consent_given_at=_local_day(consent["given_at"]) if consent else None,
            consent_version=consent["text_version"] if consent else "",
            consent_scope=("全部合作银行" if consent["all_banks"] else f"{consent['bank_count']} 家选定银行")
            if consent else "",
            consent_revoked_at=_local_day(revoked.get(row["enterprise_id"])),
        )
        facts[row["enterprise_id"]] = (item, {"need_id": need["pk"] if need else None,
                                              "consent_id": consent["pk"] if consent else None})
    return facts


def evaluate_member(row: dict, rules: WhitelistRules, on: date) -> list[whitelist_rules.RuleOutcome]:
    """The rules' outcomes for one membership row (the enterprise's own pre-check)."""
    facts, _ids = member_facts([row])[row["enterprise_id"]]
    return whitelist_rules.evaluate(facts, rules, on=on)


#: The columns a candidate row is written with (``excluded`` and the reviewer's fields start empty).
CANDIDATE_COLUMNS = ("whitelist_id", "membership_id", "enterprise_id", "region_id", "enterprise_name", "uscc",
                     "membership_status", "need_id", "consent_id", "need_amount", "eligible", "summary", "results",
                     "excluded", "exclusion_reason")


def _candidate_rows(whitelist: Whitelist, chunk: list[dict], rules: WhitelistRules, on_lists: set[str]) -> list:
    facts = member_facts(chunk, on_lists=on_lists)
    rows = []
    for row in chunk:
        item, ids = facts[row["enterprise_id"]]
        outcomes = whitelist_rules.evaluate(item, rules, on=whitelist.evaluated_on)
        rows.append((whitelist.pk, row["pk"], row["enterprise_id"], row["region_id"], row["enterprise_name"],
                     row["uscc"] or "", row["status"], ids["need_id"], ids["consent_id"], item.need_amount,
                     whitelist_rules.eligible(outcomes), whitelist_rules.summary(outcomes),
                     [o.as_dict() for o in outcomes], False, ""))
    return rows


def write_candidates(rows: list) -> None:
    write_rows(Candidate, CANDIDATE_COLUMNS, rows, json_columns=("results",))


def whitelist_generate(*, whitelist: Whitelist, job_id: int | None = None) -> dict:
    """Evaluate every pool member of the whitelist's region and store the draft (the task's work). Idempotent:
    a whitelist that is no longer generating is left alone; a re-run after a failure starts over."""
    whitelist = Whitelist.objects.select_related("policy", "region").get(pk=whitelist.pk)
    if whitelist.status != WhitelistStatus.GENERATING:
        return {"skipped": whitelist.status}
    rules = whitelist.policy.rules().whitelist
    prefix = whitelist.region.scope_prefix
    Candidate.objects.filter(whitelist=whitelist).delete()
    if job_id:
        job_start(job_id=job_id, total=members_of(prefix).order_by().count())
    on_lists = listed_usccs(members_of(prefix).order_by().values("uscc"))
    total = eligible = 0
    position = CANDIDATE_COLUMNS.index("eligible")
    for chunk in _chunks(members_of(prefix).iterator(chunk_size=CHUNK)):
        rows = _candidate_rows(whitelist, chunk, rules, on_lists)
        write_candidates(rows)
        total += len(rows)
        eligible += sum(1 for r in rows if r[position])
        if job_id:
            job_progress(job_id=job_id, done=total, message=f"已评价 {total} 家，符合条件 {eligible} 家")
    whitelist_draft_ready(whitelist, total=total, eligible=eligible)
    result = {"candidates": total, "eligible": eligible}
    if job_id:
        job_finish(job_id=job_id, result=result, message=f"共评价 {total} 家，符合条件 {eligible} 家")
    return result


def whitelist_draft_ready(whitelist: Whitelist, *, total: int, eligible: int) -> None:
    """The draft is stored: counts on the whitelist, one audit entry, one notice to whoever asked for it."""
    with transaction.atomic():
        Whitelist.objects.filter(pk=whitelist.pk).update(
            status=WhitelistStatus.DRAFT, candidate_count=total, eligible_count=eligible, excluded_count=0,
            generated_at=timezone.now())
        whitelist.status = WhitelistStatus.DRAFT
        audit(actor=whitelist.created_by, action="whitelist.generated", target=whitelist, actor_name="celery",
              data={"candidates": total, "eligible": eligible, "policy": whitelist.policy.code,
                    "policy_version": whitelist.policy.version})
        if whitelist.created_by is not None:
            from django.urls import reverse

            notify_on_commit(recipients=[whitelist.created_by], verb="whitelist.generated",
                             title=f"白名单草稿已生成：符合条件 {eligible} 家",
                             body=f"共评价入库企业 {total} 家，其中符合白名单条件 {eligible} 家，请审核后发布。",
                             url=reverse("finance:whitelist-detail", args=[whitelist.pk]), email=False)
