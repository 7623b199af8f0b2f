"""FilterSets shared by the list pages and the API lists, one module per area."""

from .applications import (
    ApplicationFilter,
    BatchFilter,
    OwnApplicationFilter,
    ReviewFilter,
    ReviewQueueFilter,
    StableOrdering,
)

__all__ = ["ApplicationFilter", "BatchFilter", "OwnApplicationFilter", "ReviewFilter", "ReviewQueueFilter", "StableOrdering"]

from .members import LedgerFilter, MemberFilter, MilestoneFilter  # noqa: E402

__all__ += ["LedgerFilter", "MemberFilter", "MilestoneFilter"]

from .monitoring import MonitoringFilter, ReportingYearFilter  # noqa: E402

__all__ += ["MonitoringFilter", "ReportingYearFilter"]

from .proposals import DecisionFilter, ProposalFilter  # noqa: E402

__all__ += ["DecisionFilter", "ProposalFilter"]
