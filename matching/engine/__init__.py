"""Patent supply–demand matching engine (专利供需匹配引擎).

A pure-Python package: it takes plain value objects, never touches the database, and reads its vocabulary and
weights from ``matching/data``. The Django side builds ``PatentDoc`` / ``DemandDoc`` from its models, calls
``MatchingEngine().fit(patents).match(demands)`` and stores the ``Match`` rows with their explanations.
"""

from .config import EngineConfig
from .core import MatchingEngine
from .docs import DemandDoc, Explanation, Match, PatentDoc

__all__ = ["DemandDoc", "EngineConfig", "Explanation", "Match", "MatchingEngine", "PatentDoc"]
