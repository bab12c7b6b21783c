"""``CarePlan``: implementation plans (``gp-<pk>``) and SIPs (``sip-<pk>``); read and search
by patient and category."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.care_plan import (
    PLAN_PREFIX,
    SIP_PREFIX,
    implementation_plan_resource,
    sip_resource,
)
from fastkontakt.fhir.mappers.codes import CARE_PLAN_KIND
from fastkontakt.fhir.schemas import BundleOut, CarePlanOut, CarePlanSearch, responses
from fastkontakt.fhir.search import parse_int_id, parse_page, parse_reference, parse_token
from fastkontakt.fhir.selectors import care_plan_search, implementation_plan_get, sip_get
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["CarePlan"])
supports("CarePlan", "read", "search-type", search={"patient": "reference", "category": "token"})


@router.get("/CarePlan", response=responses(BundleOut, not_found=False))
def care_plan_search_view(request: HttpRequest, params: Query[CarePlanSearch]) -> HttpResponse:
    actor = actor_for(request, "CarePlan")
    page = parse_page(params.count, params.offset)
    patients = [
        parse_int_id("patient", parse_reference("patient", v, ("Patient",))[1])
        for v in (params.patient or "").split(",")
        if v
    ]
    tokens = [parse_token("category", v) for v in (params.category or "").split(",") if v]
    # A kind in another system names no kind of ours: "" matches nothing.
    kinds = [t.code if t.in_system(CARE_PLAN_KIND) else "" for t in tokens]
    found = care_plan_search(actor=actor, page=page, patients=patients, kinds=kinds)
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[
            implementation_plan_resource(*item) if isinstance(item, tuple) else sip_resource(item)
            for item in found.items
        ],
    )


@router.get("/CarePlan/{id}", response=responses(CarePlanOut))
def care_plan_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "CarePlan")
    if id.startswith(PLAN_PREFIX):
        plan, revisions = implementation_plan_get(
            actor=actor, plan_pk=int_id(id.removeprefix(PLAN_PREFIX))
        )
        return fhir_response(implementation_plan_resource(plan, revisions))
    sip = sip_get(
        actor=actor,
        sip_pk=int_id(id.removeprefix(SIP_PREFIX) if id.startswith(SIP_PREFIX) else "x"),
    )
    return fhir_response(sip_resource(sip))
