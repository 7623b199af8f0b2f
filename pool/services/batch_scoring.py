"""Re-scoring every submitted application of a batch: chunked, idempotent, progress reported to a Job.

The batch is read in chunks of ``chunk_size`` applications by primary key. Per chunk: one query for the facts
(as stored JSON text), one for the enterprises' list hits, one for the hashes of the stored evaluations; rows
whose input hash is unchanged are skipped; the rest are evaluated and written in one transaction per chunk —
first evaluations by COPY straight into the table on PostgreSQL, re-evaluations by COPY into a session-local
staging table and one upsert (``bulk_create`` with ``update_conflicts`` elsewhere) — then one UPDATE copies the
verdicts and scores onto the applications' queue columns. Memory is bounded by a few chunks, whatever the size
of the batch.

On PostgreSQL, outside a transaction, chunks are written by a background thread on a second connection while
the next chunk is read and evaluated. ``workers`` > 1 also evaluates chunks in that many forked processes; the
evaluation itself is pure (no database), so the workers never touch a connection.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from criteria.services import list_hits_for
from portal.services.jobs import job_progress, job_start

from ..models import Application, Batch, Evaluation
from ..models.applications import EDITABLE_STATUSES
from .scoring import EVALUATION_FIELDS, ScoringContext, evaluate_data, hit_dicts, input_hash

CHUNK_SIZE = 2000
STAGE = "pool_scoring_stage"
COLUMNS = ("application_id", "revision_id", "criteria_set_id", "criteria_set_version", "verdict", "score",
           "rank_rate", "rank_intensity", "results", "input_hash", "evaluated_on", "evaluated_at")
RESULTS = COLUMNS.index("results")
# What the applications' queue columns take from their evaluation.
COPIED = ("verdict", "score", "rank_rate", "rank_intensity", "criteria_set_id", "criteria_set_version", "evaluated_at")
_worker_context: ScoringContext | None = None


def scorable(batch: Batch):
    """The applications batch scoring covers: every submitted one (drafts are pre-checked live instead)."""
    return (Application.objects.filter(batch=batch, current_revision__isnull=False)
            .exclude(status__in=EDITABLE_STATUSES))


def _read_chunks(queryset, context: ScoringContext, chunk_size: int):
    """Chunks of (id, revision id, facts JSON text, list hits, stored hash), by primary-key range."""
    ids_query = queryset.order_by("pk").values_list("pk", flat=True)
    rows_query = queryset.annotate(data_text=Cast("data", TextField()))
    last_pk = 0
    while True:
        ids = list(ids_query.filter(pk__gt=last_pk)[:chunk_size])
        if not ids:
            return
        last_pk = ids[-1]
        rows = list(rows_query.filter(pk__gte=ids[0], pk__lte=last_pk).order_by("pk")
                    .values_list("pk", "uscc", "current_revision_id", "data_text"))
        known = dict(Evaluation.objects.filter(application_id__in=ids, criteria_set_id=context.criteria_set_id)
                     .values_list("application_id", "input_hash"))
        hits = {uscc: hit_dicts(found) for uscc, found in list_hits_for([r[1] for r in rows if r[1]]).items()}
        yield [(pk, revision_id, text, hits.get(uscc, []), known.get(pk)) for pk, uscc, revision_id, text in rows]


def evaluate_chunk(chunk: list[tuple], context: ScoringContext | None = None
                   ) -> tuple[int, list[tuple], set[int]]:
    """Pure: the evaluation rows (in ``COLUMNS`` order, results as JSON text) of the changed applications, and
    which of them are evaluated for the first time under this criteria set."""
    context = context or _worker_context
    now, out, fresh = timezone.now(), [], set()
    for pk, revision_id, text, hits, known in chunk:
        digest = input_hash(text, hits, context)
        if digest == known:
            continue
        result = evaluate_data(json.loads(text), hits, context)
        results = json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))
        out.append((pk, revision_id, context.criteria_set_id, result.criteria_set_version, result.verdict,
                    result.score, *result.rank_keys(), results, digest, context.on, now))
        if known is None:
            fresh.add(pk)
    return len(chunk), out, fresh


def _copy(cursor, table: str, rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _upsert_through_stage(cursor, rows: list[tuple]) -> None:
    columns, evaluation = ", ".join(COLUMNS), Evaluation._meta.db_table
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c not in ("application_id", "criteria_set_id"))
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
                   f"SELECT {columns} FROM {evaluation} WITH NO DATA")
    # Emptied here too: inside an enclosing transaction (a test, a caller's atomic block) rows would otherwise
    # survive from the previous chunk.
    cursor.execute(f"TRUNCATE {STAGE}")
    _copy(cursor, STAGE, rows)
    cursor.execute(f"INSERT INTO {evaluation} ({columns}) SELECT {columns} FROM {STAGE} "
                   f"ON CONFLICT (application_id, criteria_set_id) DO UPDATE SET {updates}")


def _copy_onto_applications() -> str:
    """UPDATE … FROM the evaluations of one criteria set (``%s``); the caller appends which applications."""
    app, evaluation = Application._meta.db_table, Evaluation._meta.db_table
    assignments = ", ".join(f"{column} = ev.{column}" for column in COPIED)
    return (f"UPDATE {app} SET {assignments} FROM {evaluation} AS ev "
            f"WHERE ev.application_id = {app}.id AND ev.criteria_set_id = %s")


def _write_postgresql(rows: list[tuple], fresh: set[int]) -> None:
    """First evaluations are copied straight into the table; re-evaluations go through a staging table and
    one upsert. If another run inserted some of the "first" ones meanwhile, the chunk takes the upsert path."""
    from psycopg import IntegrityError as CopyIntegrityError  # COPY errors reach us unwrapped by Django

    new = [row for row in rows if row[0] in fresh]
    changed = [row for row in rows if row[0] not in fresh]
    app, evaluation = Application._meta.db_table, Evaluation._meta.db_table
    with connection.cursor() as cursor:
        if new:
            try:
                with transaction.atomic():
                    _copy(cursor, evaluation, new)
            except (IntegrityError, CopyIntegrityError):
                changed += new
        if changed:
            _upsert_through_stage(cursor, changed)
        cursor.execute(f"{_copy_onto_applications()} AND {app}.id = ANY(%s)", [rows[0][2], [row[0] for row in rows]])


def _write_generic(rows: list[tuple], fresh: set[int]) -> None:
    objects = [Evaluation(**dict(zip(COLUMNS, row, strict=True)) | {"results": json.loads(row[RESULTS])})
               for row in rows]
    Evaluation.objects.bulk_create(objects, update_conflicts=True, unique_fields=["application", "criteria_set"],
                                   update_fields=EVALUATION_FIELDS)
    app = Application._meta.db_table
    placeholders = ",".join(["%s"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(f"{_copy_onto_applications()} AND {app}.id IN ({placeholders})",
                       [rows[0][2], *(row[0] for row in rows)])


def write_rows(rows: list[tuple], fresh: set[int] = frozenset()) -> None:
    """Store evaluation rows (``COLUMNS`` order) and copy them onto the queue columns; ``fresh`` are the
    applications that had no evaluation under this criteria set yet."""
    if not rows:
        return
    with transaction.atomic():
        (_write_postgresql if connection.vendor == "postgresql" else _write_generic)(rows, set(fresh))


def _set_worker_context(context: ScoringContext) -> None:
    global _worker_context
    _worker_context = context


def _evaluated(chunks, context: ScoringContext, workers: int):
    """Evaluated chunks in order; with workers, at most ``workers + 1`` chunks are in flight (flat memory)."""
    if workers <= 1:
        for chunk in chunks:
            yield evaluate_chunk(chunk, context)
        return
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=fork, initializer=_set_worker_context,
                             initargs=(context,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(evaluate_chunk, chunk))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _Writer:
    """Writes chunks on a connection of its own in a background thread, so the database stores one chunk while
    the next is read and evaluated. Used only outside a transaction (a thread cannot see a caller's uncommitted
    rows); otherwise chunks are written inline. At most one write waits behind the one under way."""

    def __init__(self, threaded: bool):
        self.pool = ThreadPoolExecutor(max_workers=1) if threaded else None
        self.pending: deque = deque()

    def write(self, rows: list[tuple], fresh: set[int]) -> None:
        if self.pool is None:
            write_rows(rows, fresh)
            return
        self.pending.append(self.pool.submit(write_rows, rows, fresh))
        while len(self.pending) > 1:
            self.pending.popleft().result()

    def close(self) -> None:
        if self.pool is None:
            return
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.submit(connections.close_all).result()
            self.pool.shutdown()


def batch_score(*, batch: Batch, job_id: int | None = None, chunk_size: int = CHUNK_SIZE,
                on: date | None = None, workers: int = 1, progress=None) -> dict:
    """Re-score every submitted application of ``batch``; returns the counts (and is safe to repeat)."""
    context = ScoringContext.for_batch(batch, on)
    queryset = scorable(batch)
    total = queryset.count()
    if job_id:
        job_start(job_id=job_id, total=total)
    done = written = 0
    writer = _Writer(threaded=connection.vendor == "postgresql" and not connection.in_atomic_block)
    try:
        for count, rows, fresh in _evaluated(_read_chunks(queryset, context, chunk_size), context, workers):
            writer.write(rows, fresh)
            done, written = done + count, written + len(rows)
            if job_id:
                job_progress(job_id=job_id, done=done, message=f"已评分 {done} / {total} 件，更新 {written} 件")
            if progress:
                progress(done, total)
    finally:
        writer.close()
    return {"batch": batch.pk, "total": total, "scored": done, "updated": written, "unchanged": done - written,
            "criteria_set": batch.criteria_set.code, "criteria_set_version": batch.criteria_set.version,
            "evaluated_on": context.on.isoformat()}


# ---------------------------------------------------------------------------------------------- fanned out
FANOUT_CHUNK = 5000  # applications per chunk task: small enough to spread, large enough to keep COPY efficient
SCORING_HANDLER = "pool.services.batch_scoring.SCORING_FANOUT"


def score_range(*, batch: Batch, lo: int, hi: int, on: date) -> dict:
    """Score the submitted applications of ``batch`` whose ids lie in ``[lo, hi]``; repeating it rewrites the same
    evaluations (one per application and criteria set), never a second one."""
    context = ScoringContext.for_batch(batch, on)
    done = written = 0
    for chunk in _read_chunks(scorable(batch).filter(pk__gte=lo, pk__lte=hi), context, CHUNK_SIZE):
        count, rows, fresh = evaluate_chunk(chunk, context)
        write_rows(rows, fresh)
        done, written = done + count, written + len(rows)
    return {"scored": done, "updated": written}


def batch_score_fanout(*, batch: Batch, job_id: int | None = None, chunk_size: int = FANOUT_CHUNK,
                       on: date | None = None, handler: str = SCORING_HANDLER):
    """Score ``batch`` in chunks of applications (by id range) that any worker may take; the last chunk to end
    finishes the run (see ``portal.services.fanout``)."""
    from portal.services.fanout import fanout_start, id_ranges

    on = on or timezone.localdate()
    return fanout_start(handler=handler, ranges=id_ranges(scorable(batch), chunk_size), job_id=job_id,
                        params={"batch_id": batch.pk, "on": on.isoformat()})


class ScoringFanout:
    """Batch scoring as a fanned-out run: a chunk scores an id range; the finish sums, notifies and audits."""

    def chunk(self, run, chunk) -> dict:
        batch = Batch.objects.select_related("criteria_set").get(pk=run.params["batch_id"])
        return score_range(batch=batch, lo=chunk.lo, hi=chunk.hi, on=date.fromisoformat(run.params["on"]))

    def finish(self, run, results: list[dict]) -> tuple[dict, str]:
        from django.urls import reverse

        from portal.services.audit import audit
        from portal.services.notifications import notify_on_commit

        batch = Batch.objects.select_related("criteria_set").get(pk=run.params["batch_id"])
        scored, updated = sum(r.get("scored", 0) for r in results), sum(r.get("updated", 0) for r in results)
        result = {"batch": batch.pk, "total": run.total, "scored": scored, "updated": updated,
                  "unchanged": scored - updated, "chunks": run.chunk_count, "criteria_set": batch.criteria_set.code,
                  "criteria_set_version": batch.criteria_set.version, "evaluated_on": run.params["on"]}
        message = f"共 {scored} 件，更新 {updated} 件，未变化 {scored - updated} 件"
        actor = run.job.created_by if run.job_id else None
        audit(actor=actor, action="batch.scored", target=batch, data=result, actor_name="系统")
        if actor is not None:
            notify_on_commit(recipients=[actor], verb="batch.scored", title=f"批量评分已完成：{batch.name}",
                             body=message, url=reverse("portal:job-status", args=[run.job_id]), email=False)
        return result, message


SCORING_FANOUT = ScoringFanout()
