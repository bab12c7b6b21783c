"""The FHIR API: one NinjaAPI speaking ``application/fhir+json``, with bearer tokens of API
clients, an OperationOutcome for every error, and the view modules mounted at the root."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

from fastkontakt.domain.errors import NotFound
from fastkontakt.fhir.clients import api_client_authenticate
from fastkontakt.fhir.models import ApiClient
from fastkontakt.fhir.outcomes import FHIR_JSON, install_exception_handlers
from fastkontakt.fhir.smart import TOKEN_PREFIX as SMART_TOKEN_PREFIX
from fastkontakt.fhir.smart import smart_token_authenticate


class FhirRenderer(BaseRenderer):
    """Only for what ninja renders itself; the views return ready FHIR responses."""

    media_type = FHIR_JSON

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, ensure_ascii=False)


class ClientToken(HttpBearer):
    """``Authorization: Bearer <token>``: an access token from the SMART token endpoint
    (``fks.``, ADR 0023) or, in development only, a static ``fk1.<client>.<secret>``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        try:
            if token.startswith(f"{SMART_TOKEN_PREFIX}."):
                return smart_token_authenticate(token=token)
            return api_client_authenticate(token=token)
        except NotFound:
            return None


api = NinjaAPI(
    title="Fast kontakt FHIR API",
    version="4.3.0",
    description="FHIR R4 (R4B) för fasta kontakter: IHE Dynamic Care Team Management "
    "(PCC-45, PCC-46, PCC-47) med Patient, Practitioner, PractitionerRole, Organization, "
    "CareTeam, CarePlan, Task, Consent och AuditEvent.",
    renderer=FhirRenderer(),
    auth=ClientToken(),
    urls_namespace="fhir",
    docs_url=None,
    openapi_url="/openapi.json",
)
install_exception_handlers(api)


def _mount() -> None:
    # Imported here so that each view module's ``supports`` calls run once the API exists.
    from fastkontakt.fhir.views.audit_event import router as audit_event
    from fastkontakt.fhir.views.care_plan import router as care_plan
    from fastkontakt.fhir.views.care_team import router as care_team
    from fastkontakt.fhir.views.code_system import router as code_system
    from fastkontakt.fhir.views.consent import router as consent
    from fastkontakt.fhir.views.feeds import router as feeds
    from fastkontakt.fhir.views.metadata import router as metadata
    from fastkontakt.fhir.views.organization import router as organization
    from fastkontakt.fhir.views.patient import router as patient
    from fastkontakt.fhir.views.practitioner import router as practitioner
    from fastkontakt.fhir.views.practitioner_role import router as practitioner_role
    from fastkontakt.fhir.views.task import router as task
    from fastkontakt.fhir.views.transaction import router as transaction

    for router in (
        metadata,
        transaction,
        patient,
        practitioner,
        practitioner_role,
        organization,
        care_team,
        care_plan,
        task,
        consent,
        audit_event,
        code_system,
        feeds,
    ):
        api.add_router("", router)


_mount()
