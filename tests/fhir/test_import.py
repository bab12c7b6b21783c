"""Importing a population from a transaction Bundle: all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.fhir.mappers.population import population_bundle
from fastkontakt.registry.demo import demo_scenario
from fastkontakt.registry.models import Contact, Person
from fastkontakt.registry.selectors import scenario_export
from tests.fhir.conftest import Api, World, body


def test_a_population_bundle_loads_the_same_people_and_contacts(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given
    scenario = demo_scenario(people=60, seed=5, as_of=today)
    importer = api_for(world.centre, "system/*.read", "system/*.write")
    before = Person.objects.count()
    # when
    response = importer.post("/fhir/", population_bundle(scenario))
    # then
    assert response.status_code == 200, response.content[:1000]
    result = body(response)
    assert result["type"] == "transaction-response"
    assert Person.objects.count() == before + 60
    exported = {p.id: p for p in scenario_export().patients}
    for patient in scenario.patients:
        loaded = exported[patient.id]
        assert (loaded.name, loaded.residence, loaded.listed_at) == (
            patient.name,
            patient.residence,
            patient.listed_at,
        )
        assert loaded.contacts == patient.contacts
    writes = AccessLogEntry.objects.filter(action="write", what="fhir.import")
    assert writes.count() == 60


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


def test_importing_people_already_in_the_registry_is_refused(
    world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given
    importer = api_for(world.centre, "system/*.write")
    document = population_bundle(demo_scenario(people=20, seed=5, as_of=today))
    assert importer.post("/fhir/", document).status_code == 200
    contacts = Contact.objects.count()
    # when
    again = importer.post("/fhir/", json.dumps(document))
    # then
    assert again.status_code == 422
    assert Contact.objects.count() == contacts


def test_import_needs_the_write_scope_for_everything(
    world: World, writer: Api, today: date
) -> None:
    # given: a client that may write care teams only
    document = population_bundle(demo_scenario(people=5, seed=5, as_of=today))
    people = Person.objects.count()
    # when
    response = writer.post("/fhir/", document)
    # then
    assert response.status_code == 403
    assert Person.objects.count() == people
