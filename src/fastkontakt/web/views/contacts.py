"""Appointing, ending and handing over fixed contacts.

Each page parses a form and calls one service of ``registry.services.contacts``; a refusal by a
rule comes back as :class:`AppointmentRefused` and is shown above the form with the rule id and
its source, the form keeping what was typed. Nothing is saved on a refusal (the services write
in one transaction). After an appointment or a handover the letters to the people are created
at once (``letters.services``), so that informing the person is one click away.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.selectors import person_read
from fastkontakt.domain.errors import HandoverRefused, InvalidInput, Problem, Refusal, contact_pk_of
from fastkontakt.domain.vocabulary import count_phrase
from fastkontakt.letters.selectors import letter_job_of_handover
from fastkontakt.letters.services import (
    contact_appoint_with_letter,
    contact_handover_with_letters,
)
from fastkontakt.registry.contact_selectors import (
    appointing_units,
    contact_get,
    contacts_current_list,
    handover_contacts_list,
    handover_done_get,
    handover_staff_get,
    successor_options,
)
from fastkontakt.registry.contact_selectors import handover_staff_list as handover_staff_list_get
from fastkontakt.registry.models import (
    APPOINTMENT_REASON_CHOICES,
    CONTACT_KIND_CHOICES,
    END_REASON_CHOICES,
    HANDOVER_REASON_CHOICES,
    Contact,
    Staff,
    Unit,
)
from fastkontakt.registry.services.contacts import (
    appointment_candidates,
    contact_end,
)
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import (
    actor_of,
    form_errors_add,
    refusal_shown,
    translate_domain_errors,
)

_AGREED_CHOICES = [("", "Inte angivet"), ("ja", "Ja"), ("nej", "Nej")]


# --- appoint ---------------------------------------------------------------------------------


class AppointForm(Form):
    unit = forms.TypedChoiceField(label="Enhet", coerce=int)
    kind = forms.ChoiceField(label="Typ av kontakt", choices=CONTACT_KIND_CHOICES)
    staff = forms.TypedChoiceField(label="Medarbetare", coerce=int, required=False)
    start = DateField(label="Från och med")
    coordinating = forms.BooleanField(label="Samordningsansvar", required=False)
    takes_over = forms.TypedChoiceField(
        label="Tar över samordningsansvaret från", coerce=int, required=False, empty_value=None
    )
    replaces = forms.TypedChoiceField(
        label="Ersätter", coerce=int, required=False, empty_value=None
    )
    reason = forms.ChoiceField(label="Skäl", choices=APPOINTMENT_REASON_CHOICES)
    agreed = forms.ChoiceField(
        label="Överenskommet med personen", choices=_AGREED_CHOICES, required=False
    )
    local_title = forms.CharField(label="Lokal titel", max_length=200, required=False)

    def clean_staff(self) -> int | None:
        staff: int | None = self.cleaned_data.get("staff")
        if self.data.get("action") == "save" and not staff:
            raise forms.ValidationError("Välj en medarbetare.")
        return staff


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def appoint(request: HttpRequest, person_pk: int) -> HttpResponse:
    actor = actor_of(request)
    units = appointing_units(actor=actor)
    today = timezone.localdate()
    person = person_read(actor=actor, person_pk=person_pk, what="contact.appoint.form")
    current = contacts_current_list(person=person, on=today)
    # Anything the address leaves out takes its default, so that a worklist link naming only
    # the unit and kind opens a complete form. The start date is prefilled (today) only when the
    # form is opened, where the user sees it: a sent form without one is refused, never saved
    # as today behind the user's back.
    data = (request.POST if request.method == "POST" else request.GET).copy()
    defaults = {"unit": str(units[0].pk), "kind": "fast_vardkontakt", "reason": "behov"}
    if request.method != "POST":
        defaults["start"] = today.isoformat()
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = value
    form = AppointForm(data)
    form.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
    form.fields["takes_over"].choices = [("", "–")] + [  # type: ignore[attr-defined]
        (c.pk, f"{c.staff.name}, {c.unit.name}")
        for c in current
        if c.kind == "fast_vardkontakt" and c.coordinating
    ]
    form.fields["replaces"].choices = [("", "–")] + [  # type: ignore[attr-defined]
        (c.pk, f"{c.get_kind_display()}: {c.staff.name}, {c.unit.name}") for c in current
    ]
    chosen = _chosen(form, units)
    ranked = appointment_candidates(
        actor=actor,
        person_pk=person.pk,
        kind=chosen.kind,
        unit_pk=chosen.unit,
        start=chosen.start,
        coordinating=chosen.coordinating,
        replaces_pk=chosen.replaces,
        takes_over_pk=chosen.takes_over,
        as_of=today,
    )
    form.fields["staff"].choices = [("", "–")] + [  # type: ignore[attr-defined]
        (pk, c.name) for pk, c in ranked
    ]
    refusal: list[Problem] = []
    if request.method == "POST" and data.get("action") == "save" and form.is_valid():
        values = form.cleaned_data
        try:
            contact, _ = contact_appoint_with_letter(
                actor=actor,
                person_pk=person.pk,
                kind=values["kind"],
                staff_pk=values["staff"],
                unit_pk=values["unit"],
                start=values["start"],
                coordinating=values["coordinating"],
                replaces_pk=values["replaces"],
                takes_over_coordination_from_pk=values["takes_over"],
                reason=values["reason"],
                agreed_with_person={"ja": True, "nej": False}.get(values["agreed"]),
                local_title=values["local_title"],
                as_of=today,
            )
        except Refusal as refused:
            refusal = refusal_shown(form, refused)
        else:
            messages.success(
                request,
                f"{contact.staff.name} är utsedd till {contact.get_kind_display().lower()}. "
                "Ett brev till personen är skapat – skriv ut eller skicka det och registrera "
                "när det lämnats.",
            )
            return redirect("web:letters", person_pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "candidates": [(pk, c) for pk, c in ranked],
        "chosen_staff": chosen.staff,
        "refusal": refusal,
    }
    template = "web/appoint_candidates.html" if request.htmx else "web/appoint.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@dataclass(frozen=True, slots=True)
class Chosen:
    unit: int
    kind: str
    start: date
    coordinating: bool
    replaces: int | None
    takes_over: int | None
    staff: int | None


def _chosen(form: AppointForm, units: list[Unit]) -> Chosen:
    """The unit, kind, start and replaced contact the candidates are ranked for.

    Read field by field (not through ``is_valid``) so that a half-filled form still shows the
    candidates; anything unparsable falls back to the initial value.
    """

    def field(name: str) -> Any:
        bound = form[name]
        try:
            return form.fields[name].clean(bound.value())
        except forms.ValidationError:
            return form.get_initial_for_field(form.fields[name], name)

    unit = field("unit")
    return Chosen(
        unit=unit if unit in {u.pk for u in units} else units[0].pk,
        kind=field("kind") or "fast_vardkontakt",
        start=field("start") or timezone.localdate(),
        coordinating=bool(field("coordinating")),
        replaces=field("replaces") or None,
        takes_over=field("takes_over") or None,
        # Not through the field: its choices (the ranked candidates) are set after this.
        staff=int(staff) if (staff := str(form.data.get("staff", ""))).isdigit() else None,
    )


# --- end -------------------------------------------------------------------------------------


class EndForm(Form):
    end = DateField(label="Sista dag")
    end_reason = forms.ChoiceField(label="Skäl", choices=[("", "Välj skäl"), *END_REASON_CHOICES])


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def end(request: HttpRequest, contact_pk: int) -> HttpResponse:
    actor = actor_of(request)
    contact = contact_get(contact_pk=contact_pk)
    person = person_read(actor=actor, person_pk=contact.person_id, what="contact.end.form")
    form = EndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            contact_end(
                actor=actor,
                contact_pk=contact.pk,
                end=form.cleaned_data["end"],
                end_reason=form.cleaned_data["end_reason"],
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            messages.success(
                request,
                f"Uppdraget som {contact.get_kind_display().lower()} "
                f"för {contact.staff.name} är avslutat.",
            )
            return redirect("web:person", person_pk=person.pk)
    return render(request, "web/end.html", {"person": person, "contact": contact, "form": form})


# --- hand over -------------------------------------------------------------------------------


@require_http_methods(["GET"])
@translate_domain_errors
def handover_staff_list(request: HttpRequest) -> HttpResponse:
    """The staff of the user's units, those leaving or away soonest first."""
    units = appointing_units(actor=actor_of(request))
    rows = handover_staff_list_get(units=units, on=timezone.localdate())
    return render(request, "web/handover_list.html", {"rows": rows, "units": units})


