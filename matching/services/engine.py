"""The bridge between the database and the pure engine: documents from rows, a fitted engine per process.

Fitting segments and indexes the whole catalogue, so the fitted engine is kept per process and reused until
the catalogue (or the weights) change; a fingerprint of the matchable patents tells.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba
from django.db.models import Count, Max

from ..choices import CooperationMode, LegalStatus, OfferType
from ..engine import DemandDoc, EngineConfig, MatchingEngine, PatentDoc
from ..engine import text as text_module
from ..engine.text import DATA_DIR
from ..models import Demand, MatchingPolicy, SupplyPatent

PATENT_FIELDS = ("pk", "title", "abstract", "ipc_main", "ipc_other", "industry_chain", "region_id", "price",
                 "offer_type", "legal_status", "tokens", "tokens_version")
DEMAND_FIELDS = ("pk", "title", "description", "ipc_hint", "industry_field", "industry_chain", "region_id",
                 "budget", "cooperation_mode")
_lock = threading.Lock()
_cache: dict = {"key": None, "engine": None}


@functools.cache
def tokens_version() -> str:
    """Changes whenever segmentation can change — its dictionaries, its code, the jieba release — so stored
    tokens are never reused stale. Read once per process: a deployment changes them, not a request."""
    digest = hashlib.sha1()
    for path in (DATA_DIR / "domain_dict.txt", DATA_DIR / "stopwords.txt", Path(text_module.__file__)):
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(jieba.__version__.encode())
    return digest.hexdigest()[:16]


def _tokenizer() -> MatchingEngine:
    engine = _cache.get("tokenizer")
    if engine is None:
        engine = _cache["tokenizer"] = MatchingEngine()
    return engine


def patent_tokens(patent: SupplyPatent) -> tuple[list[str], str]:
    """The engine's index terms of a patent, stored at import so a big batch does not segment again."""
    doc = PatentDoc(id=patent.pk or 0, title=patent.title, abstract=patent.abstract)
    return list(_tokenizer().tokenize_patent(doc)), tokens_version()


def _ipc_codes(main: str, other: str) -> tuple[str, ...]:
    return (main, *[c for c in (other or "").split(";") if c])


def patent_doc(row: dict, version: str | None = None) -> PatentDoc:
    version = version or tokens_version()
    tokens = row.get("tokens")
    return PatentDoc(
        id=row["pk"], title=row["title"], abstract=row["abstract"],
        ipc_codes=_ipc_codes(row["ipc_main"], row["ipc_other"]), industry_chain=row["industry_chain"],
        region_code=row["region_id"] or "", price=row["price"], offer_type=OfferType(row["offer_type"]).label,
        legal_status=LegalStatus(row["legal_status"]).label,
        tokens=tuple(tokens) if tokens and row.get("tokens_version") == version else None,
    )


def demand_doc(row: dict) -> DemandDoc:
    return DemandDoc(
        id=row["pk"], title=row["title"], description=row["description"], ipc_hint=row["ipc_hint"],
        industry_field=row["industry_chain"] or row["industry_field"], region_code=row["region_id"] or "",
        budget=row["budget"], cooperation_mode=CooperationMode(row["cooperation_mode"]).label,
    )


def patent_docs(queryset=None) -> Iterator[PatentDoc]:
    queryset = SupplyPatent.objects.matchable() if queryset is None else queryset
    version = tokens_version()
    for row in queryset.order_by("pk").values(*PATENT_FIELDS).iterator(chunk_size=2000):
        yield patent_doc(row, version)


def demand_docs(queryset=None) -> Iterator[DemandDoc]:
    queryset = Demand.objects.filter(is_open=True) if queryset is None else queryset
    for row in queryset.order_by("pk").values(*DEMAND_FIELDS).iterator(chunk_size=2000):
        yield demand_doc(row)


def engine_config(policy: MatchingPolicy) -> EngineConfig:
    config = EngineConfig.load()
    return config.replace(**policy.engine_weights) if policy.engine_weights else config


def catalogue_key(policy: MatchingPolicy) -> tuple:
    stats = SupplyPatent.objects.matchable().aggregate(n=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    return stats["n"], stats["changed"], stats["last"], tuple(sorted(policy.engine_weights.items())), tokens_version()


def fitted_engine(policy: MatchingPolicy) -> MatchingEngine:
    """The engine fitted on the current catalogue; refitted only when the catalogue or the weights changed."""
    key = catalogue_key(policy)
    with _lock:
        if _cache["key"] != key or _cache["engine"] is None:
            engine = MatchingEngine(engine_config(policy))
            _cache["engine"] = engine.fit(list(patent_docs()))
            _cache["key"] = key
        return _cache["engine"]


def fit_engine(patents: Iterable[PatentDoc], policy: MatchingPolicy | None = None) -> MatchingEngine:
    """A fresh engine on the given documents (evaluation, tests), outside the per-process cache."""
    config = engine_config(policy) if policy is not None else EngineConfig.load()
    return MatchingEngine(config).fit(list(patents))
