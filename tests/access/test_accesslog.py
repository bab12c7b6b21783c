"""The access log's hash chain, its append-only table, and `fastkontakt accesslog verify`."""

from __future__ import annotations

import io

import pytest
from django.db import DatabaseError, connection, transaction

from fastkontakt import cli
from fastkontakt.access.accesslog import GENESIS, LogRecord, accesslog_append, accesslog_verify
from fastkontakt.access.models import AccessLogEntry


def _record(personal_id: str, what: str = "person.page") -> LogRecord:
    return LogRecord(
        user_id=7,
        username="anna",
        unit="SE2321000032-u1",
        personal_id=personal_id,
        action="read",
        what=what,
        basis="care_relationship",
        flags="",
        request_id="req-0001",
    )


def _three_entries() -> None:
    accesslog_append(records=[_record("191212121212"), _record("194001011234")])
    accesslog_append(records=[_record("195005059876", what="person.search")])


@pytest.mark.django_db
def test_appends_form_a_chain_that_verifies() -> None:
    # when
    _three_entries()

    # then
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    result = accesslog_verify()
    assert (result.ok, result.entries, result.head) == (True, 3, entries[-1].hash)


@pytest.mark.django_db
def test_an_empty_log_verifies() -> None:
    assert accesslog_verify().ok
    assert accesslog_verify().entries == 0


@pytest.mark.django_db
def test_updating_an_entry_is_refused_by_the_database() -> None:
    # given
    _three_entries()
    before = list(AccessLogEntry.objects.order_by("seq").values())

    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=2).update(personal_id="191111111111")
    assert list(AccessLogEntry.objects.order_by("seq").values()) == before


@pytest.mark.django_db
def test_deleting_an_entry_is_refused_on_postgresql_and_detected_on_sqlite() -> None:
    # given
    _three_entries()

    # when
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessLogEntry.objects.filter(seq=2).delete()
        # then
        assert AccessLogEntry.objects.count() == 3
        assert accesslog_verify().ok
    else:
        AccessLogEntry.objects.filter(seq=2).delete()
        # then: development's SQLite allows the delete (see migration 0002); the chain shows it
        result = accesslog_verify()
        assert (result.ok, result.broken_at, result.entries) == (False, 2, 1)


def _tamper(sql: str, params: list[object]) -> None:
    # Simulates someone with the database owner's rights, who can switch the trigger off.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE access_accesslogentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE access_accesslogentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER access_accesslogentry_no_update")
            cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sql", "params", "reason"),
    [
        (
            "UPDATE access_accesslogentry SET username = %s WHERE seq = 2",
            ["mallory"],
            "postens innehåll har ändrats",
        ),
        (
            "UPDATE access_accesslogentry SET at = at + INTERVAL '1 minute' WHERE seq = 2",
            [],
            "postens innehåll har ändrats",
        ),
        ("DELETE FROM access_accesslogentry WHERE seq = 2", [], "löpnummer 2 saknas"),
    ],
    ids=["changed-user", "changed-time", "removed"],
)
def test_verify_finds_the_first_tampered_entry(sql: str, params: list[object], reason: str) -> None:
    # given
    _three_entries()
    if "INTERVAL" in sql and connection.vendor == "sqlite":
        sql = "UPDATE access_accesslogentry SET at = datetime(at, '+1 minute') WHERE seq = 2"

    # when
    _tamper(sql, params)

    # then
    result = accesslog_verify()
    assert (result.ok, result.broken_at, result.reason) == (False, 2, reason)


@pytest.mark.django_db
def test_verify_command_exits_1_with_the_broken_entry(capsys: pytest.CaptureFixture[str]) -> None:
    # given
    _three_entries()
    out = io.StringIO()
    assert cli.main(["accesslog", "verify"], out=out) == 0
    assert "3 poster" in out.getvalue()
    _tamper("UPDATE access_accesslogentry SET personal_id = %s WHERE seq = 3", ["191111111111"])

    # when
    code = cli.main(["accesslog", "verify"], out=io.StringIO())

    # then
    assert code == 1
    assert "bruten vid post 3: postens innehåll har ändrats" in capsys.readouterr().err
