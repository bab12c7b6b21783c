"""The access log's hash chain, its append-only table, and `fastkontakt accesslog verify`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from fastkontakt import cli
from fastkontakt.access.accesslog import (
    CHAINS,
    GENESIS,
    LogRecord,
    accesslog_append,
    accesslog_verify,
)
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
    entries = list(AccessLogEntry.objects.order_by("chain", "seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert len({e.chain for e in entries}) == 1  # one connection keeps to its chain
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    result = accesslog_verify()
    assert (result.ok, result.entries, result.heads) == (
        True, 3, {entries[0].chain: (3, entries[-1].hash)}
    )


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
        assert (result.ok, result.broken_at, result.entries) == (False, (_chain(), 2), 1)


def _chain() -> int:
    (chain,) = set(AccessLogEntry.objects.values_list("chain", flat=True))
    return chain


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
        (
            "UPDATE access_accesslogentry SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END "
            "WHERE seq IN (2, 3)",
            [],
            "länken till föregående post stämmer inte",
        ),
        (
            "UPDATE access_accesslogentry SET seq = 1 WHERE seq = 2",
            [],
            "löpnummer 1 förekommer två gånger",
        ),
    ],
    ids=["changed-user", "changed-time", "removed", "reordered", "repeated"],
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
    where = 1 if "två gånger" in reason else 2
    assert (result.ok, result.broken_at, result.reason) == (False, (_chain(), where), reason)


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
    assert f"bruten i kedja {_chain()} vid post 3: postens innehåll har ändrats" in (
        capsys.readouterr().err
    )


@pytest.mark.django_db
def test_an_entry_moved_to_another_chain_is_found() -> None:
    # given
    _three_entries()
    chain = _chain()
    other = (chain + 1) % CHAINS

    # when: the last entry is moved to the head of another chain
    _tamper("UPDATE access_accesslogentry SET chain = %s, seq = 1, prev_hash = %s WHERE seq = 3",
            [other, GENESIS])

    # then
    result = accesslog_verify()
    assert (result.ok, result.broken_at, result.reason) == (
        False, (other, 1), "postens innehåll har ändrats"
    )


@pytest.mark.django_db
def test_a_checkpoint_finds_the_newest_entries_removed(tmp_path: Path) -> None:
    # given a checkpoint taken after three entries
    _three_entries()
    checkpoint = tmp_path / "heads.json"
    verify = ["accesslog", "verify", "--checkpoint", str(checkpoint)]
    assert cli.main(verify, out=io.StringIO()) == 0
    saved = json.loads(checkpoint.read_text())

    # when the newest entry goes (the chain alone cannot show it)
    _tamper("DELETE FROM access_accesslogentry WHERE seq = 3", [])

    # then
    assert accesslog_verify().ok
    result = accesslog_verify(
        checkpoint={int(c): (seq, h) for c, (seq, h) in saved["heads"].items()}
    )
    assert (result.ok, result.broken_at, result.reason) == (
        False, (_chain(), 3), "poster 3–3 fanns vid förra kontrollen men saknas nu"
    )
    assert cli.main(["accesslog", "verify", "--checkpoint", str(checkpoint)],
                    out=io.StringIO()) == 1
    assert json.loads(checkpoint.read_text()) == saved  # a failed check keeps the old one


@pytest.mark.django_db
def test_a_checkpoint_that_is_not_one_is_refused(tmp_path: Path) -> None:
    # given
    bad = tmp_path / "heads.json"
    bad.write_text("[1, 2")

    # when / then
    assert cli.main(["accesslog", "verify", "--checkpoint", str(bad)], out=io.StringIO()) == 2


@pytest.mark.django_db
def test_the_grants_give_the_log_select_and_insert_only() -> None:
    # when
    out = io.StringIO()
    code = cli.main(["accesslog", "grants", "fastkontakt_app"], out=out)

    # then
    sql = out.getvalue()
    assert code == 0
    assert "GRANT SELECT, INSERT ON access_accesslogentry TO fastkontakt_app;" in sql
    assert "ON access_accesslogentry TO fastkontakt_app" in sql
    assert "UPDATE, DELETE ON access_accesslogentry" not in sql
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON registry_person TO fastkontakt_app;" in sql
    assert cli.main(["accesslog", "grants", "x; DROP TABLE y"], out=io.StringIO()) == 2
