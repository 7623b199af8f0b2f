from .applications import (
    Application,
    ApplicationRevision,
    ApplicationStatus,
    ApplicationTransition,
    Evaluation,
    Verdict,
)
from .attachments import Attachment, AttachmentKind
from .batches import Batch, BatchCityQuota, BatchState

__all__ = [
    "Application",
    "ApplicationRevision",
    "ApplicationStatus",
    "ApplicationTransition",
    "Attachment",
    "AttachmentKind",
    "Batch",
    "BatchCityQuota",
    "BatchState",
    "Evaluation",
    "Verdict",
]
