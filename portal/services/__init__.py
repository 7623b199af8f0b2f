from .audit import audit
from .notifications import notify

__all__ = ["audit", "notify"]
