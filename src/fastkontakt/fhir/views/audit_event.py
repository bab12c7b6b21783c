"""``AuditEvent``: the access log, for clients with the log reviewer's scope
(``system/AuditEvent.read``) only. Reading the log is itself logged (``log_review_read``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.audit_event import audit_event_resource
from fastkontakt.fhir.schemas import AuditEventOut, AuditEventSearch, BundleOut, responses
from fastkontakt.fhir.search import (
    parse_date,
    parse_int_id,
    parse_page,
    parse_reference,
    parse_token,
)
from fastkontakt.fhir.selectors import audit_event_get, audit_event_search, personal_id_of
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["AuditEvent"])
supports(
    "AuditEvent",
    "read",
    "search-type",
    search={
        "patient": "reference",
        "patient.identifier": "token",
        "altid": "token",
        "date": "date",
    },
)


@router.get("/AuditEvent", response=responses(BundleOut, not_found=False))
def audit_event_search_view(request: HttpRequest, params: Query[AuditEventSearch]) -> HttpResponse:
    actor = actor_for(request, "AuditEvent")
    page = parse_page(params.count, params.offset)
    personal_id: str | None = None
    if params.patient:
        _, ident = parse_reference("patient", params.patient, ("Patient",))
        personal_id = personal_id_of(person_pk=parse_int_id("patient", ident))
    if params.patient_identifier:
        personal_id = parse_token("patient.identifier", params.patient_identifier).code
    found = audit_event_search(
        actor=actor,
        page=page,
        personal_id=personal_id,
        username=params.altid or "",
        dates=parse_date("date", params.date) if params.date else None,
    )
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[audit_event_resource(entry) for entry in found.items],
    )


@router.get("/AuditEvent/{id}", response=responses(AuditEventOut))
def audit_event_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "AuditEvent")
    return fhir_response(audit_event_resource(audit_event_get(actor=actor, entry_id=int_id(id))))
