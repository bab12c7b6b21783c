"""Postal addresses in FHIR: ``Patient.address`` and ``Organization.address``, read and imported."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle

from fastkontakt.domain.model import Patient, PostalAddress, Scenario, Unit
from fastkontakt.fhir.mappers.population import (
    PopulationProblems,
    population_bundle,
    population_scenario,
)
from tests.fhir.conftest import Api, World, body

HOME = PostalAddress(
    street="Storgatan 12 lgh 1101", postal_code="972 31", city="Luleå", care_of="Anna Lind"
)
OFFICE = PostalAddress(street="Box 815", postal_code="971 28", city="Luleå")


def test_patient_and_organization_show_their_postal_addresses(world: World, reader: Api) -> None:
    # given
    world.patient.address_columns(HOME)
    world.patient.save()
    world.centre.address_columns(OFFICE)
    world.centre.save()
    # when
    patient = body(reader.get(f"/fhir/Patient/{world.patient.pk}"))
    organization = body(reader.get(f"/fhir/Organization/{world.centre.pk}"))
    # then
    assert patient["address"] == [
        {
            "use": "home",
            "type": "postal",
            "line": ["c/o Anna Lind", "Storgatan 12 lgh 1101"],
            "postalCode": "972 31",
            "city": "Luleå",
            "country": "SE",
        }
    ]
    assert organization["address"] == [
        {
            "use": "work",
            "type": "postal",
            "line": ["Box 815"],
            "postalCode": "971 28",
            "city": "Luleå",
            "country": "SE",
        }
    ]


def test_a_patient_without_an_address_has_no_address_element(world: World, reader: Api) -> None:
    # when
    patient = body(reader.get(f"/fhir/Patient/{world.patient.pk}"))
    # then
    assert "address" not in patient


def _scenario(address: PostalAddress | None) -> Scenario:
    unit = Unit(id="SE2321000230-VC01", name="Vårdcentralen", type="primarvard", address=OFFICE)
    return Scenario(
        units=(unit,),
        patients=(Patient(id="195103142385", name="Gunnar Palo", address=address),),
    )


@pytest.mark.parametrize("address", [HOME, OFFICE, None])
def test_a_bundle_carries_the_addresses_both_ways(address: PostalAddress | None) -> None:
    # given
    scenario = _scenario(address)
    # when
    mapped = population_scenario(Bundle.model_validate(population_bundle(scenario)))
    # then
    assert mapped.units[0].address == OFFICE
    assert mapped.patients[0].address == address


def test_a_bundle_postcode_without_a_space_is_read_in_the_written_form() -> None:
    # given
    document = population_bundle(_scenario(HOME))
    document["entry"][1]["resource"]["address"][0]["postalCode"] = "97231"
    # when
    mapped = population_scenario(Bundle.model_validate(document))
    # then
    assert mapped.patients[0].address == HOME


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"postalCode": "ABC 12"},
            "Bundle.entry[1].resource.address.postalCode",
            "Postnumret ska vara fem siffror, till exempel 972 31.",
        ),
        (
            {"city": None},
            "Bundle.entry[1].resource.address",
            "adressen kräver en gatuadress (och högst en c/o-rad före den), postnummer och postort",
        ),
        (
            {"line": ["a", "b", "c"]},
            "Bundle.entry[1].resource.address",
            "adressen kräver en gatuadress (och högst en c/o-rad före den), postnummer och postort",
        ),
        (
            {"country": "NO"},
            "Bundle.entry[1].resource.address.country",
            "bara svenska postadresser tas emot",
        ),
    ],
)
def test_a_bundle_address_that_cannot_be_read_is_a_problem(
    change: dict[str, object], path: str, message: str
) -> None:
    # given
    document = population_bundle(_scenario(HOME))
    address = document["entry"][1]["resource"]["address"][0]
    address.update(change)
    if change.get("city", "") is None:
        del address["city"]
    # when
    with pytest.raises(PopulationProblems) as raised:
        population_scenario(Bundle.model_validate(document))
    # then
    assert [(p.path, p.message) for p in raised.value.problems] == [(path, message)]
