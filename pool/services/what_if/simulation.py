"""Simulating a draft criteria set against a batch: every submitted application is evaluated under the batch's
published set and under the draft, from the same facts, list hits and date; only the differences are stored.
No evaluation, verdict or score of an application is written — the real scoring never sees a draft.

The quota comparison follows the ranking rule of the review (``pool.queues.RANK_RULE``) over every application
still in the running (submitted and not refused at any level) that is not ineligible under the rules compared —
as if the review went by the verdicts — inside a city's reserved quota where the city has one, else inside the
province's. An application the draft makes eligible can so be seen entering the quota.

A simulation is a fanned-out run (``portal.services.fanout``) like batch scoring: chunks of applications evaluated
on any worker, the quotas ranked and the differences stored by the finish, once.
"""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from criteria.evaluation import INELIGIBLE
from criteria.results import VERDICT_LABELS
from criteria.rules import DEFAULT_TITLES
from criteria.services import list_hits_for, reference_data, rules_for
from portal.models import Region
from portal.services.audit import audit
from portal.services.jobs import job_create

from ...models import (
    ApplicationStatus,
    Batch,
    BatchCityQuota,
    CriteriaDraft,
    DraftStatus,
    Simulation,
    SimulationChange,
)
from ...models.what_if import SimulationStatus, may_draft
from ..batch_scoring import scorable
from ..scoring import ScoringContext, evaluate_data, hit_dicts
from .drafts import draft_rules, fingerprint

CHUNK = 2000
VERDICT_ORDER = {"eligible": 0, "conditional": 1, "ineligible": 2}
OUTCOME_ORDER = {"pass": 0, "warn": 1, "manual": 1, "fail": 2}
S = ApplicationStatus
#: Still in the running for a place: submitted and not refused (a returned one is being corrected).
RANKED = frozenset({S.SUBMITTED, S.COUNTY_APPROVED, S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.ADMITTED})


@dataclass(frozen=True)
class Row:
    pk: int
    name: str
    region: str
    ranked: bool
    submitted_at: datetime | None
    before: tuple  # verdict, score, rank_rate, rank_intensity
    after: tuple
    flips: tuple  # (criterion number, before outcome, after outcome)


def simulation_start(*, user, draft: CriteriaDraft, batch: Batch) -> Simulation:
    if not may_draft(user):
        raise PermissionDenied("只有省级管理员可以进行模拟测算。")
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError("该草案已发布或作废，不能再模拟。")
    if batch.criteria_set.code != draft.base.code:
        raise ValidationError({"batch": f"该批次采用“{batch.criteria_set.name}”，与草案所修订的标准不同。"})
    draft_rules(draft.parameters, draft.weights, code=draft.base.code)
    from portal.outbox import enqueue

    from ...tasks import run_simulation

    with transaction.atomic():
        job = job_create(kind="what_if", title=f"模拟测算：{draft.name} · {batch.name}", created_by=user)
        simulation = Simulation.objects.create(
            draft=draft, batch=batch, base=batch.criteria_set, parameters=copy.deepcopy(draft.parameters),
            weights=copy.deepcopy(draft.weights), fingerprint=fingerprint(draft.parameters, draft.weights),
            job=job, started_by=user)
        audit(actor=user, action="simulation.started", target=simulation,
              data={"draft": draft.pk, "batch": batch.pk})
        enqueue(run_simulation, simulation.pk)
    return simulation


def _contexts(simulation: Simulation, on) -> tuple[ScoringContext, ScoringContext]:
    reference = reference_data()
    base = simulation.base
    before = ScoringContext(criteria_set_id=base.pk, criteria_set_version=base.version, rules=rules_for(base),
                            reference=reference, on=on)
    after = ScoringContext(criteria_set_id=0, criteria_set_version=0, reference=reference, on=on,
                           rules=draft_rules(simulation.parameters, simulation.weights, code=base.code))
    return before, after


def _chunks(queryset):
    rows = (queryset.annotate(data_text=Cast("data", TextField())).order_by("pk")
            .values_list("pk", "enterprise_name", "region_id", "status", "submitted_at", "uscc", "data_text"))
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        yield chunk


def _key(result) -> tuple:
    return (result.verdict, result.score, *result.rank_keys())


def _with_hits(chunk) -> list[tuple]:
    """The chunk's rows with their list hits (read here: the evaluating processes never touch the database)."""
    hits = {u: hit_dicts(found) for u, found in list_hits_for([r[5] for r in chunk if r[5]]).items()}
    return [(*row, hits.get(row[5], [])) for row in chunk]


