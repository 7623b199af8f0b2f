"""What-if for the lifecycle policy: a draft of a policy version, simulated over the members it governs — the
same rules (``pool.lifecycle.rules.evaluate``) on the same figures as the evaluation job, under the version in
force and under the draft, without opening a proposal — and published as the policy's next version."""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal.models import Region
from portal.outbox import enqueue
from portal.services.audit import audit
from portal.services.jobs import job_create, job_fail

from ...lifecycle.policy import PolicyError, build_rules
from ...lifecycle.rules import Outcome, evaluate
from ...lifecycle.snapshot import Snapshot
from ...lifecycle.workflow import MembershipStatus
from ...models import LifecycleDraft, LifecyclePolicy, LifecycleSimulation, Membership
from ...models.what_if import DraftStatus, SimulationStatus
from ..lifecycle.evaluation import EMPTY, _latest, _read_chunk
from ..lifecycle.policies import rules_of
from .common import discard, editable, ensure_drafter, mark_published, newest_simulation
from .drafts import fingerprint

CHUNK = 2000
OUTCOME_LABELS = dict(Outcome.CHOICES)


def _ensure(user) -> None:
    ensure_drafter(user, "修订动态调整规则")


def draft_rules(parameters: dict, *, code: str):
    try:
        return build_rules(code=code, version=0, parameters=parameters)
    except PolicyError as exc:
        raise ValidationError(f"草案无法使用：{exc}") from exc


@transaction.atomic
def lifecycle_draft_create(*, user, base: LifecyclePolicy) -> LifecycleDraft:
    _ensure(user)
    draft = LifecycleDraft.objects.create(base=base, name=f"{base.name} 修订草案",
                                          parameters=copy.deepcopy(base.parameters), created_by=user)
    audit(actor=user, action="lifecycle_draft.created", target=draft, data={"base": f"{base.code} v{base.version}"})
    return draft


@transaction.atomic
def lifecycle_draft_update(*, user, draft: LifecycleDraft, name: str, parameters: dict) -> LifecycleDraft:
    _ensure(user)
    draft = editable(draft)
    draft_rules(parameters, code=draft.base.code)
    changed = sorted(k for k in set(parameters) | set(draft.parameters) if parameters.get(k) != draft.parameters.get(k))
    draft.name, draft.parameters = name, parameters
    draft.save()
    audit(actor=user, action="lifecycle_draft.updated", target=draft, data={"parameters": changed})
    return draft


def seen_lifecycle_simulation(draft: LifecycleDraft) -> LifecycleSimulation | None:
    return newest_simulation(LifecycleSimulation.objects.filter(draft=draft), fingerprint(draft.parameters, {}))


@transaction.atomic
def lifecycle_draft_publish(*, user, draft: LifecycleDraft) -> LifecyclePolicy:
    """The next version of the policy: the evaluation job applies it from then on (newest version in force)."""
    _ensure(user)
    draft = editable(draft)
    draft_rules(draft.parameters, code=draft.base.code)
    base = draft.base
    latest = LifecyclePolicy.objects.filter(code=base.code).aggregate(v=Max("version"))["v"] or 0
    published = LifecyclePolicy.objects.create(
        code=base.code, version=latest + 1, name=base.name, criteria_sets=base.criteria_sets,
        parameters=draft.parameters, description=f"{base.description}\n本版依据修订草案“{draft.name}”发布。".strip())
    seen = seen_lifecycle_simulation(draft)
    mark_published(draft, user=user, published=published, seen=seen)
    audit(actor=user, action="lifecycle_draft.published", target=draft,
          data={"policy": f"{published.code} v{published.version}", "simulation": seen.pk if seen else None})
    return published


@transaction.atomic
def lifecycle_draft_discard(*, user, draft: LifecycleDraft) -> LifecycleDraft:
    _ensure(user)
    return discard(user=user, draft=draft, action="lifecycle_draft.discarded")


def lifecycle_simulation_start(*, user, draft: LifecycleDraft) -> LifecycleSimulation:
    _ensure(user)
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError("该草案已发布或作废，不能再模拟。")
    draft_rules(draft.parameters, code=draft.base.code)
    from ...tasks import run_lifecycle_simulation

    with transaction.atomic():
        job = job_create(kind="what_if", title=f"模拟测算：{draft.name}", created_by=user)
        simulation = LifecycleSimulation.objects.create(
            draft=draft, base=draft.base, parameters=copy.deepcopy(draft.parameters),
            fingerprint=fingerprint(draft.parameters, {}), job=job, started_by=user)
        audit(actor=user, action="lifecycle_simulation.started", target=simulation, data={"draft": draft.pk})
        enqueue(run_lifecycle_simulation, simulation.pk)
    return simulation


def _outcome(rules, member, data, on) -> tuple[str, str]:
    pk, status, _code, admitted_on, _region, baseline = member
    latest, _report = _latest(data["reports"].get(pk))
    verdict = evaluate(rules, cultivating=status == MembershipStatus.CULTIVATING, admitted_on=admitted_on, on=on,
                       baseline=Snapshot.from_dict(baseline) or EMPTY, latest=latest,
                       misconduct=[m for m, _ in data["misconduct"].get(pk, [])])
    return verdict.outcome, verdict.explanation


