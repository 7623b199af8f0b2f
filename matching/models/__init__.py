from .demands import Demand
from .events import EventInvitation, MatchmakingEvent
from .matches import Deal, Match
from .policy import MatchingPolicy, MatchingRun
from .supply import SupplyPatent

__all__ = ["Deal", "Demand", "EventInvitation", "Match", "MatchingPolicy", "MatchingRun", "MatchmakingEvent",
           "SupplyPatent"]
