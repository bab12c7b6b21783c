"""``CareTeam`` (IHE DCTM): read (PCC-47), search (PCC-46) and update by PUT (PCC-45).

One care team per person, id = the person's id. Reads and searches go through the care
relationship check and the access log; an update runs the same contact services as the pages
(``fhir.updates``). ``ETag``/``meta.versionId`` is a hash of the person's contacts; a PUT
with an ``If-Match`` (or ``meta.versionId``) that is not the current version answers 409.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.resource import Resource
from ninja import Form, Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.care_team import care_team_resource
from fastkontakt.fhir.mappers.patient import patient_resource
from fastkontakt.fhir.mappers.practitioner_role import (
    parse_practitioner_role_id,
    practitioner_role_resource,
)
from fastkontakt.fhir.outcomes import fhir_error
from fastkontakt.fhir.schemas import (
    BundleOut,
    CareTeamOut,
    CareTeamSearch,
    fhir_body,
    responses,
)
from fastkontakt.fhir.search import (
    parse_date,
    parse_int_id,
    parse_page,
    parse_reference,
    parse_token,
)
from fastkontakt.fhir.selectors import (
    CareTeamQuery,
    care_team_get,
    care_team_search,
    person_get,
    practitioner_roles_of,
)
from fastkontakt.fhir.updates import team_update
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, read_resource, searchset
from fastkontakt.registry.services.care_teams import CARE_TEAM_UPDATE, care_teams_update
from fastkontakt.runtime import clock

router = Router(tags=["CareTeam"])
INCLUDES = ("CareTeam:participant", "CareTeam:subject")
supports(
    "CareTeam",
    "read",
    "search-type",
    "update",
    search={
        "patient": "reference",
        "subject": "reference",
        "patient.identifier": "token",
        "participant": "reference",
        "role": "token",
        "status": "token",
        "date": "date",
    },
    includes=INCLUDES,
    versioned=True,
)


def _split(text: str | None) -> list[str]:
    return [value for value in (text or "").split(",") if value]


def _participant(text: str) -> tuple[int, int | None]:
    kind, ident = parse_reference("participant", text, ("PractitionerRole", "Practitioner"))
    if kind == "Practitioner":
        return parse_int_id("participant", ident), None
    pair = parse_practitioner_role_id(ident)
    if pair is None:
        raise fhir_error(400, "invalid", "participant: ogiltigt id", "participant")
    return pair


def _query(params: CareTeamSearch) -> CareTeamQuery:
    patients = [
        parse_int_id(name, parse_reference(name, value, ("Patient",))[1])
        for name, text in (("patient", params.patient), ("subject", params.subject))
        for value in _split(text)
    ]
    return CareTeamQuery(
        patients=patients,
        identifiers=[
            parse_token("patient.identifier", v) for v in _split(params.patient_identifier)
        ],
        participants=[_participant(v) for v in _split(params.participant)],
        roles=[parse_token("role", v) for v in _split(params.role)],
        status=_split(params.status),
        dates=parse_date("date", params.date) if params.date else None,
    )


def _search(request: HttpRequest, params: CareTeamSearch) -> HttpResponse:
    actor = actor_for(request, "CareTeam")
    unknown = [value for value in params.include if value not in INCLUDES]
    if unknown:
        raise fhir_error(400, "not-supported", f"_include stöder {', '.join(INCLUDES)}", "_include")
    page = parse_page(params.count, params.offset)
    found = care_team_search(actor=actor, query=_query(params), page=page)
    day = clock.today()
    includes: list[Resource] = []
    if "CareTeam:participant" in params.include:
        pairs = [(c.staff_id, c.unit_id) for _, contacts in found.items for c in contacts]
        includes.extend(
            practitioner_role_resource(staff, unit, works_there=works, today=day)
            for staff, unit, works in practitioner_roles_of(pairs)
        )
    if "CareTeam:subject" in params.include:
        includes.extend(patient_resource(person) for person, _ in found.items)
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[care_team_resource(p, contacts, today=day) for p, contacts in found.items],
        includes=includes,
    )


@router.get("/CareTeam", response=responses(BundleOut, not_found=False))
def care_team_search_get(request: HttpRequest, params: Query[CareTeamSearch]) -> HttpResponse:
    return _search(request, params)


@router.post("/CareTeam/_search", response=responses(BundleOut, not_found=False))
def care_team_search_post(request: HttpRequest, params: Form[CareTeamSearch]) -> HttpResponse:
    return _search(request, params)


def _team_response(team: CareTeam, status: int = 200) -> HttpResponse:
    version = team.meta.versionId if team.meta else ""
    return fhir_response(team, status=status, headers={"ETag": f'W/"{version}"'})


@router.get("/CareTeam/{id}", response=responses(CareTeamOut))
def care_team_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "CareTeam")
    person, contacts = care_team_get(actor=actor, person_pk=int_id(id))
    return _team_response(care_team_resource(person, contacts, today=clock.today()))


@router.put(
    "/CareTeam/{id}",
    response=responses(CareTeamOut, 409, 413, 422),
    openapi_extra=fhir_body("CareTeamOut"),
)
def care_team_put(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "CareTeam", "write")
    person_pk = int_id(id)
    # A person outside the care relationships is not found, whatever the body says.
    person_get(actor=actor, person_pk=person_pk, what=CARE_TEAM_UPDATE)
    team = read_resource(request, CareTeam)
    if team.id is not None and team.id != id:
        raise fhir_error(400, "invalid", "Resursens id är inte det i adressen.", "CareTeam.id")
    update = team_update(person_pk=person_pk, team=team, if_match=request.headers.get("If-Match"))
    care_teams_update(actor=actor, updates=[update])
    person, contacts = care_team_get(actor=actor, person_pk=person_pk)
    return _team_response(care_team_resource(person, contacts, today=clock.today()))
