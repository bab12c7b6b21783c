"""The unit's worklist: every finding of the rules engine for its people, with what to do next.

The people shown are logged as read (one entry per person on the page), the same as on the
person's page: a worklist row names the person and what is wrong with their care.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.compliance.worklists import (
    GROUP_LABELS,
    WorklistRow,
    worklist_for_actor,
    worklist_units,
)
from fastkontakt.registry.models import CONTACT_KIND_CHOICES
from fastkontakt.web.forms import Form
from fastkontakt.web.views.base import actor_of, translate_domain_errors
from fastkontakt.web.views.row_actions import RowAction, contact_pks, row_action

PAGE_SIZE = 50

class WorklistFilter(Form):
    unit = forms.TypedChoiceField(label="Enhet", coerce=int)
    # Free values: an unknown rule, kind or staff member simply matches no row.
    rule = forms.CharField(label="Regel", required=False, max_length=64)
    kind = forms.CharField(label="Typ av kontakt", required=False, max_length=32)
    staff = forms.IntegerField(label="Medarbetare", required=False, min_value=1)
    page = forms.IntegerField(min_value=1, required=False)


@require_http_methods(["GET"])
@translate_domain_errors
def worklist(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = worklist_units(actor=actor)
    data = request.GET.copy()
    data.setdefault("unit", str(units[0].pk))
    form = WorklistFilter(data)
    form.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
    if not form.is_valid():
        # An unknown unit, rule or staff member in the address: start over on the first unit.
        return redirect(reverse("web:worklist"))
    unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
    # Only the rows this user has a form for (compliance.resolutions): no dead ends.
    seen = worklist_for_actor(
        actor=actor,
        unit=unit,
        as_of=timezone.localdate(),
        rule=form.cleaned_data["rule"] or None,
        kind=form.cleaned_data["kind"] or None,
        staff_pk=form.cleaned_data["staff"],
        page=form.cleaned_data["page"] or 1,
        page_size=PAGE_SIZE,
    )
    listing = seen.listing
    pks = contact_pks([row for row, _ in seen.rows], [unit])
    rows = [RowView(row, row_action(row, way, unit, pks)) for row, way in seen.rows]
    context = {
        "form": form,
        "units": units,
        "listing": listing,
        "groups": [
            (group, GROUP_LABELS[group], [r for r in rows if r.row.group == group])
            for group in ("overdue", "due_soon", "breach")
        ],
        "counts": [(GROUP_LABELS[g], n, g) for g, n in listing.counts.items()],
        "rule_options": listing.options.rules,
        "kind_options": [(k, dict(CONTACT_KIND_CHOICES)[k]) for k in listing.options.kinds],
        "staff_options": listing.options.staff,
        "query": {
            k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "page"
        },
    }
    # The filters' options depend on the unit chosen: htmx swaps the whole of <main>.
    return render(request, "web/worklist.html", context)


@dataclass(frozen=True, slots=True)
class RowView:
    row: WorklistRow
    action: RowAction
    """The button of the form that resolves the row."""


urlpatterns: list[URLPattern] = [path("", worklist, name="worklist")]
