from .audit import audit
from .notifications import notify, notify_on_commit

__all__ = ["audit", "notify", "notify_on_commit"]
