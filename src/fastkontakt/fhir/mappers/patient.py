"""Person → ``Patient``: the personnummer or samordningsnummer, the name, the postal address,
the listing."""

from __future__ import annotations

from html import escape

from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.reference import Reference

from fastkontakt.domain.identifiers import birth_date_of, personal_id_display
from fastkontakt.fhir.mappers.address import address_resource
from fastkontakt.fhir.mappers.codes import (
    EXT_HOME_HEALTH_CARE,
    EXT_RESIDENCE,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
)
from fastkontakt.registry.models import Person

_COORDINATION_DAY = 60
XHTML = "http://www.w3.org/1999/xhtml"


def personal_id_system(number: str) -> str:
    """Samordningsnummer have 60 added to the day of birth."""
    return SAMORDNINGSNUMMER if int(number[6:8]) > _COORDINATION_DAY else PERSONNUMMER


def personal_identifier(number: str) -> Identifier:
    return Identifier(use="official", system=personal_id_system(number), value=number)


def human_name(name: str) -> HumanName:
    given, _, family = name.strip().rpartition(" ")
    names: list[str | None] = list(given.split())
    return HumanName(use="official", text=name, family=family or None, given=names or None)


def patient_reference(person_pk: int, display: str | None = None) -> Reference:
    return Reference(reference=f"Patient/{person_pk}", display=display)


def patient_narrative(person: Person) -> Narrative:
    """The human-readable summary: the name and the number as people write it (the identifier
    keeps the 12 digits its OID prescribes)."""
    number = person.personal_id
    coordination = personal_id_system(number) == SAMORDNINGSNUMMER
    kind = "samordningsnummer" if coordination else "personnummer"
    text = f"{escape(person.name)}, {kind} {personal_id_display(number)}"
    return Narrative(status="generated", div=f'<div xmlns="{XHTML}"><p>{text}</p></div>')


def patient_resource(person: Person) -> Patient:
    """Reads ``person``'s own columns only (``listed_at_id``, not the unit)."""
    address = person.postal_address()
    return Patient(
        id=str(person.pk),
        text=patient_narrative(person),
        identifier=[personal_identifier(person.personal_id)],
        active=True,
        name=[human_name(person.name)],
        birthDate=birth_date_of(person.personal_id),
        address=[address_resource(address, use="home")] if address else None,
        generalPractitioner=[Reference(reference=f"Organization/{person.listed_at_id}")]
        if person.listed_at_id
        else None,
        extension=[
            Extension(url=EXT_RESIDENCE, valueCode=person.residence),
            Extension(url=EXT_HOME_HEALTH_CARE, valueBoolean=person.home_health_care),
        ],
    )
