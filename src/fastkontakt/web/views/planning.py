"""Visit planning of a home-care unit: the 14-day day list, customers' continuity, and
re-planning after an absence with progress while the solver runs.

For coordinators, unit managers and heads of the unit (403 otherwise). Customers' names come
through the access check and are logged; a customer outside the plan or the care relationships
answers 404. Re-planning runs in the background (``planning.jobs``): the job page polls a small
status fragment every second with htmx, and reloads itself every two seconds without
JavaScript.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.domain.errors import InvalidInput, Refusal
from fastkontakt.planning.adjustments import MoveEffect, planned_visit_move
from fastkontakt.planning.selectors import (
    customer_continuity_get,
    plan_customers_get,
    plan_page_get,
    planjob_view_get,
    planned_visit_move_page_get,
    planning_unit_list,
    replan_page_get,
)
from fastkontakt.planning.services import planjob_request
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import (
    actor_of,
    refusal_shown,
    translate_domain_errors,
)


class AbsenceForm(Form):
    staff = forms.TypedChoiceField(label="Medarbetare", coerce=int)
    start = DateField(label="Första dagen")
    end = DateField(label="Sista dagen (samma dag för en dag)")

    def __init__(
        self, *args: object, staff_choices: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["staff"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "Välj medarbetare"), *staff_choices]


class MoveForm(Form):
    staff = forms.TypedChoiceField(label="Medarbetare", coerce=int)
    partner = forms.TypedChoiceField(
        label="Andra medarbetare (dubbelbemanning)", coerce=int, required=False, empty_value=None
    )
    start = forms.CharField(label="Starttid (TT:MM)", max_length=5)

    def __init__(
        self,
        *args: object,
        staff_choices: tuple[tuple[int, str], ...],
        double: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("staff", "partner"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
            field.choices = [("", "Välj medarbetare"), *staff_choices]
        if double:
            self.fields["partner"].required = True
        else:
            del self.fields["partner"]

    def clean_start(self) -> int:
        text = str(self.cleaned_data["start"]).strip().replace(".", ":")
        hours, _, minutes = text.partition(":")
        if (
            not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2)
            or int(hours) > 23
            or int(minutes) > 59
        ):
            raise forms.ValidationError("Ange en starttid som TT:MM, till exempel 08:30.")
        return int(hours) * 60 + int(minutes)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    units = planning_unit_list(actor=actor_of(request))
    return render(request, "web/planning/index.html", {"units": units})


@require_http_methods(["GET"])
@translate_domain_errors
def plan(request: HttpRequest, unit_pk: int) -> HttpResponse:
    page = plan_page_get(
        actor=actor_of(request),
        unit_pk=unit_pk,
        day=_date(request.GET.get("dag")),
        staff_pk=_int(request.GET.get("medarbetare")),
    )
    return render(request, "web/planning/plan.html", {"page": page, "unit": page.unit})


@require_http_methods(["GET"])
@translate_domain_errors
def customers(request: HttpRequest, unit_pk: int) -> HttpResponse:
    page = plan_customers_get(actor=actor_of(request), unit_pk=unit_pk)
    return render(request, "web/planning/customers.html", {"page": page, "unit": page.unit})


@require_http_methods(["GET"])
@translate_domain_errors
def customer(request: HttpRequest, unit_pk: int, person_pk: int) -> HttpResponse:
    panel = customer_continuity_get(actor=actor_of(request), unit_pk=unit_pk, person_pk=person_pk)
    return render(request, "web/planning/customer.html", {"panel": panel, "unit": panel.unit})


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def replan(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = actor_of(request)
    page = replan_page_get(actor=actor, unit_pk=unit_pk, on=timezone.localdate())
    action = request.POST.get("action") if request.method == "POST" else None
    form = AbsenceForm(
        request.POST if action == "absence" else None, staff_choices=page.staff_choices
    )
    replan_errors: list[str] = []
    if action in ("absence", "replan"):
        try:
            if action == "replan":
                job = planjob_request(actor=actor, unit_pk=unit_pk, with_absence=False)
                return redirect("web:planning_job", unit_pk=unit_pk, job_pk=job.pk)
            if form.is_valid():
                job = planjob_request(
                    actor=actor,
                    unit_pk=unit_pk,
                    absence_staff_pk=form.cleaned_data["staff"],
                    absence_start=form.cleaned_data["start"],
                    absence_end=form.cleaned_data["end"],
                )
                return redirect("web:planning_job", unit_pk=unit_pk, job_pk=job.pk)
        except InvalidInput as invalid:
            for problem in invalid.problems:
                if action == "absence":
                    form.add_error(
                        problem.path if problem.path in form.fields else None, problem.message
                    )
                else:
                    replan_errors.append(problem.message)
    status = 400 if action and (form.errors or replan_errors) else 200
    context = {"page": page, "unit": page.unit, "form": form, "replan_errors": replan_errors}
    return render(request, "web/planning/replan.html", context, status=status)


def _effect_text(effect: MoveEffect) -> list[str]:
    change = effect.travel_change
    before, after = effect.before, effect.after
    return [
        f"Planens restid: {effect.travel_before} → {effect.travel_after} min "
        f"({'+' if change > 0 else ''}{change} min).",
        f"Olika personal hos kunden under perioden: {before.distinct_staff} → "
        f"{after.distinct_staff}.",
        f"Besök av den fasta omsorgskontakten: {before.visits_by_contact} → "
        f"{after.visits_by_contact} av {after.visits}.",
    ]


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def move(request: HttpRequest, unit_pk: int, visit_pk: int) -> HttpResponse:
    """Move one visit to another staff member or time (or plan an unplanned one): "Pröva"
    shows what the checker says and the effect, "Spara" saves a move the plan holds with."""
    actor = actor_of(request)
    page = planned_visit_move_page_get(actor=actor, unit_pk=unit_pk, visit_pk=visit_pk)
    initial = {"staff": page.staff_pk, "partner": page.partner_pk, "start": page.start}
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        staff_choices=page.staff_choices,
        double=page.double,
    )
    refusals: list[str] = []
    effect: list[str] = []
    if request.method == "POST" and form.is_valid():
        save = request.POST.get("action") == "spara"
        try:
            done = planned_visit_move(
                actor=actor,
                unit_pk=unit_pk,
                visit_pk=visit_pk,
                staff_pk=form.cleaned_data["staff"],
                partner_pk=form.cleaned_data.get("partner"),
                start=form.cleaned_data["start"],
                save=save,
            )
        except Refusal as refused:
            refusals = [problem.message for problem in refusal_shown(form, refused)]
        else:
            effect = _effect_text(done)
            if save:
                messages.success(request, "Besöket är flyttat. " + " ".join(effect))
                return redirect(
                    reverse("web:planning_plan", args=[unit_pk])
                    + f"?dag={page.day.isoformat()}"
                )
    status = 400 if request.method == "POST" and (form.errors or refusals) else 200
    context = {
        "page": page,
        "unit": page.unit,
        "form": form,
        "refusals": refusals,
        "effect": effect,
    }
    return render(request, "web/planning/move.html", context, status=status)


@require_http_methods(["GET"])
@translate_domain_errors
def job(request: HttpRequest, unit_pk: int, job_pk: int) -> HttpResponse:
    view = planjob_view_get(actor=actor_of(request), unit_pk=unit_pk, job_pk=job_pk)
    return render(request, "web/planning/job.html", {"view": view, "unit": view.unit})


@require_http_methods(["GET"])
@translate_domain_errors
def job_status(request: HttpRequest, unit_pk: int, job_pk: int) -> HttpResponse:
    view = planjob_view_get(actor=actor_of(request), unit_pk=unit_pk, job_pk=job_pk)
    return render(request, "web/planning/job_status.html", {"view": view, "unit": view.unit})


urlpatterns: list[URLPattern] = [
    path("", index, name="planning"),
    path("<int:unit_pk>/", plan, name="planning_plan"),
    path("<int:unit_pk>/kunder/", customers, name="planning_customers"),
    path("<int:unit_pk>/kunder/<int:person_pk>/", customer, name="planning_customer"),
    path("<int:unit_pk>/besok/<int:visit_pk>/", move, name="planning_move"),
    path("<int:unit_pk>/omplanering/", replan, name="planning_replan"),
    path("<int:unit_pk>/omplanering/<int:job_pk>/", job, name="planning_job"),
    path("<int:unit_pk>/omplanering/<int:job_pk>/status/", job_status, name="planning_job_status"),
]
