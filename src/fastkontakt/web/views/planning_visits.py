"""Planned against made: a unit's visits made (imported from its time reporting) against its
plan, per 14-day period and per customer, and the upload of a time report.

For coordinators, unit managers and heads of the unit (403 otherwise); customers' names come
through the access check and are logged; someone who is not the unit's customer answers 404.
The upload goes through ``registry.services.visits.visits_import``, the command's service: a
file with a bad line is refused whole, each problem named by its line.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from fastkontakt.domain.errors import InvalidInput
from fastkontakt.planning.visits_made import customer_visits_page_get, visits_made_page_get
from fastkontakt.registry.services.visits import VisitsImported, visits_import
from fastkontakt.web.forms import Form
from fastkontakt.web.views.base import actor_of, translate_domain_errors

#: A two-week report of a large unit is well under a megabyte.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class VisitsFileForm(Form):
    file = forms.FileField(
        label="Fil från tidrapporteringen (CSV)",
        error_messages={"required": "Välj en fil.", "empty": "Filen är tom."},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Filen är större än 5 MB; dela upp den per period.")
        return upload


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def visits_made(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = actor_of(request)
    start = _date(request.GET.get("fran"))
    posted = request.method == "POST"
    form = VisitsFileForm(request.POST, request.FILES) if posted else VisitsFileForm()
    imported: VisitsImported | None = None
    problems: list[str] = []
    if posted and form.is_valid():
        try:
            imported = visits_import(
                actor=actor, unit_pk=unit_pk, data=form.cleaned_data["file"].read()
            )
        except InvalidInput as invalid:
            problems = [
                f"R{p.path[1:]}: {p.message}" if p.path.startswith("rad") else p.message
                for p in invalid.problems
            ]
    page = visits_made_page_get(actor=actor, unit_pk=unit_pk, start=start)
    if imported is not None:
        form = VisitsFileForm()
    status = 400 if posted and (form.errors or problems) else 200
    context = {
        "page": page,
        "unit": page.unit,
        "form": form,
        "imported": imported,
        "problems": problems,
    }
    return render(request, "web/planning/visits_made.html", context, status=status)


@require_http_methods(["GET"])
@translate_domain_errors
def customer_visits(request: HttpRequest, unit_pk: int, person_pk: int) -> HttpResponse:
    page = customer_visits_page_get(
        actor=actor_of(request),
        unit_pk=unit_pk,
        person_pk=person_pk,
        start=_date(request.GET.get("fran")),
    )
    return render(request, "web/planning/customer_visits.html", {"page": page, "unit": page.unit})


urlpatterns: list[URLPattern] = [
    path("<int:unit_pk>/utfort/", visits_made, name="planning_visits_made"),
    path(
        "<int:unit_pk>/utfort/<int:person_pk>/", customer_visits, name="planning_customer_visits"
    ),
]
