"""Storing the engine's lists: the top k patents of each demand and the top k demands of each patent.

One reconciliation serves the full batch and the incremental runs. The items that were just scored (demands,
or patents) are the *primary* side; their lists are rebuilt from the new scores. Each item of the other side
that the new scores touch gets its list rebuilt from its remaining entries plus the new ones. A pair that
falls out of both lists is deleted while it is still only suggested; a pair someone has acted on stays.
Rows that did not change are not written, so re-running on unchanged data writes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..choices import MatchStatus
from ..engine import Explanation
from ..engine import Match as EngineMatch
from ..models import Match

LOCK_KEY = 52_050_001  # one writer of matches at a time (PostgreSQL advisory lock)
IN_CHUNK = 5000
# A stored row is rewritten only when its score or a rank moved: the wording of an explanation may vary between
# processes for the same score (the order in which the engine attributes expanded words), and is not a change.
RANKED_FIELDS = ("score", "rank", "patent_rank")


@dataclass(frozen=True)
class Side:
    key: str  # the primary item's column on Match
    rank: str  # the rank inside the primary item's list
    other_key: str
    other_rank: str


DEMAND_SIDE = Side("demand_id", "rank", "patent_id", "patent_rank")
PATENT_SIDE = Side("patent_id", "patent_rank", "demand_id", "rank")


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: int = 0
    touched_primary: set = field(default_factory=set)
    new_pairs: list = field(default_factory=list)


def _explanation_json(explanation) -> str:
    return json.dumps(explanation.to_dict(), ensure_ascii=False)


def pair_of(side: Side, primary, other) -> tuple:
    return (primary, other) if side is DEMAND_SIDE else (other, primary)


def store_lists(*, side: Side, primary_ids: Iterable, lists: dict, k_primary: int, k_other: int,
                min_score: float, run=None, full: bool = False) -> StoreResult:
    """Reconcile stored matches with freshly scored ``lists`` ({primary id: [engine Match, …]})."""
    primary_ids = set(primary_ids)
    scored = _scored_pairs(side, lists, min_score)
    primary_rank = _primary_ranks(side, lists, scored, k_primary)
    with transaction.atomic():
        _serialise_writers()
        existing = _existing_rows(side, primary_ids, {side_other(side, p) for p in scored}, full)
        others = {side_other(side, p) for p in scored} | {
            row[side.other_key] for row in existing.values()
            if row[side.key] in primary_ids and row[side.other_rank] is not None}
        other_rank = _other_ranks(side, scored, existing, primary_ids, others, k_other, full)
        return _apply(side, existing, scored, primary_rank, other_rank, primary_ids, others, run, full)


def side_other(side: Side, pair: tuple):
    return pair[1] if side is DEMAND_SIDE else pair[0]


def side_primary(side: Side, pair: tuple):
    return pair[0] if side is DEMAND_SIDE else pair[1]


def _serialise_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _scored_pairs(side: Side, lists: dict, min_score: float) -> dict[tuple, tuple[float, Explanation]]:
    scored = {}
    for primary, matches in lists.items():
        for m in matches:
            if m.score >= min_score:
                # The explanation is turned into JSON only for the pairs that end up stored.
                scored[pair_of(side, primary, _other_id(side, m))] = (round(float(m.score), 6), m.explanation)
    return scored


def _other_id(side: Side, m: EngineMatch):
    return m.patent_id if side is DEMAND_SIDE else m.demand_id


def _primary_ranks(side: Side, lists: dict, scored: dict, k: int) -> dict[tuple, int]:
    ranks = {}
    for primary, matches in lists.items():
        kept = [pair_of(side, primary, _other_id(side, m)) for m in matches]
        kept = sorted((p for p in kept if p in scored), key=lambda p: (-scored[p][0], side_other(side, p)))
        ranks.update({pair: i for i, pair in enumerate(kept[:k], start=1)})
    return ranks


def _existing_rows(side: Side, primary_ids: set, others: set, full: bool) -> dict[tuple, dict]:
    fields = ("pk", "demand_id", "patent_id", "status", "score", "rank", "patent_rank")
    if full:
        querysets = [Match.objects.all()]
    else:
        querysets = [Match.objects.filter(**{f"{side.key}__in": chunk}) for chunk in _chunks(primary_ids)]
        querysets += [Match.objects.filter(**{f"{side.other_key}__in": chunk}) for chunk in _chunks(others)]
    rows = {}
    for queryset in querysets:
        for row in queryset.values(*fields).iterator(chunk_size=5000):
            rows[(row["demand_id"], row["patent_id"])] = row
    if not full:
        # Items of the other side whose lists are rebuilt need all their current entries.
        extra = {row[side.other_key] for row in rows.values()
                 if row[side.key] in primary_ids and row[side.other_rank] is not None} - others
        for chunk in _chunks(extra):
            for row in Match.objects.filter(**{f"{side.other_key}__in": chunk}).values(*fields):
                rows[(row["demand_id"], row["patent_id"])] = row
    return rows


def _other_ranks(side: Side, scored: dict, existing: dict, primary_ids: set, others: set, k: int,
                 full: bool) -> dict[tuple, int]:
    entries: dict = defaultdict(list)
    for pair, (score, _) in scored.items():
        entries[side_other(side, pair)].append((score, side_primary(side, pair), pair))
    if not full:
        for pair, row in existing.items():
            if row[side.other_key] in others and row[side.key] not in primary_ids:
                entries[row[side.other_key]].append((row["score"], row[side.key], pair))
    ranks = {}
    for items in entries.values():
        items.sort(key=lambda item: (-item[0], item[1]))
        ranks.update({pair: i for i, (_, _, pair) in enumerate(items[:k], start=1)})
    return ranks


def _apply(side, existing, scored, primary_rank, other_rank, primary_ids, others, run, full) -> StoreResult:
    result, rescored, reranked, deletes, now = StoreResult(), [], [], [], timezone.now()
    for pair, row in existing.items():
        desired = _desired(side, pair, row, primary_rank, other_rank, primary_ids, others, full)
        desired["score"] = scored[pair][0] if pair in scored else row["score"]
        if desired["rank"] is None and desired["patent_rank"] is None and row["status"] == MatchStatus.SUGGESTED:
            deletes.append(row["pk"])
        elif desired["score"] != row["score"]:
            rescored.append(Match(pk=row["pk"], run=run, updated_at=now, explanation=scored[pair][1].to_dict(),
                                  **desired))
        elif any(row[name] != desired[name] for name in RANKED_FIELDS):
            reranked.append(Match(pk=row["pk"], run=run, updated_at=now, **desired))
        if row["status"] != MatchStatus.SUGGESTED:
            result.kept += 1
    demand_rank, patent_rank = (primary_rank, other_rank) if side is DEMAND_SIDE else (other_rank, primary_rank)
    # New rows as plain tuples: building hundreds of thousands of model instances costs more than writing them.
    new = [(pair[0], pair[1], scored[pair][0], demand_rank.get(pair), patent_rank.get(pair), scored[pair][1])
           for pair in (set(primary_rank) | set(other_rank)) - set(existing)]
    _delete(deletes)
    _update(rescored, reranked, run, now)
    _insert(new, run, now)
    result.created, result.updated, result.deleted = len(new), len(rescored) + len(reranked), len(deletes)
    result.new_pairs = [(row[0], row[1]) for row in new]
    return result


def _desired(side, pair, row, primary_rank, other_rank, primary_ids, others, full) -> dict:
    """The ranks a stored row should have: rebuilt for the lists this run rebuilt, kept for the others."""
    in_primary = full or row[side.key] in primary_ids
    in_other = full or in_primary or row[side.other_key] in others
    return {
        side.rank: primary_rank.get(pair) if in_primary else row[side.rank],
        side.other_rank: other_rank.get(pair) if in_other else row[side.other_rank],
    }


def _delete(pks: list[int]) -> None:
    """Suggestions that fell out of every list. Only never-acted-on rows go, so no deal can hang on them; on
    PostgreSQL one DELETE by id array instead of the ORM's collector, which loads every row first."""
    if connection.vendor != "postgresql":
        for chunk in _chunks(pks):
            Match.objects.filter(pk__in=chunk, status=MatchStatus.SUGGESTED).delete()
        return
    with connection.cursor() as cursor:
        for chunk in _chunks(pks, 50_000):
            cursor.execute(f"DELETE FROM {Match._meta.db_table} WHERE id = ANY(%s) AND status = %s",
                           [chunk, MatchStatus.SUGGESTED.value])


