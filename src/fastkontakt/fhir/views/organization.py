"""``Organization``: the units (read; search by HSA-id and name)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.organization import organization_resource
from fastkontakt.fhir.schemas import BundleOut, DirectorySearch, OrganizationOut, responses
from fastkontakt.fhir.search import parse_page, parse_token
from fastkontakt.fhir.selectors import unit_get, unit_search
from fastkontakt.fhir.views.feeds import PUT_RESPONSES, feed_put
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["Organization"])
supports("Organization", "read", "search-type", search={"identifier": "token", "name": "string"})


@router.get("/Organization", response=responses(BundleOut, not_found=False))
def organization_search(request: HttpRequest, params: Query[DirectorySearch]) -> HttpResponse:
    actor_for(request, "Organization")
    page = parse_page(params.count, params.offset)
    tokens = [parse_token("identifier", v) for v in (params.identifier or "").split(",") if v]
    found = unit_search(page=page, identifiers=tokens, name=params.name or "")
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[organization_resource(u) for u in found.items],
    )


@router.get("/Organization/{id}", response=responses(OrganizationOut))
def organization_read(request: HttpRequest, id: str) -> HttpResponse:
    actor_for(request, "Organization")
    return fhir_response(organization_resource(unit_get(unit_pk=int_id(id))))


@router.put("/Organization", response=PUT_RESPONSES)
def organization_conditional_update(request: HttpRequest) -> HttpResponse:
    """The feed's conditional update (``fhir.views.feeds``, ADR 0024)."""
    return feed_put(request, "Organization")
