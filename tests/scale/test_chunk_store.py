"""A full run fanned out stores its lists chunk by chunk and ranks the patents' lists once, in SQL: from any
starting state (matches acted on, a deal, stale suggestions, wrong ranks and scores, a closed demand) it leaves
exactly the rows, statuses and counts of the single-process run, with small chunks and short patent lists (so a
chunk's own best of a patent is not the overall best); a chunk stored twice changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from matching.choices import MatchStatus, RunStatus
from matching.models import Deal, Demand, Match, MatchCandidate, MatchingPolicy, MatchingRun, SupplyPatent
from matching.services import fanout as matching_fanout
from matching.services import runs
from matching.services.chunk_store import best_of_each_patent
from matching.services.fanout import MATCHING_FANOUT, PATENT_LISTS_FANOUT, fanout_for, patent_stage_for
from portal.models import AuditEntry, FanoutChunk
from portal.services import fanout

pytestmark = pytest.mark.django_db


def rows():
    return sorted(Match.objects.values_list("demand_id", "patent_id", "score", "rank", "patent_rank", "status"))


def counts(run):
    return run.created_count, run.updated_count, run.deleted_count


@pytest.fixture
def short_lists(catalogue):
    """Short lists on both sides, so most of a chunk's pairs fall out of some list."""
    MatchingPolicy.objects.create(top_k_per_demand=6, top_k_per_patent=2)


@pytest.fixture
def lived_in(short_lists):
    """Stored matches after a first full run and some life: pairs acted on (one with a deal), a suggestion no
    longer scored (its patent withdrawn from the lists' reach), scores and ranks gone wrong, a closed demand."""
    runs.match_all()
    ranked = list(Match.objects.filter(rank__isnull=False).order_by("demand_id", "rank"))
    contacted, negotiating, deal, dropped = ranked[0], ranked[7], ranked[15], ranked[30]
    for match, status in ((contacted, "contacted"), (negotiating, "negotiating"), (deal, "deal"),
                          (dropped, "dropped")):
        Match.objects.filter(pk=match.pk).update(status=status)
    Deal.objects.create(match=deal, mode="licence", contract_amount=Decimal("1000"), signed_on=date(2026, 1, 5))
    Match.objects.filter(pk__in=[m.pk for m in ranked[40:60:3]]).update(score=0.0123)
    Match.objects.filter(pk__in=[m.pk for m in ranked[60:80:2]]).update(patent_rank=9, rank=None)
    unscored = SupplyPatent.objects.exclude(matches__isnull=False).order_by("pk")[:2]
    demand = Demand.objects.order_by("pk")[3]
    Match.objects.create(demand=demand, patent=unscored[0], score=0.9, rank=1, patent_rank=1)
    Match.objects.create(demand=demand, patent=unscored[1], score=0.8, rank=2, status=MatchStatus.CONTACTED)
    closed = Demand.objects.filter(matches__status="suggested").order_by("pk").last()
    Match.objects.filter(demand=closed, rank=1).update(status=MatchStatus.NEGOTIATING)
    Demand.objects.filter(pk=closed.pk).update(is_open=False)
    return {"deal": deal, "closed": closed}


def eager_reference():
    """Rows and counts of the single-process full run from the current state, the state then put back."""
    with transaction.atomic():
        mark = transaction.savepoint()
        run = runs.match_all()
        expected = rows(), counts(run)
        transaction.savepoint_rollback(mark)
    return expected


def fanned_run(chunk_size: int) -> MatchingRun:
    run = MatchingRun.objects.create(kind="full")
    runs.matching_run_execute(run_id=run.pk, chunk_size=chunk_size)
    run.refresh_from_db()
    return run


def test_the_best_of_each_patent_keeps_k_pairs_per_patent_ties_to_the_lower_demand():
    scored = {(1, 10): (0.5, None), (2, 10): (0.5, None), (3, 10): (0.9, None), (4, 10): (0.1, None),
              (1, 11): (0.2, None)}
    assert best_of_each_patent(scored, 2) == {(3, 10), (1, 10), (1, 11)}


