"""Information transfers → ``Consent``: information about a person handed over to a recipient,
with or without the person's consent (``provision.type`` permit or deny)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.consent import Consent, ConsentProvision, ConsentProvisionActor
from fhir.resources.R4B.reference import Reference

from fastkontakt.registry.models import InformationTransfer

_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
_LOINC = "http://loinc.org"


def consent_resource(transfer: InformationTransfer) -> Consent:
    return Consent(
        id=str(transfer.pk),
        status="active",
        scope=CodeableConcept(
            coding=[Coding(system=_SCOPE, code="patient-privacy", display="Privacy Consent")]
        ),
        category=[
            CodeableConcept(coding=[Coding(system=_LOINC, code="59284-0", display="Consent")])
        ],
        patient=Reference(reference=f"Patient/{transfer.person_id}"),
        dateTime=datetime.combine(transfer.date, time(12), tzinfo=UTC),
        policyRule=CodeableConcept(
            coding=[Coding(system=_ACT_CODE, code="OPTIN" if transfer.consent else "OPTOUT")]
        ),
        provision=ConsentProvision(
            type="permit" if transfer.consent else "deny",
            actor=[
                ConsentProvisionActor(
                    role=CodeableConcept(
                        coding=[
                            Coding(system=_ROLE_CODE, code="IRCP", display="information recipient")
                        ]
                    ),
                    reference=Reference(display=transfer.recipient),
                )
            ],
        ),
    )
