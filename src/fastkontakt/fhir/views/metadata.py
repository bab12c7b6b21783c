"""``GET /fhir/metadata``: the CapabilityStatement (no token needed, as FHIR expects)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from fastkontakt.fhir.capability import capability_statement
from fastkontakt.fhir.schemas import CapabilityStatementOut
from fastkontakt.fhir.views.rendering import base_url, fhir_response

router = Router(tags=["metadata"])


@router.get("/metadata", auth=None, response={200: CapabilityStatementOut})
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement(base_url(request)))
