"""The two-way lookup (双向推送): a bank sends the 统一社会信用代码 of its own applicants and learns, for each,
only whether the enterprise is on a whitelist published to it with consent in force. The answer for any other
code is the same sentence whether the enterprise is unknown, in the pool without consent, or on a whitelist of
another bank, so nothing leaks. Every lookup is audited and counted against the bank's daily cap (the bank's
row is locked while the cap is checked, so two uploads at once cannot both slip under it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from portal.models import Organisation, User
from portal.services import audit
from portal.tables import Column, TableError, read_table
from portal.validators import normalise_uscc, validate_uscc

from ..models import Lookup, PublicationEntry
from .feedback import ensure_bank
from .policies import rules_for

LOOKUP_COLUMNS = [Column("uscc", "统一社会信用代码", ("信用代码", "代码"), required=True)]
NOT_LISTED = "未在向贵行发布的白名单中"


def _codes(upload) -> list[tuple[int, str, str, str]]:
    """``(row, as typed, normalised, problem)`` for every non-empty row."""
    rows = []
    try:
        for number, row in read_table(upload, LOOKUP_COLUMNS):
            typed = row.get("uscc", "")
            code = normalise_uscc(typed)
            try:
                validate_uscc(code)
                problem = ""
            except ValidationError as exc:
                problem = exc.messages[0]
            rows.append((number, typed, code, problem))
    except TableError as exc:
        raise ValidationError(exc.messages[0]) from exc
    if not rows:
        raise ValidationError("文件中没有统一社会信用代码。")
    return rows


def used_today(bank_id: int, day=None) -> int:
    day = day or timezone.localdate()
    return Lookup.objects.filter(bank_id=bank_id, day=day).aggregate(n=Sum("code_count"))["n"] or 0


def lookup_run(*, user: User, upload, ip_address: str | None = None) -> Lookup:
    bank_id = ensure_bank(user)
    _policy, rules = rules_for(user.organisation.region_id)
    rows = _codes(upload)
    wanted = sorted({code for _n, _t, code, problem in rows if not problem})
    if len(wanted) > rules.lookup.max_codes_per_file:
        raise ValidationError(f"单次最多核验 {rules.lookup.max_codes_per_file} 个代码，本文件有 {len(wanted)} 个。")
    today = timezone.localdate()
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=bank_id)
        used = used_today(bank_id, today)
        if used + len(wanted) > rules.lookup.daily_cap:
            raise ValidationError(f"超出每日核验上限：每日最多 {rules.lookup.daily_cap} 个代码，今日已核验 {used} 个，"
                                  f"本次 {len(wanted)} 个。")
        found = {}
        for entry in (PublicationEntry.objects.for_bank(bank_id).filter(uscc__in=wanted)
                      .select_related("publication").order_by("publication__published_at", "pk")):
            found[entry.uscc] = entry  # the newest publication wins
        results = []
        for number, typed, code, problem in rows:
            entry = found.get(code) if not problem else None
            if problem:
                answer = f"代码有误：{problem}"
            elif entry is not None:
                answer = (f"在白名单中：{entry.enterprise_name}（{entry.publication.title}，"
                          f"{entry.publication.published_on:%Y-%m-%d} 发布）")
            else:
                answer = NOT_LISTED
            results.append({"row": number, "code": typed, "listed": entry is not None, "answer": answer,
                            "publication": entry.publication_id if entry else None})
        lookup = Lookup.objects.create(
            bank_id=bank_id, user=user, file_name=(getattr(upload, "name", "") or "")[-255:], day=today,
            code_count=len(wanted), listed_count=sum(r["listed"] for r in results), results=results)
        audit(actor=user, action="lookup.run", target=lookup, ip_address=ip_address,
              data={"codes": wanted, "listed": lookup.listed_count, "used_today": used + len(wanted),
                    "daily_cap": rules.lookup.daily_cap})
    return lookup