def _members(simulation: LifecycleSimulation):
    return Membership.objects.filter(policy_code=simulation.base.code, status__in=MembershipStatus.REPORTING)


def lifecycle_simulation_execute(*, simulation_id: int) -> LifecycleSimulation:
    """Run a requested simulation, fanned out over the workers in chunks of members (by id range); a finished one
    is left alone, one under way (its task delivered again) is resumed, not started twice."""
    from portal.models import FanoutRun
    from portal.services.fanout import fanout_resume, fanout_start, id_ranges

    simulation = LifecycleSimulation.objects.select_related("base").get(pk=simulation_id)
    if simulation.status == SimulationStatus.DONE:
        return simulation
    running = FanoutRun.objects.filter(handler=HANDLER, params__lifecycle_simulation=simulation.pk,
                                       status=FanoutRun.Status.RUNNING).first()
    if running is not None:
        fanout_resume(running)
    else:
        try:
            draft_rules(simulation.parameters, code=simulation.base.code)  # a broken draft fails here, not per chunk
        except Exception as exc:
            LifecycleSimulation.objects.filter(pk=simulation.pk).update(status=SimulationStatus.FAILED,
                                                                        message=str(exc)[:500])
            if simulation.job_id:
                job_fail(job_id=simulation.job_id, message=f"模拟失败：{exc}")
            raise
        fanout_start(handler=HANDLER, ranges=id_ranges(_members(simulation), CHUNK), job_id=simulation.job_id,
                     params={"lifecycle_simulation": simulation.pk, "on": timezone.localdate().isoformat(),
                             "progress": "已测算 {done} / {total} 家"})
    simulation.refresh_from_db()
    return simulation


class LifecycleSimulationFanout:
    """A chunk evaluates its members under the published and the draft rules; the finish sums and stores, once."""

    def chunk(self, fanout_run, chunk) -> dict:
        simulation = LifecycleSimulation.objects.select_related("base").get(
            pk=fanout_run.params["lifecycle_simulation"])
        on = date.fromisoformat(fanout_run.params["on"])
        current, draft = rules_of(simulation.base), draft_rules(simulation.parameters, code=simulation.base.code)
        scope = _members(simulation).filter(pk__gte=chunk.lo, pk__lte=chunk.hi)
        ids = list(scope.order_by("pk").values_list("pk", flat=True))
        names = dict(scope.values_list("pk", "enterprise_name"))
        matrix, changes = Counter(), []
        for start in range(0, len(ids), CHUNK):
            data = _read_chunk(ids[start:start + CHUNK], on, scope)
            for member in data["members"]:
                before, before_text = _outcome(current, member, data, on)
                after, after_text = _outcome(draft, member, data, on)
                matrix[(before, after)] += 1
                if before != after:
                    changes.append({"member": member[0], "name": names.get(member[0], ""), "region": member[4] or "",
                                    "before": before, "after": after, "before_text": before_text,
                                    "after_text": after_text})
        return {"members": len(ids), "matrix": [[b, a, n] for (b, a), n in matrix.items()], "changes": changes}

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        simulation_id = fanout_run.params["lifecycle_simulation"]
        members = sum(part.get("members", 0) for part in results)
        matrix: Counter = Counter()
        for part in results:
            for before, after, count in part.get("matrix", []):
                matrix[(before, after)] += count
        changes = [change for part in results for change in part.get("changes", [])]
        regions: dict = defaultdict(Counter)
        for change in changes:
            for code in (change["region"][:4] + "00", change["region"]):
                regions[code][change["after"]] += 1
        region_names = dict(Region.objects.filter(code__in=list(regions)).values_list("code", "name"))
        summary = {
            "outcomes": [{"before": b, "after": a, "count": n, "before_label": OUTCOME_LABELS[b],
                          "after_label": OUTCOME_LABELS[a]} for (b, a), n in sorted(matrix.items())],
            "after_counts": {k: sum(n for (_b, a), n in matrix.items() if a == k) for k in OUTCOME_LABELS},
            "before_counts": {k: sum(n for (b, _a), n in matrix.items() if b == k) for k in OUTCOME_LABELS},
            "regions": [{"code": c, "name": region_names.get(c, c), "city": c.endswith("00"),
                         **{OUTCOME_LABELS[k]: v for k, v in counts.items()}} for c, counts in sorted(regions.items())],
        }
        LifecycleSimulation.objects.filter(pk=simulation_id).update(
            status=SimulationStatus.DONE, finished_at=timezone.now(),
            evaluated_on=date.fromisoformat(fanout_run.params["on"]), member_count=members,
            changed_count=len(changes), summary=summary,
            changes=sorted(changes, key=lambda c: (c["region"], c["name"])))
        return {"members": members, "changed": len(changes)}, f"共 {members} 家入库企业，结果变化 {len(changes)} 家"

    def failed(self, fanout_run, message: str) -> None:
        LifecycleSimulation.objects.filter(pk=fanout_run.params["lifecycle_simulation"]).update(
            status=SimulationStatus.FAILED, message=f"模拟失败：{message}"[:500])


HANDLER = "pool.services.what_if.lifecycle.LIFECYCLE_SIMULATION_FANOUT"
LIFECYCLE_SIMULATION_FANOUT = LifecycleSimulationFanout()