@pytest.mark.parametrize(("chunk_size", "patent_chunk"), [(7, 90), (50, 20_000)])
def test_a_fanned_out_run_from_a_lived_in_state_leaves_the_rows_and_counts_of_the_eager_run(
        lived_in, chunk_size, patent_chunk, monkeypatch):
    monkeypatch.setattr(matching_fanout, "PATENT_CHUNK", patent_chunk)
    expected, expected_counts = eager_reference()
    run = fanned_run(chunk_size)
    assert patent_stage_for(run).chunk_count == (11 if patent_chunk == 90 else 1)
    assert run.status == RunStatus.DONE
    assert rows() == expected
    assert counts(run) == expected_counts and all(expected_counts)
    assert Deal.objects.get().match_id == lived_in["deal"].pk
    closed = Match.objects.filter(demand=lived_in["closed"])
    assert list(closed.values_list("status", "rank", "patent_rank")) == [("negotiating", None, None)]
    assert not MatchCandidate.objects.exists()
    assert AuditEntry.objects.filter(action="matching_run.finished").count() == 1


def test_every_patent_list_is_ranked_over_all_chunks(short_lists):
    run = fanned_run(5)
    listed = Match.objects.filter(patent_rank__isnull=False)
    by_patent: dict = {}
    for patent, rank, score, demand in listed.values_list("patent_id", "patent_rank", "score", "demand_id"):
        by_patent.setdefault(patent, []).append((rank, -score, demand))
    assert by_patent and all(sorted(r for r, _, _ in v) == list(range(1, len(v) + 1)) for v in by_patent.values())
    assert all(sorted(v) == sorted(v, key=lambda x: (x[1], x[2])) for v in by_patent.values())
    assert max(len(v) for v in by_patent.values()) == 2 and run.status == RunStatus.DONE


def test_a_rerun_on_unchanged_data_writes_nothing(short_lists):
    fanned_run(9)
    before = list(Match.objects.values_list("pk", "updated_at", "run_id").order_by("pk"))
    run = fanned_run(9)
    assert counts(run) == (0, 0, 0)
    assert list(Match.objects.values_list("pk", "updated_at", "run_id").order_by("pk")) == before


def test_chunks_stored_again_after_their_workers_died_leave_the_same_rows(lived_in, monkeypatch):
    monkeypatch.setattr(matching_fanout, "PATENT_CHUNK", 100)
    expected, expected_counts = eager_reference()
    held = []
    monkeypatch.setattr(fanout, "_dispatch", lambda ids: held.extend(ids))
    run = MatchingRun.objects.create(kind="full")
    runs.matching_run_execute(run_id=run.pk, chunk_size=8)
    demands = fanout_for(run)
    second = FanoutChunk.objects.get(run=demands, index=1)
    MATCHING_FANOUT.chunk(demands, second)  # stored and committed, then its worker died before counting it
    for pk in list(held):
        fanout.chunk_execute(chunk_id=pk)
    patents = patent_stage_for(run)
    assert patents is not None and patents.status == "running" and len(held) == demands.chunk_count + 10
    first = FanoutChunk.objects.get(run=patents, index=0)
    PATENT_LISTS_FANOUT.chunk(patents, first)  # the same for a patent chunk
    PATENT_LISTS_FANOUT.chunk(patents, first)
    for pk in held[demands.chunk_count:]:
        fanout.chunk_execute(chunk_id=pk)
    fanout.chunk_execute(chunk_id=second.pk)  # late copies
    fanout.chunk_execute(chunk_id=first.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and rows() == expected
    assert counts(run) == expected_counts
    assert not MatchCandidate.objects.exists()
    assert AuditEntry.objects.filter(action="matching_run.finished").count() == 1


def test_a_finished_run_drops_its_own_candidates_and_leaves_those_of_another_run(catalogue):
    from matching.services.chunk_store import candidates_drop

    older, run = MatchingRun.objects.create(kind="full"), MatchingRun.objects.create(kind="full")
    for owner in (older, run):
        MatchCandidate.objects.create(run=owner, demand_id=1, patent_id=2, score=0.5, rank=1)
    candidates_drop(run_id=run.pk)
    assert list(MatchCandidate.objects.values_list("run_id", flat=True)) == [older.pk]
    candidates_drop(run_id=older.pk)  # alone in the table: emptied at once
    assert not MatchCandidate.objects.exists()
