"""Two real worker processes (concurrency 1 each) on Redis and PostgreSQL share a scoring run and a matching run,
and store what the in-process runs store; a worker process killed in the middle of a chunk costs nothing."""

import os
import signal
import time

import pytest

from matching.choices import RunStatus
from matching.models import Match, MatchCandidate, MatchingPolicy, MatchingRun
from matching.services import runs
from pool.loadgen import generate_applications
from pool.models import Evaluation
from pool.services.batch_scoring import batch_score, batch_score_fanout
from portal.models import AuditEntry, FanoutChunk, FanoutRun, Job
from portal.services.jobs import job_create
from tests.factories import user_with_role
from tests.scale.workers import worker_processes

pytestmark = pytest.mark.services


@pytest.fixture
def two_workers(postgres, redis_url, transactional_db, tmp_path):
    from portal.celery import app

    with worker_processes(2, tmp_path / "logs") as names:
        app.conf.task_always_eager = False
        try:
            yield names
        finally:
            app.conf.task_always_eager = True


def wait_finished(job: Job, seconds: float = 180) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job.pk} not finished after {seconds} s: {job.status} {job.done}/{job.total}")


def evaluations():
    return sorted(Evaluation.objects.values_list("application_id", "criteria_set_id", "verdict", "score", "results",
                                                 "input_hash"))


def matches():
    return sorted(Match.objects.values_list("demand_id", "patent_id", "score", "rank", "patent_rank"))


def in_process(fn):
    """The reference: the same work run eagerly in this process."""
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        return fn()
    finally:
        app.conf.task_always_eager = False


def test_two_workers_share_the_chunks_and_store_what_an_eager_run_stores(two_workers, batch, catalogue):
    generate_applications(batch=batch, count=60)
    in_process(lambda: batch_score(batch=batch))
    expected_scores = evaluations()
    Evaluation.objects.all().delete()
    runs.match_all()
    expected_matches = matches()
    Match.objects.all().delete()

    province = user_with_role("province")
    job = job_create(kind="pool.score_batch", title="批量评分", created_by=province)
    run = batch_score_fanout(batch=batch, job_id=job.pk, chunk_size=5)
    assert wait_finished(job).status == "done", job.message
    run.refresh_from_db()
    assert evaluations() == expected_scores
    assert (job.done, job.total, run.chunk_count, run.remaining) == (60, 60, 12, 0)
    assert set(FanoutChunk.objects.filter(run=run).values_list("worker", flat=True)) == set(two_workers)
    assert AuditEntry.objects.filter(action="batch.scored").count() == 1

    city = user_with_role("city", "420200")
    job = Job.objects.create(kind="matching", title="供需匹配（全量）", created_by=city)
    matching = MatchingRun.objects.create(kind="full", job=job, started_by=city)
    runs.matching_run_execute(run_id=matching.pk, chunk_size=5)  # the index is built here, the chunks run there
    assert wait_finished(job).status == "done", job.message
    matching.refresh_from_db()
    fanned = FanoutRun.objects.get(params__matching_run=matching.pk)
    assert matching.status == RunStatus.DONE and fanned.chunk_count == 10
    assert set(fanned.chunks.values_list("worker", flat=True)) == set(two_workers)
    patents = FanoutRun.objects.get(params__patent_lists_of=matching.pk)  # the second stage, as many chunks
    assert patents.status == "done" and patents.chunk_count == 10
    assert matches() == expected_matches
    assert AuditEntry.objects.filter(action="matching_run.finished").count() == 1


def test_a_worker_process_killed_in_a_chunk_changes_nothing_in_the_results(two_workers, batch, catalogue):
    generate_applications(batch=batch, count=30)
    in_process(lambda: batch_score(batch=batch))
    expected = evaluations()
    Evaluation.objects.all().delete()

    job = job_create(kind="pool.score_batch", title="批量评分", created_by=user_with_role("province"))
    run = batch_score_fanout(batch=batch, job_id=job.pk, chunk_size=5, handler="tests.scale.handlers.SLOW_SCORING")
    deadline = time.monotonic() + 120
    chunk = FanoutChunk.objects.get(run=run, index=1)
    while chunk.attempts < 1 and time.monotonic() < deadline:  # it hangs on its first attempt
        time.sleep(0.2)
        chunk.refresh_from_db()
    assert chunk.attempts == 1 and chunk.pid
    os.kill(chunk.pid, signal.SIGKILL)  # the worker's process dies in the middle of the chunk

    assert wait_finished(job).status == "done", job.message
    chunk.refresh_from_db()
    run.refresh_from_db()
    assert chunk.attempts == 2 and chunk.status == "done"  # given back to the queue and done again
    assert evaluations() == expected and Evaluation.objects.count() == 30
    assert (job.done, run.done, run.remaining) == (30, 30, 0)
    assert AuditEntry.objects.filter(action="batch.scored").count() == 1

    # A late copy of a message (acknowledged late) once the run is over: nothing moves.
    from portal.tasks import fanout_chunk

    fanout_chunk.delay(chunk.pk)
    time.sleep(3)
    assert evaluations() == expected and AuditEntry.objects.filter(action="batch.scored").count() == 1


