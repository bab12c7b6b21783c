"""CareTeam: read (PCC-47), search (PCC-46), update by PUT and transaction (PCC-45)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.fhir.mappers.codes import CONTACT_ROLE, COORDINATING, PERSONNUMMER
from fastkontakt.registry.models import Contact
from tests.fhir.conftest import Api, World, body

ROLE = CONTACT_ROLE


def _contacts(world: World) -> list[tuple[Any, ...]]:
    return list(
        Contact.objects.filter(person=world.patient)
        .order_by("pk")
        .values_list("external_id", "kind", "staff_id", "unit_id", "coordinating", "start", "end")
    )


def test_read_gives_one_participant_per_contact_with_coded_roles(reader: Api, world: World) -> None:
    # when
    response = reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    # then
    team = body(response)
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{team["meta"]["versionId"]}"'
    assert team["subject"] == {
        "reference": f"Patient/{world.patient.pk}",
        "display": "Greta Gustafsson",
    }
    assert team["status"] == "active"
    assert [p["id"] for p in team["participant"]] == [world.fvk.external_id, world.flk.external_id]
    fvk = team["participant"][0]
    assert [[c["code"] for c in r["coding"]] for r in fvk["role"]] == [
        ["fast_vardkontakt"],
        [COORDINATING],
    ]
    assert fvk["member"]["reference"] == f"PractitionerRole/{world.nurse.pk}-{world.centre.pk}"
    assert fvk["onBehalfOf"]["reference"] == f"Organization/{world.centre.pk}"
    assert fvk["period"] == {"start": world.fvk.start.isoformat()}


def test_search_by_each_parameter(reader: Api, world: World, today: Any) -> None:
    pk = world.patient.pk
    cases = {
        "patient": (f"Patient/{pk}", [pk]),
        "subject": (str(pk), [pk]),
        "patient.identifier": (f"{PERSONNUMMER}|{world.patient.personal_id}", [pk]),
        "participant": (f"PractitionerRole/{world.doctor.pk}-{world.centre.pk}", [pk]),
        "role": (f"{ROLE}|{COORDINATING}", [pk]),
        "status": ("inactive", []),
        "date": (f"ge{today.isoformat()}", [pk]),
    }
    for name, (value, expected) in cases.items():
        # when
        found = body(reader.get("/fhir/CareTeam", **{name: value}))
        # then
        assert [int(e["resource"]["id"]) for e in found.get("entry", [])] == expected, name
    # a participant who is in no team of the unit's people, and a role nobody has
    assert (
        body(reader.get("/fhir/CareTeam", participant=f"Practitioner/{world.carer.pk}"))["total"]
        == 0
    )
    assert body(reader.get("/fhir/CareTeam", role="fast_omsorgskontakt"))["total"] == 0


def test_search_never_shows_people_outside_the_care_relationship(reader: Api, world: World) -> None:
    # when
    found = body(reader.get("/fhir/CareTeam", patient=str(world.outsider.pk)))
    # then
    assert found["total"] == 0
    assert "entry" not in found


def test_include_participant_adds_the_practitioner_roles(reader: Api, world: World) -> None:
    # when
    found = body(reader.get("/fhir/CareTeam", _include="CareTeam:participant"))
    # then
    included = [e for e in found["entry"] if e["search"]["mode"] == "include"]
    assert sorted(e["resource"]["id"] for e in included) == sorted(
        [f"{world.nurse.pk}-{world.centre.pk}", f"{world.doctor.pk}-{world.centre.pk}"]
    )
    assert {e["resource"]["resourceType"] for e in included} == {"PractitionerRole"}


def test_paging_links_walk_every_match_once(reader: Api, world: World, today: Any) -> None:
    # given: five more people listed at the centre
    from tests.factories import PersonFactory

    for _ in range(5):
        PersonFactory(listed_at=world.centre)
    # when
    first = body(reader.get("/fhir/CareTeam", _count="2"))
    seen = [e["resource"]["id"] for e in first["entry"]]
    links = {link["relation"]: link["url"] for link in first["link"]}
    while "next" in links:
        page = body(reader.get(links["next"].removeprefix("http://testserver")))
        seen += [e["resource"]["id"] for e in page["entry"]]
        links = {link["relation"]: link["url"] for link in page["link"]}
    # then
    assert first["total"] == 6
    assert len(seen) == 6 == len(set(seen))
    assert "previous" in links


def test_put_back_unchanged_changes_nothing(writer: Api, world: World) -> None:
    # given
    path = f"/fhir/CareTeam/{world.patient.pk}"
    before = writer.get(path)
    team = body(before)
    contacts = _contacts(world)
    # when
    response = writer.put(path, team, headers={"If-Match": before["ETag"]})
    # then
    assert response.status_code == 200, response.content
    assert body(response) == team
    assert body(writer.get(path)) == team
    assert _contacts(world) == contacts


def test_put_appoints_a_new_participant_and_ends_a_removed_one(
    writer: Api, world: World, today: Any
) -> None:
    # given: the nurse's coordinating contact stays; the doctor is replaced by the other doctor
    from fastkontakt.registry.models import StaffUnit
    from tests.factories import StaffFactory

    new_doctor = StaffFactory(name="Nils Nyläkare", profession="lakare")
    StaffUnit.objects.create(staff=new_doctor, unit=world.centre)
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    team["participant"] = [
        team["participant"][0],
        {
            "role": [{"coding": [{"system": ROLE, "code": "fast_lakarkontakt"}]}],
            "member": {"reference": f"PractitionerRole/{new_doctor.pk}-{world.centre.pk}"},
            "onBehalfOf": {"reference": f"Organization/{world.centre.pk}"},
            "period": {"start": today.isoformat()},
        },
    ]
    # when
    response = writer.put(path, team)
    # then
    assert response.status_code == 200, response.content
    world.flk.refresh_from_db()
    assert world.flk.end == today - timedelta(days=1)
    new = Contact.objects.get(person=world.patient, staff=new_doctor)
    assert (new.kind, new.start, new.end) == ("fast_lakarkontakt", today, None)
    participants = body(response)["participant"]
    assert [p["id"] for p in participants] == [
        world.fvk.external_id,
        world.flk.external_id,
        new.external_id,
    ]
    # one write: the appointment, which ends the contact it replaces
    assert list(
        AccessLogEntry.objects.filter(action="write").values_list("username", "what", "unit")
    ) == [(f"api:{'system-1'}", "contact.appoint", world.centre.hsa_id)]


def test_put_breaking_a_rule_is_422_naming_the_rule_and_writes_nothing(
    writer: Api, world: World, today: Any
) -> None:
    # given: the nurse (not a physician) as fast läkarkontakt instead of the doctor
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    contacts = _contacts(world)
    writes = AccessLogEntry.objects.filter(action="write").count()
    team["participant"][1] = {
        "role": [{"coding": [{"system": ROLE, "code": "fast_lakarkontakt"}]}],
        "member": {"reference": f"PractitionerRole/{world.nurse.pk}-{world.centre.pk}"},
        "period": {"start": today.isoformat()},
    }
    # when
    response = writer.put(path, team)
    # then
    outcome = body(response)
    assert response.status_code == 422
    assert outcome["resourceType"] == "OperationOutcome"
    rules = [c["code"] for i in outcome["issue"] for c in i.get("details", {}).get("coding", [])]
    assert "lakarkontakt-profession" in rules
    assert all(i["code"] == "business-rule" for i in outcome["issue"])
    assert _contacts(world) == contacts
    assert AccessLogEntry.objects.filter(action="write").count() == writes


def test_put_with_a_stale_if_match_is_412_a_stale_body_version_409_and_nothing_is_written(
    writer: Api, world: World
) -> None:
    # given
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    contacts = _contacts(world)
    changed = copy.deepcopy(team)
    changed["participant"] = changed["participant"][:1]
    # when
    stale = writer.put(path, changed, headers={"If-Match": 'W/"0000"'})
    malformed = [
        writer.put(path, changed, headers={"If-Match": value})
        for value in ("0000", 'W/"', "W/0000", '"a b"', "")
    ]
    stale_meta = writer.put(path, {**changed, "meta": {"versionId": "0000"}})
    # then: R4 answers a failed If-Match with 412 Precondition Failed
    assert stale.status_code == 412
    assert body(stale)["issue"][0]["code"] == "conflict"
    assert [r.status_code for r in malformed] == [412] * 5
    assert stale_meta.status_code == 409
    assert _contacts(world) == contacts


def test_put_changing_history_is_refused(writer: Api, world: World) -> None:
    # given: a different start for an existing contact
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    contacts = _contacts(world)
    team["participant"][0]["period"]["start"] = "2020-01-01"
    # when
    response = writer.put(path, team)
    # then
    assert response.status_code == 422
    assert body(response)["issue"][0]["expression"] == ["CareTeam.participant[0]"]
    assert _contacts(world) == contacts


def test_put_needs_the_write_scope_and_a_valid_body(reader: Api, writer: Api, world: World) -> None:
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(reader.get(path))
    contacts = _contacts(world)
    assert reader.put(path, team).status_code == 403
    assert writer.put(path, "{not json").status_code == 400
    assert writer.put(path, {"resourceType": "Patient"}).status_code == 400
    assert writer.put(path, {**team, "participant": "nobody"}).status_code == 400
    assert writer.put(path, {**team, "id": "999"}).status_code == 400
    assert (
        writer.put(
            f"/fhir/CareTeam/{world.outsider.pk}", {**team, "id": str(world.outsider.pk)}
        ).status_code
        == 404
    )
    assert _contacts(world) == contacts


def test_transaction_applies_every_update_or_none(writer: Api, world: World, today: Any) -> None:
    # given: one good update (end the doctor) and, for another person of the centre, one that
    # breaks a rule (the nurse as fast läkarkontakt)
    from tests.factories import PersonFactory

    other = PersonFactory(listed_at=world.centre)
    team = body(writer.get(f"/fhir/CareTeam/{world.patient.pk}"))
    other_team = body(writer.get(f"/fhir/CareTeam/{other.pk}"))
    contacts = _contacts(world)
    ending = copy.deepcopy(team)
    ending["participant"][1]["period"]["end"] = today.isoformat()
    breaking = copy.deepcopy(other_team)
    breaking["participant"] = [
        {
            "role": [{"coding": [{"system": ROLE, "code": "fast_lakarkontakt"}]}],
            "member": {"reference": f"PractitionerRole/{world.nurse.pk}-{world.centre.pk}"},
        }
    ]

    def bundle(*teams: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {"resource": t, "request": {"method": "PUT", "url": f"CareTeam/{t['id']}"}}
                for t in teams
            ],
        }

    # when
    last = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    refused = writer.post("/fhir/", bundle(ending, breaking))
    # then
    assert refused.status_code == 422
    assert "lakarkontakt-profession" in refused.content.decode()
    assert _contacts(world) == contacts
    assert not Contact.objects.filter(person=other).exists()
    # the reads of both people stay in the log although the writes were rolled back
    kept = AccessLogEntry.objects.filter(seq__gt=last)
    assert sorted(kept.values_list("personal_id", "action")) == sorted(
        [(world.patient.personal_id, "read"), (other.personal_id, "read")]
    )
    # when
    accepted = writer.post("/fhir/", bundle(ending))
    # then
    assert accepted.status_code == 200, accepted.content
    result = body(accepted)
    assert result["type"] == "transaction-response"
    assert result["entry"][0]["response"]["status"] == "200 OK"
    world.flk.refresh_from_db()
    assert world.flk.end == today


def test_reads_are_logged_per_person(reader: Api, world: World) -> None:
    # given
    before = AccessLogEntry.objects.count()
    # when
    reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    reader.get("/fhir/CareTeam")
    reader.get(f"/fhir/CareTeam/{world.outsider.pk}")
    # then
    entries = list(
        AccessLogEntry.objects.filter(seq__gt=before)
        .order_by("seq")
        .values_list("username", "personal_id", "action", "what", "unit")
    )
    name = entries[0][0]
    assert name.startswith("api:system-")
    assert entries == [
        (name, world.patient.personal_id, "read", "fhir.CareTeam.read", world.centre.hsa_id),
        (name, world.patient.personal_id, "read", "fhir.CareTeam.search", world.centre.hsa_id),
        (name, world.outsider.personal_id, "denied", "fhir.CareTeam.read", ""),
    ]
