"""Large exports as fanned-out runs (``portal.services.fanout``): the rows split by position into chunks that
any worker writes into part files on the shared export volume, put together into one .xlsx when the last chunk
ends (``portal.xlsx``).

A chunk reads its window of the export's rows (a sliced queryset where the exporter can, ``Exporter.window``)
and one row more: the finish checks that each chunk's next row is the following chunk's first. Chunks read at
different moments; if rows were added or removed in between, the windows no longer meet end to end (a row
would be missing or written twice), and the finish writes the file again in one read instead.

A chunk writes into a directory of its own (named in its result), so a redelivered chunk never writes over the
copy that was counted; the parts are deleted once the finish has committed.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ..exports import Exporter, audit_export, load_exporter
from ..models import FanoutRun, Job
from ..outbox import enqueue
from .fanout import fanout_resume, fanout_start
from .jobs import job_create

HANDLER = "portal.services.export_runs.EXPORT_FANOUT"
PROGRESS = "已写出 {done} / {total} 行"


def position_ranges(total: int, size: int) -> list[tuple[int, int, int]]:
    """``(first position, last position, count)`` of consecutive windows of ``size`` rows; one window even
    for no rows, so the run still writes the (empty) file."""
    return [(lo, min(lo + size, total) - 1, min(size, total - lo)) for lo in range(0, total, size)] or [(0, 0, 0)]


def export_start(exporter: Exporter) -> Job:
    """Queue a large export in Celery; returns the Job the browser watches."""
    from ..tasks import run_export

    total = exporter.count()
    job = job_create(kind="export", title=f"导出：{exporter.title}", created_by=exporter.user,
                     params={"exporter": exporter.path(), "params": exporter.params}, total=total)
    enqueue(run_export, job.pk)
    return job


def export_run_start(*, job_id: int) -> FanoutRun | None:
    """Start writing the export of ``job_id`` in chunks, or resume the run a first delivery started."""
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=job_id)
        if job.finished:
            return None
        run = FanoutRun.objects.filter(job_id=job_id, handler=HANDLER).first()
        if run is None:
            exporter = _exporter(job)
            ranges = position_ranges(exporter.count(), settings.EXPORT_CHUNK_ROWS)
            return fanout_start(handler=HANDLER, ranges=ranges, job_id=job_id, params={"progress": PROGRESS})
    return fanout_resume(run)


def _exporter(job: Job) -> Exporter:
    return load_exporter(job.params["exporter"], job.created_by, job.params.get("params", {}))


def _job(run) -> Job:
    return Job.objects.select_related("created_by").get(pk=run.job_id)


def parts_root(job_id: int) -> Path:
    return Path(settings.EXPORT_ROOT) / "jobs" / str(job_id) / "parts"


def windows_meet(results: list[dict]) -> bool:
    """Each chunk's row after its last is the next chunk's first: no row lost or written twice between them."""
    return all(before["next"] == after["first"] for before, after in zip(results, results[1:], strict=False))


class ExportFanout:
    def chunk(self, run, chunk) -> dict:
        exporter = _exporter(_job(run))
        last = chunk.index == run.chunk_count - 1
        directory = parts_root(run.job_id) / f"{chunk.index}-{secrets.token_hex(6)}"
        stop = None if last else chunk.lo + chunk.size + 1
        piece = exporter.write_piece(directory, exporter.window(chunk.lo, stop),
                                     limit=None if last else chunk.size)
        return {**piece, "dir": directory.name}

    def finish(self, run, results: list[dict]) -> tuple[dict, str, str]:
        job = _job(run)
        exporter = _exporter(job)
        relative = Path("jobs") / str(job.pk) / exporter.full_filename()
        target = Path(settings.EXPORT_ROOT) / relative
        root = parts_root(job.pk)
        result = {}
        pieces = [(root / piece["dir"], piece) for piece in results]
        if windows_meet(results) and all(directory.is_dir() for directory, _ in pieces):
            rows = exporter.assemble(target, pieces)
        else:
            rows = exporter.write(target)
            result["rewritten"] = True
        # after the commit: a finish that dies before it leaves the parts to the redelivered chunk that finishes
        transaction.on_commit(lambda: shutil.rmtree(root, ignore_errors=True))
        audit_export(exporter, rows, job_id=job.pk)
        return {"rows": rows, **result}, f"共 {rows} 行", str(relative)

    def failed(self, run, message: str) -> None:
        shutil.rmtree(parts_root(run.job_id), ignore_errors=True)


EXPORT_FANOUT = ExportFanout()
