"""Unit → ``Organization``: HSA-id, name, the unit's type, its phone number and postal address."""

from __future__ import annotations

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization

from fastkontakt.fhir.mappers.address import address_resource
from fastkontakt.fhir.mappers.codes import HSA_ID, UNIT_TYPE
from fastkontakt.registry.models import Unit


def organization_resource(unit: Unit) -> Organization:
    address = unit.postal_address()
    return Organization(
        id=str(unit.pk),
        identifier=[Identifier(use="official", system=HSA_ID, value=unit.hsa_id)],
        active=True,
        name=unit.name,
        type=[
            CodeableConcept(
                coding=[Coding(system=UNIT_TYPE, code=unit.type, display=unit.get_type_display())]
            )
        ],
        telecom=[ContactPoint(system="phone", value=unit.phone, use="work")]
        if unit.phone
        else None,
        address=[address_resource(address, use="work")] if address else None,
    )