class HandoverForm(Form):
    reason = forms.ChoiceField(label="Skäl", choices=HANDOVER_REASON_CHOICES)
    effective = DateField(label="Gäller från")
    relatives = forms.BooleanField(
        label="Skicka även en kopia till de närstående som personen har samtyckt till",
        required=False,
    )


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def handover(request: HttpRequest, staff_pk: int) -> HttpResponse:
    actor = actor_of(request)
    units = appointing_units(actor=actor)
    today = timezone.localdate()
    # Only staff of the user's units, or holding contacts there: anyone else's name is not
    # shown, and the page answers as for an unknown id.
    leaving = handover_staff_get(units=units, staff_pk=staff_pk)
    contacts = handover_contacts_list(actor=actor, leaving=leaving, units=units, on=today)
    successors = _successor_choices(contacts, leaving, today)
    form = HandoverForm(
        request.POST or None,
        initial={
            "reason": "lang_franvaro" if leaving.employment_end is None else "medarbetaren_slutar",
            "effective": today,
        },
    )
    chosen = _chosen_successors(request, contacts)
    refused: dict[int, list[Problem]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            done, letters = contact_handover_with_letters(
                actor=actor,
                staff_pk=leaving.pk,
                reason=form.cleaned_data["reason"],
                effective=form.cleaned_data["effective"],
                successors=chosen,
                as_of=today,
                relatives=form.cleaned_data["relatives"],
            )
        except Refusal as error:
            about_contacts = refusal_shown(
                form, error, elsewhere=lambda path: contact_pk_of(path) is not None
            )
            for problem in about_contacts:
                pk = contact_pk_of(problem.path)
                if pk is not None:
                    refused.setdefault(pk, []).append(problem)
                else:
                    form.add_error(None, problem.message)
            if isinstance(error, HandoverRefused):
                form.add_error(None, "Överlämningen sparades inte: se de markerade uppdragen.")
        else:
            messages.success(
                request,
                f"{count_phrase(len(chosen), 'uppdrag är överlämnat', 'uppdrag är överlämnade')}"
                + (
                    f" och {count_phrase(len(letters), 'brev är skapat', 'brev är skapade')}."
                    if letters
                    else ". Breven skrivs i bakgrunden."
                ),
            )
            return redirect("web:handover_done", handover_pk=done.pk)
    # One group per kind and unit: a successor must work at the contact's unit, so the bulk
    # choice of a group is made among that unit's staff.
    by_kind: dict[str, list[dict[str, object]]] = defaultdict(list)
    for contact in contacts:
        by_kind[f"{contact.get_kind_display()}, {contact.unit.name}"].append(
            {
                "contact": contact,
                "options": successors[contact.unit_id],
                "chosen": chosen.get(contact.pk),
                "refused": refused.get(contact.pk, []),
            }
        )
    context = {
        "leaving": leaving,
        "form": form,
        "groups": sorted(by_kind.items()),
        "count": len(contacts),
    }
    return render(request, "web/handover.html", context)


def _successor_choices(
    contacts: list[Contact], leaving: Staff, on: date
) -> dict[int, list[dict[str, object]]]:
    """Per unit: its other staff as the form's options, with profession and caseload."""
    return {
        unit_pk: [
            {
                "pk": o.staff_pk,
                "label": f"{o.name} ({o.profession.lower()}, {_people(o.caseload)})",
            }
            for o in options
        ]
        for unit_pk, options in successor_options(
            contacts=contacts, leaving=leaving, on=on
        ).items()
    }


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} personer"


