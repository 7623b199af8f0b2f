"""DB-facing helpers around the pure evaluator: rules of a criteria set, reference data, list hits.

Both ``rules_for`` and ``reference_data`` are cached per process, so a batch of 100,000 applications reads the
database once, not per application. Published criteria sets are immutable; the reference cache expires after
``REFERENCE_TTL`` seconds and is cleared in-process whenever a loader changes the tables.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable
from datetime import date
from functools import cache

from django.utils import timezone

from portal.models import Region
from portal.validators import normalise_uscc

from ..evaluation import EvaluationResult, evaluate
from ..facts import ApplicationFacts, ListHit
from ..models import CriteriaSet, ListEntry, PatentIntensiveIndustry, SmeSizeThreshold
from ..reference import ReferenceData, build_reference
from ..rules import CriteriaRules, build_rules
from .shipped import DEFAULTS_FILE

REFERENCE_TTL = 300
USCC_CHUNK = 5000  # below SQLite's and PostgreSQL's bound-parameter limits
SME_FIELDS = ("table_version", "code", "name", "employees_below", "revenue_below", "total_assets_below",
              "industry_codes")
INDUSTRY_FIELDS = ("table_version", "industry_code", "industry_name", "category_name", "partial")

_lock = threading.Lock()
_reference: tuple[float, ReferenceData] | None = None
_rules: dict[tuple, CriteriaRules] = {}


def clear_caches() -> None:
    global _reference
    with _lock:
        _reference = None
        _rules.clear()


def rules_for(criteria_set: CriteriaSet) -> CriteriaRules:
    """The validated, precomputed rules of a criteria set (raises ``rules.RulesError`` if it is unusable)."""
    digest = hashlib.blake2b(json.dumps([criteria_set.parameters, criteria_set.weights], sort_keys=True,
                                        ensure_ascii=False).encode(), digest_size=12).hexdigest()
    key = (criteria_set.code, criteria_set.version, digest)
    rules = _rules.get(key)
    if rules is None:
        rules = build_rules(code=criteria_set.code, version=criteria_set.version,
                            parameters=criteria_set.parameters, weights=criteria_set.weights)
        with _lock:
            _rules[key] = rules
    return rules


def _region_names() -> dict[str, str]:
    """Code → full name (湖北省黄石市黄石港区), built from the code's province and city prefixes."""
    names = dict(Region.objects.values_list("code", "name"))
    full = {}
    for code, name in names.items():
        parts = [names.get(code[:2] + "0000"), names.get(code[:4] + "00"), name]
        unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
        full[code] = "".join(unique)
    return full


def reference_data(*, refresh: bool = False) -> ReferenceData:
    """The SME size table, the patent-intensive industry table and the region names, loaded once per process."""
    global _reference
    cached = _reference
    if cached is not None and not refresh and time.monotonic() - cached[0] < REFERENCE_TTL:
        return cached[1]
    data = build_reference(
        SmeSizeThreshold.objects.order_by("table_version", "position").values(*SME_FIELDS),
        PatentIntensiveIndustry.objects.values(*INDUSTRY_FIELDS).iterator(),
        _region_names())
    with _lock:
        _reference = (time.monotonic(), data)
    return data


def list_hits_for(usccs: Iterable[str]) -> dict[str, list[ListHit]]:
    """Every imported-list entry of the given 统一社会信用代码, keyed by code (codes without a hit are absent).

    One query per 5,000 codes; give it a whole chunk of a batch at once."""
    wanted = sorted({normalise_uscc(u) for u in usccs if u and normalise_uscc(u)})
    hits: dict[str, list[ListHit]] = {}
    for start in range(0, len(wanted), USCC_CHUNK):
        rows = (ListEntry.objects.filter(uscc__in=wanted[start:start + USCC_CHUNK])
                .order_by("uscc", "-listed_on", "id").values_list("uscc", "list_type", "reason", "listed_on"))
        for uscc, list_type, reason, listed_on in rows:
            hits.setdefault(uscc, []).append(ListHit(list_type=list_type, reason=reason, listed_on=listed_on))
    return hits


@cache
def default_code() -> str:
    """The code of the criteria set used when none is named: a policy choice, so it is data (defaults.json)."""
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["criteria_set"]


def default_criteria_set(code: str | None = None) -> CriteriaSet | None:
    """The newest active version of ``code`` (default: the set named in ``data/defaults.json``)."""
    return (CriteriaSet.objects.filter(code=code or default_code(), is_active=True).order_by("-version").first())


def may_see_list_hits(user, uscc: str) -> bool:
    """Whether ``user`` may learn if ``uscc`` is on a list (and why): only for their own organisation, or for an
    enterprise whose application they may see. For any other code the pre-check says nothing of the lists, the
    same whether listed or not, so it cannot be used to look codes up."""
    if not uscc or user is None or not getattr(user, "is_authenticated", False):
        return False
    organisation = getattr(user, "organisation", None)
    if organisation is not None and normalise_uscc(organisation.uscc or "") == uscc:
        return True
    from django.apps import apps  # pool builds on criteria; looked up here, never imported at load time

    return apps.get_model("pool", "Application").objects.visible_to(user).filter(uscc=uscc).exists()


def evaluate_application_facts(facts_dict: dict, criteria_set: CriteriaSet, *, on: date | None = None,
                               viewer=None, trusted: bool = False) -> EvaluationResult:
    """Evaluate an application's facts as stored or typed; list hits are looked up, never taken from the input,
    and only where ``viewer`` may see them (``may_see_list_hits``) — or always for a ``trusted`` internal caller."""
    facts = ApplicationFacts.from_dict(facts_dict)
    uscc = normalise_uscc(facts.identity.uscc)
    allowed = trusted or may_see_list_hits(viewer, uscc)
    facts.list_hits = list_hits_for([uscc]).get(uscc, []) if uscc and allowed else []
    return evaluate(facts, rules_for(criteria_set), on=on or timezone.localdate(), reference=reference_data())
