"""The one entry point that writes the audit log. Services call it inside their transaction.

Writing is one INSERT. After the transaction commits, the new entries are sealed into the hash chain
(``seal_pending``): under one lock (a PostgreSQL advisory lock; a process lock elsewhere) the unsealed entries
get the next sequence numbers in id order and ``entry_hash = SHA-256(previous hash + the entry's content)``.
Sealing after commit, in its own short transaction, keeps the lock out of the services' transactions (no waits
behind a slow service, no lock-order deadlocks with the rows they lock) while every writer still joins one chain.

With ``AUDIT_SEAL_SECONDS`` above 0 (production) a process seals in batches: the first commit after a seal
schedules the next one that many seconds later, in a thread of the process, and every entry committed meanwhile
is sealed by it in the same locked transaction. Serving 40 audited page views a second then takes one lock a
second per process instead of 40, each request one INSERT. An entry is sealed within those seconds of its commit;
if the process stops first, the next seal of any process, ``portal.tasks.seal_audit_entries`` (every minute) or
``verify_audit_chain`` seals it. With 0 (development, tests) each commit seals at once.
"""

from __future__ import annotations

import atexit
import contextvars
import functools
import hashlib
import json
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, models, transaction

from ..http import client_ip  # noqa: F401  (the one place that decides the client's address; imported from here)
from ..models import AuditEntry

logger = logging.getLogger(__name__)

#: The address of the request being served (set by ``portal.access_audit``), for entries written without one.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_client_ip", default=None)
#: Any 64-bit number of our own: the advisory lock that serialises sealing on PostgreSQL.
SEAL_LOCK_KEY = 0x5EC_A0D17
SEAL_BATCH = 5000
GENESIS = "0" * 64
_process_lock = threading.Lock()
#: The seal this process has scheduled and not yet begun (batched sealing); guarded by ``_schedule_lock``.
_scheduled: threading.Timer | None = None
_schedule_lock = threading.Lock()


def _region_of(target) -> str | None:
    for path in ("region_id", "organisation.region_id", "enterprise.region_id"):
        obj = target
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        if obj:
            return obj
    return None


def audit(*, actor, action: str, target: models.Model | None = None, comment: str = "",
          data: dict | None = None, ip_address: str | None = None, actor_name: str = "",
          target_type: str = "", target_id: str = "") -> AuditEntry:
    """Record that ``actor`` did ``action`` (``"<entity>.<verb>"``) to ``target`` (or to the object named by
    ``target_type`` / ``target_id`` when it was not loaded). The client address defaults to the current
    request's (``portal.http.client_ip``, which honours the trusted proxies)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else target_type[:64],
        target_id=str(target.pk) if target is not None else str(target_id)[:64],
        target_repr=str(target)[:255] if target is not None else "",
        region_id=_region_of(target) if target is not None else None,
        comment=comment,
        data=data or {},
        ip_address=ip_address or current_ip.get(),
    )
    _seal_after_commit()
    return entry


def _seal_after_commit() -> None:
    """Seal once the writing transaction commits (once per transaction, however many entries it wrote), at once or
    in this process's next batch."""
    pending = getattr(connection, "run_on_commit", None) or []
    if any(item[1] in (_seal_quietly, _schedule_seal) for item in pending):
        return
    batched = getattr(settings, "AUDIT_SEAL_SECONDS", 0) > 0
    transaction.on_commit(_schedule_seal if batched else _seal_quietly, robust=True)


def _schedule_seal() -> None:
    """After a commit: the process's next batch seal, unless one is scheduled already (it starts after this commit,
    so it seals this entry too)."""
    global _scheduled
    with _schedule_lock:
        if _scheduled is not None:
            return
        _scheduled = threading.Timer(settings.AUDIT_SEAL_SECONDS, _seal_batch)
        _scheduled.daemon = True
        _scheduled.start()
        _flush_at_exit()


@functools.cache
def _flush_at_exit() -> None:
    atexit.register(flush_scheduled_seal)  # a worker stopping seals its last batch on the way out


def _seal_batch() -> None:
    """The scheduled seal, in its own thread and database connection."""
    global _scheduled
    with _schedule_lock:
        _scheduled = None  # a commit from now on schedules the next batch
    try:
        _seal_quietly()
    finally:
        connections.close_all()  # this thread's connection (back to the pool)


def flush_scheduled_seal() -> None:
    """Seal now what a scheduled batch would seal (a worker process shutting down, tests)."""
    global _scheduled
    with _schedule_lock:
        timer, _scheduled = _scheduled, None
    if timer is not None:
        timer.cancel()
        _seal_quietly()


def _seal_quietly() -> None:
    try:
        seal_pending()
    except Exception:  # the change is committed; an unsealed entry is sealed by the next seal or the verifier
        logger.exception("audit entries could not be sealed now; the next seal will")


def canonical(entry: AuditEntry) -> bytes:
    """The content an entry's hash covers: everything it says, as the database returns it. (``actor_id`` and
    ``region_id`` are left out: deleting a person or region sets them to NULL; ``actor_name`` stays.)"""
    created = entry.created_at.isoformat(timespec="microseconds") if entry.created_at else ""
    return json.dumps([entry.seq, entry.prev_hash, created, entry.actor_name, entry.action, entry.target_type,
                       entry.target_id, entry.target_repr, entry.comment, entry.data, entry.ip_address or ""],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def digest(entry: AuditEntry) -> str:
    return hashlib.sha256(entry.prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


def seal_pending() -> int:
    """Give every committed, unsealed entry its place in the chain; returns how many were sealed."""
    sealed = 0
    with _process_lock:
        while True:
            with transaction.atomic():
                _lock()
                head = (AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")
                        .values_list("seq", "entry_hash").first()) or (0, GENESIS)
                pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
                seq, previous = head
                for entry in pending:
                    seq += 1
                    entry.seq, entry.prev_hash = seq, previous
                    entry.entry_hash = previous = digest(entry)
                AuditEntry.objects.bulk_update(pending, ["seq", "prev_hash", "entry_hash"], batch_size=500)
            sealed += len(pending)
            if len(pending) < SEAL_BATCH:
                return sealed


@dataclass
class ChainReport:
    checked: int
    unsealed: int
    broken_at: AuditEntry | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def verify_chain() -> ChainReport:
    """Walk the sealed entries in chain order; the first entry whose hash, predecessor or sequence number does
    not follow is the broken link (an entry changed, removed or inserted after it was sealed)."""
    expected_seq, previous, checked = 1, GENESIS, 0
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(checked, 0, entry, f"链序号应为 {expected_seq}，实为 {entry.seq}：其间的记录已被删除")
        if entry.prev_hash != previous:
            return ChainReport(checked, 0, entry, "所记前一条哈希与前一条不符：前一条已被删除或改动")
        if digest(entry) != entry.entry_hash:
            return ChainReport(checked, 0, entry, "内容与哈希不符：该条记录在封存后被改动")
        previous, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    return ChainReport(checked, unsealed)
