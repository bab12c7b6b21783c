"""``Consent``: the information transfers about a person (read; search by patient)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.consent import consent_resource
from fastkontakt.fhir.schemas import BundleOut, ConsentOut, PatientScopedSearch, responses
from fastkontakt.fhir.search import parse_int_id, parse_page, parse_reference
from fastkontakt.fhir.selectors import consent_get, consent_search
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["Consent"])
supports("Consent", "read", "search-type", search={"patient": "reference"})


@router.get("/Consent", response=responses(BundleOut, not_found=False))
def consent_search_view(request: HttpRequest, params: Query[PatientScopedSearch]) -> HttpResponse:
    actor = actor_for(request, "Consent")
    page = parse_page(params.count, params.offset)
    patients = [
        parse_int_id("patient", parse_reference("patient", v, ("Patient",))[1])
        for v in (params.patient or "").split(",")
        if v
    ]
    found = consent_search(actor=actor, page=page, patients=patients)
    return searchset(
        request, total=found.total, page=page, matches=[consent_resource(t) for t in found.items]
    )


@router.get("/Consent/{id}", response=responses(ConsentOut))
def consent_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "Consent")
    return fhir_response(consent_resource(consent_get(actor=actor, transfer_pk=int_id(id))))
