"""The labelled development split (tests/data/matching) as engine documents, loaded once per session."""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from matching.engine import DemandDoc, MatchingEngine, PatentDoc

DEV = Path(__file__).resolve().parent.parent / "data" / "matching"


def _read(name):
    with (DEV / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _money(value):
    return Decimal(value) if value else None


@pytest.fixture(scope="session")
def dev_patents():
    return [
        PatentDoc(
            id=r["patent_id"], title=r["title"], abstract=r["abstract"],
            ipc_codes=tuple(c for c in [r["ipc_main"], *r["ipc_other"].split(";")] if c),
            industry_chain=r["industry_chain"], price=_money(r["price_yuan"]), offer_type=r["offer_type"],
            legal_status=r["legal_status"],
        )
        for r in _read("patents.csv")
    ]


@pytest.fixture(scope="session")
def dev_demands():
    return [
        DemandDoc(
            id=r["demand_id"], title=r["title"], description=r["description"], ipc_hint=r["ipc_hint"],
            industry_field=r["industry_field"], budget=_money(r["budget_yuan"]),
            cooperation_mode=r["cooperation_mode"],
        )
        for r in _read("demands.csv")
    ]


@pytest.fixture(scope="session")
def dev_qrels():
    qrels = defaultdict(dict)
    for r in _read("qrels.csv"):
        qrels[r["demand_id"]][r["patent_id"]] = int(r["grade"])
    return dict(qrels)


@pytest.fixture(scope="session")
def dev_engine(dev_patents):
    return MatchingEngine().fit(dev_patents)


@pytest.fixture(scope="session")
def dev_batch(dev_engine, dev_demands):
    """The engine's top 100 for every DEV demand, computed once."""
    return dev_engine.match(dev_demands, k=100)
