"""Access log entries → ``AuditEvent`` (id: the entry's number in the whole log, its ``id``)."""

from __future__ import annotations

from fhir.resources.R4B.auditevent import (
    AuditEvent,
    AuditEventAgent,
    AuditEventEntity,
    AuditEventSource,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference

from fastkontakt.access.models import AccessLogEntry, Action
from fastkontakt.fhir.mappers.codes import CANONICAL, HSA_ID
from fastkontakt.fhir.mappers.patient import personal_id_system

_DCM = "http://dicom.nema.org/resources/ontology/DCM"
_ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
ACCESS_WHAT = f"{CANONICAL}/CodeSystem/access-what"
ACCESS_BASIS = f"{CANONICAL}/CodeSystem/access-basis"
EXT_FLAGS = f"{CANONICAL}/StructureDefinition/access-flags"
EXT_REQUEST_ID = f"{CANONICAL}/StructureDefinition/request-id"


def audit_event_resource(entry: AccessLogEntry) -> AuditEvent:
    denied = entry.action == Action.DENIED
    extensions = [Extension(url=EXT_REQUEST_ID, valueString=entry.request_id)]
    if entry.flags:
        extensions.append(Extension(url=EXT_FLAGS, valueString=entry.flags))
    personal_id = entry.personal_id
    what = (
        Reference(identifier=Identifier(system=personal_id_system(personal_id), value=personal_id))
        if len(personal_id) == 12 and personal_id.isdigit()
        else Reference(display=personal_id)
    )
    return AuditEvent(
        id=str(entry.pk),
        extension=extensions,
        type=Coding(system=_DCM, code="110110", display="Patient Record"),
        subtype=[Coding(system=ACCESS_WHAT, code=entry.what)],
        action="U" if entry.action == Action.WRITE else "R",
        recorded=entry.at,
        outcome="4" if denied else "0",
        outcomeDesc="Nekad: ingen vårdrelation" if denied else None,
        purposeOfEvent=[CodeableConcept(coding=[Coding(system=ACCESS_BASIS, code=entry.basis)])],
        agent=[
            AuditEventAgent(
                requestor=True,
                altId=entry.username,
                who=Reference(display=entry.username),
            )
        ],
        source=AuditEventSource(
            site=entry.unit or None,
            observer=Reference(
                identifier=Identifier(system=HSA_ID, value=entry.unit) if entry.unit else None,
                display="Fast kontakt",
            ),
        ),
        entity=[
            AuditEventEntity(
                what=what, type=Coding(system=_ENTITY_TYPE, code="1", display="Person")
            )
        ],
    )
