"""A staff member at a unit → ``PractitionerRole`` (id ``<staff pk>-<unit pk>``).

This is what a care team's participant points to: the person *at* the unit on whose behalf
they are the contact.
"""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.reference import Reference

from fastkontakt.fhir.mappers.practitioner import profession_concept, staff_active
from fastkontakt.registry.models import Staff, Unit


def practitioner_role_id(staff_pk: int, unit_pk: int) -> str:
    return f"{staff_pk}-{unit_pk}"


def parse_practitioner_role_id(text: str) -> tuple[int, int] | None:
    staff, _, unit = text.partition("-")
    if not (staff.isascii() and staff.isdigit() and unit.isascii() and unit.isdigit()):
        return None
    if len(staff) > 18 or len(unit) > 18:
        return None
    return int(staff), int(unit)


def practitioner_role_resource(
    staff: Staff, unit: Unit, *, works_there: bool, today: date
) -> PractitionerRole:
    """``works_there``: the staff member is registered at the unit now (else a past role)."""
    return PractitionerRole(
        id=practitioner_role_id(staff.pk, unit.pk),
        active=works_there and staff_active(staff, today),
        practitioner=Reference(reference=f"Practitioner/{staff.pk}", display=staff.name),
        organization=Reference(reference=f"Organization/{unit.pk}", display=unit.name),
        code=[profession_concept(staff)],
    )
