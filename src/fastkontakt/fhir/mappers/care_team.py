"""A person's contacts → one ``CareTeam`` (IHE Dynamic Care Team Management).

One care team per person (id: the person's pk), holding every fixed contact, current and past,
as a participant: the role coded in our ``contact-role`` code system (a second role
``samordningsansvar`` marks the coordinating fast vårdkontakt), the member as the
``PractitionerRole`` of the staff member at the unit, ``onBehalfOf`` the unit and the
contact's ``period``. The participant's element id is the contact's id, which is how an update
(``PUT``) says which participant is which contact.

The team's version is a hash of its contacts: any change to any contact changes it, without a
counter in the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir.resources.R4B.careteam import CareTeam, CareTeamParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from fastkontakt.domain.calendar import active_on
from fastkontakt.fhir.mappers.codes import (
    CONTACT_ROLE,
    CONTACT_ROLE_DISPLAY,
    COORDINATING,
    EXT_AGREED,
    EXT_END_REASON,
    EXT_INFORMED,
    EXT_LOCAL_TITLE,
    EXT_REASON,
    fhir_day,
)
from fastkontakt.fhir.mappers.practitioner_role import practitioner_role_id
from fastkontakt.registry.models import Contact, Person
from fastkontakt.registry.selectors import contacts_version

_LOINC = "http://loinc.org"
_LONGITUDINAL = "LA28865-6"  # Longitudinal care-coordination focused care team


def role_concepts(kind: str, coordinating: bool) -> list[CodeableConcept]:
    roles = [
        CodeableConcept(
            coding=[Coding(system=CONTACT_ROLE, code=kind, display=CONTACT_ROLE_DISPLAY[kind])]
        )
    ]
    if coordinating:
        roles.append(
            CodeableConcept(
                coding=[
                    Coding(
                        system=CONTACT_ROLE,
                        code=COORDINATING,
                        display=CONTACT_ROLE_DISPLAY[COORDINATING],
                    )
                ]
            )
        )
    return roles


def _extensions(contact: Contact) -> list[Extension] | None:
    extensions = []
    if contact.reason:
        extensions.append(Extension(url=EXT_REASON, valueCode=contact.reason))
    if contact.agreed_with_person is not None:
        extensions.append(Extension(url=EXT_AGREED, valueBoolean=contact.agreed_with_person))
    if contact.end_reason:
        extensions.append(Extension(url=EXT_END_REASON, valueCode=contact.end_reason))
    if contact.local_title:
        extensions.append(Extension(url=EXT_LOCAL_TITLE, valueString=contact.local_title))
    if contact.informed:
        extensions.append(Extension(url=EXT_INFORMED, valueDate=contact.informed))
    return extensions or None


def participant(contact: Contact) -> CareTeamParticipant:
    """Needs ``contact.staff`` and ``contact.unit`` loaded (their names are displayed)."""
    return CareTeamParticipant(
        id=contact.external_id,
        extension=_extensions(contact),
        role=role_concepts(contact.kind, contact.coordinating),
        member=Reference(
            reference=f"PractitionerRole/{practitioner_role_id(contact.staff_id, contact.unit_id)}",
            display=contact.staff.name,
        ),
        onBehalfOf=Reference(
            reference=f"Organization/{contact.unit_id}", display=contact.unit.name
        ),
        period=Period(start=fhir_day(contact.start), end=fhir_day(contact.end)),
    )


def care_team_resource(person: Person, contacts: Sequence[Contact], *, today: date) -> CareTeam:
    """The person's care team; ``contacts`` are all of theirs, with staff and unit loaded."""
    ordered = sorted(contacts, key=lambda c: (c.start, c.pk))
    current = any(active_on(c.start, c.end, today) for c in ordered)
    period = None
    if ordered:
        ends = [c.end for c in ordered]
        open_ended = current or any(end is None for end in ends)
        period = Period(
            start=fhir_day(ordered[0].start),
            end=None if open_ended else fhir_day(max(end for end in ends if end is not None)),
        )
    return CareTeam(
        id=str(person.pk),
        meta=Meta(versionId=contacts_version(ordered)),
        status="active" if current else "inactive",
        category=[
            CodeableConcept(
                coding=[
                    Coding(
                        system=_LOINC,
                        code=_LONGITUDINAL,
                        display="Longitudinal care-coordination focused care team",
                    )
                ]
            )
        ],
        name=f"Fasta kontakter för {person.name}",
        subject=Reference(reference=f"Patient/{person.pk}", display=person.name),
        period=period,
        participant=[participant(c) for c in ordered] or None,
    )
