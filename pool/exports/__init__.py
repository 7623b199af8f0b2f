"""Excel exports of the pool's lists through the shared ``portal.exports`` exporter, one module per area."""

from .review import RecommendationListExporter, ReviewQueueExporter

__all__ = ["RecommendationListExporter", "ReviewQueueExporter"]

from .members import LedgerExporter, MemberListExporter, MilestoneExporter  # noqa: E402

__all__ += ["LedgerExporter", "MemberListExporter", "MilestoneExporter"]

from .monitoring import MonitoringSummaryExporter  # noqa: E402

__all__ += ["MonitoringSummaryExporter"]

from .proposals import GraduationListExporter, ProposalExporter, RemovalListExporter  # noqa: E402

__all__ += ["GraduationListExporter", "ProposalExporter", "RemovalListExporter"]

from .what_if import SimulationExporter  # noqa: E402

__all__ += ["SimulationExporter"]
