"""Storing a full matching run fanned out over the workers, in two stages of chunks, never merging every list in
one process.

Why two stages. A demand's list depends on that demand's scores only; a patent's list on every demand's scores,
but only a chunk's best ``top_k_per_patent`` pairs of a patent can reach it (the overall best k lie in the union
of each chunk's best k). So:

1. **Demand chunks** (by demand-id range, ``chunk_lists_store``): each scores its demands, reconciles the rows
   its demands already have (score, explanation, ``rank``; a pair in no patent's reach loses ``patent_rank``) and
   writes the pairs it keeps — its demands' new lists and its best pairs of each patent — to a scratch table
   (``MatchCandidate``, by COPY; the explanation, serialised here in parallel, only for pairs not yet stored).
2. **Patent chunks** (by patent-id range, ``patent_lists_store``), started once by the last demand chunk: each
   ranks its patents' candidates — ``ROW_NUMBER() OVER (PARTITION BY patent ORDER BY score DESC, demand)``, the
   tie-break of ``store.store_lists`` — moves the ``patent_rank`` that changed, inserts the new pairs with both
   ranks final (``INSERT … SELECT``, so a first run writes each row once), clears the ranks of closed demands'
   rows and deletes the suggestions left in no list, in set-based SQL, in its own transaction. The candidates
   stay until the run's finish empties the table.

Then the run finishes once: the counts summed from the patent chunks', one audit entry, one notification. What
stays in one process does not grow with the pairs: cutting the id ranges (reading the ids) and dispatching. A
single finish ranking every patent in SQL was tried first: the ranking itself is cheap, but setting
``patent_rank`` on every new row (an UPDATE through the table's indexes) took ≈ 6 s for 97,000 rows in one
backend (load 3) — many minutes at the national size — so the patent chunks write the rows instead, side by side.

What ``store_lists(full=True)`` guarantees, and how it is kept here:

- each demand's top ``top_k_per_demand`` pairs at or above ``min_score`` are ranked 1…k (score, then patent id);
  each patent's top ``top_k_per_patent`` over every demand likewise (score, then demand id);
- a stored pair's score (and its explanation, when the score moved) is refreshed whenever the run scored it, even
  if it is in no list; rows whose score and ranks did not move are not written, so a re-run on unchanged data
  writes nothing;
- a pair in no list is deleted only while it is still a suggestion; a pair someone acted on (contacted,
  negotiating, deal, dropped — with its deal and feedback) stays, its ranks cleared;
- the rows of demands no longer open lose their ranks (and go if still suggestions), as in a full run;
- the run's counts are the eager run's: created = rows this run inserted, updated = older rows it changed,
  deleted = older suggestions it removed, kept = rows someone acted on. A full run notifies no enterprise.

Redelivery: a demand chunk replaces its own candidates and rewrites the same rows; a patent chunk already applied
(its counts are written in its own transaction) does nothing again (and reads no candidate); an insert meets ``ON CONFLICT DO NOTHING``.
Writers: chunks take the advisory lock of ``store`` in shared mode (disjoint demands, then disjoint patents, side
by side); the incremental runs take it exclusively, between chunks.

While a run is under way a demand's known pairs switch with its chunk; its new pairs and the patents' lists switch
with the patent chunks — each reader sees rows from before or after the run, never a half-built list of a patent.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from ..choices import MatchStatus
from ..models import Demand, Match, MatchCandidate
from .store import (
    DEMAND_SIDE,
    LOCK_KEY,
    RANKED_FIELDS,
    StoreResult,
    _chunks,
    _primary_ranks,
    _scored_pairs,
    _update,
)

FIELDS = ("pk", "demand_id", "patent_id", "status", "score", "rank", "patent_rank")
SORT_MEMORY = "64MB"  # per patent chunk's backend, for the ranking sort (one chunk's candidates: tens of MB at most)


def chunk_lists_store(*, run, demand_ids: list[int], lists: dict, k_demand: int, k_patent: int,
                      min_score: float) -> dict:
    """Stage 1 for ``demand_ids`` (one chunk's open demands) and their fresh ``lists`` ({demand id: [engine
    Match, …]}): their stored rows reconciled, the pairs the patent stage needs written as candidates. Running it
    again for the same chunk (a redelivered task) leaves the same rows and candidates."""
    scored = _scored_pairs(DEMAND_SIDE, lists, min_score)
    demand_rank = _primary_ranks(DEMAND_SIDE, lists, scored, k_demand)
    best = best_of_each_patent(scored, k_patent)
    now = timezone.now()
    with transaction.atomic():
        _share_writers()
        for chunk in _chunks(demand_ids):
            MatchCandidate.objects.filter(run=run, demand_id__in=chunk).delete()
        rescored, reranked, existing = [], [], set()
        for chunk in _chunks(demand_ids):
            for row in Match.objects.filter(demand_id__in=chunk).values(*FIELDS).iterator(chunk_size=5000):
                pair = (row["demand_id"], row["patent_id"])
                existing.add(pair)
                # A pair among the chunk's best of its patent keeps its patent rank (the patent stage moves it);
                # any other pair of these demands is in no patent's list any more. A suggestion left in no list
                # is deleted by the patent stage, with the others of its patent.
                desired = {"rank": demand_rank.get(pair),
                           "patent_rank": row["patent_rank"] if pair in best else None,
                           "score": scored[pair][0] if pair in scored else row["score"]}
                if desired["score"] != row["score"]:
                    rescored.append(Match(pk=row["pk"], run=run, updated_at=now,
                                          explanation=scored[pair][1].to_dict(), **desired))
                elif any(row[name] != desired[name] for name in RANKED_FIELDS):
                    reranked.append(Match(pk=row["pk"], run=run, updated_at=now, **desired))
        _update(rescored, reranked, run, now)
        kept = sorted(set(demand_rank) | best)
        _candidates_write(run, [
            (d, p, scored[(d, p)][0], demand_rank.get((d, p)), (d, p) in best,
             None if (d, p) in existing else json.dumps(scored[(d, p)][1].to_dict(), ensure_ascii=False))
            for d, p in kept])
    return {"demands": len(demand_ids), "pairs": len(scored), "candidates": len(kept),
            "updated": len(rescored) + len(reranked)}


def best_of_each_patent(scored: dict, k: int) -> set[tuple]:
    """The pairs among each patent's best ``k`` of ``scored`` ({(demand, patent): (score, …)}), ties to the
    lower demand id — the only pairs of these demands that can be in the patent's list over all demands."""
    by_patent: dict = defaultdict(list)
    for (demand, patent), (score, _) in scored.items():
        by_patent[patent].append((-score, demand))
    best = set()
    for patent, items in by_patent.items():
        for _, demand in (heapq.nsmallest(k, items) if len(items) > k else items):
            best.add((demand, patent))
    return best


