"""What-if for a financing policy's whitelist rules: a draft of the policy, simulated over the members of the
policy's region with the same facts and rules as the whitelist generation — under the version in force and the
draft, without generating a whitelist — and published as the policy's next version."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pool.models.what_if import DraftStatus, SimulationStatus
from pool.services.what_if.common import discard, editable, ensure_drafter, mark_published, newest_simulation
from pool.services.what_if.drafts import fingerprint
from portal.outbox import enqueue
from portal.services.audit import audit
from portal.services.jobs import job_create, job_fail

from .. import rules as whitelist_rules
from ..models import FinanceDraft, FinancePolicy, FinanceSimulation
from ..policy import PolicyError, build_rules
from .generation import CHUNK, _chunks, member_facts, members_of


def _ensure(user) -> None:
    ensure_drafter(user, "修订质押融资政策")


def draft_rules(parameters: dict, *, code: str):
    try:
        return build_rules(code=code, version=0, parameters=parameters)
    except PolicyError as exc:
        raise ValidationError(f"草案无法使用：{exc}") from exc


@transaction.atomic
def finance_draft_create(*, user, base: FinancePolicy) -> FinanceDraft:
    _ensure(user)
    draft = FinanceDraft.objects.create(base=base, name=f"{base.name} 修订草案",
                                        parameters=copy.deepcopy(base.parameters), created_by=user)
    audit(actor=user, action="finance_draft.created", target=draft, data={"base": f"{base.code} v{base.version}"})
    return draft


@transaction.atomic
def finance_draft_update(*, user, draft: FinanceDraft, name: str, parameters: dict) -> FinanceDraft:
    _ensure(user)
    draft = editable(draft)
    draft_rules(parameters, code=draft.base.code)
    draft.name, draft.parameters = name, parameters
    draft.save()
    audit(actor=user, action="finance_draft.updated", target=draft)
    return draft


def seen_finance_simulation(draft: FinanceDraft) -> FinanceSimulation | None:
    return newest_simulation(FinanceSimulation.objects.filter(draft=draft), fingerprint(draft.parameters, {}))


@transaction.atomic
def finance_draft_publish(*, user, draft: FinanceDraft) -> FinancePolicy:
    """The next version of the policy: whitelists generated from then on apply it (newest version in force)."""
    _ensure(user)
    draft = editable(draft)
    draft_rules(draft.parameters, code=draft.base.code)
    base = draft.base
    latest = FinancePolicy.objects.filter(code=base.code).aggregate(v=Max("version"))["v"] or 0
    published = FinancePolicy.objects.create(
        code=base.code, version=latest + 1, name=base.name, region_code=base.region_code,
        parameters=draft.parameters, description=f"{base.description}\n本版依据修订草案“{draft.name}”发布。".strip())
    seen = seen_finance_simulation(draft)
    mark_published(draft, user=user, published=published, seen=seen)
    audit(actor=user, action="finance_draft.published", target=draft,
          data={"policy": f"{published.code} v{published.version}", "simulation": seen.pk if seen else None})
    return published


@transaction.atomic
def finance_draft_discard(*, user, draft: FinanceDraft) -> FinanceDraft:
    _ensure(user)
    return discard(user=user, draft=draft, action="finance_draft.discarded")


def finance_simulation_start(*, user, draft: FinanceDraft) -> FinanceSimulation:
    _ensure(user)
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError("该草案已发布或作废，不能再模拟。")
    draft_rules(draft.parameters, code=draft.base.code)
    from ..tasks import run_finance_simulation

    with transaction.atomic():
        job = job_create(kind="what_if", title=f"模拟测算：{draft.name}", created_by=user)
        simulation = FinanceSimulation.objects.create(
            draft=draft, base=draft.base, parameters=copy.deepcopy(draft.parameters),
            fingerprint=fingerprint(draft.parameters, {}), job=job, started_by=user)
        audit(actor=user, action="finance_simulation.started", target=simulation, data={"draft": draft.pk})
        enqueue(run_finance_simulation, simulation.pk)
    return simulation


def _region_prefix(policy: FinancePolicy) -> str:
    code = policy.region_code
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def finance_simulation_execute(*, simulation_id: int) -> FinanceSimulation:
    """Run a requested simulation, fanned out over the workers in chunks of enterprises (by id range, as the
    whitelist generation); a finished one is left alone, one under way (its task delivered again) is resumed."""
    from portal.models import FanoutRun
    from portal.services.fanout import fanout_resume, fanout_start, id_ranges

    simulation = FinanceSimulation.objects.select_related("base").get(pk=simulation_id)
    if simulation.status == SimulationStatus.DONE:
        return simulation
    running = FanoutRun.objects.filter(handler=HANDLER, params__finance_simulation=simulation.pk,
                                       status=FanoutRun.Status.RUNNING).first()
    if running is not None:
        fanout_resume(running)
    else:
        try:
            _both_rules(simulation)  # a broken draft fails here, not in every chunk
        except Exception as exc:
            FinanceSimulation.objects.filter(pk=simulation.pk).update(status=SimulationStatus.FAILED,
                                                                      message=str(exc)[:500])
            if simulation.job_id:
                job_fail(job_id=simulation.job_id, message=f"模拟失败：{exc}")
            raise
        ranges = id_ranges(members_of(_region_prefix(simulation.base)), CHUNK, field="enterprise_id")
        fanout_start(handler=HANDLER, ranges=ranges, job_id=simulation.job_id,
                     params={"finance_simulation": simulation.pk, "on": timezone.localdate().isoformat(),
                             "progress": "已测算 {done} / {total} 家"})
    simulation.refresh_from_db()
    return simulation


def _both_rules(simulation: FinanceSimulation) -> tuple:
    return (draft_rules(simulation.base.parameters, code=simulation.base.code).whitelist,
            draft_rules(simulation.parameters, code=simulation.base.code).whitelist)


class FinanceSimulationFanout:
    """A chunk evaluates its enterprises under the rules in force and the draft; the finish sums and stores, once."""

    def chunk(self, fanout_run, chunk) -> dict:
        simulation = FinanceSimulation.objects.select_related("base").get(pk=fanout_run.params["finance_simulation"])
        on = date.fromisoformat(fanout_run.params["on"])
        current, draft = _both_rules(simulation)
        rows = members_of(_region_prefix(simulation.base)).filter(enterprise_id__gte=chunk.lo,
                                                                  enterprise_id__lte=chunk.hi)
        tally, changes, members = Counter(), [], 0
        for part in _chunks(rows.iterator(chunk_size=2000)):
            facts = member_facts(part)
            for row in part:
                item, _ids = facts[row["enterprise_id"]]
                before = whitelist_rules.evaluate(item, current, on=on)
                after = whitelist_rules.evaluate(item, draft, on=on)
                was, now = whitelist_rules.eligible(before), whitelist_rules.eligible(after)
                tally[(was, now)] += 1
                if was != now:
                    changes.append({"enterprise": row["enterprise_id"], "member": row["pk"],
                                    "name": row["enterprise_name"], "region": row["region_id"], "entering": now,
                                    "before": whitelist_rules.summary(before),
                                    "after": whitelist_rules.summary(after)})
            members += len(part)
        return {"members": members, "tally": [[was, now, n] for (was, now), n in tally.items()], "changes": changes}

    def finish(self, fanout_run, results: list[dict]) -> tuple[dict, str]:
        tally: Counter = Counter()
        for part in results:
            for was, now, count in part.get("tally", []):
                tally[(was, now)] += count
        members = sum(part.get("members", 0) for part in results)
        changes = [change for part in results for change in part.get("changes", [])]
        summary = {"before_eligible": sum(n for (was, _), n in tally.items() if was),
                   "after_eligible": sum(n for (_, now), n in tally.items() if now),
                   "entering": tally[(False, True)], "leaving": tally[(True, False)]}
        FinanceSimulation.objects.filter(pk=fanout_run.params["finance_simulation"]).update(
            status=SimulationStatus.DONE, finished_at=timezone.now(),
            evaluated_on=date.fromisoformat(fanout_run.params["on"]), member_count=members,
            changed_count=len(changes), summary=summary,
            changes=sorted(changes, key=lambda c: (not c["entering"], c["region"], c["name"])))
        return summary, f"共 {members} 家企业，进入白名单 {summary['entering']} 家，退出 {summary['leaving']} 家"

    def failed(self, fanout_run, message: str) -> None:
        FinanceSimulation.objects.filter(pk=fanout_run.params["finance_simulation"]).update(
            status=SimulationStatus.FAILED, message=f"模拟失败：{message}"[:500])


HANDLER = "finance.services.what_if.FINANCE_SIMULATION_FANOUT"
FINANCE_SIMULATION_FANOUT = FinanceSimulationFanout()
