"""The lifecycle evaluation as a fanned-out run (``portal.services.fanout``): members by id range on any worker,
one audit entry and one notice per county when the last chunk ends.

A chunk opens its members' proposals under the run's stamp and counts them by reading back what carries that
stamp, so a redelivered chunk opens nothing twice (the fingerprints and the one-pending constraint see to it)
and still reports the proposals the run opened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from django.utils import timezone

from portal.services import audit
from portal.services.fanout import fanout_start, id_ranges, ranges_of

from ...lifecycle.rules import Outcome
from ...lifecycle.workflow import ProposalKind
from ...models import LifecycleProposal
from .evaluation import (
    CHUNK_SIZE,
    TRIGGERS,
    _proposal_of,
    _read_chunk,
    _tell_counties,
    _write,
    evaluation_scope,
)
from .evaluation import evaluation_text as _text
from .policies import current_policies

HANDLER = "pool.services.lifecycle.evaluation_fanout.EVALUATION_FANOUT"


def lifecycle_evaluate_fanout(*, on: date | None = None, membership_ids=None, job_id: int | None = None,
                              trigger: str = "job", region: str | None = None, user=None,
                              chunk_size: int = CHUNK_SIZE):
    """Start the evaluation of ``lifecycle_evaluate`` split into chunks of members that any worker may take."""
    on = on or timezone.localdate()
    ids = sorted({int(pk) for pk in membership_ids}) if membership_ids is not None else None
    scope = evaluation_scope(region=region, membership_ids=ids)
    ranges = ranges_of(ids, chunk_size) if ids is not None else id_ranges(scope, chunk_size)
    return fanout_start(handler=HANDLER, ranges=ranges, job_id=job_id, params={
        "on": on.isoformat(), "membership_ids": ids, "trigger": trigger, "region": region or "",
        "user": user.pk if user is not None else None, "stamp": timezone.now().isoformat()})


class EvaluationFanout:
    def chunk(self, run, chunk) -> dict:
        params = run.params
        on, stamp = date.fromisoformat(params["on"]), datetime.fromisoformat(params["stamp"])
        wanted = params["membership_ids"]
        scope = evaluation_scope(region=params["region"] or None, membership_ids=wanted)
        if wanted is not None:
            ids = [pk for pk in wanted if chunk.lo <= pk <= chunk.hi]
        else:
            ids = list(scope.filter(pk__gte=chunk.lo, pk__lte=chunk.hi).order_by("pk").values_list("pk", flat=True))
        policies = {policy.code: policy for policy in current_policies()}
        data = _read_chunk(ids, on, scope)
        tally: Counter = Counter()
        new = [p for member in data["members"]
               if (p := _proposal_of(member, data, policies, on, params["trigger"], stamp, tally)) is not None]
        _write(new, ids, stamp)
        region_of = {member[0]: member[4] for member in data["members"]}
        opened: dict = defaultdict(Counter)
        for member_id, kind in LifecycleProposal.objects.filter(membership_id__in=ids, opened_at=stamp).values_list(
                "membership_id", "kind"):
            opened[region_of.get(member_id, "")][kind] += 1
        return {"evaluated": len(data["members"]), "tally": dict(tally), "opened": {r: dict(c) for r, c in
                                                                                    opened.items()}}

    def finish(self, run, results: list[dict]) -> tuple[dict, str]:
        from portal.models import User

        params = run.params
        tally: Counter = Counter()
        opened: dict = defaultdict(Counter)
        for part in results:
            tally.update(part["tally"])
            for region, counts in part["opened"].items():
                opened[region].update(counts)
        result = {
            "evaluated_on": params["on"], "trigger": params["trigger"],
            "evaluated": sum(part["evaluated"] for part in results),
            "graduate": tally[Outcome.GRADUATE], "remove": tally[Outcome.REMOVE], "none": tally[Outcome.NONE],
            "not_cultivating": tally[Outcome.NOT_CULTIVATING], "no_policy": tally["no_policy"],
            "opened_graduate": sum(c[ProposalKind.GRADUATE] for c in opened.values()),
            "opened_remove": sum(c[ProposalKind.REMOVE] for c in opened.values()),
            "already_pending": tally["already_pending"], "seen_before": tally["seen_before"],
        }
        result["opened"] = result["opened_graduate"] + result["opened_remove"]
        user = User.objects.filter(pk=params["user"]).first() if params["user"] else None
        audit(actor=user, actor_name="system", action="lifecycle.evaluated",
              comment=TRIGGERS.get(params["trigger"], params["trigger"]),
              data={**result, "region": params["region"], "members": len(params["membership_ids"] or ())})
        _tell_counties({region: counts for region, counts in opened.items() if region})
        return result, _text(result)


EVALUATION_FANOUT = EvaluationFanout()