def test_a_worker_killed_after_storing_its_matching_chunk_leaves_the_eager_rows(two_workers, catalogue):
    MatchingPolicy.objects.create(top_k_per_demand=6, top_k_per_patent=2)  # short lists: chunks prune
    runs.match_all()
    expected = matches()
    moved = Match.objects.filter(rank=1).update(score=0.5)  # every demand has a row for its chunk to put right

    city = user_with_role("city", "420200")
    job = Job.objects.create(kind="matching", title="供需匹配（全量）", created_by=city)
    matching = MatchingRun.objects.create(kind="full", job=job, started_by=city)
    runs.matching_run_execute(run_id=matching.pk, chunk_size=10, handler="tests.scale.handlers.SLOW_MATCHING")
    fanned = FanoutRun.objects.get(params__matching_run=matching.pk)
    chunk = FanoutChunk.objects.get(run=fanned, index=1)
    stored = Match.objects.filter(run=matching, demand_id__gte=chunk.lo, demand_id__lte=chunk.hi)
    deadline = time.monotonic() + 120
    while not (chunk.attempts == 1 and stored.exists()) and time.monotonic() < deadline:
        time.sleep(0.2)
        chunk.refresh_from_db()
    assert chunk.attempts == 1 and chunk.status != "done" and stored.exists()
    os.kill(chunk.pid, signal.SIGKILL)  # its rows are committed; it dies before the chunk is counted

    assert wait_finished(job).status == "done", job.message
    chunk.refresh_from_db()
    matching.refresh_from_db()
    assert chunk.attempts == 2 and chunk.status == "done"
    assert matches() == expected
    assert (matching.created_count, matching.updated_count, matching.deleted_count) == (0, moved, 0)
    assert not MatchCandidate.objects.exists()
    assert AuditEntry.objects.filter(action="matching_run.finished", target_id=str(matching.pk)).count() == 1


def test_two_workers_write_the_chunks_of_a_large_export_into_one_file(two_workers, settings, tmp_path):
    from pathlib import Path

    from portal.services.export_runs import export_run_start
    from tests.portal.test_export_chunks import MixedExporter, contents

    settings.EXPORT_CHUNK_ROWS = 50
    exporter = MixedExporter(user=user_with_role("city", "420200"), params={"n": 1000})
    job = job_create(kind="export", title="导出：测试名单", created_by=exporter.user, total=1000,
                     params={"exporter": exporter.path(), "params": exporter.params})
    run = export_run_start(job_id=job.pk)  # the chunks, 50 rows each, go to the workers
    assert wait_finished(job).status == "done", job.message
    assert run.chunk_count == 20 and job.result == {"rows": 1000}
    assert set(run.chunks.values_list("worker", flat=True)) == set(two_workers)
    exporter.write(tmp_path / "at-once.xlsx")
    assert contents(Path(settings.EXPORT_ROOT) / job.result_file) == contents(tmp_path / "at-once.xlsx")
    assert AuditEntry.objects.filter(action="export.created").count() == 1


def test_a_worker_process_killed_in_an_export_chunk_still_gives_the_whole_file_once(two_workers, settings, tmp_path):
    from pathlib import Path

    from portal.services.export_runs import export_run_start, parts_root
    from tests.portal.test_export_chunks import MixedExporter, contents
    from tests.scale.handlers import HangingExporter

    settings.EXPORT_CHUNK_ROWS = 50
    exporter = HangingExporter(user=user_with_role("city", "420200"), params={"n": 300})
    job = job_create(kind="export", title="导出：测试名单", created_by=exporter.user, total=300,
                     params={"exporter": exporter.path(), "params": exporter.params})
    run = export_run_start(job_id=job.pk)
    marker = Path(settings.EXPORT_ROOT) / "hang-once"
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.2)
    job.refresh_from_db()
    assert marker.exists(), f"no chunk hung within 120 s: {job.status} {job.message}"
    os.kill(int(marker.read_text()), signal.SIGKILL)  # the worker's process dies in the middle of the chunk

    assert wait_finished(job).status == "done", job.message
    assert sorted(run.chunks.values_list("attempts", flat=True)) == [1, 1, 1, 1, 1, 2]
    assert job.result == {"rows": 300} and job.done == 300
    MixedExporter(user=exporter.user, params={"n": 300}).write(tmp_path / "at-once.xlsx")
    assert contents(Path(settings.EXPORT_ROOT) / job.result_file) == contents(tmp_path / "at-once.xlsx")
    assert AuditEntry.objects.filter(action="export.created").count() == 1
    assert not parts_root(job.pk).exists()  # the killed attempt's half-written part went with the rest
