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

**The hash chains.** The log is :data:`CHAINS` independent hash chains (ADR 0019). Every entry
belongs to one chain, has the next number in it, and stores the hash of the chain's entry before
it and a hash over its own fields (its chain and number included) and that link, so changing,
removing, reordering or moving any entry breaks its chain from there on. An append takes one
chain for the length of its transaction: on PostgreSQL a transaction-scoped advisory lock on
that chain alone, tried first on the chain of the connection and then on the others, so that
concurrent requests append to different chains and none waits for another's commit unless all
chains are busy. SQLite serialises every write transaction anyway.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry

GENESIS = "0" * 64
#: How many independent chains the log has: more than the appends that run at once on a busy
#: system (web workers plus background workers), so that an append almost never waits.
CHAINS = 16
# An arbitrary constant naming the chain locks (pg_advisory_xact_lock(int4, int4) with the chain
# as the second key).
_CHAIN_LOCK_CLASS = 0x666B_6C67
_BULK_BATCH = 2000
_connections_seen = itertools.count()


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


def _digest(prev_hash: str, chain: int, seq: int, at: datetime, record: LogRecord) -> str:
    # JSON makes the encoding unambiguous whatever characters the fields hold.
    payload = json.dumps(
        [
            prev_hash,
            chain,
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


def _home_chain() -> int:
    """The chain this database connection prefers: connections are spread over the chains."""
    home = getattr(connection, "fastkontakt_chain", None)
    if home is None:
        home = next(_connections_seen) % CHAINS
        connection.fastkontakt_chain = home  # type: ignore[attr-defined]
    return int(home)


def _take_chain() -> int:
    """Hold a chain for the rest of the transaction; the connection's own when it is free."""
    home = _home_chain()
    if connection.vendor != "postgresql":
        return home
    with connection.cursor() as cursor:
        for step in range(CHAINS):
            chain = (home + step) % CHAINS
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK_CLASS, chain])
            if cursor.fetchone()[0]:
                return chain
        # Every chain busy: wait for the connection's own.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK_CLASS, home])
    return home


