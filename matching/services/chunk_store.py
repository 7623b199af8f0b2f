"""Storing a full matching run fanned out over the workers, without one process merging every list.

Why this split. A demand's list depends on that demand's scores only, so the chunk that scored the demand stores
it: its rows are reconciled in the chunk's own transaction, on whichever worker took the chunk, in parallel with
the other chunks. A patent's list needs the scores of every demand, but only a chunk's best ``top_k_per_patent``
pairs of a patent can reach that patent's list over all demands (the overall best k lie in the union of each
chunk's best k). So each chunk also keeps those pairs as Match rows (they need their explanation, computed where
the pair was scored) and notes them as candidates (``MatchCandidate``: ids and score, written by COPY). The finish,
once, ranks every patent's candidates in the database — ``ROW_NUMBER() OVER (PARTITION BY patent ORDER BY score
DESC, demand)``, the tie-break of ``store.store_lists`` — and sets ``patent_rank`` and drops the suggestions left in
no list with a handful of set-based statements in one transaction. What stays serial is one sort of the candidates
and the rows whose ``patent_rank`` moved, inside PostgreSQL (SQLite runs the same SQL), not Python objects built
for every pair. A second fan-out by patent-id range could split that too, at the cost of another round of tasks
and a second "finish once"; measured first, it was not needed (bench/scale_out.py prints the finish's share).

What ``store_lists(full=True)`` guarantees, and how it is kept here:

- each demand's top ``top_k_per_demand`` pairs at or above ``min_score`` are ranked 1…k (score, then patent id);
  each patent's top ``top_k_per_patent`` over every demand likewise (score, then demand id);
- a stored pair's score (and its explanation, when the score moved) is refreshed whenever the run scored it, even
  if it is in no list; rows whose score and ranks did not move are not written, so a re-run on unchanged data
  writes nothing (the chunk keeps a candidate's current ``patent_rank``; the finish writes only those that moved);
- a pair in no list is deleted only while it is still a suggestion (the finish deletes them all in one statement,
  so the count of dropped suggestions is the eager run's); a pair someone acted on (contacted, negotiating, deal,
  dropped — with its deal and feedback) stays, its ranks cleared;
- the rows of demands no longer open lose their ranks (and go if still suggestions), as in a full run;
- the run's counts: created = rows this run inserted that are still there, updated = older rows this run changed,
  deleted = older suggestions the finish removed, kept = rows someone acted on; then the run's one audit entry and
  one notification (``fanout.MatchingFanout.finish``). A full run notifies no enterprise (as before).

Writers: chunks take PostgreSQL's advisory lock of ``store`` in shared mode (they write disjoint demands' rows, so
they run side by side), the finish and the incremental runs take it exclusively (they rewrite patents' lists).

While a run is under way each demand's list switches with its chunk's commit; a patent's list shows old ranks
until the finish (and a new candidate, unranked, in no list) — the same rows a reader saw before the run, or after.
"""

from __future__ import annotations

import heapq
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
    _insert,
    _primary_ranks,
    _scored_pairs,
    _serialise_writers,
    _update,
)

FIELDS = ("pk", "demand_id", "patent_id", "status", "score", "rank", "patent_rank")


