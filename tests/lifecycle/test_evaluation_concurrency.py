"""Against PostgreSQL: two evaluations at once, each on its own connection, both read that nothing is pending
and both try to open the same proposals — the partial unique constraint and the skipping insert leave exactly
one proposal per member, and each member's proposal is counted by exactly one run. Fails under CI=true
without PostgreSQL (``postgres``)."""

import threading

import pytest
from django.db import connection

from pool.models import LifecycleProposal
from pool.services.lifecycle import evaluation
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import flat, graduating, member, report

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_evaluations_at_once_open_each_proposal_once(postgres, hs_batch, monkeypatch):
    from datetime import timedelta

    from tests.lifecycle.conftest_proposals import TODAY

    members = [member(hs_batch) for _ in range(4)] + [member(hs_batch, admitted_on=TODAY - timedelta(days=800))
                                                      for _ in range(2)]
    for m in members[:4]:
        report(m, graduating())
    for m in members[4:]:
        report(m, flat())
    read_both = threading.Barrier(2)
    original = evaluation._read_chunk

    def read_then_wait(*args, **kwargs):
        data = original(*args, **kwargs)
        read_both.wait(timeout=10)  # both runs have seen "nothing pending" before either writes
        return data

    monkeypatch.setattr(evaluation, "_read_chunk", read_then_wait)
    results: list = [None, None]

    def run(index):
        try:
            results[index] = evaluation.lifecycle_evaluate()
        except Exception as error:  # noqa: BLE001
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, dict) for r in results), results
    assert LifecycleProposal.objects.count() == 6
    assert LifecycleProposal.objects.filter(kind="graduate").count() == 4
    assert sum(r["opened"] for r in results) == 6
    assert sum(r["seen_before"] for r in results) == 6  # the loser's conflicts, counted as already there
