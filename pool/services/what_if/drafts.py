"""Drafts of a criteria set: created from a published version, edited by the province, published as the next
version of the same code. A draft is never used for a real verdict; publishing records which simulation of the
unchanged draft was seen first (or that none was)."""

from __future__ import annotations

import copy
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from criteria.models import CriteriaSet
from criteria.rules import RulesError, build_rules
from criteria.signals import criteria_set_published
from portal.services.audit import audit

from ...models import CriteriaDraft, Simulation
from .common import discard, editable, ensure_drafter, mark_published, newest_simulation


def _ensure(user) -> None:
    ensure_drafter(user, "修订入库标准")


def fingerprint(parameters: dict, weights: dict) -> str:
    text = json.dumps([parameters, weights], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def draft_rules(parameters: dict, weights: dict, *, code: str):
    """The rules a draft would give; a Chinese ValidationError when they cannot be used."""
    try:
        return build_rules(code=code, version=0, parameters=parameters, weights=weights)
    except RulesError as exc:
        raise ValidationError(f"草案无法使用：{exc}") from exc


@transaction.atomic
def draft_create(*, user, base: CriteriaSet, name: str = "") -> CriteriaDraft:
    _ensure(user)
    draft = CriteriaDraft.objects.create(
        base=base, name=name or f"{base.name} 修订草案", parameters=copy.deepcopy(base.parameters),
        weights=copy.deepcopy(base.weights), created_by=user)
    audit(actor=user, action="criteria_draft.created", target=draft, data={"base": f"{base.code} v{base.version}"})
    return draft


@transaction.atomic
def draft_update(*, user, draft: CriteriaDraft, name: str, parameters: dict, weights: dict) -> CriteriaDraft:
    _ensure(user)
    draft = editable(draft)
    draft_rules(parameters, weights, code=draft.base.code)
    changed = sorted(k for k in set(parameters) | set(draft.parameters)
                     if parameters.get(k) != draft.parameters.get(k))
    draft.name, draft.parameters, draft.weights = name, parameters, weights
    draft.save()
    audit(actor=user, action="criteria_draft.updated", target=draft,
          data={"parameters": changed, "weights_changed": weights != draft.base.weights})
    return draft


def seen_simulation(draft: CriteriaDraft) -> Simulation | None:
    """The newest finished simulation of the draft exactly as it stands now."""
    return newest_simulation(Simulation.objects.filter(draft=draft), fingerprint(draft.parameters, draft.weights))


@transaction.atomic
def draft_publish(*, user, draft: CriteriaDraft) -> CriteriaSet:
    """The draft becomes the next version of its criteria set; open batches of that set adopt it and are
    re-scored (the same path as a shipped version)."""
    _ensure(user)
    draft = editable(draft)
    draft_rules(draft.parameters, draft.weights, code=draft.base.code)
    base = draft.base
    latest = CriteriaSet.objects.filter(code=base.code).aggregate(v=Max("version"))["v"] or 0
    published = CriteriaSet.objects.create(
        code=base.code, version=latest + 1, name=base.name, parameters=draft.parameters, weights=draft.weights,
        description=f"{base.description}\n本版依据修订草案“{draft.name}”发布。".strip())
    seen = seen_simulation(draft)
    mark_published(draft, user=user, published=published, seen=seen)
    audit(actor=user, action="criteria_draft.published", target=draft,
          data={"criteria_set": f"{published.code} v{published.version}",
                "simulation": seen.pk if seen else None})
    transaction.on_commit(lambda: criteria_set_published.send(sender=CriteriaSet, criteria_set=published))
    return published


@transaction.atomic
def draft_discard(*, user, draft: CriteriaDraft) -> CriteriaDraft:
    _ensure(user)
    return discard(user=user, draft=draft, action="criteria_draft.discarded")
