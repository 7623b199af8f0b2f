from .audit import AuditEntry
from .fanout import FanoutChunk, FanoutRun
from .jobs import Job
from .kpi import KpiEntityYear, KpiMaskCount, KpiMonthly, KpiReport, KpiSummaryBuild, KpiTarget, TargetSource
from .notifications import Notification
from .organisations import Organisation, OrganisationKind
from .outbox import OutboxStatus, OutboxTask
from .regions import Region, RegionLevel
from .users import Role, User

__all__ = [
    "AuditEntry",
    "FanoutChunk",
    "FanoutRun",
    "Job",
    "KpiEntityYear",
    "KpiMaskCount",
    "KpiMonthly",
    "KpiReport",
    "KpiSummaryBuild",
    "KpiTarget",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutboxStatus",
    "OutboxTask",
    "Region",
    "RegionLevel",
    "Role",
    "TargetSource",
    "User",
]
