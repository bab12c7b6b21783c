"""Staff → ``Practitioner``: HSA-id, name, profession (and licence), phone number."""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.practitioner import Practitioner, PractitionerQualification

from fastkontakt.fhir.mappers.codes import EXT_ELIGIBLE, EXT_LICENSED, HSA_ID, PROFESSION
from fastkontakt.fhir.mappers.patient import human_name
from fastkontakt.registry.models import Staff


def profession_concept(staff: Staff) -> CodeableConcept:
    return CodeableConcept(
        coding=[
            Coding(system=PROFESSION, code=staff.profession, display=staff.get_profession_display())
        ]
    )


def staff_active(staff: Staff, today: date) -> bool:
    return staff.employment_end is None or staff.employment_end >= today


def practitioner_resource(staff: Staff, *, today: date) -> Practitioner:
    return Practitioner(
        id=str(staff.pk),
        identifier=[Identifier(use="official", system=HSA_ID, value=staff.hsa_id)],
        active=staff_active(staff, today),
        name=[human_name(staff.name)],
        telecom=[ContactPoint(system="phone", value=staff.phone, use="work")]
        if staff.phone
        else None,
        qualification=[PractitionerQualification(code=profession_concept(staff))],
        extension=[
            Extension(url=EXT_LICENSED, valueBoolean=staff.licensed),
            Extension(url=EXT_ELIGIBLE, valueBoolean=staff.eligible),
        ],
    )
