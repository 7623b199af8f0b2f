"""The fitted engine of a catalogue version, stored once on the shared volume for every worker.

A full run fits the engine once (in the process that starts the run) and stores it under a fingerprint of the
catalogue (its size, last change and last id), the engine's settings and code, and the tokeniser; the workers
that match its demand chunks load that directory memory-mapped (``matching.engine.storage``) and keep it per
process until a run names another. Older versions are removed, keeping the newest few for runs still under way.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

from django.conf import settings

from ..engine import MatchingEngine
from ..engine.storage import is_stored, load_engine, save_engine
from ..models import MatchingPolicy
from .engine import catalogue_key, engine_config, fitted_engine, tokens_version

KEEP_VERSIONS = 3
ENGINE_DIR = Path(__file__).resolve().parent.parent / "engine"
_lock = threading.Lock()
_loaded: dict = {"path": None, "engine": None}


def index_root() -> Path:
    return Path(getattr(settings, "MATCHING_INDEX_ROOT", None) or Path(settings.EXPORT_ROOT) / "matching-index")


def _engine_code() -> bytes:
    return b"".join(path.read_bytes() for path in sorted(ENGINE_DIR.glob("*.py")))


def index_fingerprint(policy: MatchingPolicy) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([str(part) for part in catalogue_key(policy)]).encode())
    digest.update(json.dumps(engine_config(policy).to_dict(), sort_keys=True).encode())
    digest.update(tokens_version().encode())
    digest.update(_engine_code())
    return digest.hexdigest()[:24]


def shared_index(policy: MatchingPolicy) -> tuple[str, MatchingEngine]:
    """(directory, engine) of the current catalogue: stored by the first caller of this version, then reused."""
    directory = index_root() / index_fingerprint(policy)
    if is_stored(directory):
        return str(directory), load_shared_index(str(directory))
    engine = fitted_engine(policy)
    save_engine(engine, directory)
    _prune(directory)
    with _lock:
        _loaded.update(path=str(directory), engine=engine)
    return str(directory), engine


def load_shared_index(path: str) -> MatchingEngine:
    """The engine stored at ``path``, loaded once per process."""
    with _lock:
        if _loaded["path"] != path:
            _loaded.update(path=path, engine=load_engine(Path(path)))
        return _loaded["engine"]


def _prune(current: Path) -> None:
    versions = sorted((p for p in current.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    for old in versions[KEEP_VERSIONS:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
