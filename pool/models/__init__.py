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
from .review import CriterionReview, Outcome, ReviewDigest

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
    "CriterionReview",
    "Evaluation",
    "Outcome",
    "ReviewDigest",
    "Verdict",
]
