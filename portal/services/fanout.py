"""Batch work that scales out over Celery workers: split, dispatch, track, finish once.

A batch job (scoring a batch, a full matching run, a lifecycle evaluation, a whitelist generation) is split into
chunks by id range. Each chunk is a record (``FanoutChunk``) and a task message (``portal.tasks.fanout_chunk``)
that any worker may take; adding workers adds capacity. The job's progress is the sum of its done chunks, shown
through its ``Job`` as before.

Why chunk records and not a Celery chord: a chord keeps its state in the result backend (none is configured; the
broker is not one), never fires its callback once a header task has failed, and cannot tell a redelivered chunk
from a new one. The records live in PostgreSQL next to the results, so every guarantee is a database one:

- a chunk is marked done by ``UPDATE … WHERE status <> 'done'`` in the same transaction that takes it off the
  run's ``remaining`` and adds its size to the progress: a redelivered chunk (workers acknowledge late, and a
  chunk whose worker died is delivered again) rewrites its own results but counts once;
- the run is finished by ``UPDATE run SET status = 'done' WHERE remaining = 0 AND status = 'running'``: PostgreSQL
  serialises the UPDATEs on the row, so exactly one chunk wins, whichever ends last. The finishing step (storing,
  one notification, one audit entry) runs in that same transaction: if its worker dies meanwhile, nothing is
  committed, the message comes back and the redelivered chunk finishes the run.

A handler is an object with ``chunk(run, chunk) -> dict`` (idempotent: it rewrites the results of the ids in
``[chunk.lo, chunk.hi]``; the dict is the chunk's counts) and ``finish(run, results) -> (dict, message)`` (the
run's result from its chunks' results, in chunk order; a third item, if given, names the job's result file), or
``None`` when it has started a next stage (another run whose records and messages commit with this one's end)
that finishes the job. ``failed(run, message)`` is optional. Handlers are named by dotted path, so a worker
process imports the code it needs.

In eager mode (tests, development) the chunks run one after the other in the calling process, through the same
code.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import FanoutChunk, FanoutRun
from ..models.fanout import FanoutStatus
from .jobs import job_fail, job_finish, job_progress, job_stage, job_start

logger = logging.getLogger(__name__)


PROGRESS = "已完成 {done} / {total}"


def id_ranges(queryset: QuerySet, size: int, field: str = "pk") -> list[tuple[int, int, int]]:
    """``(first id, last id, count)`` of consecutive slices of ``size`` distinct values of ``field`` (an id),
    in order. Only the ids are read."""
    values = queryset.order_by(field).values_list(field, flat=True)
    if field != "pk":
        values = values.distinct()
    return ranges_of(values.iterator(chunk_size=10_000), size)


def ranges_of(ids: Iterable[int], size: int) -> list[tuple[int, int, int]]:
    """The same slices of ids given in increasing order."""
    ranges, current = [], []
    for pk in ids:
        current.append(pk)
        if len(current) == size:
            ranges.append((current[0], current[-1], len(current)))
            current = []
    if current:
        ranges.append((current[0], current[-1], len(current)))
    return ranges


def fanout_start(*, handler: str, ranges: Sequence[tuple[int, int, int]], job_id: int | None = None,
                 params: dict | None = None, stage: str = "") -> FanoutRun:
    """Record a run and its chunks and send one task per chunk (after the caller's transaction commits).
    A run without chunks finishes at once. ``stage``: this run is a next stage of the job's work, named so in
    its progress (the bar starts again over this run's total); ``params["progress"]``: the progress message, with
    ``{done}`` and ``{total}``."""
    import_string(handler)  # a typo fails here, not in every worker
    with transaction.atomic():
        run = FanoutRun.objects.create(handler=handler, job_id=job_id, params=params or {},
                                       chunk_count=len(ranges), remaining=len(ranges),
                                       total=sum(size for _, _, size in ranges))
        FanoutChunk.objects.bulk_create(FanoutChunk(run=run, index=i, lo=lo, hi=hi, size=size)
                                        for i, (lo, hi, size) in enumerate(ranges))
        if job_id and stage:
            job_stage(job_id=job_id, total=run.total, message=stage)
        elif job_id:
            job_start(job_id=job_id, total=run.total)
    chunk_ids = list(run.chunks.order_by("index").values_list("pk", flat=True))
    if not chunk_ids:
        _finish_if_last(run.pk)
    else:
        _dispatch(chunk_ids)
    run.refresh_from_db()
    return run


def fanout_resume(run: FanoutRun) -> FanoutRun:
    """Send again the chunks of a running run that are not done (its starting task was delivered twice, or its
    messages were lost): a chunk done twice counts once."""
    if run.status == FanoutStatus.RUNNING:
        pending = list(run.chunks.exclude(status=FanoutStatus.DONE).order_by("index").values_list("pk", flat=True))
        if pending:
            _dispatch(pending)
        else:
            _finish_if_last(run.pk)
        run.refresh_from_db()
    return run


def _dispatch(chunk_ids: Iterable[int]) -> None:
    from ..celery import app
    from ..outbox import enqueue
    from ..tasks import fanout_chunk

    if app.conf.task_always_eager:
        for pk in chunk_ids:  # in-process: the records need not be committed first
            fanout_chunk.delay(pk)
    else:
        for pk in chunk_ids:  # through the outbox: a chunk queued while the broker is away is sent later
            enqueue(fanout_chunk, pk)


def worker_name() -> str:
    return socket.gethostname()


def chunk_execute(*, chunk_id: int, worker: str | None = None) -> dict:
    """Work one chunk (the body of ``portal.tasks.fanout_chunk``); safe to run again for the same chunk."""
    chunk = FanoutChunk.objects.select_related("run").get(pk=chunk_id)
    run = chunk.run
    if run.status != FanoutStatus.RUNNING:
        return {"skipped": run.status}
    handler = import_string(run.handler)
    if chunk.status != FanoutStatus.DONE:
        worker = worker or worker_name()
        FanoutChunk.objects.filter(pk=chunk.pk).update(attempts=F("attempts") + 1, worker=worker, pid=os.getpid(),
                                                       started_at=timezone.now())
        chunk.refresh_from_db(fields=["attempts", "worker", "pid", "started_at"])
        try:
            result = handler.chunk(run, chunk)
        except Exception as exc:
            fanout_fail(run_id=run.pk, message=f"分片 {chunk.index + 1} 失败：{exc}")
            raise
        _chunk_done(chunk, result or {}, worker)
    _finish_if_last(run.pk)
    return {"run": run.pk, "chunk": chunk.index}


def _chunk_done(chunk: FanoutChunk, result: dict, worker: str) -> None:
    with transaction.atomic():
        first = FanoutChunk.objects.filter(pk=chunk.pk).exclude(status=FanoutStatus.DONE).update(
            status=FanoutStatus.DONE, result=result, worker=worker, finished_at=timezone.now())
        if not first:
            return  # a redelivered copy of a chunk already counted
        FanoutRun.objects.filter(pk=chunk.run_id).update(remaining=F("remaining") - 1, done=F("done") + chunk.size)
        if chunk.run.job_id:
            done = FanoutRun.objects.filter(pk=chunk.run_id).values_list("done", flat=True).first()
            run = chunk.run
            progress = run.params.get("progress") or PROGRESS
            job_progress(job_id=run.job_id, done=done, message=progress.format(done=done, total=run.total))


def _finish_if_last(run_id: int) -> bool:
    """Finish the run if every chunk is done and no one has finished it yet; True if this call did."""
    with transaction.atomic():
        claimed = FanoutRun.objects.filter(pk=run_id, status=FanoutStatus.RUNNING, remaining=0).update(
            status=FanoutStatus.DONE, finished_at=timezone.now())
        if not claimed:
            return False
        run = FanoutRun.objects.get(pk=run_id)
        results = list(run.chunks.order_by("index").values_list("result", flat=True))
        try:
            outcome = import_string(run.handler).finish(run, results)
        except Exception as exc:
            transaction.set_rollback(True)
            failure = exc
        else:
            if outcome is None:  # a next stage started in this transaction carries the work (and the job) on
                return True
            result, message, *result_file = outcome
            FanoutRun.objects.filter(pk=run_id).update(result=result, message=message[:500])
            if run.job_id:
                job_finish(job_id=run.job_id, result=result, message=message, result_file="".join(result_file))
            return True
    fanout_fail(run_id=run_id, message=f"汇总失败：{failure}")
    raise failure


def fanout_fail(*, run_id: int, message: str) -> None:
    """Stop a run: chunks still queued find it failed and do nothing; its job shows the message."""
    failed = FanoutRun.objects.filter(pk=run_id, status=FanoutStatus.RUNNING).update(
        status=FanoutStatus.FAILED, finished_at=timezone.now(), message=message[:500])
    if not failed:
        return
    run = FanoutRun.objects.get(pk=run_id)
    if run.job_id:
        job_fail(job_id=run.job_id, message=message)
    on_failure = getattr(import_string(run.handler), "failed", None)
    if on_failure:
        try:
            on_failure(run, message)
        except Exception:  # the run is already failed; a handler's tidy-up must not hide the cause
            logger.exception("fan-out run %s: failure handler", run_id)


def chunk_workers(run: FanoutRun) -> dict[int, str]:
    """Which worker completed each chunk (chunk index → worker name)."""
    return dict(run.chunks.values_list("index", "worker"))