def _chosen_successors(request: HttpRequest, contacts: list[Contact]) -> dict[int, int]:
    """Successor per contact from the form: ``successor-<pk>``, or the kind's bulk choice."""
    chosen: dict[int, int] = {}
    for contact in contacts:
        value = request.POST.get(f"successor-{contact.pk}") or request.POST.get(
            f"all-{contact.kind}-{contact.unit_id}"
        )
        if value and value.isdigit():
            chosen[contact.pk] = int(value)
    return chosen


@require_http_methods(["GET"])
@translate_domain_errors
def handover_done(request: HttpRequest, handover_pk: int) -> HttpResponse:
    found = handover_done_get(actor=actor_of(request), handover_pk=handover_pk)
    done, items = found.handover, found.items
    job = letter_job_of_handover(handover_pk=done.pk)
    return render(request, "web/handover_done.html", {"handover": done, "items": items, "job": job})


urlpatterns: list[URLPattern] = [
    path("utse/<int:person_pk>/", appoint, name="appoint"),
    path("<int:contact_pk>/avsluta/", end, name="end"),
    path("overlamning/", handover_staff_list, name="handover_list"),
    path("overlamning/<int:staff_pk>/", handover, name="handover"),
    path("overlamning/klar/<int:handover_pk>/", handover_done, name="handover_done"),
]
