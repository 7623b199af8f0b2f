"""The fan-out helper in-process (SQLite, eager): progress is the sum of done chunks, a redelivered chunk counts
once and rewrites its own results, the run finishes once whatever order its chunks end in; scoring and matching
fanned out store what the single-process runs store."""

import numpy as np
import pytest

from matching.choices import RunStatus
from matching.models import Match, MatchingRun, SupplyPatent
from matching.services import runs
from pool.loadgen import generate_applications
from pool.models import Evaluation
from pool.services.batch_scoring import batch_score, batch_score_fanout
from portal.models import AuditEntry, FanoutChunk, FanoutRun, Job
from portal.services import fanout
from portal.services.jobs import job_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

COUNTING = "tests.scale.handlers.COUNTING"


@pytest.fixture
def held(monkeypatch):
    """Chunks are recorded but not sent: the test delivers them itself, in the order it wants."""
    sent = []
    monkeypatch.setattr(fanout, "_dispatch", lambda ids: sent.extend(ids))
    return sent


def started(ranges, job=None):
    return fanout.fanout_start(handler=COUNTING, ranges=ranges, job_id=job.pk if job else None)


def test_progress_is_the_sum_of_done_chunks_and_the_last_one_finishes_once(held):
    job = job_create(kind="test", title="测试")
    run = started([(1, 10, 10), (11, 20, 10), (21, 25, 5)], job)
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == ("running", 25, 0)
    progress = []
    for pk in (held[2], held[0], held[1]):  # out of order
        fanout.chunk_execute(chunk_id=pk, worker="w1")
        job.refresh_from_db()
        progress.append((job.done, job.status))
    assert progress == [(5, "running"), (15, "running"), (25, "done")]
    run.refresh_from_db()
    assert (run.status, run.remaining, run.done, run.result) == ("done", 0, 25, {"ids": 25})
    assert AuditEntry.objects.filter(action="batch.scored").count() == 1
    assert job.message == "共 25 项" and job.percent == 100


def test_a_redelivered_chunk_counts_once_and_a_late_copy_does_not_finish_again(held):
    job = job_create(kind="test", title="测试")
    run = started([(1, 10, 10), (11, 20, 10)], job)
    fanout.chunk_execute(chunk_id=held[0], worker="w1")
    fanout.chunk_execute(chunk_id=held[0], worker="w2")  # the same message again (acknowledged late)
    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.done, run.remaining, run.status) == (10, 1, "running")
    fanout.chunk_execute(chunk_id=held[1], worker="w2")
    assert fanout.chunk_execute(chunk_id=held[1], worker="w1") == {"skipped": "done"}
    job.refresh_from_db()
    assert (job.done, job.status) == (20, "done")
    assert AuditEntry.objects.filter(action="batch.scored").count() == 1
    assert fanout.chunk_workers(run) == {0: "w1", 1: "w2"}


def test_a_chunk_done_but_not_finished_is_finished_by_its_redelivery(held):
    """The worker died after committing its chunk and before finishing the run: the message comes back."""
    run = started([(1, 3, 3)])
    chunk = FanoutChunk.objects.get(run=run)
    fanout._chunk_done(chunk, {"ids": 3}, "w1")
    run.refresh_from_db()
    assert (run.remaining, run.status) == (0, "running")
    fanout.chunk_execute(chunk_id=chunk.pk, worker="w2")
    run.refresh_from_db()
    assert run.status == "done" and AuditEntry.objects.filter(action="batch.scored").count() == 1
    assert FanoutChunk.objects.get(run=run).attempts == 0  # not worked again


def test_a_failing_chunk_fails_the_run_and_its_job_and_the_rest_do_nothing(held):
    job = job_create(kind="test", title="测试")
    run = fanout.fanout_start(handler="tests.scale.handlers.FAILING", ranges=[(1, 2, 2), (3, 4, 2), (5, 6, 2)],
                              job_id=job.pk)
    fanout.chunk_execute(chunk_id=held[0])
    with pytest.raises(ValueError):
        fanout.chunk_execute(chunk_id=held[1])
    assert fanout.chunk_execute(chunk_id=held[2]) == {"skipped": "failed"}
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == job.status == "failed" and "分片 2 失败：数据有误" in job.message
    assert not AuditEntry.objects.filter(action="batch.scored").exists()


def test_a_run_without_chunks_finishes_at_once():
    run = started([])
    assert run.status == "done" and run.result == {"ids": 0}


def test_id_ranges_cut_consecutive_slices(batch):
    generate_applications(batch=batch, count=7)
    from pool.services.batch_scoring import scorable

    ids = sorted(scorable(batch).values_list("pk", flat=True))
    ranges = fanout.id_ranges(scorable(batch), 3)
    assert [size for _, _, size in ranges] == [3, 3, 1]
    assert ranges[0][:2] == (ids[0], ids[2]) and ranges[-1][:2] == (ids[6], ids[6])


def evaluations():
    return sorted(Evaluation.objects.values_list("application_id", "criteria_set_id", "verdict", "score", "results"))


