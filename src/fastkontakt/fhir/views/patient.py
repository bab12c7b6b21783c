"""``Patient``: read and search (identifier, _id, name), among the people the client's unit
has a care relationship with. ``POST Patient/_search`` keeps personnummer out of URLs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Form, Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.patient import patient_resource
from fastkontakt.fhir.schemas import BundleOut, PatientOut, PatientSearch, responses
from fastkontakt.fhir.search import parse_int_id, parse_page, parse_token
from fastkontakt.fhir.selectors import patient_search, person_get
from fastkontakt.fhir.views.feeds import PUT_RESPONSES, feed_put
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["Patient"])
supports(
    "Patient",
    "read",
    "search-type",
    search={"identifier": "token", "_id": "token", "name": "string"},
)


def _search(request: HttpRequest, params: PatientSearch) -> HttpResponse:
    actor = actor_for(request, "Patient")
    page = parse_page(params.count, params.offset)
    found = patient_search(
        actor=actor,
        page=page,
        ids=[parse_int_id("_id", v) for v in params.id.split(",")] if params.id else (),
        identifiers=[parse_token("identifier", v) for v in params.identifier.split(",")]
        if params.identifier
        else (),
        name=params.name or "",
    )
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[patient_resource(p) for p in found.items],
    )


@router.get("/Patient", response=responses(BundleOut, not_found=False))
def patient_search_get(request: HttpRequest, params: Query[PatientSearch]) -> HttpResponse:
    return _search(request, params)


@router.post("/Patient/_search", response=responses(BundleOut, not_found=False))
def patient_search_post(request: HttpRequest, params: Form[PatientSearch]) -> HttpResponse:
    return _search(request, params)


@router.get("/Patient/{id}", response=responses(PatientOut))
def patient_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "Patient")
    person = person_get(actor=actor, person_pk=int_id(id), what="fhir.Patient.read")
    return fhir_response(patient_resource(person))


@router.put("/Patient", response=PUT_RESPONSES)
def patient_conditional_update(request: HttpRequest) -> HttpResponse:
    """The feed's conditional update (``fhir.views.feeds``, ADR 0024)."""
    return feed_put(request, "Patient")