def _update(rescored: list[Match], reranked: list[Match], run, now) -> None:
    """Changed rows in bulk; on PostgreSQL through a temporary table and one UPDATE … FROM, because Django's
    bulk_update builds a CASE expression per row and slows down badly past a few thousand rows."""
    if connection.vendor != "postgresql":
        ranked = ["score", "rank", "patent_rank", "run", "updated_at"]
        Match.objects.bulk_update(rescored, [*ranked, "explanation"], batch_size=500)
        Match.objects.bulk_update(reranked, ranked, batch_size=500)
        return
    if not rescored and not reranked:
        return
    table = Match._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS matching_match_changes (id bigint PRIMARY KEY, "
                       "score double precision, rank smallint, patent_rank smallint, explanation jsonb) "
                       "ON COMMIT DELETE ROWS")
        cursor.execute("TRUNCATE matching_match_changes")
        with cursor.cursor.copy("COPY matching_match_changes FROM STDIN") as copy:
            for m, explained in [(m, True) for m in rescored] + [(m, False) for m in reranked]:
                copy.write_row((m.pk, m.score, m.rank, m.patent_rank, json.dumps(m.explanation) if explained
                                else None))
        cursor.execute(
            f"UPDATE {table} AS m SET score = c.score, rank = c.rank, patent_rank = c.patent_rank, "
            "explanation = COALESCE(c.explanation, m.explanation), run_id = %s, updated_at = %s "
            "FROM matching_match_changes AS c WHERE m.id = c.id", [run.pk if run else None, now])


def _insert(rows: list[tuple], run, now) -> None:
    """New rows ``(demand, patent, score, rank, patent rank, explanation)`` in bulk; on PostgreSQL through COPY,
    many times faster than a multi-row INSERT of JSON values quoted one by one."""
    if connection.vendor != "postgresql":
        Match.objects.bulk_create((Match(demand_id=d, patent_id=p, score=score, rank=rank, patent_rank=p_rank,
                                         explanation=explanation.to_dict(), run=run)
                                   for d, p, score, rank, p_rank, explanation in rows), batch_size=1000)
        return
    columns = ("demand_id", "patent_id", "score", "rank", "patent_rank", "explanation", "status", "run_id",
               "created_at", "updated_at")
    sql = f"COPY {Match._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    status, run_id = MatchStatus.SUGGESTED.value, run.pk if run else None
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for d, p, score, rank, p_rank, explanation in rows:
            copy.write_row((d, p, score, rank, p_rank, _explanation_json(explanation),
                            status, run_id, now, now))


def _chunks(values: Iterable, size: int = IN_CHUNK) -> Sequence[list]:
    values = list(values)
    return [values[i:i + size] for i in range(0, len(values), size)]
