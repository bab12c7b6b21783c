"""``fastkontakt sync FILE.ndjson``: the nightly full file of the source systems (issue 15)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.cli import main
from fastkontakt.compliance.models import StoredFinding
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.registry.models import (
    Contact,
    FeedRecord,
    HomeCareDecision,
    InpatientStay,
    Person,
    Staff,
    StaffUnit,
    Unit,
)
from tests.conftest import RegistryState
from tests.feed_resources import (
    T0,
    T2,
    encounter,
    ndjson,
    organization,
    patient,
    personnummer,
    practitioner,
    role,
    service_request,
)

VC1, VC2 = "SE2321000016-VC01", "SE2321000016-VC02"
HT1, SV1 = "SE2120000001-HT01", "SE2321000016-SV01"
D1, D2 = "SE2321000016-D001", "SE2321000016-D002"
U1, U2 = "SE2120000001-U001", "SE2120000001-U002"
P1, P2, P3, P4, P5 = (personnummer("19400101", n) for n in (980, 981, 982, 983, 984))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def directory() -> list[dict[str, Any]]:
    return [
        organization(VC1, "Vårdcentralen Norr", "primarvard"),
        organization(VC2, "Vårdcentralen Söder", "primarvard"),
        organization(HT1, "Hemtjänsten Centrum", "hemtjanst"),
        organization(SV1, "Medicinavdelningen", "slutenvard"),
        practitioner(D1, "Doktor Ett", "lakare", licensed=True),
        practitioner(D2, "Doktor Två", "lakare", licensed=True),
        practitioner(U1, "Usk Ett", "underskoterska"),
        practitioner(U2, "Usk Två", "underskoterska"),
        role(D1, VC1),
        role(D2, VC2),
        role(U1, HT1),
        role(U2, HT1),
    ]


def first_file() -> list[dict[str, Any]]:
    return [
        *directory(),
        patient(P1, "Anna Andersson", VC1),
        patient(P2, "Bo Berg", VC1),
        patient(P3, "Cecilia Carlsson", VC2),
        patient(P4, "David Dahl", None),
        encounter("E1", P1, SV1, "2026-11-20", outpatient=VC1, ready="2026-11-28"),
        service_request("S1", P4, HT1, "2026-10-01"),
    ]


def changed_file() -> list[dict[str, Any]]:
    lines = [r for r in directory() if r["identifier"][0]["value"] != f"{U1}-r"[:31]]
    return [
        *lines,  # U1's role at HT1 is gone: U1 no longer works there
        patient(P1, "Anna Andersson", VC2, updated=T2),  # moved to VC2
        # P2 is gone: the listing ends
        patient(P3, "Cecilia Carlsson", VC2),
        patient(P4, "David Dahl", None),
        patient(P5, "Erik Ek", VC1, updated=T2),  # a new listing
        encounter(
            "E1", P1, SV1, "2026-11-20", outpatient=VC1, ready="2026-11-28",
            discharged="2026-11-30", updated=T2,
        ),
        service_request("S1", P4, HT1, "2026-10-01"),
    ]


def write(tmp_path: Path, name: str, resources: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text(ndjson(resources), "utf-8")
    return path


def writes_of(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def registry_equals_file(resources: list[dict[str, Any]]) -> None:
    patients = {
        r["identifier"][0]["value"]: (r.get("generalPractitioner") or [{}])[0]
        .get("identifier", {})
        .get("value")
        for r in resources
        if r["resourceType"] == "Patient"
    }
    stored = dict(Person.objects.values_list("personal_id", "listed_at__hsa_id"))
    for number, listed in patients.items():
        assert stored[number] == listed
    # everyone else in the registry is no longer listed
    assert {n: u for n, u in stored.items() if n not in patients and u} == {}
    roles = {
        (r["practitioner"]["identifier"]["value"], r["organization"]["identifier"]["value"])
        for r in resources
        if r["resourceType"] == "PractitionerRole"
    }
    assert set(StaffUnit.objects.values_list("staff__hsa_id", "unit__hsa_id")) == roles
    units = {r["identifier"][0]["value"] for r in resources if r["resourceType"] == "Organization"}
    assert set(Unit.objects.values_list("hsa_id", flat=True)) == units
    stays = {
        (
            r["subject"]["identifier"]["value"],
            r["period"]["start"],
            r["period"].get("end"),
        )
        for r in resources
        if r["resourceType"] == "Encounter"
    }
    assert {
        (pid, a.isoformat(), d.isoformat() if d else None)
        for pid, a, d in InpatientStay.objects.values_list(
            "person__personal_id", "admitted", "discharged"
        )
    } == stays


@pytest.mark.django_db
def test_a_changed_nightly_file_then_the_same_again_writes_nothing(
    tmp_path: Path, registry_state: Callable[[], RegistryState]
) -> None:
    # given: the population loaded from the first file, and U1 the fast omsorgskontakt of P4
    code, _ = run("sync", str(write(tmp_path, "first.ndjson", first_file())))
    assert code == 0
    contact = Contact.objects.create(
        external_id="c-p4",
        person=Person.objects.get(personal_id=P4),
        kind="fast_omsorgskontakt",
        staff=Staff.objects.get(hsa_id=U1),
        unit=Unit.objects.get(hsa_id=HT1),
        start=date(2026, 10, 5),
        informed=date(2026, 10, 5),
    )
    findings_refresh(personal_ids=[P4])
    assert not StoredFinding.objects.filter(rule="contact-staff-at-unit").exists()
    changed = write(tmp_path, "changed.ndjson", changed_file())
    # when: the changed file
    code, output = run("sync", str(changed))
    # then
    assert code == 0
    assert output == (
        "17 rader: 1 nya, 2 ändrade, 2 avslutade, 14 oförändrade, 0 äldre än registrets, 0 fel\n"
    )
    registry_equals_file(changed_file())
    assert Person.objects.get(personal_id=P2).listed_at is None
    assert InpatientStay.objects.get().discharged == date(2026, 11, 30)
    # the staff member who left the unit is on the worklist at once
    finding = StoredFinding.objects.get(rule="contact-staff-at-unit", resolved_on__isnull=True)
    assert (finding.person.personal_id, finding.contact) == (P4, contact.external_id)
    # every person written has one write entry of the feed
    entries = AccessLogEntry.objects.filter(what="feed.write").order_by("pk")
    assert sorted(e.personal_id for e in entries) == sorted(
        [P1, P2, P3, P4, P1, P2, P5]
    )
    # when: the same file again
    before = registry_state()
    log_rows = AccessLogEntry.objects.count()
    finding_rows = list(StoredFinding.objects.order_by("pk").values())
    with CaptureQueriesContext(connection) as queries:
        code, output = run("sync", str(changed))
    # then: nothing is written
    assert code == 0
    assert output == (
        "17 rader: 0 nya, 0 ändrade, 0 avslutade, 17 oförändrade, 0 äldre än registrets, 0 fel\n"
    )
    assert writes_of(queries) == []
    assert AccessLogEntry.objects.count() == log_rows
    assert registry_state() == before
    assert list(StoredFinding.objects.order_by("pk").values()) == finding_rows
    registry_equals_file(changed_file())


@pytest.mark.django_db
def test_a_late_change_is_not_applied(
    tmp_path: Path, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    assert run("sync", str(write(tmp_path, "first.ndjson", first_file())))[0] == 0
    assert run("sync", "--incremental", str(write(tmp_path, "new.ndjson", [
        patient(P1, "Anna Andersson", VC2, updated=T2)
    ])))[0] == 0
    before = registry_state()
    log_rows = AccessLogEntry.objects.count()
    late = write(tmp_path, "late.ndjson", [patient(P1, "Anna Gammal", VC1, updated=T0)])
    # when: an older version of P1 arrives late
    with CaptureQueriesContext(connection) as queries:
        code, output = run("sync", "--incremental", str(late))
    # then
    assert code == 0
    assert output == (
        "1 rader: 0 nya, 0 ändrade, 0 avslutade, 0 oförändrade, 1 äldre än registrets, 0 fel\n"
    )
    assert writes_of(queries) == []
    assert registry_state() == before
    assert AccessLogEntry.objects.count() == log_rows
    assert Person.objects.get(personal_id=P1).listed_at.hsa_id == VC2  # type: ignore[union-attr]


@pytest.mark.django_db
def test_bad_lines_are_reported_with_their_numbers_and_nothing_is_ended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    assert run("sync", str(write(tmp_path, "first.ndjson", first_file())))[0] == 0
    capsys.readouterr()
    lines = [*directory(), patient(P1, "Anna Andersson", VC2, updated=T2)]
    bad = patient("194001019804", "Fel Nummer", VC1)  # wrong check digit
    no_time = patient(P3, "Cecilia Carlsson", VC1)
    del no_time["meta"]
    path = tmp_path / "bad.ndjson"
    path.write_text(
        ndjson(lines) + "{inte json\n" + ndjson([bad, no_time]) + ndjson(
            [patient(P5, "Erik Ek", "SE2321000016-XXXX", updated=T2)]
        ),
        "utf-8",
    )
    # when
    code, output = run("sync", str(path))
    # then: every bad line is named, the good ones applied, nothing ended
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "rad 14: ogiltig JSON (Expecting property name enclosed in double quotes, tecken 1)",
        "rad 15: Patient.identifier: ett giltigt personnummer eller samordningsnummer krävs",
        "rad 16: Patient.meta.lastUpdated: källans tidpunkt (meta.lastUpdated) krävs",
        "rad 17: okänd vårdcentral SE2321000016-XXXX",
    ]
    assert output.endswith("Inget avslutades eftersom filen hade rader som inte kunde läsas.\n")
    assert Person.objects.get(personal_id=P1).listed_at.hsa_id == VC2  # type: ignore[union-attr]
    assert Person.objects.get(personal_id=P2).listed_at.hsa_id == VC1  # type: ignore[union-attr]
    assert not Person.objects.filter(personal_id=P5).exists()
    assert not FeedRecord.objects.filter(key=P5).exists()
    assert HomeCareDecision.objects.get().end is None


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # when
    code, _ = run("sync", str(tmp_path / "saknas.ndjson"))
    # then
    assert code == 2
    err = capsys.readouterr().err
    assert err == f"{tmp_path / 'saknas.ndjson'}: kan inte läsas (No such file or directory)\n"
    assert FeedRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_decision_that_disappears_ends_today(tmp_path: Path) -> None:
    # given
    assert run("sync", str(write(tmp_path, "first.ndjson", first_file())))[0] == 0
    without = [r for r in first_file() if r["resourceType"] != "ServiceRequest"]
    without.append(service_request("S2", P3, HT1, "2026-11-01"))
    # when
    code, _ = run("sync", str(write(tmp_path, "next.ndjson", without)))
    # then
    assert code == 0
    ends = dict(HomeCareDecision.objects.values_list("person__personal_id", "end"))
    assert ends == {P4: timezone.localdate(), P3: None}


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    path = tmp_path / "latin1.ndjson"
    path.write_bytes(ndjson([patient(P1, "Åsa Öberg", None)]).encode("latin-1"))
    # when
    code, _ = run("sync", str(path))
    # then
    assert code == 2
    assert capsys.readouterr().err == f"{path}: filen är inte UTF-8\n"
    assert FeedRecord.objects.count() == 0
    assert not Person.objects.exists()