def patent_lists_store(*, run, lo: int, hi: int, k_patent: int, since) -> dict:
    """Stage 2 for the patents with ids in ``[lo, hi]``: rank their candidates over every demand chunk, move the
    ``patent_rank`` that changed, insert the new pairs, clear closed demands' ranks, delete the suggestions in no
    list; its candidates stay until the finish. ``since``: when the run started (older rows are not its own).
    Returns the counts of its patents' rows: created by this run, older ones it changed, older suggestions deleted,
    acted on."""
    table, candidates, demands = Match._meta.db_table, MatchCandidate._meta.db_table, Demand._meta.db_table
    ranks, adapt, postgresql = "matching_patent_ranks", connection.ops.adapt_datetimefield_value, \
        connection.vendor == "postgresql"
    distinct = "IS DISTINCT FROM" if postgresql else "IS NOT"
    now = adapt(timezone.now())
    closed = f"SELECT id FROM {demands} WHERE NOT is_open"
    mine, theirs = f"run_id = %s AND patent_id BETWEEN {int(lo)} AND {int(hi)}", \
        f"{table}.patent_id BETWEEN {int(lo)} AND {int(hi)}"
    suggested = MatchStatus.SUGGESTED.value
    with connection.cursor() as cursor:
        _share_writers()
        if postgresql:
            # A chunk's candidates are sorted by patent in memory: the default 4 MB spills them to disk.
            cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        cursor.execute(f"DROP TABLE IF EXISTS {ranks}")
        # A demand closed while the run went on takes no place in a patent's list.
        cursor.execute(
            f"CREATE TEMP TABLE {ranks} AS SELECT demand_id, patent_id, rn FROM ("
            f"SELECT demand_id, patent_id, ROW_NUMBER() OVER (PARTITION BY patent_id ORDER BY score DESC, "
            f"demand_id) AS rn FROM {candidates} WHERE {mine} AND patent_best AND demand_id NOT IN ({closed})"
            f") AS c WHERE rn <= %s", [run.pk, k_patent])
        cursor.execute(f"CREATE INDEX {ranks}_pair ON {ranks} (demand_id, patent_id)")
        stamp = [run.pk, now]
        cursor.execute(f"UPDATE {table} SET patent_rank = NULL, run_id = %s, updated_at = %s "
                       f"WHERE {theirs} AND patent_rank IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {ranks} AS r "
                       f"WHERE r.demand_id = {table}.demand_id AND r.patent_id = {table}.patent_id)", stamp)
        cursor.execute(f"UPDATE {table} SET patent_rank = r.rn, run_id = %s, updated_at = %s FROM {ranks} AS r "
                       f"WHERE {table}.demand_id = r.demand_id AND {table}.patent_id = r.patent_id "
                       f"AND {table}.patent_rank {distinct} r.rn", stamp)
        cursor.execute(f"UPDATE {table} SET rank = NULL, run_id = %s, updated_at = %s "
                       f"WHERE {theirs} AND rank IS NOT NULL AND demand_id IN ({closed})", stamp)
        explanation = "CAST(c.explanation AS jsonb)" if postgresql else "c.explanation"
        cursor.execute(
            f"INSERT INTO {table} (demand_id, patent_id, score, rank, patent_rank, explanation, status, run_id, "
            f"created_at, updated_at, introduction_brokered) "
            f"SELECT c.demand_id, c.patent_id, c.score, c.rank, r.rn, {explanation}, %s, %s, %s, %s, %s "
            f"FROM {candidates} AS c LEFT JOIN {ranks} AS r "
            f"ON r.demand_id = c.demand_id AND r.patent_id = c.patent_id "
            f"WHERE c.run_id = %s AND c.patent_id BETWEEN {int(lo)} AND {int(hi)} AND c.explanation IS NOT NULL "
            f"AND (c.rank IS NOT NULL OR r.rn IS NOT NULL) AND c.demand_id NOT IN ({closed}) "
            f"ON CONFLICT (demand_id, patent_id) DO NOTHING", [suggested, run.pk, now, now, False, run.pk])
        unlisted = f"{theirs} AND status = %s AND rank IS NULL AND patent_rank IS NULL"
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {unlisted} AND created_at < %s",
                       [suggested, adapt(since)])
        deleted = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {table} WHERE {unlisted}", [suggested])
        cursor.execute(f"DROP TABLE {ranks}")
        # Both stages are stored for these patents: their rows this run created and the older ones it changed
        # (by either stage), counted here, in parallel, rather than over the whole table in the finish.
        cursor.execute(f"SELECT count(*) FILTER (WHERE run_id = %s AND created_at >= %s), "
                       f"count(*) FILTER (WHERE run_id = %s AND created_at < %s), count(*) FILTER (WHERE status <> %s) "
                       f"FROM {table} WHERE {theirs}", [run.pk, adapt(since), run.pk, adapt(since), suggested])
        created, updated, kept = cursor.fetchone()
    return {"created": created, "updated": updated, "deleted": deleted, "kept": kept}