def accesslog_append(*, records: Sequence[LogRecord]) -> int:
    """Append ``records`` in order to one chain; return how many. One lock, one read and
    batched inserts."""
    if not records:
        return 0
    with transaction.atomic():
        chain = _take_chain()
        head = (
            AccessLogEntry.objects.filter(chain=chain)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        seq, prev_hash = head if head else (0, GENESIS)
        # One timestamp per append: the accesses it records happened in the same request.
        at = timezone.now().replace(tzinfo=UTC)
        entries = []
        for record in records:
            seq += 1
            digest = _digest(prev_hash, chain, seq, at, record)
            entries.append(
                AccessLogEntry(
                    chain=chain,
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
    #: People whose derived data the write changes without writing them (a staff member who
    #: leaves changes the findings of everyone they are a contact of), with the action.
    affected: dict[str, str] = field(default_factory=dict)
    #: The write changes what everyone's derived data depends on (a load, a policy).
    everyone: bool = False

    def changes(self) -> dict[str, str] | None:
        """Who the write touched and by which action; None for everyone."""
        if self.everyone:
            return None
        return {**self.affected, **{pid: r.what for pid, r in self.staged.items()}}


#: What must follow every write inside its transaction, before it commits: the findings store
#: (``compliance``, ADR 0020) registers its refresh here, so that no service can write a person
#: and leave their findings behind. Called with who the write touched (None: everyone).
WriteHook = Callable[[Mapping[str, str] | None], None]
_write_hooks: list[WriteHook] = []


def write_hook_add(hook: WriteHook) -> None:
    """Run ``hook`` inside every write transaction, just before it commits."""
    if hook not in _write_hooks:
        _write_hooks.append(hook)


def write_affects(personal_ids: Iterable[str] | None, *, what: str) -> None:
    """Tell the open write transaction that it changes the derived data of ``personal_ids``
    (None: of everyone) although it writes none of their own rows, e.g. a staff member's
    employment end. Outside a write transaction the hooks run at once."""
    write = _write.get()
    if write is None:
        _run_write_hooks(None if personal_ids is None else dict.fromkeys(personal_ids, what))
        return
    if personal_ids is None:
        write.everyone = True
        return
    for pid in personal_ids:
        write.affected.setdefault(pid, what)


def _run_write_hooks(changes: Mapping[str, str] | None) -> None:
    for hook in _write_hooks:
        hook(changes)


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
        done = list(records)
        accesslog_append(records=done)
        _run_write_hooks({r.personal_id: r.what for r in done})
        return
    for record in records:
        write.staged.setdefault(record.personal_id, record)


@contextmanager
def write_transaction() -> Iterator[None]:
    """The write transaction of a service; see the module docstring."""
    outer = _write.get()
    if outer is not None:
        before = set(outer.staged)
        affected_before = set(outer.affected)
        everyone_before = outer.everyone
        try:
            with transaction.atomic():
                yield
        except BaseException:
            # Rolled back to the savepoint: so are the writes it logged and touched.
            for pid in set(outer.staged) - before:
                del outer.staged[pid]
            for pid in set(outer.affected) - affected_before:
                del outer.affected[pid]
            outer.everyone = everyone_before
            raise
        return
    write = _WriteTransaction()
    token = _write.set(write)
    try:
        with transaction.atomic(durable=True):
            yield
            _run_write_hooks(write.changes())
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
    #: The last entry of each chain that has entries: chain -> (number, hash).
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: The first entry where a chain does not hold, as (chain, number), and why; None when
    #: every chain holds.
    broken_at: tuple[int, int] | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _stored(chunk_size: int) -> Iterator[AccessLogEntry]:
    return AccessLogEntry.objects.order_by("chain", "seq").iterator(chunk_size=chunk_size)


def accesslog_verify(
    *, chunk_size: int = 10_000, checkpoint: Mapping[int, tuple[int, str]] | None = None
) -> Verification:
    """Walk every chain; report the first entry that was changed, removed, reordered or moved.

    A chain cannot show that its newest entries were removed. ``checkpoint`` (the ``heads`` of
    an earlier verification, kept outside the database) closes that gap: every head it names
    must still be there, unchanged.
    """
    heads: dict[int, tuple[int, str]] = {}
    expected = dict(checkpoint or {})
    count = 0
    chain, expected_seq, prev_hash = -1, 1, GENESIS
    for entry in _stored(chunk_size):
        if entry.chain != chain:
            chain, expected_seq, prev_hash = entry.chain, 1, GENESIS
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
        problem = ""
        if not 0 <= chain < CHAINS:
            problem = f"kedja {chain} finns inte"
        elif entry.seq != expected_seq:
            problem = (
                f"löpnummer {expected_seq} saknas"
                if entry.seq > expected_seq
                else f"löpnummer {entry.seq} förekommer två gånger"
            )
        elif entry.prev_hash != prev_hash:
            problem = "länken till föregående post stämmer inte"
        elif entry.hash != _digest(prev_hash, chain, entry.seq, entry.at, record):
            problem = "postens innehåll har ändrats"
        elif expected.get(chain, (0, ""))[0] == entry.seq and expected[chain][1] != entry.hash:
            problem = "posten är inte den som fanns vid förra kontrollen"
        if problem:
            where = (chain, min(entry.seq, expected_seq))
            return Verification(count, heads, broken_at=where, reason=problem)
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
        heads[chain] = (entry.seq, entry.hash)
    for chain, (seq, _) in sorted(expected.items()):
        last = heads.get(chain, (0, GENESIS))[0]
        if last < seq:
            reason = f"poster {last + 1}–{seq} fanns vid förra kontrollen men saknas nu"
            return Verification(count, heads, broken_at=(chain, last + 1), reason=reason)
    return Verification(count, heads)


# --- PostgreSQL: monthly partitions and the application role's grants ------------------------


def accesslog_partitions_ensure(*, months_ahead: int = 24, today: date | None = None) -> list[str]:
    """Create the monthly partitions of the log up to ``months_ahead`` months from now that do
    not exist yet; return their names. Nothing to do on SQLite (no partitions)."""
    if connection.vendor != "postgresql":
        return []
    first = (today or timezone.localdate()).replace(day=1)
    created = []
    with connection.cursor() as cursor:
        for step in range(months_ahead + 1):
            year, month = divmod(first.month - 1 + step, 12)
            start = date(first.year + year, month + 1, 1)
            year, month = divmod(start.month, 12)
            end = date(start.year + year, month + 1, 1)
            name = f"access_accesslogentry_{start:%Y_%m}"
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF access_accesslogentry "  # noqa: S608 - name from dates
                "FOR VALUES FROM (%s) TO (%s)",
                [start.isoformat(), end.isoformat()],
            )
            created.append(name)
    return created


def accesslog_grants(role: str) -> str:
    """The SQL that gives the application's database role what it needs and no more: reading
    and writing the application's tables, but only SELECT and INSERT on the access log (no
    UPDATE, DELETE or TRUNCATE) and nothing on its partitions, which are reached through it.
    The role must not own the tables (ADR 0019); run it again after each migration."""
    if not role.replace("_", "").isalnum():
        raise ValueError("role: letters, digits and _ only")
    log = AccessLogEntry._meta.db_table
    tables = [
        t for t in connection.introspection.table_names() if not t.startswith(log)
    ]
    lines = [f"GRANT USAGE ON SCHEMA public TO {role};"]
    lines += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role};" for table in sorted(tables)
    ]
    lines += [
        f"GRANT SELECT, INSERT ON {log} TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
        "",
    ]
    return "\n".join(lines)
