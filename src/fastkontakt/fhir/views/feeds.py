"""Feeds over FHIR (issue 15, ADR 0024): conditional updates and Bundles of them.

``PUT <Type>?identifier=system|value`` for the feed profiles (``Organization``,
``Practitioner``, ``PractitionerRole``, ``Patient``, ``Encounter``, ``ServiceRequest``): the
resource must carry the identifier of the condition; it is read as its profile says
(``mappers.feeds``) and applied by ``registry.services.feeds``:

- ``201 Created`` when the record is new, ``200 OK`` when it changed the registry, and
  ``200 OK`` with an informational outcome when it changed nothing: the same content again
  (``unchanged``) or an older source timestamp than the one applied (``stale``);
- 400 for what cannot be read, 403 for a client without the write scope or that is not
  region-wide, 422 (``processing``) for a reference the registry does not know.

A ``batch`` or ``transaction`` Bundle whose entries are all such conditional updates is applied
in one call: a transaction all or nothing (422 naming the entries that failed), a batch entry
by entry (each failed entry answered with its own status and outcome).

The Encounter and ServiceRequest routers live here: the registry serves no read of them, only
the feed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryResponse
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from ninja import Router

from fastkontakt.domain.errors import Problem
from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.feeds import (
    FEED_KINDS,
    PROFILES,
    FeedProblems,
    feed_read,
    identifier_matches,
)
from fastkontakt.fhir.outcomes import FhirError, Issue, operation_outcome
from fastkontakt.fhir.schemas import OperationOutcomeOut, responses
from fastkontakt.fhir.views.rendering import actor_for, actor_for_all, fhir_response, read_resource
from fastkontakt.registry.services.feeds import FeedItem, FeedRefused, FeedResult, feed_apply

__all__ = ["feed_bundle", "feed_put", "is_feed_bundle", "router"]

MODELS: dict[str, type[Resource]] = {
    "Organization": Organization,
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "Patient": Patient,
    "Encounter": Encounter,
    "ServiceRequest": ServiceRequest,
}
_MESSAGES = {
    "created": "Posten skapades.",
    "updated": "Posten uppdaterades.",
    "unchanged": "Samma innehåll som redan är infört: inget ändrades.",
    "stale": "Källans tidpunkt är äldre än den redan införda versionens: inget ändrades.",
}

router = Router(tags=["Feeds"])
for _kind in FEED_KINDS:
    supports(_kind, "update", conditional_update=True, profile=PROFILES[_kind])


def _json(resource: Resource) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource.model_dump_json(exclude_none=True))
    return data


def _condition(kind: str, query: dict[str, list[str]], path: str) -> str:
    unknown = sorted(set(query) - {"identifier"})
    values = query.get("identifier") or []
    if unknown:
        raise FhirError(
            400,
            [Issue(code="not-supported", expression=path,
                   diagnostics=f"Villkoret stöder bara identifier, inte {', '.join(unknown)}.")],
        )
    if len(values) != 1 or "|" not in values[0]:
        raise FhirError(
            400,
            [Issue(code="required", expression=path,
                   diagnostics=f"PUT {kind} kräver villkoret ?identifier=system|value.")],
        )
    return values[0]


def _read(kind: str, data: dict[str, Any], identifier: str, *, where: str, base: str) -> FeedItem:
    if not identifier_matches(data, identifier):
        raise FhirError(
            400,
            [Issue(code="invalid", expression=f"{base}.identifier",
                   diagnostics="Resursen ska bära identifieraren i villkoret.")],
        )
    try:
        return feed_read(data, where=where, base=base)
    except FeedProblems as bad:
        raise FhirError(
            400,
            [Issue(code="invalid", diagnostics=p.message, expression=p.path) for p in bad.problems],
        ) from None


def _refusal_issues(problems: list[Problem]) -> list[Issue]:
    return [Issue(code="processing", diagnostics=p.message, expression=p.path) for p in problems]


def feed_put(request: HttpRequest, kind: str) -> HttpResponse:
    """``PUT <kind>?identifier=system|value`` (see the module docstring)."""
    actor = actor_for(request, kind, "write")
    identifier = _condition(kind, parse_qs(request.META.get("QUERY_STRING", "")), kind)
    data = _json(read_resource(request, MODELS[kind]))
    item = _read(kind, data, identifier, where=kind, base=kind)
    try:
        result = feed_apply(actor=actor, items=[item], strict=True)
    except FeedRefused as refused:
        raise FhirError(422, _refusal_issues(refused.problems)) from None
    outcome = result.outcomes[(item.kind, item.key)]
    issue = Issue(code="informational", severity="information", diagnostics=_MESSAGES[outcome])
    return fhir_response(
        operation_outcome([issue]), status=201 if outcome == "created" else 200
    )


def is_feed_bundle(bundle: Bundle) -> bool:
    """Whether every entry of ``bundle`` is a conditional update of a feed profile."""
    entries = bundle.entry or []
    return bool(entries) and all(
        entry.request is not None
        and entry.request.method == "PUT"
        and (entry.request.url or "").partition("?")[0] in FEED_KINDS
        and "?" in (entry.request.url or "")
        for entry in entries
    )


def feed_bundle(request: HttpRequest, bundle: Bundle) -> HttpResponse:
    """A ``batch`` or ``transaction`` of conditional updates (see the module docstring)."""
    strict = bundle.type == "transaction"
    entries = bundle.entry or []
    kinds = [(f"Bundle.entry[{i}]", e.request.url.partition("?")[0]) for i, e in enumerate(entries)
             if e.request and e.request.url]
    actor = actor_for_all(request, kinds, "write")
    items: list[FeedItem | None] = []
    failed: dict[int, FhirError] = {}
    for i, entry in enumerate(entries):
        path = f"Bundle.entry[{i}]"
        url = entry.request.url if entry.request else ""
        kind, _, query = (url or "").partition("?")
        try:
            if entry.resource is None or entry.resource.get_resource_type() != kind:
                raise FhirError(400, [Issue(code="invalid", expression=f"{path}.resource",
                                            diagnostics=f"En {kind}-resurs krävs.")])
            identifier = _condition(kind, parse_qs(query), f"{path}.request.url")
            items.append(
                _read(kind, _json(entry.resource), identifier, where=path, base=f"{path}.resource")
            )
        except FhirError as error:
            failed[i] = error
            items.append(None)
    if strict and failed:
        raise FhirError(400, [issue for error in failed.values() for issue in error.issues])
    try:
        result = feed_apply(
            actor=actor, items=[item for item in items if item is not None], strict=strict
        )
    except FeedRefused as refused:
        raise FhirError(422, _refusal_issues(refused.problems)) from None
    refused_at = {p.path: p for p in result.problems}
    answers = []
    for i, item in enumerate(items):
        answers.append(_answer(i, item, failed.get(i), refused_at, result))
    kind = "transaction-response" if strict else "batch-response"
    return fhir_response(Bundle(type=kind, entry=answers or None))


def _answer(
    i: int,
    item: FeedItem | None,
    error: FhirError | None,
    refused_at: dict[str, Problem],
    result: FeedResult,
) -> BundleEntry:
    if error is not None or item is None:
        issues = error.issues if error is not None else []
        status = error.status if error is not None else 400
        return BundleEntry(
            response=BundleEntryResponse(status=str(status), outcome=operation_outcome(issues))
        )
    problem = refused_at.get(item.where)
    if problem is not None:
        return BundleEntry(
            response=BundleEntryResponse(
                status="422", outcome=operation_outcome(_refusal_issues([problem]))
            )
        )
    outcome = result.outcomes.get((item.kind, item.key), "unchanged")
    # Twice in one Bundle: the newer entry was applied, the other changed nothing.
    answered = "201 Created" if outcome == "created" else "200 OK"
    issue = Issue(code="informational", severity="information", diagnostics=_MESSAGES[outcome])
    return BundleEntry(
        response=BundleEntryResponse(status=answered, outcome=operation_outcome([issue]))
    )


#: What a conditional update answers (an OperationOutcome, whatever the status).
PUT_RESPONSES = responses(OperationOutcomeOut, 201, 422, not_found=False)


@router.put("/Encounter", response=PUT_RESPONSES)
def encounter_put(request: HttpRequest) -> HttpResponse:
    return feed_put(request, "Encounter")


@router.put("/ServiceRequest", response=PUT_RESPONSES)
def service_request_put(request: HttpRequest) -> HttpResponse:
    return feed_put(request, "ServiceRequest")
