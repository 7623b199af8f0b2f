from .demands import Demand
from .digest import DigestDelivery, DigestItem, DigestItemKind, DigestPreference
from .events import EventInvitation, MatchmakingEvent
from .matches import Deal, Match, MatchCandidate
from .policy import MatchingPolicy, MatchingRun
from .supply import SupplyPatent

__all__ = ["Deal", "Demand", "DigestDelivery", "DigestItem", "DigestItemKind", "DigestPreference", "EventInvitation", "Match", "MatchCandidate", "MatchingPolicy", "MatchingRun", "MatchmakingEvent",
           "SupplyPatent"]
