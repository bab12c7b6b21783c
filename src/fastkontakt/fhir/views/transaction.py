"""``POST /fhir/`` with a ``Bundle`` of type ``transaction``.

Two kinds of transaction are served, all or nothing each:

- **care team updates (PCC-45)**: entries ``PUT CareTeam/<id>``, each applied as a PUT would
  (``fhir.updates``), every one in the same database transaction;
- **import**: a population of ``Organization``, ``Practitioner``, ``PractitionerRole``,
  ``Patient`` and ``CareTeam`` entries loaded in one go (``fhir.imports``, which hands it to
  ``registry.services.population``); each entry needs the write scope of its type;
- **feeds**: a ``batch`` or ``transaction`` of conditional updates ``PUT <Type>?identifier=``
  of the feed profiles (``fhir.views.feeds``, ADR 0024).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryResponse
from fhir.resources.R4B.careteam import CareTeam
from ninja import Router

from fastkontakt.fhir.capability import supports_system
from fastkontakt.fhir.imports import IMPORT_TYPES, population_transaction
from fastkontakt.fhir.mappers.care_team import care_team_resource
from fastkontakt.fhir.outcomes import FhirError, Issue, fhir_error
from fastkontakt.fhir.schemas import BundleOut, fhir_body, responses
from fastkontakt.fhir.selectors import care_team_get, person_get
from fastkontakt.fhir.updates import team_update
from fastkontakt.fhir.views.feeds import feed_bundle, is_feed_bundle
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import (
    actor_for,
    actor_for_all,
    base_url,
    fhir_response,
    read_resource,
)
from fastkontakt.registry.services.care_teams import CARE_TEAM_UPDATE, care_teams_update
from fastkontakt.runtime import clock

router = Router(tags=["transaction"])
supports_system("transaction")


def _care_team_applys(request: HttpRequest, bundle: Bundle) -> HttpResponse:
    actor = actor_for(request, "CareTeam", "write")
    planned: list[tuple[int, CareTeam, str | None]] = []
    issues = []
    for i, entry in enumerate(bundle.entry or []):
        path = f"Bundle.entry[{i}]"
        request_of = entry.request
        url = (request_of.url if request_of else None) or ""
        method = (request_of.method if request_of else None) or ""
        kind, _, ident = url.partition("/")
        if method != "PUT" or kind != "CareTeam" or not isinstance(entry.resource, CareTeam):
            issues.append(
                Issue(
                    code="not-supported",
                    expression=path,
                    diagnostics="Uppdateringar är PUT CareTeam/<id> med ett CareTeam.",
                )
            )
            continue
        if entry.resource.id not in (None, ident):
            issues.append(
                Issue(
                    code="invalid",
                    expression=path,
                    diagnostics="Resursens id är inte det i request.url.",
                )
            )
            continue
        planned.append((int_id(ident), entry.resource, request_of.ifMatch if request_of else None))
    if issues:
        raise FhirError(400, issues)
    day = clock.today()
    entries = []
    for person_pk, _, _ in planned:
        # A person outside the care relationships is not found, whatever the entry says.
        person_get(actor=actor, person_pk=person_pk, what=CARE_TEAM_UPDATE)
    care_teams_update(
        actor=actor,
        updates=[
            team_update(person_pk=person_pk, team=team, if_match=if_match)
            for person_pk, team, if_match in planned
        ],
    )
    for person_pk, _, _ in planned:
        person, contacts = care_team_get(actor=actor, person_pk=person_pk)
        resource = care_team_resource(person, contacts, today=day)
        entries.append(
            BundleEntry(
                fullUrl=f"{base_url(request)}CareTeam/{person_pk}",
                resource=resource,
                response=BundleEntryResponse(
                    status="200 OK",
                    location=f"CareTeam/{person_pk}",
                    etag=f'W/"{resource.meta.versionId if resource.meta else ""}"',
                ),
            )
        )
    return fhir_response(Bundle(type="transaction-response", entry=entries or None))


@router.post(
    "/", response=responses(BundleOut, 409, 413, 422), openapi_extra=fhir_body("BundleOut")
)
def transaction_post(request: HttpRequest) -> HttpResponse:
    bundle = read_resource(request, Bundle)
    if bundle.type in ("batch", "transaction") and is_feed_bundle(bundle):
        return feed_bundle(request, bundle)  # conditional updates of the feeds (ADR 0024)
    if bundle.type != "transaction":
        raise fhir_error(400, "not-supported", "Bara Bundle av typen transaction tas emot.")
    entries = [
        (f"Bundle.entry[{i}]", entry.resource.get_resource_type())
        for i, entry in enumerate(bundle.entry or [])
        if entry.resource
    ]
    if {kind for _, kind in entries} & IMPORT_TYPES:
        actor = actor_for_all(request, entries, "write")
        return fhir_response(population_transaction(actor=actor, bundle=bundle))
    return _care_team_applys(request, bundle)
