"""Whitelist generation as a fanned-out run (``portal.services.fanout``): enterprises by id range on any worker,
the draft declared ready (counts, one audit entry, one notice) when the last chunk ends.

A chunk deletes and rewrites the candidates of its own enterprises in one transaction, so a redelivered chunk
leaves exactly one candidate per enterprise; the finish counts the stored candidates, not the chunks' reports.
"""

from __future__ import annotations

from django.db import transaction

from portal.services.fanout import fanout_start, id_ranges

from ..models import Candidate, Whitelist, WhitelistStatus
from .generation import (
    CHUNK,
    _candidate_rows,
    _chunks,
    listed_usccs,
    members_of,
    whitelist_draft_ready,
    write_candidates,
)

HANDLER = "finance.services.generation_fanout.GENERATION_FANOUT"


def whitelist_generate_fanout(*, whitelist: Whitelist, job_id: int | None = None, chunk_size: int = CHUNK):
    """Start generating ``whitelist``'s draft in chunks of enterprises; None if it is no longer generating."""
    whitelist = Whitelist.objects.select_related("region").get(pk=whitelist.pk)
    if whitelist.status != WhitelistStatus.GENERATING:
        return None
    Candidate.objects.filter(whitelist=whitelist).delete()
    ranges = id_ranges(members_of(whitelist.region.scope_prefix), chunk_size, field="enterprise_id")
    return fanout_start(handler=HANDLER, ranges=ranges, job_id=job_id, params={"whitelist": whitelist.pk})


def _whitelist(run) -> Whitelist:
    return Whitelist.objects.select_related("policy", "region", "created_by").get(pk=run.params["whitelist"])


class GenerationFanout:
    def chunk(self, run, chunk) -> dict:
        whitelist = _whitelist(run)
        rows = members_of(whitelist.region.scope_prefix).filter(enterprise_id__gte=chunk.lo,
                                                                enterprise_id__lte=chunk.hi)
        members = next(_chunks(rows, size=10**9), [])  # one newest membership per enterprise
        on_lists = listed_usccs([row["uscc"] for row in members if row["uscc"]])
        candidates = _candidate_rows(whitelist, members, whitelist.policy.rules().whitelist, on_lists)
        with transaction.atomic():
            Candidate.objects.filter(whitelist=whitelist, enterprise_id__gte=chunk.lo,
                                     enterprise_id__lte=chunk.hi).delete()
            write_candidates(candidates)
        return {"candidates": len(candidates)}

    def finish(self, run, results: list[dict]) -> tuple[dict, str]:
        whitelist = _whitelist(run)
        stored = Candidate.objects.filter(whitelist=whitelist)
        total, eligible = stored.count(), stored.filter(eligible=True).count()
        whitelist_draft_ready(whitelist, total=total, eligible=eligible)
        return {"candidates": total, "eligible": eligible}, f"共评价 {total} 家，符合条件 {eligible} 家"

    def failed(self, run, message: str) -> None:
        Whitelist.objects.filter(pk=run.params["whitelist"], status=WhitelistStatus.GENERATING).update(
            status=WhitelistStatus.FAILED)


GENERATION_FANOUT = GenerationFanout()
