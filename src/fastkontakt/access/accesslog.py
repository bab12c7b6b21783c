"""The access log: one entry per person per action, the write transaction, the hash chain.

**One entry per person per action.** An action is one request, one command-line run or one
background job, and runs inside :func:`access_scope`. Within it:

- a *read* or a *refused attempt* (:func:`log_reads`) is held by the scope, the first one per
  person, and appended when the scope ends, in a transaction of its own: no refusal or failure
  later in the action can roll it back;
- a *write* (:func:`log_writes`) is appended inside the write transaction that makes it, just
  before that commits, so the data and its entry commit together or not at all; a person
  written is not also logged as read, and two writes of one person in an action are one entry.

**One owner of the write transaction.** Services open it with :func:`write_transaction`, a
durable transaction (``transaction.atomic(durable=True)``, as Zulip guards its actions): a view,
handler or command that wrapped a service in a transaction of its own would make it raise. A
service called by another service joins the caller's transaction.

**The hash chain.** Every entry stores the hash of the entry before it and a hash over its own
fields and that link, so changing, removing or reordering any entry breaks the chain from there
on. Appends are serialised (a transaction-scoped advisory lock on PostgreSQL) so that the chain
stays a chain when requests run in parallel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry

GENESIS = "0" * 64
# An arbitrary constant naming the lock that serialises appends (pg_advisory_xact_lock).
_CHAIN_LOCK = 0x6661_7374_6B6F
_BULK_BATCH = 2000


@dataclass(frozen=True, slots=True)
class LogRecord:
    """What is logged of one access; the chain fields are added on append."""

    user_id: int | None
    username: str
    unit: str
    personal_id: str
    action: str
    what: str
    basis: str
    flags: str
    request_id: str


def log_record(
    actor: Actor,
    personal_id: str,
    *,
    action: str,
    what: str,
    basis: str,
    unit: str = "",
    flags: str = "",
) -> LogRecord:
    """The entry of one access by ``actor`` (who, for which request) to one person."""
    return LogRecord(
        user_id=actor.user_id,
        username=actor.username,
        unit=unit,
        personal_id=personal_id,
        action=action,
        what=what,
        basis=basis,
        flags=flags,
        request_id=actor.request_id,
    )


def _digest(prev_hash: str, seq: int, at: datetime, record: LogRecord) -> str:
    # JSON makes the encoding unambiguous whatever characters the fields hold.
    payload = json.dumps(
        [
            prev_hash,
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            record.user_id,
            record.username,
            record.unit,
            record.personal_id,
            record.action,
            record.what,
            record.basis,
            record.flags,
            record.request_id,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def accesslog_append(*, records: Sequence[LogRecord]) -> int:
    """Append ``records`` in order; return how many. One lock, one read and batched inserts."""
    if not records:
        return 0
    with transaction.atomic():
        _lock_chain()
        head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = head if head else (0, GENESIS)
        # One timestamp per append: the accesses it records happened in the same request.
        at = timezone.now().replace(tzinfo=UTC)
        entries = []
        for record in records:
            seq += 1
            digest = _digest(prev_hash, seq, at, record)
            entries.append(
                AccessLogEntry(
                    seq=seq,
                    at=at,
                    user_id=record.user_id,
                    username=record.username,
                    unit=record.unit,
                    personal_id=record.personal_id,
                    action=record.action,
                    what=record.what,
                    basis=record.basis,
                    flags=record.flags,
                    request_id=record.request_id,
                    prev_hash=prev_hash,
                    hash=digest,
                )
            )
            prev_hash = digest
        AccessLogEntry.objects.bulk_create(entries, batch_size=_BULK_BATCH)
    return len(entries)


@dataclass
class _Scope:
    """What one action has logged so far."""

    #: The first read or refused attempt of each person, appended when the scope ends.
    pending: dict[str, LogRecord] = field(default_factory=dict)
    #: People whose write has committed in this action.
    written: set[str] = field(default_factory=set)


@dataclass
class _WriteTransaction:
    #: The write entries of the open write transaction, one per person, appended before commit.
    staged: dict[str, LogRecord] = field(default_factory=dict)


_scope: ContextVar[_Scope | None] = ContextVar("fastkontakt_access_scope", default=None)
_write: ContextVar[_WriteTransaction | None] = ContextVar("fastkontakt_write", default=None)


@contextmanager
def access_scope() -> Iterator[None]:
    """Run one action (a request, a command, a job): its reads are logged once per person when
    it ends, whether it ends well or not. A scope inside a scope is part of the outer one."""
    if _scope.get() is not None:
        yield
        return
    scope = _Scope()
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)
        remaining = [r for pid, r in scope.pending.items() if pid not in scope.written]
        accesslog_append(records=remaining)


def log_reads(records: Iterable[LogRecord]) -> None:
    """Log reads or refused attempts: held until the action ends (outside any scope, at once)."""
    scope = _scope.get()
    if scope is None:
        accesslog_append(records=list(records))
        return
    for record in records:
        if record.personal_id not in scope.written:
            scope.pending.setdefault(record.personal_id, record)


def log_writes(records: Iterable[LogRecord]) -> None:
    """Log writes: appended with the open write transaction, just before it commits."""
    write = _write.get()
    if write is None:
        # A write outside a service's transaction (the demo loader): logged where it stands.
        accesslog_append(records=list(records))
        return
    for record in records:
        write.staged.setdefault(record.personal_id, record)


@contextmanager
def write_transaction() -> Iterator[None]:
    """The write transaction of a service; see the module docstring."""
    outer = _write.get()
    if outer is not None:
        before = set(outer.staged)
        try:
            with transaction.atomic():
                yield
        except BaseException:
            # Rolled back to the savepoint: so are the writes it logged.
            for pid in set(outer.staged) - before:
                del outer.staged[pid]
            raise
        return
    write = _WriteTransaction()
    token = _write.set(write)
    try:
        with transaction.atomic(durable=True):
            yield
            scope = _scope.get()
            done = scope.written if scope is not None else set()
            accesslog_append(records=[r for pid, r in write.staged.items() if pid not in done])
    finally:
        _write.reset(token)
    scope = _scope.get()
    if scope is not None:
        scope.written.update(write.staged)


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int
    head: str
    #: The first entry where the chain does not hold, and why; None when it holds.
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _stored(chunk_size: int) -> Iterator[AccessLogEntry]:
    return AccessLogEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)


def accesslog_verify(*, chunk_size: int = 10_000) -> Verification:
    """Walk the whole chain; report the first entry that was changed, removed or reordered."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for entry in _stored(chunk_size):
        record = LogRecord(
            user_id=entry.user_id,
            username=entry.username,
            unit=entry.unit,
            personal_id=entry.personal_id,
            action=entry.action,
            what=entry.what,
            basis=entry.basis,
            flags=entry.flags,
            request_id=entry.request_id,
        )
        if entry.seq != expected_seq:
            reason = f"löpnummer {expected_seq} saknas"
            return Verification(count, prev_hash, broken_at=expected_seq, reason=reason)
        if entry.prev_hash != prev_hash:
            reason = "länken till föregående post stämmer inte"
            return Verification(count, prev_hash, broken_at=entry.seq, reason=reason)
        if entry.hash != _digest(prev_hash, entry.seq, entry.at, record):
            reason = "postens innehåll har ändrats"
            return Verification(count, prev_hash, broken_at=entry.seq, reason=reason)
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return Verification(count, prev_hash)
