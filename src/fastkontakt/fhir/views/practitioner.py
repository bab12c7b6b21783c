"""``Practitioner``: the staff (read; search by HSA-id and name)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.practitioner import practitioner_resource
from fastkontakt.fhir.schemas import BundleOut, DirectorySearch, PractitionerOut, responses
from fastkontakt.fhir.search import parse_page, parse_token
from fastkontakt.fhir.selectors import staff_get, staff_search
from fastkontakt.fhir.views.feeds import PUT_RESPONSES, feed_put
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset
from fastkontakt.runtime import clock

router = Router(tags=["Practitioner"])
supports("Practitioner", "read", "search-type", search={"identifier": "token", "name": "string"})


@router.get("/Practitioner", response=responses(BundleOut, not_found=False))
def practitioner_search(request: HttpRequest, params: Query[DirectorySearch]) -> HttpResponse:
    actor_for(request, "Practitioner")
    page = parse_page(params.count, params.offset)
    tokens = [parse_token("identifier", v) for v in (params.identifier or "").split(",") if v]
    found = staff_search(page=page, identifiers=tokens, name=params.name or "")
    day = clock.today()
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[practitioner_resource(s, today=day) for s in found.items],
    )


@router.get("/Practitioner/{id}", response=responses(PractitionerOut))
def practitioner_read(request: HttpRequest, id: str) -> HttpResponse:
    actor_for(request, "Practitioner")
    staff = staff_get(staff_pk=int_id(id))
    return fhir_response(practitioner_resource(staff, today=clock.today()))


@router.put("/Practitioner", response=PUT_RESPONSES)
def practitioner_conditional_update(request: HttpRequest) -> HttpResponse:
    """The feed's conditional update (``fhir.views.feeds``, ADR 0024)."""
    return feed_put(request, "Practitioner")
