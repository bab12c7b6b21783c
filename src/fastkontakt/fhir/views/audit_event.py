"""``AuditEvent``: the access log, for clients with the log reviewer's scope
(``system/AuditEvent.read``) only. Reading the log is itself logged (``log_review_read``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fastkontakt.fhir.capability import supports
from fastkontakt.fhir.mappers.audit_event import audit_event_resource
from fastkontakt.fhir.schemas import AuditEventOut, AuditEventSearch, BundleOut, responses
from fastkontakt.fhir.search import (
    DateRange,
    parse_date,
    parse_int_id,
    parse_page,
    parse_reference,
    parse_token,
)
from fastkontakt.fhir.selectors import (
    audit_event_get,
    audit_event_search,
    audit_event_snapshot,
    personal_id_named,
    personal_id_of,
)
from fastkontakt.fhir.views.ids import int_id
from fastkontakt.fhir.views.rendering import actor_for, fhir_response, searchset

router = Router(tags=["AuditEvent"])
supports(
    "AuditEvent",
    "read",
    "search-type",
    search={
        "patient": "reference",
        "patient.identifier": "token",
        "altid": "token",
        "date": "date",
        "_lastUpdated": "date",
    },
    paging=("_snapshot",),
)


@router.get("/AuditEvent", response=responses(BundleOut, not_found=False))
def audit_event_search_view(request: HttpRequest, params: Query[AuditEventSearch]) -> HttpResponse:
    actor = actor_for(request, "AuditEvent")
    page = parse_page(params.count, params.offset)
    personal_id: str | None = None
    if params.patient:
        _, ident = parse_reference("patient", params.patient, ("Patient",))
        personal_id = personal_id_of(person_pk=parse_int_id("patient", ident))
    if params.patient_identifier:
        token = parse_token("patient.identifier", params.patient_identifier)
        personal_id = personal_id_named(token=token)
    # Reading the log writes to it: the pages are of the log as it was at the first page.
    snapshot = audit_event_snapshot() if params.snapshot is None else params.snapshot
    dates = [("date", params.date), ("_lastUpdated", params.last_updated)]
    found = audit_event_search(
        actor=actor,
        page=page,
        personal_id=personal_id,
        username=params.altid or "",
        dates=_both([parse_date(name, values) for name, values in dates if values]),
        up_to=snapshot,
        oldest_first=params.sort in ("date", "_lastUpdated"),
    )
    return searchset(
        request,
        total=found.total,
        page=page,
        matches=[audit_event_resource(entry) for entry in found.items],
        paging={"_snapshot": str(snapshot)},
    )


def _both(ranges: list[DateRange]) -> DateRange | None:
    """``date`` and ``_lastUpdated`` both mean when the entry was written: their intersection."""
    if not ranges:
        return None
    starts = [r.start for r in ranges if r.start is not None]
    ends = [r.end for r in ranges if r.end is not None]
    return DateRange(start=max(starts, default=None), end=min(ends, default=None))


@router.get("/AuditEvent/{id}", response=responses(AuditEventOut))
def audit_event_read(request: HttpRequest, id: str) -> HttpResponse:
    actor = actor_for(request, "AuditEvent")
    return fhir_response(audit_event_resource(audit_event_get(actor=actor, entry_id=int_id(id))))
