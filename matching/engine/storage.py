"""A fitted engine on disk, so every worker of a fanned-out run reads the index built once instead of fitting it.

The engine's state is pickled with its numpy arrays (the sparse matrices' data, indices and pointers, the idf,
the per-patent features) taken out into ``.npy`` files and loaded back memory-mapped: the operating system keeps
one copy of the index in its page cache for every worker process of the machine, and a worker loads it in about
the time it takes to unpickle the small remainder (terms, ids). The state is taken generically (whatever ``fit``
set, minus the analyzer and the query caches), so a change to the engine's arithmetic needs no change here; the
fingerprint under which the caller stores it includes the engine's code.

Arrays are mapped copy-on-write (``mmap_mode="r"``): shared until written, and scipy may sort or canonicalise a
matrix's indices in place on first use, which a read-only map would refuse.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import uuid
from pathlib import Path

import numpy as np

from .config import EngineConfig
from .core import MatchingEngine

STATE_FILE = "engine.pickle"
MIN_ARRAY_BYTES = 1 << 12  # smaller arrays stay inside the pickle
TRANSIENT = frozenset({"analyzer", "expander", "_queries", "_feedback"})


class _Pickler(pickle.Pickler):
    def __init__(self, file, directory: Path):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.directory = directory
        self.saved: dict[int, tuple[str, np.ndarray]] = {}

    def persistent_id(self, obj):
        if type(obj) is not np.ndarray or obj.dtype.hasobject or obj.nbytes < MIN_ARRAY_BYTES:
            return None
        known = self.saved.get(id(obj))
        if known is None:
            name = f"a{len(self.saved)}.npy"
            np.save(self.directory / name, np.ascontiguousarray(obj), allow_pickle=False)
            known = self.saved[id(obj)] = (name, obj)  # the object is kept so its id is not reused
        return known[0]


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, directory: Path):
        super().__init__(file)
        self.directory = directory

    def persistent_load(self, pid):
        return np.load(self.directory / pid, mmap_mode="r", allow_pickle=False)


def save_engine(engine: MatchingEngine, directory: Path) -> Path:
    """Write a fitted engine into ``directory`` (created whole under a temporary name, then renamed, so a reader
    never sees half an index; if another process stored the same index meanwhile, its copy is kept)."""
    directory = Path(directory)
    if (directory / STATE_FILE).exists():
        return directory
    temporary = directory.with_name(f".{directory.name}.{uuid.uuid4().hex}")
    temporary.mkdir(parents=True)
    try:
        state = {k: v for k, v in engine.__dict__.items() if k not in TRANSIENT}
        if "patents" in state:  # the index holds the terms; the stored token lists would only double the file
            state["patents"] = [dataclasses.replace(p, tokens=None) for p in state["patents"]]
        with open(temporary / STATE_FILE, "wb") as file:
            _Pickler(file, temporary).dump(state)
        try:
            os.rename(temporary, directory)
        except OSError:
            if not (directory / STATE_FILE).exists():
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return directory


def load_engine(directory: Path) -> MatchingEngine:
    """The engine stored in ``directory``, its arrays memory-mapped."""
    directory = Path(directory)
    with open(directory / STATE_FILE, "rb") as file:
        state = _Unpickler(file, directory).load()
    config: EngineConfig = state["config"]
    engine = MatchingEngine(config)
    engine.__dict__.update(state)
    engine._queries, engine._feedback = {}, {}
    return engine


def is_stored(directory: Path) -> bool:
    return (Path(directory) / STATE_FILE).exists()
