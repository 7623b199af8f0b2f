"""Misconduct known from outside the monitoring report (违规失信记录): a county's record of a member of its county,
and the hits of an imported list (the criteria app's serious-dishonesty, abnormal-filing and accident lists).

Either is recorded as a ``MisconductRecord`` and the members concerned are evaluated at once, so the removal
proposal is open by the time the county looks (trigger ``record`` / ``list``). A list's hits are matched by
统一社会信用代码 normalised as the import normalises it; each list entry is recorded once per member
(``source_key = list:<entry id>``), and an entry re-imported unchanged (same list, same listing date) is not
recorded a second time.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from criteria.models import ListEntry, ListImport, ListType
from portal.outbox import enqueue
from portal.services import audit
from portal.validators import normalise_uscc

from ...lifecycle.policy import MisconductKind
from ...lifecycle.workflow import MembershipStatus, in_region
from ...models import Membership, MisconductRecord, MisconductSource
from .evaluation import lifecycle_evaluate
from .policies import current_policies, rules_of

logger = logging.getLogger(__name__)
#: Who records misconduct of a member: the bureau of its county.
RECORD_ROLES = ("county",)
#: A list import with more rows than this is matched in Celery, not in the importing request.
LIST_INLINE_LIMIT = 500
CHUNK = 2000
LIST_LABELS = dict(ListType.choices)


def can_record_misconduct(user, membership: Membership) -> bool:
    return (user is not None and user.is_authenticated and user.role in RECORD_ROLES
            and in_region(user, membership.region_id))


def _validated(kind: str, occurred_on, known_on, description: str, today: date) -> tuple[str, str]:
    errors = {}
    if kind not in MisconductKind.LABELS:
        errors["kind"] = "请选择违规失信情形。"
    if known_on is None:
        errors["known_on"] = "请填写知悉日期。"
    elif known_on > today:
        errors["known_on"] = "知悉日期不能晚于今天。"
    if occurred_on is not None and known_on is not None and occurred_on > known_on:
        errors["occurred_on"] = "发生日期不能晚于知悉日期。"
    description = (description or "").strip()
    if not description:
        errors["description"] = "请填写情况说明（事实、依据文书等）。"
    if errors:
        raise ValidationError(errors)
    return kind, description


def misconduct_record(*, membership: Membership, user, kind: str, known_on: date | None,
                      occurred_on: date | None = None, description: str = "") -> MisconductRecord:
    """A county records misconduct of a member of its county; the member is evaluated at once (trigger
    ``record``), which opens a removal proposal when the member is cultivating."""
    if not can_record_misconduct(user, membership):
        raise ValidationError("只有企业所在县（市、区）主管部门可以登记违规失信记录。")
    kind, description = _validated(kind, occurred_on, known_on, description, timezone.localdate())
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        record = MisconductRecord.objects.create(
            membership=membership, kind=kind, known_on=known_on, occurred_on=occurred_on,
            source=MisconductSource.COUNTY, source_key=f"county:{uuid.uuid4().hex[:20]}", description=description,
            recorded_by=user)
        audit(actor=user, action="misconduct.recorded", target=record, comment=description,
              data={"kind": kind, "known_on": known_on.isoformat(), "membership": membership.pk})
    if membership.status == MembershipStatus.CULTIVATING:
        lifecycle_evaluate(membership_ids=[membership.pk], trigger="record", user=user)
    return record


def _policy_kinds(list_type: str) -> dict[str, str]:
    """Per policy code, the misconduct kind a hit on ``list_type`` counts as (policies that map it)."""
    kinds = {}
    for policy in current_policies():
        kind = rules_of(policy).list_misconduct.get(list_type)
        if kind:
            kinds[policy.code] = kind
    return kinds


def _members_by_uscc(kinds: dict[str, str]) -> dict[str, list[tuple[int, str]]]:
    members = defaultdict(list)
    for pk, uscc, code in (Membership.objects.filter(status=MembershipStatus.CULTIVATING,
                                                     policy_code__in=list(kinds)).exclude(uscc="")
                           .values_list("pk", "uscc", "policy_code")):
        members[normalise_uscc(uscc)].append((pk, kinds[code]))
    return members


def _description(list_type: str, name: str, reason: str, listed_on, file_name: str) -> str:
    text = f"列入{LIST_LABELS.get(list_type, list_type)}（导入文件：{file_name}；名单企业名称：{name}）"
    if reason:
        text += f"，列入事由：{reason}"
    if listed_on:
        text += f"，列入日期：{listed_on.isoformat()}"
    return text + "。"


def list_hits_record(*, list_type: str) -> dict:
    """Record every cultivating member found on ``list_type``'s entries and evaluate those newly recorded
    (trigger ``list``). Safe to repeat: a recorded entry is skipped."""
    kinds = _policy_kinds(list_type)
    members = _members_by_uscc(kinds) if kinds else {}
    usccs = sorted(members)
    hits: list[tuple] = []
    for start in range(0, len(usccs), CHUNK):
        hits.extend(ListEntry.objects.filter(list_type=list_type, uscc__in=usccs[start:start + CHUNK]).values_list(
            "pk", "uscc", "name", "reason", "listed_on", "source_import__imported_at", "source_import__file_name"))
    hit_members = sorted({pk for entry in hits for pk, _ in members[entry[1]]})
    known_keys, known_listings = set(), set()
    for start in range(0, len(hit_members), CHUNK):
        for member, key, kind, occurred in MisconductRecord.objects.filter(
                membership_id__in=hit_members[start:start + CHUNK], source=MisconductSource.LIST).values_list(
                "membership_id", "source_key", "kind", "occurred_on"):
            known_keys.add((member, key))
            known_listings.add((member, kind, occurred))
    records = []
    for entry_pk, uscc, name, reason, listed_on, imported_at, file_name in hits:
        for member, kind in members[uscc]:
            key = f"list:{entry_pk}"
            if (member, key) in known_keys or (member, kind, listed_on) in known_listings:
                continue
            known_listings.add((member, kind, listed_on))
            records.append(MisconductRecord(
                membership_id=member, kind=kind, known_on=timezone.localdate(imported_at), occurred_on=listed_on,
                source=MisconductSource.LIST, source_key=key,
                description=_description(list_type, name, reason, listed_on, file_name)))
    with transaction.atomic():
        MisconductRecord.objects.bulk_create(records, batch_size=1000, ignore_conflicts=True)
        recorded = sorted({r.membership_id for r in records})
        audit(actor=None, actor_name="system", action="misconduct.list_hits_recorded",
              comment=LIST_LABELS.get(list_type, list_type),
              data={"list_type": list_type, "entries_hit": len(hits), "records": len(records),
                    "members": len(recorded)})
    evaluation = lifecycle_evaluate(membership_ids=recorded, trigger="list") if recorded else None
    return {"list_type": list_type, "entries_hit": len(hits), "records": len(records), "members": len(recorded),
            "opened_remove": evaluation["opened_remove"] if evaluation else 0}


def list_hits_on_import(*, list_type: str) -> dict | None:
    """After a list import (``lists_changed``): match a small import at once, a large one in Celery."""
    latest = ListImport.objects.filter(list_type=list_type).order_by("-imported_at", "-id").first()
    if latest is not None and latest.rows_imported > LIST_INLINE_LIMIT:
        from ...tasks import lifecycle_list_hits

        enqueue(lifecycle_list_hits, list_type)
        return None
    try:
        return list_hits_record(list_type=list_type)
    except Exception:  # the import itself is committed; a failed match must not turn it into an error page
        logger.exception("lifecycle: matching the %s list against the pool failed", list_type)
        return None