def test_fanned_out_scoring_stores_what_the_single_process_run_stores(batch):
    generate_applications(batch=batch, count=9)
    batch_score(batch=batch)
    expected = evaluations()
    Evaluation.objects.all().delete()
    job = job_create(kind="pool.score_batch", title="批量评分", created_by=user_with_role("province"))
    run = batch_score_fanout(batch=batch, job_id=job.pk, chunk_size=4)
    job.refresh_from_db()
    assert run.chunk_count == 3 and run.status == "done"
    assert evaluations() == expected
    assert (job.status, job.done, job.total, run.result["scored"], run.result["updated"]) == ("done", 9, 9, 9, 9)
    assert AuditEntry.objects.filter(action="batch.scored").count() == 1


def test_a_redelivered_scoring_chunk_rewrites_its_results_without_duplicates(batch, held):
    generate_applications(batch=batch, count=6)
    run = batch_score_fanout(batch=batch, chunk_size=3)
    first = FanoutChunk.objects.get(run=run, index=0)
    fanout.chunk_execute(chunk_id=first.pk)
    Evaluation.objects.filter(application_id=first.lo).delete()  # as if the first attempt died half-way
    FanoutChunk.objects.filter(pk=first.pk).update(status="running")
    FanoutRun.objects.filter(pk=run.pk).update(remaining=2, done=0)
    fanout.chunk_execute(chunk_id=first.pk)
    fanout.chunk_execute(chunk_id=held[1])
    assert Evaluation.objects.count() == 6 and Evaluation.objects.filter(application_id=first.lo).exists()
    run.refresh_from_db()
    assert (run.status, run.done) == ("done", 6)


def test_the_score_task_starts_one_run_even_when_delivered_twice(batch, held):
    from pool.tasks import score_batch

    generate_applications(batch=batch, count=4)
    job = job_create(kind="pool.score_batch", title="批量评分", params={"batch_id": batch.pk})
    score_batch(job.pk, batch.pk)
    score_batch(job.pk, batch.pk)
    assert FanoutRun.objects.filter(job=job).count() == 1
    assert len(held) == 2  # the second delivery sent the run's pending chunk again, not a new run


def matches():
    return sorted(Match.objects.values_list("demand_id", "patent_id", "score", "rank", "patent_rank"))


def test_fanned_out_matching_stores_what_the_single_process_run_stores(catalogue):
    runs.match_all()
    expected = matches()
    Match.objects.all().delete()
    city = user_with_role("city", "420200")
    job = Job.objects.create(kind="matching", title="供需匹配（全量）", created_by=city)
    run = MatchingRun.objects.create(kind="full", job=job, started_by=city)
    runs.matching_run_execute(run_id=run.pk, chunk_size=15)
    run.refresh_from_db()
    job.refresh_from_db()
    fanned = FanoutRun.objects.get(params__matching_run=run.pk)
    assert fanned.chunk_count == 4 and run.status == RunStatus.DONE and job.status == "done"
    assert matches() == expected
    assert (run.demand_count, run.patent_count) == (50, 975)
    assert job.done == job.total == SupplyPatent.objects.count()  # the bar's second stage: every patent's list
    assert AuditEntry.objects.filter(action="matching_run.finished").count() == 1


def test_the_job_of_a_matching_run_shows_the_demands_then_the_patents(catalogue, monkeypatch):
    held = []
    monkeypatch.setattr(fanout, "_dispatch", lambda ids: held.extend(ids))
    job = Job.objects.create(kind="matching", title="供需匹配（全量）")
    run = MatchingRun.objects.create(kind="full", job=job)
    runs.matching_run_execute(run_id=run.pk, chunk_size=15)
    for pk in held[:2]:
        fanout.chunk_execute(chunk_id=pk)
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (30, 50, "已匹配 30 / 50 项需求")
    for pk in held[2:4]:
        fanout.chunk_execute(chunk_id=pk)
    job.refresh_from_db()
    patents = SupplyPatent.objects.count()
    assert (job.status, job.done, job.total) == ("running", 0, patents)
    assert job.message == "已匹配 50 项需求，正在排定各专利的推荐名单"
    fanout.chunk_execute(chunk_id=held[4])
    job.refresh_from_db()
    assert job.done > 0 and job.message == f"已排定 {job.done} / {patents} 项专利的推荐名单"
    for pk in held[5:]:
        fanout.chunk_execute(chunk_id=pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", patents, patents)
    assert AuditEntry.objects.filter(action="matching_run.finished").count() == 1


def test_the_stored_index_answers_as_the_fitted_engine(catalogue, settings):
    from matching.models import MatchingPolicy
    from matching.services.engine import demand_docs, fitted_engine
    from matching.services.shared_index import index_root, load_shared_index, shared_index

    policy = MatchingPolicy.current()
    path, _ = shared_index(policy)
    assert path.startswith(str(index_root())) and list((index_root()).iterdir())
    from matching.engine.storage import load_engine

    stored = load_engine(path)
    assert load_shared_index(path) is load_shared_index(path)  # loaded once per process
    assert isinstance(stored.text.weights.data, np.memmap) and not stored.text.weights.data.flags.writeable
    docs = list(demand_docs())[:10]
    fresh = fitted_engine(policy).match(docs, k=20)
    again = stored.match(docs, k=20)
    assert [[(m.patent_id, round(m.score, 9)) for m in row] for row in again] == \
           [[(m.patent_id, round(m.score, 9)) for m in row] for row in fresh]
    assert shared_index(policy)[0] == path  # the same catalogue version is not built again