def run_counts(results: list[dict]) -> StoreResult:
    """The run's counts from its patent chunks' (every stored row belongs to one patent, so to one chunk)."""
    return StoreResult(**{name: sum(part.get(name, 0) for part in results)
                          for name in ("created", "updated", "deleted", "kept")})


def candidates_drop(*, run_id: int) -> None:
    """A run's candidates, once its patent stage is over or it failed. Full runs go one at a time, so the table
    mostly holds this run's rows alone: then it is truncated (millions of deleted rows would stay behind as dead
    rows for the next run's writes and reads until a vacuum)."""
    candidates = MatchCandidate.objects.all()
    if connection.vendor == "postgresql" and not candidates.exclude(run_id=run_id).exists():
        with connection.cursor() as cursor:
            # Checks of the run's foreign key still deferred in this transaction would refuse the truncation.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {MatchCandidate._meta.db_table}")
        return
    candidates.filter(run_id=run_id).delete()


def _share_writers() -> None:
    """Chunks write disjoint rows side by side; the incremental runs wait for them (and they for it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])


def _candidates_write(run, rows: list[tuple]) -> None:
    """``(demand, patent, score, rank, patent best, explanation JSON or None)`` rows; on PostgreSQL by COPY."""
    if connection.vendor != "postgresql":
        MatchCandidate.objects.bulk_create((MatchCandidate(run=run, demand_id=d, patent_id=p, score=score, rank=rank,
                                                           patent_best=best, explanation=explanation)
                                            for d, p, score, rank, best, explanation in rows), batch_size=1000)
        return
    sql = (f"COPY {MatchCandidate._meta.db_table} (run_id, demand_id, patent_id, score, rank, patent_best, "
           "explanation) FROM STDIN")
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((run.pk, *row))
