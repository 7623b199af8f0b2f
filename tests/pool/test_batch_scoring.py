"""Batch scoring: chunked, idempotent, records the criteria-set version, queued when criteria or lists change."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from criteria.models import CriteriaSet
from criteria.results import rank_keys
from criteria.signals import criteria_set_published, lists_changed
from pool.loadgen import generate_applications
from pool.models import Application, Evaluation
from pool.services.applications import application_submit
from pool.services.batch_scoring import batch_score
from pool.services.batches import SCORE_JOB_KIND
from portal.models import Job
from tests.factories import user_with_role
from tests.pool.helpers import make_application, make_batch

pytestmark = pytest.mark.django_db


def snapshot(batch):
    evaluations = Evaluation.objects.filter(application__batch=batch).order_by("application_id")
    return [(e.pk, e.application_id, e.verdict, e.score, e.results, e.input_hash, e.evaluated_at)
            for e in evaluations]


def test_scoring_twice_changes_nothing(batch):
    generate_applications(batch=batch, count=25, chunk_size=10)
    first = batch_score(batch=batch, chunk_size=10)
    rows = snapshot(batch)
    columns = list(Application.objects.filter(batch=batch).order_by("pk")
                   .values_list("verdict", "score", "evaluated_at"))
    second = batch_score(batch=batch, chunk_size=10)
    assert (first["scored"], first["updated"]) == (25, 25)
    assert (second["scored"], second["updated"], second["unchanged"]) == (25, 0, 25)
    assert snapshot(batch) == rows
    assert list(Application.objects.filter(batch=batch).order_by("pk")
                .values_list("verdict", "score", "evaluated_at")) == columns


def test_scoring_records_the_criteria_set_version_and_fills_the_queue_columns(batch):
    generate_applications(batch=batch, count=12)
    batch_score(batch=batch)
    evaluations = Evaluation.objects.filter(application__batch=batch)
    assert evaluations.count() == 12
    assert set(evaluations.values_list("criteria_set_id", "criteria_set_version")) == {
        (batch.criteria_set_id, batch.criteria_set.version)}
    for application in Application.objects.filter(batch=batch).select_related("current_revision"):
        evaluation = application.evaluations.get()
        assert (application.verdict, application.score) == (evaluation.verdict, evaluation.score)
        assert (application.rank_rate, application.rank_intensity) == (evaluation.rank_rate,
                                                                       evaluation.rank_intensity)
        assert (evaluation.rank_rate, evaluation.rank_intensity) == rank_keys(
            r["evidence"] for r in evaluation.results["results"][4:6])
        assert application.criteria_set_version == batch.criteria_set.version
        assert evaluation.revision_id == application.current_revision_id
        assert evaluation.results["criteria_set"] == {"code": "national-2024", "version": 1}


def test_a_submitted_application_is_not_rescored_when_nothing_changed(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    stored = Evaluation.objects.get(application=application)
    result = batch_score(batch=batch)
    assert (result["scored"], result["updated"]) == (1, 0)
    assert Evaluation.objects.get(application=application).evaluated_at == stored.evaluated_at


def test_drafts_are_not_batch_scored(applicant, batch):
    make_application(applicant, batch)
    assert batch_score(batch=batch)["scored"] == 0


def test_importing_a_list_rescores_and_a_hit_fails_criterion_10(applicant, batch,
                                                                 django_capture_on_commit_callbacks):
    from criteria.services.lists import list_import

    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    assert Application.objects.get(pk=application.pk).verdict == "eligible"
    csv = f"统一社会信用代码,企业名称,列入事由,列入日期\n{application.uscc},{application.enterprise_name},虚假承诺,2026-01-05\n"
    with django_capture_on_commit_callbacks(execute=True):
        list_import(file=io.BytesIO(csv.encode()), file_name="严重失信名单.csv", list_type="serious_dishonesty",
                    user=user_with_role("province"))
    application.refresh_from_db()
    assert application.verdict == "ineligible"
    result10 = Evaluation.objects.get(application=application).results["results"][9]
    assert (result10["number"], result10["outcome"]) == (10, "fail")
    assert Job.objects.get(kind=SCORE_JOB_KIND).result["updated"] == 1


def test_a_changed_batch_criteria_set_scores_again_under_the_new_set(batch):
    generate_applications(batch=batch, count=5)
    batch_score(batch=batch)
    batch.criteria_set = CriteriaSet.objects.get(code="huangshi-2024")
    batch.save()
    assert batch_score(batch=batch)["updated"] == 5
    assert Evaluation.objects.filter(criteria_set__code="huangshi-2024").count() == 5
    assert set(Application.objects.filter(batch=batch).values_list("criteria_set__code", flat=True)) == {
        "huangshi-2024"}


def test_parallel_workers_give_the_same_results(batch, shipped):
    other = make_batch(name="另一批次")
    generate_applications(batch=batch, count=30, seed=7)
    generate_applications(batch=other, count=30, seed=7)
    batch_score(batch=batch, chunk_size=8)
    batch_score(batch=other, chunk_size=8, workers=2)

    def outcomes(b):
        return [(e.verdict, e.score, [r["outcome"] for r in e.results["results"]])
                for e in Evaluation.objects.filter(application__batch=b).order_by("application_id")]

    assert outcomes(batch) == outcomes(other)


def test_lists_changed_queues_scoring_of_open_batches_only(batch, shipped, django_capture_on_commit_callbacks):
    closed = make_batch(name="已截止批次", opens_in=-40, closes_in=-10)
    generate_applications(batch=batch, count=3)
    with django_capture_on_commit_callbacks(execute=True):
        lists_changed.send(sender=None, list_type="serious_dishonesty")
    jobs = Job.objects.filter(kind=SCORE_JOB_KIND)
    assert [j.params["batch_id"] for j in jobs] == [batch.pk]
    assert jobs.get().status == "done" and jobs.get().result["scored"] == 3
    assert not Job.objects.filter(params__batch_id=closed.pk).exists()


def test_a_new_version_of_the_batch_set_is_adopted_and_scored(batch, django_capture_on_commit_callbacks):
    generate_applications(batch=batch, count=4)
    current = batch.criteria_set
    newer = CriteriaSet.objects.create(code=current.code, version=current.version + 1, name=current.name,
                                       parameters=current.parameters, weights=current.weights)
    with django_capture_on_commit_callbacks(execute=True):
        criteria_set_published.send(sender=CriteriaSet, criteria_set=newer)
    batch.refresh_from_db()
    assert batch.criteria_set == newer
    assert Job.objects.get(kind=SCORE_JOB_KIND).status == "done"
    assert set(Evaluation.objects.filter(application__batch=batch).values_list("criteria_set_version", flat=True)) \
        == {current.version + 1}


def test_another_sets_publication_leaves_the_batch_alone(batch, django_capture_on_commit_callbacks):
    other = CriteriaSet.objects.get(code="huangshi-2024")
    with django_capture_on_commit_callbacks(execute=True):
        criteria_set_published.send(sender=CriteriaSet, criteria_set=other)
    assert not Job.objects.filter(kind=SCORE_JOB_KIND).exists()


def test_province_starts_scoring_from_the_batch_page_and_sees_progress(client, batch,
                                                                     django_capture_on_commit_callbacks):
    generate_applications(batch=batch, count=6)
    province = user_with_role("province")
    client.force_login(province)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pool:batch-score", args=[batch.pk]))
    job = Job.objects.get(kind=SCORE_JOB_KIND)
    assert (job.status, job.done, job.total, job.created_by) == ("done", 6, 6, province)
    page = client.get(response.url).content.decode()
    assert f'data-job-url="/portal/jobs/{job.pk}/?format=json"' in page


def test_county_and_enterprise_cannot_start_scoring(client, batch, applicant):
    for user in (user_with_role("county"), applicant):
        client.force_login(user)
        assert client.post(reverse("pool:batch-score", args=[batch.pk])).status_code == 404
    assert not Job.objects.exists()


def test_the_task_is_idempotent_for_a_finished_job(batch):
    from pool.tasks import score_batch

    generate_applications(batch=batch, count=3)
    job = Job.objects.create(kind=SCORE_JOB_KIND, title="t", params={"batch_id": batch.pk})
    assert score_batch(job.pk, batch.pk)["scored"] == 3
    assert score_batch(job.pk, batch.pk) == {"skipped": "done"}


def test_management_command_prints_progress(batch):
    generate_applications(batch=batch, count=5)
    out = io.StringIO()
    call_command("score_batch", "--batch", str(batch.pk), "--chunk", "2", stdout=out)
    text = out.getvalue()
    assert "已评分 2 / 5" in text and "已评分 5 / 5" in text
    assert "共 5 件，更新 5 件" in text


@pytest.mark.services
def test_scoring_runs_on_a_real_worker(celery_worker, batch):
    import time

    from pool.services.batches import batch_score_queue

    generate_applications(batch=batch, count=8)
    job = batch_score_queue(batch=batch, user=user_with_role("province"), reason="测试")  # queued on commit
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert (job.status, job.done, job.total) == ("done", 8, 8)
    assert Evaluation.objects.filter(application__batch=batch).count() == 8


def test_first_evaluations_written_meanwhile_by_another_run_are_upserted(batch):
    from pool.services.batch_scoring import _read_chunks, evaluate_chunk, scorable, write_rows
    from pool.services.scoring import ScoringContext

    generate_applications(batch=batch, count=4)
    context = ScoringContext.for_batch(batch)
    chunk = next(_read_chunks(scorable(batch), context, 10))  # read before the other run stored anything
    batch_score(batch=batch)
    count, rows, fresh = evaluate_chunk(chunk, context)
    assert (count, len(rows), len(fresh)) == (4, 4, 4)
    write_rows(rows, fresh)
    assert Evaluation.objects.filter(application__batch=batch).count() == 4


def test_stored_evaluations_get_their_tie_breakers_back_when_migrating(batch):
    """The migration that added the tie-breaker columns fills them from the stored evidence."""
    from importlib import import_module

    from django.apps import apps

    generate_applications(batch=batch, count=6)
    batch_score(batch=batch)
    expected = sorted(Application.objects.filter(batch=batch).values_list("pk", "rank_rate", "rank_intensity"))
    assert any(rate is not None for _, rate, _ in expected)
    Application.objects.update(rank_rate=None, rank_intensity=None)
    Evaluation.objects.update(rank_rate=None, rank_intensity=None)
    import_module("pool.migrations.0004_rank_keys").backfill(apps, None)
    assert sorted(Application.objects.filter(batch=batch).values_list("pk", "rank_rate", "rank_intensity")) == expected
    assert sorted(Evaluation.objects.filter(application__batch=batch)
                  .values_list("application_id", "rank_rate", "rank_intensity")) == expected
