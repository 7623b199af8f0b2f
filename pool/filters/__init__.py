"""FilterSets shared by the list pages and the API lists, one module per area."""

from .applications import ApplicationFilter, BatchFilter, ReviewFilter, ReviewQueueFilter, StableOrdering

__all__ = ["ApplicationFilter", "BatchFilter", "ReviewFilter", "ReviewQueueFilter", "StableOrdering"]