def chunk_lists_store(*, run, demand_ids: list[int], lists: dict, k_demand: int, k_patent: int,
                      min_score: float) -> dict:
    """Reconcile the stored rows of ``demand_ids`` (one chunk's open demands) with their fresh ``lists``
    ({demand id: [engine Match, …]}) and note the chunk's best pairs of each patent as candidates. Running it
    again for the same chunk (a redelivered task) leaves the same rows and candidates."""
    scored = _scored_pairs(DEMAND_SIDE, lists, min_score)
    demand_rank = _primary_ranks(DEMAND_SIDE, lists, scored, k_demand)
    candidates = best_of_each_patent(scored, k_patent)
    now = timezone.now()
    with transaction.atomic():
        _share_writers()
        _candidates_replace(run, demand_ids, candidates, scored)
        rescored, reranked, existing = [], [], set()
        for chunk in _chunks(demand_ids):
            for row in Match.objects.filter(demand_id__in=chunk).values(*FIELDS).iterator(chunk_size=5000):
                pair = (row["demand_id"], row["patent_id"])
                existing.add(pair)
                # A candidate keeps its current patent rank (the finish moves it if it must); any other pair of
                # these demands is in no patent's list any more. A suggestion in no list is left unranked and the
                # finish deletes it, with the others, in one statement.
                desired = {"rank": demand_rank.get(pair),
                           "patent_rank": row["patent_rank"] if pair in candidates else None,
                           "score": scored[pair][0] if pair in scored else row["score"]}
                if desired["score"] != row["score"]:
                    rescored.append(Match(pk=row["pk"], run=run, updated_at=now,
                                          explanation=scored[pair][1].to_dict(), **desired))
                elif any(row[name] != desired[name] for name in RANKED_FIELDS):
                    reranked.append(Match(pk=row["pk"], run=run, updated_at=now, **desired))
        new = [(d, p, scored[(d, p)][0], demand_rank.get((d, p)), None, scored[(d, p)][1])
               for d, p in sorted((set(demand_rank) | candidates) - existing)]
        _update(rescored, reranked, run, now)
        _insert(new, run, now)
    return {"demands": len(demand_ids), "pairs": len(scored), "candidates": len(candidates), "created": len(new),
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


def patent_lists_finish(*, run, k_patent: int, since) -> StoreResult:
    """Rank each patent's candidates of ``run`` over every chunk, move the ``patent_rank`` that changed, clear
    the ranks of closed demands' rows, delete the suggestions left in no list, drop the candidates. ``since``: when
    the run started (its rows created since are its own)."""
    table, candidates, demands = Match._meta.db_table, MatchCandidate._meta.db_table, Demand._meta.db_table
    ranks, adapt = "matching_patent_ranks", connection.ops.adapt_datetimefield_value
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    stamp, since, closed = [run.pk, adapt(timezone.now())], adapt(since), f"SELECT id FROM {demands} WHERE NOT is_open"
    suggested = MatchStatus.SUGGESTED.value
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise_writers()
        # A demand closed while the run went on takes no place in a patent's list.
        cursor.execute(f"DELETE FROM {candidates} WHERE run_id = %s AND demand_id IN ({closed})", [run.pk])
        cursor.execute(f"DROP TABLE IF EXISTS {ranks}")
        cursor.execute(
            f"CREATE TEMP TABLE {ranks} AS SELECT demand_id, patent_id, rn FROM ("
            f"SELECT demand_id, patent_id, ROW_NUMBER() OVER (PARTITION BY patent_id ORDER BY score DESC, "
            f"demand_id) AS rn FROM {candidates} WHERE run_id = %s) AS c WHERE rn <= %s", [run.pk, k_patent])
        cursor.execute(f"CREATE INDEX {ranks}_pair ON {ranks} (demand_id, patent_id)")
        cursor.execute(f"UPDATE {table} SET patent_rank = NULL, run_id = %s, updated_at = %s "
                       f"WHERE patent_rank IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {ranks} AS r "
                       f"WHERE r.demand_id = {table}.demand_id AND r.patent_id = {table}.patent_id)", stamp)
        cursor.execute(f"UPDATE {table} SET patent_rank = r.rn, run_id = %s, updated_at = %s FROM {ranks} AS r "
                       f"WHERE {table}.demand_id = r.demand_id AND {table}.patent_id = r.patent_id "
                       f"AND {table}.patent_rank {distinct} r.rn", stamp)
        cursor.execute(f"UPDATE {table} SET rank = NULL, run_id = %s, updated_at = %s "
                       f"WHERE rank IS NOT NULL AND demand_id IN ({closed})", stamp)
        unlisted = "status = %s AND rank IS NULL AND patent_rank IS NULL"
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {unlisted} AND created_at < %s", [suggested, since])
        deleted = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {table} WHERE {unlisted}", [suggested])
        cursor.execute(f"DELETE FROM {candidates} WHERE run_id = %s", [run.pk])
        cursor.execute(f"DROP TABLE {ranks}")
        cursor.execute(f"SELECT count(*) FILTER (WHERE created_at >= %s), count(*) FILTER (WHERE created_at < %s) "
                       f"FROM {table} WHERE run_id = %s", [since, since, run.pk])
        created, updated = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {table} WHERE status <> %s", [suggested])
        kept = cursor.fetchone()[0]
    return StoreResult(created=created, updated=updated, deleted=deleted, kept=kept)


def candidates_drop(*, run_id: int) -> None:
    """The candidates of a run that failed: no finish will read them."""
    MatchCandidate.objects.filter(run_id=run_id).delete()


def _share_writers() -> None:
    """Chunks write disjoint demands' rows side by side; the finish and the incremental runs wait for them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])


def _candidates_replace(run, demand_ids: list[int], candidates: set, scored: dict) -> None:
    """This chunk's candidates, in place of any an earlier attempt of the chunk wrote."""
    for chunk in _chunks(demand_ids):
        MatchCandidate.objects.filter(run=run, demand_id__in=chunk).delete()
    if connection.vendor != "postgresql":
        MatchCandidate.objects.bulk_create((MatchCandidate(run=run, demand_id=d, patent_id=p, score=scored[(d, p)][0])
                                            for d, p in candidates), batch_size=1000)
        return
    sql = f"COPY {MatchCandidate._meta.db_table} (run_id, demand_id, patent_id, score) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for d, p in candidates:
            copy.write_row((run.pk, d, p, scored[(d, p)][0]))
