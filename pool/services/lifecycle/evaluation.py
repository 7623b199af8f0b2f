"""The lifecycle evaluation (出库 / 退库评估): every cultivating member (or the given ones) is evaluated by the pure
rules of its policy, and a proposal is opened where they propose graduation or removal.

Members are read in chunks of ``CHUNK_SIZE`` by primary key; per chunk a fixed number of queries: the members
(status, policy, admission date, baseline), the ids of their accepted reports (to pick the latest year), the
figures of those latest reports only, the misconduct known on the evaluation date, and their proposals (pending
ones and every fingerprint). New proposals of a chunk are written in one ``bulk_create`` that skips a conflict
with the partial unique constraint (one pending proposal per member and kind), then read back by the run's
stamp, so two runs at once never duplicate a proposal and each counts only what it opened.

Idempotence: a proposal is opened only when no pending proposal of its kind exists **and** no earlier proposal
(any status) has the same fingerprint — a hash of the kind, the reasons and the inputs that led to them (the
evidence read and the misconduct records behind it). A second run therefore opens nothing, and a dismissed or
declined proposal is not reopened by the same facts; new facts (another year's accepted report, a new record)
make a new fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.outbox import enqueue
from portal.services import audit, notify_on_commit
from portal.services.jobs import job_progress, job_start

from ...lifecycle.rules import Misconduct, Outcome, evaluate
from ...lifecycle.snapshot import Snapshot
from ...lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus
from ...models import (
    LifecycleProposal,
    Membership,
    MisconductRecord,
    MonitoringReport,
    MonitoringStatus,
    ReportingYear,
)
from .policies import current_policies, rules_of

CHUNK_SIZE = 2000
JOB_KIND = "pool.lifecycle_evaluate"
#: Who or what started a run (``LifecycleProposal.trigger``).
TRIGGERS = {"job": "监测截止后定期评估", "manual": "手动发起评估", "record": "登记违规失信记录", "list": "名单导入",
            "report": "年度监测报告核实"}
#: Who may start a run from the page (city and province bureaus; the operator).
EVALUATION_ROLES = ("city", "province", "admin")
#: A member without baseline figures (should not happen) is compared with nothing known.
EMPTY = Snapshot(year=None, revenue=None, profit=None, rnd_expense=None, rate_used=0, rate_counted=0)


def fingerprint(kind: str, reasons, evidence: dict, misconduct_keys=()) -> str:
    """The hash of a proposal's kind, reasons and the inputs that led to them."""
    payload = {"kind": kind, "reasons": list(reasons), "evidence": evidence,
               "misconduct": sorted(misconduct_keys)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evaluation_scope(*, region: str | None = None, membership_ids=None):
    """The members a run covers: the given ones, or every cultivating member (of ``region``'s subtree)."""
    queryset = Membership.objects.all()
    if membership_ids is None:
        queryset = queryset.filter(status=MembershipStatus.CULTIVATING)
    if region:
        queryset = queryset.filter(region__code__startswith=region)
    return queryset


def _id_chunks(queryset, membership_ids, size: int):
    if membership_ids is not None:
        ids = sorted({int(pk) for pk in membership_ids})
        for start in range(0, len(ids), size):
            yield ids[start:start + size]
        return
    ids_query = queryset.order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(ids_query.filter(pk__gt=last)[:size])
        if not ids:
            return
        last = ids[-1]
        yield ids


def _accepted_on(on: date) -> Q:
    """Accepted by the county on or before ``on`` (a report accepted without a stamp counts as accepted)."""
    return Q(status=MonitoringStatus.ACCEPTED) & (Q(verified_at__isnull=True) | Q(verified_at__date__lte=on))


def _read_chunk(ids: list[int], on: date, scope) -> dict:
    """Everything the rules read for ``ids``, in five queries."""
    members = list(scope.filter(pk__in=ids).order_by("pk").values_list(
        "pk", "status", "policy_code", "admitted_on", "region_id", "baseline"))
    latest_ids: dict[int, int] = {}
    for member_id, report_id in (MonitoringReport.objects.filter(_accepted_on(on), membership_id__in=ids)
                                 .order_by("membership_id", "-year", "-id").values_list("membership_id", "id")):
        latest_ids.setdefault(member_id, report_id)
    reports = {member_id: (report_id, year, figures) for report_id, member_id, year, figures in
               MonitoringReport.objects.filter(pk__in=list(latest_ids.values()))
               .values_list("pk", "membership_id", "year", "figures")}
    misconduct = defaultdict(list)
    for member_id, kind, known_on, source, key, description in (
            MisconductRecord.objects.filter(membership_id__in=ids, known_on__lte=on).order_by("known_on", "pk")
            .values_list("membership_id", "kind", "known_on", "source", "source_key", "description")):
        misconduct[member_id].append((Misconduct(kind, known_on, source, description), key))
    pending, seen = set(), set()
    for member_id, kind, status, print_ in LifecycleProposal.objects.filter(membership_id__in=ids).values_list(
            "membership_id", "kind", "status", "fingerprint"):
        seen.add((member_id, kind, print_))
        if status in ProposalStatus.PENDING:
            pending.add((member_id, kind))
    return {"members": members, "reports": reports, "misconduct": misconduct, "pending": pending, "seen": seen}


def _latest(report) -> tuple[Snapshot | None, int | None]:
    if report is None:
        return None, None
    report_id, year, figures = report
    snapshot = Snapshot.from_dict(figures)
    if snapshot is not None and snapshot.year is None:
        snapshot = replace(snapshot, year=year)
    return snapshot, report_id


def _proposal_of(member, data: dict, policies: dict, on: date, trigger: str, stamp, tally: Counter):
    """The new proposal for one member, or None (with the reason counted in ``tally``)."""
    pk, status, code, admitted_on, _region, baseline = member
    policy = policies.get(code)
    if policy is None:
        tally["no_policy"] += 1
        return None
    latest, report_id = _latest(data["reports"].get(pk))
    records = data["misconduct"].get(pk, [])
    verdict = evaluate(rules_of(policy), cultivating=status == MembershipStatus.CULTIVATING,
                       admitted_on=admitted_on, on=on, baseline=Snapshot.from_dict(baseline) or EMPTY,
                       latest=latest, misconduct=[m for m, _ in records])
    tally[verdict.outcome] += 1
    if verdict.outcome not in (Outcome.GRADUATE, Outcome.REMOVE):
        return None
    kind = ProposalKind.GRADUATE if verdict.outcome == Outcome.GRADUATE else ProposalKind.REMOVE
    keys = [key for m, key in records] if kind == ProposalKind.REMOVE else []
    evidence = {**verdict.evidence, "latest_report": report_id, "signals": verdict.signals}
    print_ = fingerprint(kind, verdict.reasons, evidence, keys)
    if (pk, kind) in data["pending"]:
        tally["already_pending"] += 1
        return None
    if (pk, kind, print_) in data["seen"]:
        tally["seen_before"] += 1
        return None
    return LifecycleProposal(membership_id=pk, kind=kind, reasons=list(verdict.reasons), evidence=evidence,
                             explanation=verdict.explanation, policy=policy, evaluated_on=on, fingerprint=print_,
                             trigger=trigger, opened_at=stamp)


def _write(proposals: list[LifecycleProposal], ids: list[int], stamp) -> list[tuple[int, int, str]]:
    """Store the chunk's new proposals; returns (proposal, member, kind) of those this run actually opened."""
    if not proposals:
        return []
    with transaction.atomic():
        LifecycleProposal.objects.bulk_create(proposals, batch_size=500, ignore_conflicts=True)
    return list(LifecycleProposal.objects.filter(membership_id__in=ids, opened_at=stamp)
                .values_list("pk", "membership_id", "kind"))


def _tell_counties(opened: dict[str, Counter]) -> None:
    """One notice per county per run: how many proposals of each kind wait for its verification."""
    users = defaultdict(list)
    for user in User.objects.filter(organisation__kind="county", organisation__region_id__in=list(opened),
                                    is_active=True).select_related("organisation"):
        users[user.organisation.region_id].append(user)
    url = reverse("pool:proposal-list") + "?status=" + ProposalStatus.OPEN
    for region, counts in opened.items():
        if not users.get(region):
            continue
        parts = [f"{label}建议 {counts[kind]} 件" for kind, label in ProposalKind.CHOICES if counts[kind]]
        notify_on_commit(recipients=users[region], verb="lifecycle.proposals_opened",
                         title="有新的出库/退库建议待核实",
                         body="动态调整评估为贵辖区新提出" + "、".join(parts) + "。请核实后提议或不予提议。", url=url)


def lifecycle_evaluate(*, on: date | None = None, membership_ids=None, job_id: int | None = None,
                       trigger: str = "job", region: str | None = None, user=None,
                       chunk_size: int = CHUNK_SIZE) -> dict:
    """Evaluate every cultivating member (of ``region``'s code prefix), or the given ``membership_ids``, on
    ``on`` (today); open the proposals the rules call for. Returns the counts; safe to repeat."""
    on = on or timezone.localdate()
    stamp = timezone.now()
    policies = {policy.code: policy for policy in current_policies()}
    scope = evaluation_scope(region=region, membership_ids=membership_ids)
    total = len(set(membership_ids)) if membership_ids is not None else scope.count()
    if job_id:
        job_start(job_id=job_id, total=total)
    tally: Counter = Counter()
    opened: dict[str, Counter] = defaultdict(Counter)
    done = 0
    for ids in _id_chunks(scope, membership_ids, chunk_size):
        data = _read_chunk(ids, on, scope)
        region_of = {member[0]: member[4] for member in data["members"]}
        new = [p for member in data["members"]
               if (p := _proposal_of(member, data, policies, on, trigger, stamp, tally)) is not None]
        written = _write(new, ids, stamp)
        for _pk, member_id, kind in written:
            opened[region_of[member_id]][kind] += 1
        tally["conflicts"] += len(new) - len(written)
        done += len(data["members"])
        if job_id:
            job_progress(job_id=job_id, done=done, message=f"已评估 {done} / {total} 家，新提出建议 "
                                                           f"{sum(sum(c.values()) for c in opened.values())} 件")
    result = {
        "evaluated_on": on.isoformat(), "trigger": trigger, "evaluated": done,
        "graduate": tally[Outcome.GRADUATE], "remove": tally[Outcome.REMOVE], "none": tally[Outcome.NONE],
        "not_cultivating": tally[Outcome.NOT_CULTIVATING], "no_policy": tally["no_policy"],
        "opened_graduate": sum(c[ProposalKind.GRADUATE] for c in opened.values()),
        "opened_remove": sum(c[ProposalKind.REMOVE] for c in opened.values()),
        "already_pending": tally["already_pending"], "seen_before": tally["seen_before"] + tally["conflicts"],
    }
    result["opened"] = result["opened_graduate"] + result["opened_remove"]
    audit(actor=user, actor_name="system", action="lifecycle.evaluated",
          comment=TRIGGERS.get(trigger, trigger), data={**result, "region": region or "",
                                                        "members": len(set(membership_ids or ()))})
    _tell_counties(opened)
    return result


def evaluation_text(result: dict) -> str:
    return (f"评估 {result['evaluated']} 家：新提出出库建议 {result['opened_graduate']} 件、退库建议 "
            f"{result['opened_remove']} 件；已有待处理建议 {result['already_pending']} 件，"
            f"依据未变不再重复提出 {result['seen_before']} 件。")


def lifecycle_evaluation_queue(*, user=None, region: str | None = None, trigger: str = "manual",
                               membership_ids=None, on: date | None = None, title: str = ""):
    """Queue a run in Celery after the current transaction commits; returns the Job the browser watches. A run
    still waiting for the same requester and region is reused (a double click queues one run)."""
    from portal.models import Job
    from portal.models.jobs import JobStatus
    from portal.services.jobs import job_create

    from ...tasks import lifecycle_evaluate as task

    params = {"region": region or "", "trigger": trigger,
              "membership_ids": sorted(membership_ids) if membership_ids is not None else None,
              "on": on.isoformat() if on else None}
    waiting = Job.objects.filter(kind=JOB_KIND, status=JobStatus.PENDING, created_by=user, params=params).first()
    if waiting is not None:
        return waiting
    job = job_create(kind=JOB_KIND, title=title or "出库退库评估", created_by=user, params=params)
    if user is not None:
        audit(actor=user, action="lifecycle.evaluation_queued", comment=TRIGGERS.get(trigger, trigger),
              data={"job": job.pk, "region": region or ""})
    enqueue(task, job.pk)
    return job


def latest_evaluation_job(user):
    from portal.models import Job

    return Job.objects.visible_to(user).filter(kind=JOB_KIND).order_by("-created_at", "-id").first()


#: Reports accepted after their year's evaluation are caught up by the daily beat within this many days.
LATE_ACCEPTANCE_DAYS = 7


def late_acceptances(today: date) -> list[int]:
    """Members whose report was accepted by the county after its year's post-deadline evaluation (recently):
    verification often ends after the deadline, and such a report must not wait a year to be read."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=LATE_ACCEPTANCE_DAYS), time.min))
    return sorted(set(MonitoringReport.objects.filter(
        status=MonitoringStatus.ACCEPTED, membership__status=MembershipStatus.CULTIVATING,
        reporting_year__evaluated_at__isnull=False, verified_at__gt=F("reporting_year__evaluated_at"),
        verified_at__gte=since).values_list("membership_id", flat=True)))


def lifecycle_evaluate_due(*, today: date | None = None) -> dict:
    """Beat, daily: for every province with a reporting year whose deadline has passed and that has not been
    evaluated yet, evaluate its members once and stamp those years; then the members whose report was accepted
    after that evaluation (``late_acceptances``). A repeated run opens nothing (the evaluation is idempotent)."""
    today = today or timezone.localdate()
    late = late_acceptances(today)
    due = list(ReportingYear.objects.filter(deadline__lt=today, evaluated_at__isnull=True)
               .values_list("pk", "region_id", "year"))
    provinces: dict[str, list] = defaultdict(list)
    for pk, region, year in due:
        provinces[region[:2]].append((pk, year))
    results = {}
    for prefix, years in sorted(provinces.items()):
        result = lifecycle_evaluate(on=today, region=prefix, trigger="job")
        ReportingYear.objects.filter(pk__in=[pk for pk, _ in years], evaluated_at__isnull=True).update(
            evaluated_at=timezone.now())
        results[prefix] = {"years": sorted(year for _, year in years), **result}
    if late:
        results["late_acceptances"] = lifecycle_evaluate(on=today, membership_ids=late, trigger="job")
    return results
