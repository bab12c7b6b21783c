"""Caseload pages: a unit's staff and their loads, and one staff member's contacts and deadlines.

On the unit page the head of unit declares local titles equal to a legal role, and the head of
unit or unit manager registers who is selectable (valbar) as fast vårdkontakt. The forms work
without JavaScript (post, then back to the page); with htmx they swap their own section.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from fastkontakt.access.actors import Actor
from fastkontakt.compliance.caseloads import (
    CASELOAD_ROLES,
    StaffCaseload,
    UnitCaseload,
    staff_caseload_get,
    unit_caseload_get,
)
from fastkontakt.compliance.worklists import GROUP_LABELS, GROUPS
from fastkontakt.domain import vocabulary
from fastkontakt.domain.errors import InvalidInput
from fastkontakt.registry.models import CONTACT_KIND_CHOICES, Unit
from fastkontakt.registry.services.units import (
    ELIGIBILITY_ROLES,
    LOCAL_TITLE_KINDS,
    LOCAL_TITLE_ROLES,
    staff_eligible_set,
    unit_local_title_add,
    unit_local_title_remove,
)
from fastkontakt.web.forms import Form
from fastkontakt.web.views.base import actor_of, form_errors_add, translate_domain_errors
from fastkontakt.web.views.row_actions import viewer_row_actions

KIND_LABELS: dict[str, str] = {kind: str(label) for kind, label in CONTACT_KIND_CHOICES}


class LocalTitleForm(Form):
    title = forms.CharField(label="Lokal titel", max_length=200)
    kind = forms.ChoiceField(
        label="Motsvarar",
        choices=[(kind, KIND_LABELS[kind]) for kind in LOCAL_TITLE_KINDS],
        initial="fast_vardkontakt",
    )


class EligibleForm(Form):
    eligible = forms.TypedChoiceField(
        choices=[("1", "valbar"), ("0", "inte valbar")], coerce=lambda value: value == "1"
    )


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the unit ---------------------------------------------------------------------------------


def _unit_context(actor: Actor, caseload: UnitCaseload) -> dict[str, Any]:
    return {
        "caseload": caseload,
        "kinds": [(kind, KIND_LABELS[kind]) for kind in caseload.kinds],
        "rows": [
            (load, [load.by_kind.get(kind, 0) for kind in caseload.kinds])
            for load in caseload.staff
        ],
        "titles": [(t, KIND_LABELS.get(t.kind, t.kind)) for t in caseload.local_titles],
        "can_manage_titles": any(actor.has_role(r, caseload.unit_pk) for r in LOCAL_TITLE_ROLES),
        "can_set_eligible": any(actor.has_role(r, caseload.unit_pk) for r in ELIGIBILITY_ROLES),
        "selectable": sum(1 for load in caseload.staff if load.eligible),
        # what "valbar" means at this unit: the kind of fixed contact it offers
        "selectable_kind": vocabulary.CONTACT_KINDS[
            vocabulary.SELECTABLE_KIND_BY_UNIT_TYPE.get(caseload.unit_type, "fast_vardkontakt")
        ].lower(),
    }


def _render_unit(
    request: HttpRequest,
    unit_pk: int,
    *,
    title_form: LocalTitleForm | None = None,
    error: tuple[str, str] | None = None,
    saved: tuple[str, str] | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    caseload = unit_caseload_get(actor=actor, unit_pk=unit_pk)
    context = _unit_context(actor, caseload)
    context.update(title_form=title_form or LocalTitleForm(), error=error, saved=saved)
    return render(request, "web/caseload/unit.html", context)


def _after_write(request: HttpRequest, unit_pk: int, section: str, done: str) -> HttpResponse:
    if _is_htmx(request):
        return _render_unit(request, unit_pk, saved=(section, done))
    messages.success(request, done)
    return redirect(reverse("web:caseload_unit", args=[unit_pk]) + f"#{section}")


@require_http_methods(["GET"])
@translate_domain_errors
def caseload_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = Unit.objects.filter(pk__in=actor.units_with_role(*CASELOAD_ROLES)).order_by("name")
    return render(
        request, "web/caseload/home.html", {"units": units, "own_staff_pk": actor.staff_pk}
    )


@require_http_methods(["GET"])
@translate_domain_errors
def caseload_unit(request: HttpRequest, unit_pk: int) -> HttpResponse:
    return _render_unit(request, unit_pk)


@require_http_methods(["POST"])
@translate_domain_errors
def caseload_title_add(request: HttpRequest, unit_pk: int) -> HttpResponse:
    form = LocalTitleForm(request.POST)
    if form.is_valid():
        try:
            added = unit_local_title_add(
                actor=actor_of(request),
                unit_pk=unit_pk,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            return _after_write(request, unit_pk, "titlar", f"Titeln {added.title} är tillagd.")
    return _render_unit(request, unit_pk, title_form=form)


@require_http_methods(["POST"])
@translate_domain_errors
def caseload_title_remove(request: HttpRequest, unit_pk: int, title_pk: int) -> HttpResponse:
    try:
        unit_local_title_remove(actor=actor_of(request), unit_pk=unit_pk, title_pk=title_pk)
    except InvalidInput as invalid:
        return _render_unit(request, unit_pk, error=("titlar", str(invalid.problems[0].message)))
    return _after_write(request, unit_pk, "titlar", "Titeln är borttagen.")


@require_http_methods(["POST"])
@translate_domain_errors
def caseload_eligible(request: HttpRequest, unit_pk: int, staff_pk: int) -> HttpResponse:
    form = EligibleForm(request.POST)
    if not form.is_valid():
        return _render_unit(request, unit_pk, error=("medarbetare", "Ange valbar eller inte."))
    try:
        staff = staff_eligible_set(
            actor=actor_of(request),
            unit_pk=unit_pk,
            staff_pk=staff_pk,
            eligible=form.cleaned_data["eligible"],
        )
    except InvalidInput as invalid:
        return _render_unit(
            request, unit_pk, error=("medarbetare", str(invalid.problems[0].message))
        )
    state = "valbar" if staff.eligible else "inte valbar"
    return _after_write(
        request, unit_pk, "medarbetare", f"{staff.name} är nu {state} som fast vårdkontakt."
    )


# --- the staff member -------------------------------------------------------------------------


def _staff_context(actor: Actor, caseload: StaffCaseload, *, own: bool) -> dict[str, Any]:
    # Each deadline's button is the one the worklist of an owning unit shows the viewer (the
    # staff member's own units first), or words saying which unit handles it: no dead ends.
    actions = viewer_row_actions(
        actor,
        caseload.deadlines,
        as_of=caseload.as_of,
        prefer=[pk for pk, _ in caseload.units],
    )
    rows = list(zip(caseload.deadlines, actions, strict=True))
    return {
        "caseload": caseload,
        # the heading says whose page it is: "Mina ..." only on one's own
        "own": own,
        "by_kind": [(KIND_LABELS[kind], n) for kind, n in caseload.by_kind.items()],
        "groups": [
            (
                group,
                GROUP_LABELS[group],
                [
                    (row, KIND_LABELS.get(row.kind or "", ""), action)
                    for row, action in rows
                    if row.group == group
                ],
            )
            for group in GROUPS
        ],
        "contacts": [(c, KIND_LABELS.get(c.kind, c.kind)) for c in caseload.contacts],
    }


@require_http_methods(["GET"])
@translate_domain_errors
def caseload_staff(request: HttpRequest, staff_pk: int) -> HttpResponse:
    actor = actor_of(request)
    caseload = staff_caseload_get(actor=actor, staff_pk=staff_pk)
    context = _staff_context(actor, caseload, own=actor.staff_pk == caseload.staff_pk)
    return render(request, "web/caseload/staff.html", context)


urlpatterns: list[URLPattern] = [
    path("", caseload_home, name="caseload"),
    path("<int:unit_pk>/", caseload_unit, name="caseload_unit"),
    path("<int:unit_pk>/titlar/", caseload_title_add, name="caseload_title_add"),
    path(
        "<int:unit_pk>/titlar/<int:title_pk>/ta-bort/",
        caseload_title_remove,
        name="caseload_title_remove",
    ),
    path(
        "<int:unit_pk>/medarbetare/<int:staff_pk>/valbar/",
        caseload_eligible,
        name="caseload_eligible",
    ),
    path("medarbetare/<int:staff_pk>/", caseload_staff, name="caseload_staff"),
]
