"""Importing a population from a transaction Bundle: all or nothing, region-wide.

Who may import what (a client bound to a unit) is in ``test_import_ownership.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.appointment import import_problems
from fastkontakt.domain.model import Scenario
from fastkontakt.domain.rules import POLICIES, Directory
from fastkontakt.fhir.mappers.population import population_bundle, population_scenario
from fastkontakt.registry.models import Contact, Person
from fastkontakt.registry.selectors import scenario_export
from tests.conftest import RegistryState
from tests.fhir.conftest import Api, World, body


def _accepted_part(scenario: Scenario, today: date) -> tuple[Scenario, int]:
    """The demo people a Bundle can bring in (the demo plants breaches of the rules on
    purpose), and how many the demo refused."""
    mapped = population_scenario(Bundle.model_validate(population_bundle(scenario)))
    directory = Directory.of(mapped.units, mapped.staff)
    fine = {
        p.id
        for p in mapped.patients
        if not import_problems(p, directory, as_of=today, policy=POLICIES["national"])
    }
    kept = tuple(p for p in scenario.patients if p.id in fine)
    return replace(scenario, patients=kept), len(scenario.patients) - len(kept)


def test_a_population_bundle_loads_the_same_people_and_contacts(
    world: World, region_importer: Api, today: date
) -> None:
    # given: the part of a demo population that keeps the rules
    scenario, _ = _accepted_part(demo_scenario(people=60, seed=5, as_of=today), today)
    document = population_bundle(scenario)
    before = Person.objects.count()
    # when
    response = region_importer.post("/fhir/", document)
    # then
    assert response.status_code == 200, response.content[:1000]
    result = body(response)
    assert result["type"] == "transaction-response"
    assert len(result["entry"]) == len(document["entry"])
    assert Person.objects.count() == before + len(scenario.patients)
    exported = {p.id: p for p in scenario_export().patients}
    for patient in scenario.patients:
        loaded = exported[patient.id]
        assert (loaded.name, loaded.residence, loaded.listed_at) == (
            patient.name,
            patient.residence,
            patient.listed_at,
        )
        assert loaded.contacts == patient.contacts
    writes = AccessLogEntry.objects.filter(action="write", what="fhir.import.region")
    assert writes.count() == len(scenario.patients)


def test_every_entry_answers_201_with_the_location_the_read_endpoints_serve(
    world: World, region_importer: Api, today: date
) -> None:
    # given
    scenario, _ = _accepted_part(demo_scenario(people=10, seed=5, as_of=today), today)
    document = population_bundle(scenario)
    # when
    result = body(region_importer.post("/fhir/", document))
    # then: one answer per entry, in order, each a creation at the resource's read address.
    # The directory is read back through the API; people by their id, since a region-wide
    # grant is for loading, not for reading people outside the client's care relationships.
    for sent, answer in zip(document["entry"], result["entry"], strict=True):
        kind = sent["resource"]["resourceType"]
        assert answer["response"]["status"] == "201 Created"
        location = answer["response"]["location"]
        assert location.startswith(f"{kind}/")
        ident = location.split("/", 1)[1]
        if kind in ("Patient", "CareTeam"):
            person = Person.objects.get(pk=int(ident))
            subject = sent["resource"].get("subject", {}).get("reference", "")
            number = sent["resource"]["identifier"][0]["value"] if kind == "Patient" else (
                subject.removeprefix("urn:uuid:person-")
            )
            assert person.personal_id == number
            continue
        read = region_importer.get(f"/fhir/{location}")
        assert read.status_code == 200, (location, read.content[:300])
        assert body(read)["id"] == ident
        if kind != "PractitionerRole":
            assert body(read)["identifier"][0]["value"] == (
                sent["resource"]["identifier"][0]["value"]
            )


def test_the_demo_regions_planted_breaches_are_refused_by_rule(
    world: World,
    region_importer: Api,
    today: date,
    registry_state: Callable[[], RegistryState],
) -> None:
    # given: the whole demo population, breaches included
    scenario = demo_scenario(people=60, seed=5, as_of=today)
    _, refused_people = _accepted_part(scenario, today)
    assert refused_people > 0
    before, log = registry_state(), AccessLogEntry.objects.count()
    # when
    response = region_importer.post("/fhir/", population_bundle(scenario))
    # then: 422, every issue a rule with its id and the entry it concerns; nothing written
    assert response.status_code == 422
    issues = body(response)["issue"]
    assert {issue["code"] for issue in issues} == {"business-rule"}
    assert all(issue["details"]["coding"][0]["code"] for issue in issues)
    assert all(issue["expression"][0].startswith("Bundle.entry[") for issue in issues)
    assert registry_state() == before
    assert AccessLogEntry.objects.count() == log


def test_an_import_with_a_problem_writes_nothing(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given: a care team pointing at a practitioner role that is not in the bundle
    importer = api_for(world.centre, "system/*.write")
    document = population_bundle(demo_scenario(people=20, seed=5, as_of=today))
    team = next(e for e in document["entry"] if e["resource"]["resourceType"] == "CareTeam")
    team["resource"]["participant"][0]["member"]["reference"] = "urn:uuid:nowhere"
    people, contacts = Person.objects.count(), Contact.objects.count()
    # when
    response = importer.post("/fhir/", document)
    # then
    assert response.status_code == 400
    outcome = body(response)
    assert outcome["issue"][0]["expression"][0].endswith(".participant[0].member")
    assert (Person.objects.count(), Contact.objects.count()) == (people, contacts)


def test_importing_people_already_in_the_registry_is_refused_and_logged(
    world: World, region_importer: Api, today: date
) -> None:
    # given
    scenario, _ = _accepted_part(demo_scenario(people=20, seed=5, as_of=today), today)
    document = population_bundle(scenario)
    assert region_importer.post("/fhir/", document).status_code == 200
    contacts = Contact.objects.count()
    patients = [i for i, e in enumerate(document["entry"])
                if e["resource"]["resourceType"] == "Patient"]
    # when
    again = region_importer.post("/fhir/", json.dumps(document))
    # then: 422 naming each person's entry, nothing written, each attempt logged as denied
    assert again.status_code == 422
    issues = body(again)["issue"]
    assert {issue["code"] for issue in issues} == {"duplicate"}
    assert [issue["expression"][0] for issue in issues] == [f"Bundle.entry[{i}]" for i in patients]
    assert Contact.objects.count() == contacts
    denied = AccessLogEntry.objects.filter(action="denied", what="fhir.import.region")
    assert sorted(denied.values_list("personal_id", flat=True)) == sorted(
        p.id for p in scenario.patients
    )


def test_import_needs_the_write_scope_for_everything(
    world: World, writer: Api, today: date
) -> None:
    # given: a client that may write care teams only
    document = population_bundle(demo_scenario(people=5, seed=5, as_of=today))
    people = Person.objects.count()
    # when
    response = writer.post("/fhir/", document)
    # then: one issue per type it may not write, naming its first entry
    assert response.status_code == 403
    issues: list[dict[str, Any]] = body(response)["issue"]
    assert {issue["code"] for issue in issues} == {"forbidden"}
    assert {issue["diagnostics"].split()[-1] for issue in issues} == {
        "system/Organization.cu.",
        "system/Practitioner.cu.",
        "system/PractitionerRole.cu.",
        "system/Patient.cu.",
    }
    assert Person.objects.count() == people
