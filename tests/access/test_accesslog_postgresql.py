"""The access log on PostgreSQL: monthly partitions, the application role's grants, and
appends from concurrent requests that go to separate chains without waiting for each other."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from django.db import DatabaseError, connection, connections, transaction

from fastkontakt import cli
from fastkontakt.access.accesslog import (
    CHAINS,
    LogRecord,
    accesslog_append,
    accesslog_partitions_ensure,
    accesslog_verify,
)
from fastkontakt.access.models import AccessLogEntry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: partitions, roles, locks"
)


def _record(n: int) -> LogRecord:
    return LogRecord(
        user_id=n, username=f"user{n}", unit="SE2321000032-u1", personal_id="191212121212",
        action="read", what="person.page", basis="care_relationship", flags="",
        request_id=f"req-{n}",
    )


@pytest.mark.django_db
def test_the_log_is_partitioned_by_month() -> None:
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat FROM pg_partitioned_table "
            "WHERE partrelid = 'access_accesslogentry'::regclass"
        )
        strategy = cursor.fetchone()
    created = accesslog_partitions_ensure(months_ahead=30, today=date(2026, 12, 4))

    # then: range partitions exist two years ahead; the ensure adds the months after them
    assert strategy == ("r",)
    assert created == [f"access_accesslogentry_2029_{m:02d}" for m in range(1, 7)]
    assert accesslog_partitions_ensure(months_ahead=30, today=date(2026, 12, 4)) == []


@pytest.mark.django_db
def test_the_application_role_cannot_change_or_remove_entries() -> None:
    # given a role with exactly the grants the command prints, and one entry
    accesslog_append(records=[_record(1)])
    out = io.StringIO()
    cli.main(["accesslog", "grants", "fastkontakt_test_app"], out=out)
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE fastkontakt_test_app NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(out.getvalue())

    refused = []
    for statement in (
        "UPDATE access_accesslogentry SET username = 'mallory'",
        "DELETE FROM access_accesslogentry",
        "TRUNCATE access_accesslogentry",
        "DELETE FROM access_accesslogentry_default",
    ):
        # when
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE fastkontakt_test_app")
                cursor.execute(statement)
        except DatabaseError as error:
            refused.append("permission denied" in str(error))

    # then: each refused for want of the privilege, not only by the trigger
    assert refused == [True, True, True, True]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE fastkontakt_test_app")
        accesslog_append(records=[_record(2)])
    assert AccessLogEntry.objects.count() == 2
    assert accesslog_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_take_separate_chains_and_all_verify() -> None:
    # given: a transaction that holds its chain open, as a write about to commit does
    holder_ready, release = threading.Event(), threading.Event()
    chains: dict[str, int] = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                accesslog_append(records=[_record(1)])
                chains["holder"] = AccessLogEntry.objects.get(user_id=1).chain
                holder_ready.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holder_ready.wait(10)

    # when: eight more requests append while it is open
    def append(n: int) -> None:
        try:
            accesslog_append(records=[_record(n), _record(n + 100)])
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(2, 10)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    finished_while_held = not any(worker.is_alive() for worker in workers)
    release.set()
    holder.join(10)

    # then: nobody waited for the open transaction, and every chain verifies
    assert finished_while_held
    used = set(AccessLogEntry.objects.values_list("chain", flat=True))
    assert chains["holder"] in used
    assert 1 < len(used) <= CHAINS
    assert AccessLogEntry.objects.count() == 17
    result = accesslog_verify()
    assert (result.ok, result.entries) == (True, 17)


@pytest.mark.django_db(transaction=True)
def test_tampering_with_concurrently_written_entries_is_found() -> None:
    # given entries from four concurrent requests
    def append(n: int) -> None:
        try:
            accesslog_append(records=[_record(n), _record(n + 100), _record(n + 200)])
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    target = AccessLogEntry.objects.order_by("chain", "seq")[1]

    # when one of them is changed by someone with the owner's rights
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE access_accesslogentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE access_accesslogentry SET username = 'mallory' WHERE id = %s", [target.pk]
        )
        cursor.execute("ALTER TABLE access_accesslogentry ENABLE TRIGGER USER")

    # then
    result = accesslog_verify()
    assert (result.ok, result.broken_at, result.reason) == (
        False, (target.chain, target.seq), "postens innehåll har ändrats"
    )
