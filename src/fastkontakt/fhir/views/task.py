"""``Task``: the findings and deadlines of the rules engine. Search by patient (that person's
findings) or without (the worklist of the client's unit); read by id."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.domain.errors import NotFound
from fastkontakt.domain.rules.engine import Finding
from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.codes import RULE
from fastkontakt.fhir.mappers.task import task_id, task_resource
from fastkontakt.fhir.outcomes import fhir_error
from fastkontakt.fhir.schemas import BundleOut, TaskOut, TaskSearch, responses
from fastkontakt.fhir.search import parse_int_id, parse_page, parse_reference, parse_token
from fastkontakt.fhir.selectors import Found, findings_of_person, unit_findings
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["Task"])
supports("Task", "read", "search-type", search={"patient": "reference", "code": "token"})


@router.get("/Task", response=responses(BundleOut, not_found=False))
def task_search(request: HttpRequest, params: Query[TaskSearch]) -> HttpResponse:
    actor = actor_for(request, "Task")
    page = parse_page(params.count, params.offset)
    token = parse_token("code", params.code) if params.code else None
    rule = token.code if token else None
    if token is not None and not token.in_system(RULE):
        found: Found[tuple[int, Finding]] = Found(0, [])  # a code of another system: no rule
    elif params.patient:
        _, ident = parse_reference("patient", params.patient, ("Patient",))
        person_pk = parse_int_id("patient", ident)
        try:
            of_person = findings_of_person(
                actor=actor, person_pk=person_pk, what="fhir.Task.search"
            )
        except NotFound:
            # A search that finds nothing is an empty Bundle; unknown and not readable alike
            # (the refused read is logged by then).
            of_person = []
        findings = [f for f in of_person if rule is None or f.rule == rule]
        window = findings[page.offset : page.offset + page.count]
        found = Found(len(findings), [(person_pk, f) for f in window])
    else:
        found = unit_findings(actor=actor, page=page, rule=rule)
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[task_resource(pk, finding) for pk, finding in found.items],
    )


@router.get("/Task/{id}", response=responses(TaskOut))
def task_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "Task")
    person_pk = int_id(id.partition("-")[0])
    for finding in findings_of_person(actor=actor, person_pk=person_pk, what="fhir.Task.read"):
        if task_id(person_pk, finding) == id:
            return fhir_response(task_resource(person_pk, finding))
    raise fhir_error(404, "not-found", "Resursen finns inte.")
