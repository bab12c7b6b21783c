"""Who may import what: the table of every kind of entry, allowed and refused.

A client bound to the health centre (``world.centre``, scopes ``system/*.read *.write``) writes
only what the centre is responsible for: the centre itself, staff working there, and people
whose contacts (and listing) are there. Anything else is 403 naming the entries, the rules are
422 naming the rule and the contact, and nothing is written on any refusal. A region-wide
client may write the rest of the directory, and is still held to the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.domain import model as domain
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.fhir.mappers.population import population_bundle
from fastkontakt.registry.models import Contact, Person, Staff, StaffUnit, Unit
from fastkontakt.registry.selectors import directory_get
from tests.conftest import RegistryState
from tests.fhir.conftest import Api, World, body

NEW_UNIT = "SE2321000032-ny1"
NEW_STAFF = "SE2321000032-nys1"
NEWCOMER = make_personal_id(date(1950, 3, 4), 17)

Key = tuple[str, ...]
Case = Callable[[World, date], domain.Scenario]


def unit(row: Unit, **changes: Any) -> domain.Unit:
    (found,) = directory_get(unit_ids=[row.hsa_id], staff_ids=[]).units.values()
    return replace(found, **changes)


def staff(row: Staff, *, at: tuple[Unit, ...] = (), **changes: Any) -> domain.Staff:
    """The staff member as stored, with roles at ``at`` only (the bundle declares just those)."""
    found = directory_get(unit_ids=[], staff_ids=[row.hsa_id]).staff[row.hsa_id]
    return replace(found, units=tuple(u.hsa_id for u in at), **changes)


def newcomer(listed_at: Unit | None, *contacts: domain.Contact) -> domain.Patient:
    return domain.Patient(
        id=NEWCOMER,
        name="Nils Nykomling",
        listed_at=listed_at.hsa_id if listed_at else None,
        contacts=contacts,
    )


def contact(kind: str, member: Staff, at: Unit, start: date) -> domain.Contact:
    return domain.Contact(
        id=f"imp-{kind}", kind=kind, staff=member.hsa_id, unit=at.hsa_id, start=start  # type: ignore[arg-type]
    )


def expression(document: dict[str, Any], key: Key) -> str:
    """The expression naming the entry (or participant) ``key`` in ``document``."""
    kind, *ids = key
    urls = {
        "Organization": f"urn:uuid:unit-{ids[0]}",
        "Practitioner": f"urn:uuid:staff-{ids[0]}",
        "PractitionerRole": f"urn:uuid:role-{'-'.join(ids)}",
        "Patient": f"urn:uuid:person-{ids[0]}",
        "participant": f"urn:uuid:team-{ids[0]}",
    }
    (i,) = [i for i, e in enumerate(document["entry"]) if e["fullUrl"] == urls[kind]]
    return f"Bundle.entry[{i}]" + (f".resource.participant[{ids[1]}]" if len(ids) == 2 and
                                   kind == "participant" else "")


def _centre_renamed(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(units=(unit(w.centre, name="Vårdcentralen Norrby Nya"),))


def _centre_as_is(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(units=(unit(w.centre),))


def _other_renamed(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(units=(unit(w.other, name="Övertagna vårdcentralen"),))


def _new_unit(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(units=(domain.Unit(NEW_UNIT, "Ny vårdcentral", "primarvard"),))


def _own_doctor_renamed(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre),), staff=(staff(w.doctor, at=(w.centre,), name="Lars Läkaresson"),)
    )


def _new_staff_here(w: World, today: date) -> domain.Scenario:
    member = domain.Staff(NEW_STAFF, "Nina Ny", "sjukskoterska", (w.centre.hsa_id,), licensed=True)
    return domain.Scenario(units=(unit(w.centre),), staff=(member,))


def _other_physician_made_nurse(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(staff=(staff(w.stranger_staff, profession="sjukskoterska"),))


def _other_physician_made_nurse_here(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre),),
        staff=(staff(w.stranger_staff, at=(w.centre,), profession="sjukskoterska"),),
    )


def _own_nurse_role_elsewhere(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(units=(unit(w.other),), staff=(staff(w.nurse, at=(w.other,)),))


def _person_here(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre),),
        staff=(staff(w.nurse, at=(w.centre,)),),
        patients=(newcomer(w.centre, contact("fast_vardkontakt", w.nurse, w.centre, today)),),
    )


def _person_with_contact_elsewhere(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre), unit(w.other)),
        staff=(staff(w.stranger_staff, at=(w.other,)),),
        patients=(
            newcomer(w.centre, contact("fast_vardkontakt", w.stranger_staff, w.other, today)),
        ),
    )


def _person_listed_elsewhere(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre), unit(w.other)),
        staff=(staff(w.nurse, at=(w.centre,)),),
        patients=(newcomer(w.other, contact("fast_vardkontakt", w.nurse, w.centre, today)),),
    )


def _person_of_nobody(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(patients=(newcomer(None),))


def _nurse_as_lakarkontakt(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre),),
        staff=(staff(w.nurse, at=(w.centre,)),),
        patients=(newcomer(w.centre, contact("fast_lakarkontakt", w.nurse, w.centre, today)),),
    )


def _lakarkontakt_here(w: World, today: date) -> domain.Scenario:
    return domain.Scenario(
        units=(unit(w.centre),),
        staff=(staff(w.doctor, at=(w.centre,)),),
        patients=(newcomer(w.centre, contact("fast_lakarkontakt", w.doctor, w.centre, today)),),
    )


def _patient_again(w: World, today: date) -> domain.Scenario:
    fvk = contact("fast_vardkontakt", w.nurse, w.centre, today)
    person = replace(newcomer(w.centre, fvk), id=w.patient.personal_id)
    return domain.Scenario(
        units=(unit(w.centre),), staff=(staff(w.nurse, at=(w.centre,)),), patients=(person,)
    )


def _ids(w: World) -> dict[str, str]:
    return {
        "centre": w.centre.hsa_id,
        "other": w.other.hsa_id,
        "doctor": w.doctor.hsa_id,
        "nurse": w.nurse.hsa_id,
        "stranger": w.stranger_staff.hsa_id,
    }


# (case, status, what the answer names: the entries' statuses for 200, the refused keys else)
UNIT_CLIENT_TABLE = [
    pytest.param(_centre_as_is, 200, [("Organization", "centre", "200 OK")],
                 id="own-organization-again"),
    pytest.param(_centre_renamed, 200, [("Organization", "centre", "200 OK")],
                 id="own-organization-renamed"),
    pytest.param(_own_doctor_renamed, 200,
                 [("Organization", "centre", "200 OK"), ("Practitioner", "doctor", "200 OK"),
                  ("PractitionerRole", "doctor", "200 OK")], id="own-staff-renamed"),
    pytest.param(_new_staff_here, 200,
                 [("Organization", "centre", "200 OK"), ("Practitioner", NEW_STAFF, "201 Created"),
                  ("PractitionerRole", NEW_STAFF, "201 Created")], id="new-staff-at-own-unit"),
    pytest.param(_person_here, 200,
                 [("Organization", "centre", "200 OK"), ("Practitioner", "nurse", "200 OK"),
                  ("PractitionerRole", "nurse", "200 OK"), ("Patient", NEWCOMER, "201 Created"),
                  ("CareTeam", NEWCOMER, "201 Created")], id="new-person-with-contact-here"),
    pytest.param(_lakarkontakt_here, 200,
                 [("Organization", "centre", "200 OK"), ("Practitioner", "doctor", "200 OK"),
                  ("PractitionerRole", "doctor", "200 OK"), ("Patient", NEWCOMER, "201 Created"),
                  ("CareTeam", NEWCOMER, "201 Created")], id="new-person-physician-as-flk"),
    pytest.param(_other_renamed, 403, [("Organization", "other")],
                 id="other-units-organization-renamed"),
    pytest.param(_new_unit, 403, [("Organization", NEW_UNIT)], id="new-organization"),
    pytest.param(_other_physician_made_nurse, 403, [("Practitioner", "stranger")],
                 id="other-units-physician-made-nurse"),
    pytest.param(_other_physician_made_nurse_here, 403, [("Practitioner", "stranger")],
                 id="other-units-physician-given-a-role-here-and-made-nurse"),
    pytest.param(_own_nurse_role_elsewhere, 403,
                 [("Organization", "other"), ("PractitionerRole", "nurse", "other")],
                 id="own-staff-given-a-role-elsewhere"),
    pytest.param(_person_with_contact_elsewhere, 403,
                 [("Organization", "other"), ("Practitioner", "stranger"),
                  ("PractitionerRole", "stranger", "other"), ("participant", NEWCOMER, "0")],
                 id="new-person-with-contact-elsewhere"),
    pytest.param(_person_listed_elsewhere, 403,
                 [("Organization", "other"), ("Patient", NEWCOMER)],
                 id="new-person-listed-elsewhere"),
    pytest.param(_person_of_nobody, 403, [("Patient", NEWCOMER)],
                 id="new-person-without-contact-or-listing"),
    pytest.param(_nurse_as_lakarkontakt, 422,
                 [("participant", NEWCOMER, "0", "lakarkontakt-profession")],
                 id="nurse-as-fast-lakarkontakt"),
    pytest.param(_patient_again, 422, [("Patient", "patient", "duplicate")],
                 id="person-already-in-the-registry"),
]


def _resolve(w: World, key: tuple[str, ...]) -> tuple[str, ...]:
    ids = {**_ids(w), "patient": w.patient.personal_id}
    kind, *rest = key
    resolved = [ids.get(part, part) for part in rest]
    if kind == "PractitionerRole" and len(resolved) == 1:
        resolved.append(w.centre.hsa_id)
    return (kind, *resolved)


@pytest.mark.parametrize(("case", "status", "expected"), UNIT_CLIENT_TABLE)
def test_unit_client_import_table(
    world: World,
    api_for: Callable[..., Api],
    registry_state: Callable[[], RegistryState],
    today: date,
    case: Case,
    status: int,
    expected: list[tuple[str, ...]],
) -> None:
    # given
    client = api_for(world.centre, "system/*.read", "system/*.write")
    document = population_bundle(case(world, today))
    before, log = registry_state(), AccessLogEntry.objects.count()
    # when
    response = client.post("/fhir/", document)
    # then
    assert response.status_code == status, response.content[:600]
    answer = body(response)
    if status == 200:
        got = [(e["response"]["status"], e["response"]["location"]) for e in answer["entry"]]
        assert [s for s, _ in got] == [_resolve(world, k)[-1] for k in expected]
        assert [loc.split("/")[0] for _, loc in got] == [k[0] for k in expected]
        return
    if status == 403:
        wanted = {expression(document, _resolve(world, key)) for key in expected}
        assert {i["code"] for i in answer["issue"]} == {"forbidden"}
    else:
        keys = [_resolve(world, key[:-1]) for key in expected]
        wanted = {expression(document, key) for key in keys}
        detail = {key[-1] for key in expected}
        got_detail = {
            i["details"]["coding"][0]["code"] if "details" in i else i["code"]
            for i in answer["issue"]
        }
        assert got_detail == detail
    assert {i["expression"][0] for i in answer["issue"]} == wanted
    assert registry_state() == before
    if expected[0][-1] != "duplicate":
        assert AccessLogEntry.objects.count() == log


def test_renaming_another_units_organization_changes_nothing(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given: the attack of issue 11, a client of the centre renaming the other centre
    client = api_for(world.centre, "system/*.write")
    # when
    response = client.post("/fhir/", population_bundle(_other_renamed(world, today)))
    # then
    assert response.status_code == 403
    assert body(response)["issue"][0]["expression"] == ["Bundle.entry[0]"]
    world.other.refresh_from_db()
    assert world.other.name == "Vårdcentralen Söder"


def test_changing_another_units_physician_changes_nothing(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given
    client = api_for(world.centre, "system/*.write")
    # when
    response = client.post("/fhir/", population_bundle(_other_physician_made_nurse(world, today)))
    # then
    assert response.status_code == 403
    world.stranger_staff.refresh_from_db()
    assert world.stranger_staff.profession == "lakare"


def test_an_own_update_keeps_what_the_resources_do_not_carry(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given: the doctor also works at the other centre, is away in spring and leaves next year
    StaffUnit.objects.create(staff=world.doctor, unit=world.other)
    world.doctor.absences.create(start=today + timedelta(days=90), end=today + timedelta(days=99))
    world.doctor.employment_end = today + timedelta(days=400)
    world.doctor.save()
    client = api_for(world.centre, "system/*.write")
    # when: the centre renames its doctor
    response = client.post("/fhir/", population_bundle(_own_doctor_renamed(world, today)))
    # then
    assert response.status_code == 200
    world.doctor.refresh_from_db()
    assert world.doctor.name == "Lars Läkaresson"
    assert sorted(world.doctor.units.values_list("pk", flat=True)) == sorted(
        [world.centre.pk, world.other.pk]
    )
    assert world.doctor.absences.count() == 1
    assert world.doctor.employment_end == today + timedelta(days=400)


def test_a_unit_import_of_a_person_is_logged_once_on_the_care_relationship(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given
    client = api_for(world.centre, "system/*.write")
    # when
    response = client.post("/fhir/", population_bundle(_person_here(world, today)))
    # then
    assert response.status_code == 200
    person = Person.objects.get(personal_id=NEWCOMER)
    entries = list(AccessLogEntry.objects.filter(personal_id=NEWCOMER).values_list(
        "action", "what", "basis", "unit"))
    assert entries == [("write", "fhir.import", "care_relationship", world.centre.hsa_id)]
    locations = [e["response"]["location"] for e in body(response)["entry"]]
    assert locations[-2:] == [f"Patient/{person.pk}", f"CareTeam/{person.pk}"]


def test_the_import_and_put_careteam_refuse_a_nurse_as_lakarkontakt_by_the_same_rule(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given: the same breach, once by PUT CareTeam and once by an import
    client = api_for(world.centre, "system/*.read", "system/*.write")
    team = body(client.get(f"/fhir/CareTeam/{world.patient.pk}"))
    team["participant"].append(
        {
            "role": [{"coding": [{"system": "https://fastkontakt.se/fhir/CodeSystem/contact-role",
                                  "code": "fast_lakarkontakt"}]}],
            "member": {"reference": f"PractitionerRole/{world.nurse.pk}-{world.centre.pk}"},
            "period": {"start": today.isoformat()},
        }
    )
    contacts = Contact.objects.count()
    # when
    put = client.put(f"/fhir/CareTeam/{world.patient.pk}", team)
    imported = client.post("/fhir/", population_bundle(_nurse_as_lakarkontakt(world, today)))
    # then
    assert (put.status_code, imported.status_code) == (422, 422)

    def rules(response: Any) -> set[str]:
        return {i["details"]["coding"][0]["code"] for i in body(response)["issue"]
                if "details" in i}

    assert "lakarkontakt-profession" in rules(put)
    assert rules(imported) == {"lakarkontakt-profession"}
    assert Contact.objects.count() == contacts
    assert not Person.objects.filter(personal_id=NEWCOMER).exists()


# --- a region-wide client -------------------------------------------------------------------


def test_a_region_client_may_write_another_units_directory(
    world: World, region_importer: Api, today: date
) -> None:
    # given: the region client is bound to the centre
    scenario = domain.Scenario(
        units=(unit(world.other, name="Vårdcentralen Söder Nya"),),
        staff=(staff(world.stranger_staff, at=(world.other,), name="Sven Södersson"),),
    )
    # when
    response = region_importer.post("/fhir/", population_bundle(scenario))
    # then
    assert response.status_code == 200, response.content[:500]
    assert [(e["response"]["status"], e["response"]["location"])
            for e in body(response)["entry"]] == [
        ("200 OK", f"Organization/{world.other.pk}"),
        ("200 OK", f"Practitioner/{world.stranger_staff.pk}"),
        ("200 OK", f"PractitionerRole/{world.stranger_staff.pk}-{world.other.pk}"),
    ]
    world.other.refresh_from_db()
    world.stranger_staff.refresh_from_db()
    assert (world.other.name, world.stranger_staff.name) == (
        "Vårdcentralen Söder Nya", "Sven Södersson"
    )


def test_a_region_client_loads_a_new_directory_and_population_logged_as_a_region_load(
    world: World, region_importer: Api, today: date
) -> None:
    # given: a new unit, its new physician, and two new people listed there
    centre = domain.Unit(NEW_UNIT, "Vårdcentralen Ny", "primarvard")
    doctor = domain.Staff(NEW_STAFF, "Dana Doktor", "lakare", (NEW_UNIT,), licensed=True)
    people = tuple(
        domain.Patient(
            id=make_personal_id(date(1950, 3, 4), n),
            name=f"Person {n}",
            listed_at=NEW_UNIT,
            contacts=(domain.Contact(f"ny-{n}", "fast_lakarkontakt", NEW_STAFF, NEW_UNIT, today),),
        )
        for n in (30, 31)
    )
    document = population_bundle(domain.Scenario(units=(centre,), staff=(doctor,), patients=people))
    # when
    response = region_importer.post("/fhir/", document)
    again = region_importer.post("/fhir/", population_bundle(domain.Scenario(units=(centre,))))
    # then
    assert response.status_code == 200, response.content[:500]
    unit_pk = Unit.objects.get(hsa_id=NEW_UNIT).pk
    staff_pk = Staff.objects.get(hsa_id=NEW_STAFF).pk
    pks = [Person.objects.get(personal_id=p.id).pk for p in people]
    assert [(e["response"]["status"], e["response"]["location"])
            for e in body(response)["entry"]] == [
        ("201 Created", f"Organization/{unit_pk}"),
        ("201 Created", f"Practitioner/{staff_pk}"),
        ("201 Created", f"PractitionerRole/{staff_pk}-{unit_pk}"),
        ("201 Created", f"Patient/{pks[0]}"),
        ("201 Created", f"CareTeam/{pks[0]}"),
        ("201 Created", f"Patient/{pks[1]}"),
        ("201 Created", f"CareTeam/{pks[1]}"),
    ]
    assert body(again)["entry"][0]["response"] == {
        "status": "200 OK", "location": f"Organization/{unit_pk}"
    }
    entries = AccessLogEntry.objects.filter(personal_id__in=[p.id for p in people])
    assert sorted(entries.values_list("personal_id", "action", "what", "basis", "unit")) == [
        (p.id, "write", "fhir.import.region", "system", world.centre.hsa_id) for p in people
    ]


def test_a_region_client_is_held_to_the_rules(
    world: World, region_importer: Api, registry_state: Callable[[], RegistryState], today: date
) -> None:
    # given
    before = registry_state()
    # when
    response = region_importer.post(
        "/fhir/", population_bundle(_nurse_as_lakarkontakt(world, today))
    )
    # then
    assert response.status_code == 422
    (issue,) = body(response)["issue"]
    assert issue["details"]["coding"][0]["code"] == "lakarkontakt-profession"
    document = population_bundle(_nurse_as_lakarkontakt(world, today))
    assert issue["expression"] == [expression(document, ("participant", NEWCOMER, "0"))]
    assert registry_state() == before


def test_a_client_may_write_the_types_its_scopes_name_and_no_others(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given: a client of the centre that may write its Organization only
    client = api_for(world.centre, "system/Organization.write")
    # when
    renamed = client.post("/fhir/", population_bundle(_centre_renamed(world, today)))
    with_staff = client.post("/fhir/", population_bundle(_own_doctor_renamed(world, today)))
    # then
    assert renamed.status_code == 200
    assert with_staff.status_code == 403
    assert [i["expression"] for i in body(with_staff)["issue"]] == [
        ["Bundle.entry[1]"], ["Bundle.entry[2]"]
    ]
    world.doctor.refresh_from_db()
    assert world.doctor.name == "Lars Läkare"
