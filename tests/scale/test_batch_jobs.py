"""The lifecycle evaluation and the whitelist generation fanned out: the same outcome as the single-process run,
one completion, and a redelivered chunk that neither duplicates nor miscounts."""

import pytest

from finance.models import Candidate, WhitelistStatus
from finance.services.generation import whitelist_generate
from finance.services.generation_fanout import whitelist_generate_fanout
from finance.services.whitelists import whitelist_generate_start
from pool.models import LifecycleProposal
from pool.services.lifecycle.evaluation_fanout import lifecycle_evaluate_fanout
from portal.models import AuditEntry, FanoutChunk, Job
from portal.services import fanout
from portal.services.jobs import job_create
from tests.finance.conftest import _policies  # noqa: F401  (autouse: the shipped finance policies)
from tests.finance.helpers import declare, listed
from tests.finance.helpers import member as pool_enterprise
from tests.lifecycle.conftest_proposals import graduating, hs_batch, member, report  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(monkeypatch):
    sent = []
    monkeypatch.setattr(fanout, "_dispatch", lambda ids: sent.extend(ids))
    return sent


def test_the_lifecycle_evaluation_fanned_out_opens_each_proposal_once(hs_batch, city):  # noqa: F811
    for _ in range(5):
        report(member(hs_batch), graduating())
    job = job_create(kind="pool.lifecycle_evaluate", title="评估", created_by=city)
    run = lifecycle_evaluate_fanout(job_id=job.pk, chunk_size=2, trigger="manual", user=city)
    job.refresh_from_db()
    assert run.chunk_count == 3 and run.status == "done" and job.status == "done"
    assert (run.result["evaluated"], run.result["opened"], job.done) == (5, 5, 5)
    assert LifecycleProposal.objects.count() == 5 and "新提出出库建议 5 件" in job.message
    assert AuditEntry.objects.filter(action="lifecycle.evaluated").count() == 1
    again = lifecycle_evaluate_fanout(chunk_size=2)
    assert again.result["opened"] == 0 and again.result["already_pending"] == 5


def test_a_redelivered_evaluation_chunk_opens_nothing_twice_and_still_counts(hs_batch, held):  # noqa: F811
    for _ in range(4):
        report(member(hs_batch), graduating())
    run = lifecycle_evaluate_fanout(chunk_size=2)
    first = FanoutChunk.objects.get(run=run, index=0)
    fanout.chunk_execute(chunk_id=first.pk)
    FanoutChunk.objects.filter(pk=first.pk).update(status="running")  # as if its worker died before saying done
    run.__class__.objects.filter(pk=run.pk).update(remaining=2, done=0)
    fanout.chunk_execute(chunk_id=first.pk)
    fanout.chunk_execute(chunk_id=held[1])
    run.refresh_from_db()
    assert LifecycleProposal.objects.count() == 4 and run.result["opened"] == 4


def candidates(whitelist):
    return sorted(Candidate.objects.filter(whitelist=whitelist).values_list(
        "enterprise_id", "membership_id", "eligible", "summary", "results"))


def test_the_whitelist_generated_in_chunks_equals_the_single_run(batch, city, held):
    people = [pool_enterprise(batch=batch, name=f"白名单测评{i}有限公司") for i in range(5)]
    listed(people[0])
    listed(people[1])
    declare(people[2])
    whitelist = whitelist_generate_start(user=city)
    whitelist_generate(whitelist=whitelist)
    expected = candidates(whitelist)
    assert len(expected) == 5

    whitelist.__class__.objects.filter(pk=whitelist.pk).update(status=WhitelistStatus.GENERATING)
    Job.objects.filter(pk=whitelist.job_id).update(status="pending")
    run = whitelist_generate_fanout(whitelist=whitelist, job_id=whitelist.job_id, chunk_size=2)
    assert run.chunk_count == 3 and not Candidate.objects.filter(whitelist=whitelist).exists()
    fanout.chunk_execute(chunk_id=held[0])
    fanout.chunk_execute(chunk_id=held[0])  # delivered twice: its candidates are rewritten, not doubled
    fanout.chunk_execute(chunk_id=held[2])
    fanout.chunk_execute(chunk_id=held[1])
    whitelist.refresh_from_db()
    job = Job.objects.get(pk=whitelist.job_id)
    assert candidates(whitelist) == expected
    assert whitelist.status == WhitelistStatus.DRAFT and whitelist.candidate_count == 5
    assert whitelist.eligible_count == sum(1 for row in expected if row[2])
    assert job.status == "done" and job.done == 5
    assert AuditEntry.objects.filter(action="whitelist.generated").count() == 2  # the single run's and this one


def test_the_whitelist_task_fans_out(batch, city):
    from finance.tasks import generate_whitelist

    pool_enterprise(batch=batch, name="白名单任务测评有限公司")
    whitelist = whitelist_generate_start(user=city)
    result = generate_whitelist(whitelist.job_id, whitelist.pk)
    whitelist.refresh_from_db()
    assert result == {"candidates": 1, "eligible": 0} and whitelist.status == WhitelistStatus.DRAFT
    assert generate_whitelist(whitelist.job_id, whitelist.pk) == {"skipped": "done"}
