"""``PractitionerRole``: a staff member at a unit (id ``<staff pk>-<unit pk>``); the members
of care teams. Search by practitioner and organization lists where staff work now."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.practitioner_role import (
    parse_practitioner_role_id,
    practitioner_role_resource,
)
from fastkontakt.fhir.outcomes import fhir_error
from fastkontakt.fhir.schemas import (
    BundleOut,
    PractitionerRoleOut,
    PractitionerRoleSearch,
    responses,
)
from fastkontakt.fhir.search import parse_int_id, parse_page, parse_reference
from fastkontakt.fhir.selectors import practitioner_role_get, practitioner_role_search
from fastkontakt.fhir.views.feeds import PUT_RESPONSES, feed_put
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset
from fastkontakt.runtime import clock

router = Router(tags=["PractitionerRole"])
supports(
    "PractitionerRole",
    "read",
    "search-type",
    search={"practitioner": "reference", "organization": "reference"},
)


def _ids(parameter: str, text: str | None, kind: str) -> list[int]:
    return [
        parse_int_id(parameter, parse_reference(parameter, value, (kind,))[1])
        for value in (text or "").split(",")
        if value
    ]


@router.get("/PractitionerRole", response=responses(BundleOut, not_found=False))
def practitioner_role_search_view(
    request: HttpRequest, params: Query[PractitionerRoleSearch]
) -> HttpResponse:
    actor_for(request, "PractitionerRole")
    page = parse_page(params.count, params.offset)
    found = practitioner_role_search(
        page=page,
        practitioners=_ids("practitioner", params.practitioner, "Practitioner"),
        organizations=_ids("organization", params.organization, "Organization"),
    )
    day = clock.today()
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[
            practitioner_role_resource(r.staff, r.unit, works_there=True, today=day)
            for r in found.items
        ],
    )


@router.get("/PractitionerRole/{id}", response=responses(PractitionerRoleOut))
def practitioner_role_read(request: HttpRequest, id: str) -> HttpResponse:
    actor_for(request, "PractitionerRole")
    pair = parse_practitioner_role_id(id)
    if pair is None:
        raise fhir_error(404, "not-found", "Resursen finns inte.")
    staff, unit, works_there = practitioner_role_get(staff_pk=pair[0], unit_pk=pair[1])
    return fhir_response(
        practitioner_role_resource(staff, unit, works_there=works_there, today=clock.today())
    )


@router.put("/PractitionerRole", response=PUT_RESPONSES)
def practitioner_role_conditional_update(request: HttpRequest) -> HttpResponse:
    """The feed's conditional update (``fhir.views.feeds``, ADR 0024)."""
    return feed_put(request, "PractitionerRole")