def _evaluate(chunk, contexts: tuple) -> list[Row]:
    """Pure: each row evaluated under both rule sets."""
    before_ctx, after_ctx = contexts
    rows = []
    for pk, name, region, status, submitted_at, _uscc, text, found in chunk:
        data = json.loads(text)
        before, after = evaluate_data(data, found, before_ctx), evaluate_data(data, found, after_ctx)
        flips = tuple((b.number, b.outcome, a.outcome) for b, a in zip(before.results, after.results, strict=True)
                      if b.outcome != a.outcome)
        rows.append(Row(pk, name, region or "", status in RANKED, submitted_at, _key(before), _key(after), flips))
    return rows


def _rank_order(rows: list[Row], side: str) -> list[Row]:
    def key(row):
        _verdict, score, rate, intensity = getattr(row, side)
        return (-score, rate is None, -(rate or 0), intensity is None, -(intensity or 0),
                row.submitted_at or datetime.max.replace(tzinfo=timezone.get_current_timezone()), row.pk)
    return sorted((r for r in rows if r.ranked and getattr(r, side)[0] != INELIGIBLE), key=key)


def _quota_groups(batch: Batch, rows: list[Row]) -> list[dict]:
    """Per quota (each city's reservation, then the province's for the rest): who enters and who drops out."""
    city_quotas = dict(BatchCityQuota.objects.filter(batch=batch).values_list("city_id", "quota"))
    names = dict(Region.objects.filter(code__in=list(city_quotas)).values_list("code", "name"))
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        city = row.region[:4] + "00"
        groups[city if city in city_quotas else ""].append(row)
    result = []
    for city, members in sorted(groups.items(), key=lambda item: (item[0] == "", item[0])):
        limit = city_quotas[city] if city else batch.province_quota
        label = f"{names.get(city, city)}推荐名额" if city else "全省推荐名额"
        before = {r.pk: i for i, r in enumerate(_rank_order(members, "before"), 1)}
        after = {r.pk: i for i, r in enumerate(_rank_order(members, "after"), 1)}
        inside_before = {pk for pk, place in before.items() if place <= limit}
        inside_after = {pk for pk, place in after.items() if place <= limit}
        by_pk = {r.pk: r for r in members}

        def people(pks, by_pk=by_pk, before=before, after=after):
            return [{"id": pk, "name": by_pk[pk].name, "before": before.get(pk), "after": after.get(pk)}
                    for pk in sorted(pks, key=lambda pk: (after.get(pk) or 10**9, before.get(pk) or 10**9))]
        result.append({"label": label, "city": city, "limit": limit,
                       "entering": people(inside_after - inside_before),
                       "leaving": people(inside_before - inside_after),
                       "inside": {pk: (pk in inside_before, pk in inside_after) for pk in by_pk if by_pk[pk].ranked}})
    return result


def _summary(rows: list[Row], changes: list[SimulationChange], groups: list[dict], titles: dict) -> dict:
    matrix = Counter((r.before[0], r.after[0]) for r in rows)
    criteria: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        for number, before, after in row.flips:
            better = OUTCOME_ORDER[after] < OUTCOME_ORDER[before]
            criteria[number]["better" if better else "worse"] += 1
    names = dict(Region.objects.values_list("code", "name"))
    regions: dict[str, Counter] = defaultdict(Counter)
    for change in changes:
        for code in (change.region_id[:4] + "00", change.region_id):
            regions[code]["changed"] += 1
            if change.before_verdict != change.after_verdict:
                worse = VERDICT_ORDER[change.after_verdict] > VERDICT_ORDER[change.before_verdict]
                regions[code]["worse" if worse else "better"] += 1
    return {
        "verdicts": [{"before": b, "after": a, "count": n, "before_label": VERDICT_LABELS[b],
                      "after_label": VERDICT_LABELS[a]} for (b, a), n in sorted(matrix.items())],
        "verdict_changes": sum(n for (b, a), n in matrix.items() if b != a),
        "criteria": [{"number": n, "title": titles.get(n, ""), "better": c["better"], "worse": c["worse"],
                      "total": c["better"] + c["worse"]} for n, c in sorted(criteria.items())],
        "regions": [{"code": code, "name": names.get(code, code), "city": code.endswith("00"), **counts}
                    for code, counts in sorted(regions.items())],
        "quota": [{k: v for k, v in g.items() if k != "inside"} for g in groups],
    }


def _changes(simulation: Simulation, rows: list[Row], groups: list[dict]) -> list[SimulationChange]:
    inside = {pk: flags for g in groups for pk, flags in g["inside"].items()}
    changes = []
    for row in rows:
        before_in, after_in = inside.get(row.pk, (None, None))
        if row.before[0] == row.after[0] and not row.flips and before_in == after_in:
            continue
        changes.append(SimulationChange(
            simulation=simulation, application_id=row.pk, enterprise_name=row.name[:200],
            region_id=row.region or None, before_verdict=row.before[0], after_verdict=row.after[0],
            before_score=row.before[1], after_score=row.after[1], flipped=[list(f) for f in row.flips],
            before_in_quota=before_in, after_in_quota=after_in))
    return changes


