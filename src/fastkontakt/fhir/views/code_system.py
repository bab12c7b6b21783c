"""``CodeSystem/contact-role``: our code system of the six contact kinds and the coordinating
flag, the codes of ``CareTeam.participant.role``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept
from ninja import Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.codes import (
    CONTACT_ROLE,
    CONTACT_ROLE_DEFINITION,
    CONTACT_ROLE_DISPLAY,
)
from fastkontakt.fhir.outcomes import fhir_error
from fastkontakt.fhir.schemas import CodeSystemOut, responses
from fastkontakt.fhir.views.rendering import fhir_response

router = Router(tags=["CodeSystem"])
supports("CodeSystem", "read")
CONTACT_ROLE_ID = "contact-role"


def contact_role_code_system() -> CodeSystem:
    return CodeSystem(
        id=CONTACT_ROLE_ID,
        url=CONTACT_ROLE,
        name="FastKontaktRoll",
        title="Fasta kontakter och samordningsansvar",
        status="active",
        content="complete",
        caseSensitive=True,
        count=len(CONTACT_ROLE_DISPLAY),
        concept=[
            CodeSystemConcept(code=code, display=display, definition=CONTACT_ROLE_DEFINITION[code])
            for code, display in CONTACT_ROLE_DISPLAY.items()
        ],
    )


@router.get("/CodeSystem/{id}", auth=None, response=responses(CodeSystemOut))
def code_system_read(request: HttpRequest, id: str) -> HttpResponse:
    if id != CONTACT_ROLE_ID:
        raise fhir_error(404, "not-found", "Resursen finns inte.")
    return fhir_response(contact_role_code_system())
