"""Log review: accesses per person (the extract a person is entitled to), per user, and flagged.

Only log reviewers reach these pages. What a reviewer sees of people is itself logged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.actors import require_role
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.access.selectors import accesslog_list, emergency_access_list, log_review_read
from fastkontakt.domain.errors import InvalidIdentifier
from fastkontakt.domain.identifiers import parse_personal_id, personal_id_display
from fastkontakt.domain.vocabulary import LOG_WHAT, swedish, swedish_flags
from fastkontakt.registry.selectors import unit_names_by_hsa_id
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import actor_of, translate_domain_errors

PAGE_ROWS = 500
CSV_COLUMNS = (
    "löpnummer",
    "tidpunkt (UTC)",
    "användare",
    "enhet",
    "personnummer",
    "åtgärd",
    "vad",
    "rättslig grund",
    "flaggor",
    "anrops-id",
    "enhetens HSA-id",
)


@dataclass(frozen=True)
class LogRow:
    """An access-log entry as a reviewer reads it: names, not codes."""

    entry: AccessLogEntry
    unit: str
    personal_id: str
    action: str
    what: str
    basis: str
    flags: str


def _rows(entries: list[AccessLogEntry]) -> list[LogRow]:
    units = unit_names_by_hsa_id(hsa_ids={e.unit for e in entries})
    return [
        LogRow(
            entry=e,
            # a unit removed since (the log outlives it) is still named by its HSA-id
            unit=units.get(e.unit, e.unit),
            personal_id=personal_id_display(e.personal_id),
            action=swedish("log_action", e.action),
            what=LOG_WHAT.get(e.what, e.what),
            basis=swedish("log_basis", e.basis),
            flags=swedish_flags(e.flags),
        )
        for e in entries
    ]


class ReviewForm(Form):
    personal_id = forms.CharField(label="Personnummer", max_length=13, required=False)
    username = forms.CharField(label="Användare", max_length=150, required=False)
    flagged_only = forms.BooleanField(label="Endast flaggade", required=False)
    since = DateField(label="Från och med", required=False)
    until = DateField(label="Till och med", required=False)

    def clean_personal_id(self) -> str:
        text = str(self.cleaned_data["personal_id"]).strip()
        if not text:
            return ""
        try:
            return parse_personal_id(text, today=timezone.localdate()).number
        except InvalidIdentifier:
            raise forms.ValidationError("Ange ett giltigt personnummer.") from None

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if isinstance(since, date) and isinstance(until, date) and until < since:
            self.add_error("until", "Slutdatum före startdatum.")
        return cleaned


def _csv_response(entries: list[AccessLogEntry]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="atkomstlogg.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in _rows(entries):
        e = row.entry
        writer.writerow(
            [
                e.seq,
                e.at.isoformat(),
                e.username,
                row.unit,
                row.personal_id,
                row.action,
                row.what,
                row.basis,
                row.flags,
                e.request_id,
                e.unit,
            ]
        )
    return response


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def review(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_role(actor, [Role.LOG_REVIEWER])
    form = ReviewForm(request.POST or None)
    entries: list[LogRow] | None = None
    if request.method == "POST" and form.is_valid():
        matching = accesslog_list(**form.cleaned_data)
        if request.POST.get("format") == "csv":
            rows = list(matching)
            log_review_read(
                actor=actor, personal_ids=[e.personal_id for e in rows], what="accesslog.csv"
            )
            return _csv_response(rows)
        shown = list(matching[:PAGE_ROWS])
        log_review_read(
            actor=actor, personal_ids=[e.personal_id for e in shown], what="accesslog.page"
        )
        entries = _rows(shown)
    grants = emergency_access_list()
    log_review_read(
        actor=actor, personal_ids=[g.person.personal_id for g in grants], what="accesslog.emergency"
    )
    context = {"form": form, "entries": entries, "grants": grants, "page_rows": PAGE_ROWS}
    return render(request, "web/accesslog.html", context)