def simulation_execute(*, simulation_id: int) -> Simulation:
    """Run a requested simulation, fanned out over the workers in chunks of applications (by id range); a finished
    one is left alone, one under way (its task delivered again) is resumed, not started twice."""
    from portal.models import FanoutRun
    from portal.services.fanout import fanout_resume, fanout_start, id_ranges

    simulation = Simulation.objects.select_related("batch").get(pk=simulation_id)
    if simulation.status == SimulationStatus.DONE:
        return simulation
    running = FanoutRun.objects.filter(handler=HANDLER, params__simulation=simulation.pk,
                                       status=FanoutRun.Status.RUNNING).first()
    if running is not None:
        fanout_resume(running)
    else:
        fanout_start(handler=HANDLER, ranges=id_ranges(scorable(simulation.batch), CHUNK), job_id=simulation.job_id,
                     params={"simulation": simulation.pk, "on": timezone.localdate().isoformat(),
                             "progress": "已测算 {done} / {total} 件"})
    simulation.refresh_from_db()
    return simulation


class SimulationFanout:
    """A chunk evaluates its applications under both rule sets and hands back compact rows; the finish ranks the
    quotas over every row (a place depends on the whole batch) and stores the differences, once."""

    def chunk(self, fanout_run, chunk) -> dict:
        simulation = Simulation.objects.select_related("base").get(pk=fanout_run.params["simulation"])
        contexts = _contexts(simulation, date.fromisoformat(fanout_run.params["on"]))
        queryset = scorable(Batch.objects.get(pk=simulation.batch_id)).filter(pk__gte=chunk.lo, pk__lte=chunk.hi)
        rows = [row for part in _chunks(queryset) for row in _evaluate(_with_hits(part), contexts)]
        return {"rows": [_encoded(row) for row in rows]}

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        simulation = Simulation.objects.select_related("batch", "base").get(pk=fanout_run.params["simulation"])
        on = date.fromisoformat(fanout_run.params["on"])
        rows = [_decoded(row) for part in results for row in part.get("rows", [])]
        _before_ctx, after_ctx = _contexts(simulation, on)
        groups = _quota_groups(simulation.batch, rows)
        changes = _changes(simulation, rows, groups)
        titles = {n: after_ctx.rules.titles.get(n, DEFAULT_TITLES[n]) for n in DEFAULT_TITLES}
        summary = _summary(rows, changes, groups, titles)
        SimulationChange.objects.filter(simulation=simulation).delete()
        SimulationChange.objects.bulk_create(changes, batch_size=2000)
        Simulation.objects.filter(pk=simulation.pk).update(
            status=SimulationStatus.DONE, finished_at=timezone.now(), evaluated_on=on,
            application_count=len(rows), changed_count=len(changes), summary=summary)
        return ({"applications": len(rows), "changed": len(changes)},
                f"共 {len(rows)} 件，结论或排序变化 {len(changes)} 件")

    def failed(self, fanout_run, message: str) -> None:
        Simulation.objects.filter(pk=fanout_run.params["simulation"]).update(
            status=SimulationStatus.FAILED, message=f"模拟失败：{message}"[:500])


HANDLER = "pool.services.what_if.simulation.SIMULATION_FANOUT"
SIMULATION_FANOUT = SimulationFanout()


def _encoded(row: Row) -> list:
    """A row as JSON for the chunk's result: scores as exact decimal text, the date-time as ISO text."""
    def side(key):
        verdict, score, rate, intensity = key
        return [verdict, str(score), rate, intensity]
    return [row.pk, row.name, row.region, row.ranked, row.submitted_at.isoformat() if row.submitted_at else None,
            side(row.before), side(row.after), [list(flip) for flip in row.flips]]


def _decoded(data: list) -> Row:
    pk, name, region, ranked, submitted_at, before, after, flips = data

    def side(key):
        verdict, score, rate, intensity = key
        return (verdict, Decimal(score), rate, intensity)
    return Row(pk, name, region, ranked, datetime.fromisoformat(submitted_at) if submitted_at else None,
               side(before), side(after), tuple(tuple(flip) for flip in flips))


def side_by_side(change: SimulationChange) -> dict:
    """The two evaluations of one changed application, recomputed from its facts under both rule sets as they
    stood in the simulation (pure, no write)."""
    simulation = change.simulation
    on = simulation.evaluated_on or timezone.localdate()
    before_ctx, after_ctx = _contexts(simulation, on)
    application = change.application
    found = hit_dicts(list_hits_for([application.uscc]).get(application.uscc, [])) if application.uscc else []
    before = evaluate_data(application.data, found, before_ctx)
    after = evaluate_data(application.data, found, after_ctx)
    pairs = list(zip(before.results, after.results, strict=True))
    return {"before": before, "after": after, "pairs": pairs,
            "score_pairs": list(zip(before.score_terms, after.score_terms, strict=False)),
            "score_delta": after.score - before.score or Decimal(0)}
