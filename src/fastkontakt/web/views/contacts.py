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
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.actors import Actor
from fastkontakt.access.selectors import person_read, persons_named_refused_log, persons_read
from fastkontakt.access.services import InvalidInput
from fastkontakt.domain.errors import NotAllowed, NotFound
from fastkontakt.domain.vocabulary import count_phrase
from fastkontakt.letters.models import LetterJob
from fastkontakt.letters.services import (
    contact_appoint_with_letter,
    contact_handover_with_letters,
)
from fastkontakt.registry.models import (
    APPOINTMENT_REASON_CHOICES,
    CONTACT_KIND_CHOICES,
    END_REASON_CHOICES,
    HANDOVER_REASON_CHOICES,
    Absence,
    Contact,
    Handover,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.registry.services.contacts import (
    APPOINTING_ROLES,
    AppointmentRefused,
    HandoverRefused,
    appointment_candidates,
    contact_end,
    staff_caseload_counts,
)
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import actor_of, form_errors_add, translate_domain_errors

_AGREED_CHOICES = [("", "Inte angivet"), ("ja", "Ja"), ("nej", "Nej")]


def _appointing_units(actor: Actor) -> list[Unit]:
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*APPOINTING_ROLES)))
    if not units:
        raise NotAllowed("Du har ingen roll som ger rätt att utse fasta kontakter.")
    return sorted(units, key=lambda u: u.name)


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
    units = _appointing_units(actor)
    today = timezone.localdate()
    person = person_read(actor=actor, person_pk=person_pk, what="contact.appoint.form")
    # Current: no end, or an end still ahead (a contact whose staff member leaves later is the
    # one a worklist row asks to replace).
    current = list(
        Contact.objects.filter(person=person)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("staff", "unit")
    )
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
    refusal: list[object] = []
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
        except AppointmentRefused as refused:
            refusal = list(refused.problems)
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
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
    contact = get_object_or_404(Contact.objects.select_related("staff", "unit"), pk=contact_pk)
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


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff: Staff
    caseload: int
    leaving: date | None
    away: Absence | None


@require_http_methods(["GET"])
@translate_domain_errors
def handover_staff_list(request: HttpRequest) -> HttpResponse:
    """The staff of the user's units, those leaving or away soonest first."""
    actor = actor_of(request)
    units = _appointing_units(actor)
    today = timezone.localdate()
    staff = list(
        Staff.objects.filter(workplaces__unit__in=units)
        .distinct()
        .prefetch_related("absences")
        .order_by("name")
    )
    counts = staff_caseload_counts(on=today, staff_pks=[s.pk for s in staff])
    rows = []
    for member in staff:
        away = [a for a in member.absences.all() if a.end >= today]
        rows.append(
            StaffRow(
                staff=member,
                caseload=counts.get(member.pk, 0),
                leaving=member.employment_end,
                away=min(away, key=lambda a: a.start) if away else None,
            )
        )
    rows.sort(key=lambda r: (r.leaving is None and r.away is None, r.staff.name))
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
    units = _appointing_units(actor)
    today = timezone.localdate()
    # Only staff of the user's units, or holding contacts there: anyone else's name is not
    # shown, and the page answers as for an unknown id.
    leaving = get_object_or_404(
        Staff.objects.filter(
            Q(workplaces__unit__in=units) | Q(contacts__unit__in=units)
        ).distinct(),
        pk=staff_pk,
    )
    contacts = list(
        Contact.objects.filter(staff=leaving, unit__in=units)
        .exclude(end__lt=today)
        .select_related("person", "unit")
        .order_by("kind", "person__name", "pk")
    )
    readable = {
        p.pk
        for p in persons_read(
            actor=actor,
            people=list({c.person_id: c.person for c in contacts}.values()),
            what="contact.handover.form",
        )
    }
    contacts = [c for c in contacts if c.person_id in readable]
    successors = _successor_options(contacts, leaving)
    form = HandoverForm(
        request.POST or None,
        initial={
            "reason": "lang_franvaro" if leaving.employment_end is None else "medarbetaren_slutar",
            "effective": today,
        },
    )
    chosen = _chosen_successors(request, contacts)
    refused: dict[int, list[object]] = {}
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
        except HandoverRefused as error:
            refused = {pk: list(problems) for pk, problems in error.problems.items()}
            form.add_error(None, "Överlämningen sparades inte: se de markerade uppdragen.")
        except InvalidInput as invalid:
            for problem in invalid.problems:
                pk = problem.path.removeprefix("successors[").removesuffix("]")
                if pk.isdigit():
                    refused.setdefault(int(pk), []).append(problem)
                else:
                    form.add_error(
                        problem.path if problem.path in form.fields else None, problem.message
                    )
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


def _successor_options(
    contacts: list[Contact], leaving: Staff
) -> dict[int, list[dict[str, object]]]:
    """Per unit: its other staff with profession and caseload, fewest people first."""
    unit_pks = {c.unit_id for c in contacts}
    rows = list(
        StaffUnit.objects.filter(unit_id__in=unit_pks)
        .exclude(staff=leaving)
        .select_related("staff")
        .order_by("staff__name")
    )
    counts = staff_caseload_counts(on=timezone.localdate(), staff_pks=[r.staff_id for r in rows])
    options: dict[int, list[dict[str, object]]] = {pk: [] for pk in unit_pks}
    for row in rows:
        options[row.unit_id].append(
            {
                "pk": row.staff_id,
                "label": f"{row.staff.name} ({row.staff.get_profession_display().lower()}, "
                f"{_people(counts.get(row.staff_id, 0))})",
            }
        )
    return options


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
    actor = actor_of(request)
    done = get_object_or_404(Handover.objects.select_related("staff"), pk=handover_pk)
    items = list(
        done.items.select_related(
            "previous__person", "successor__staff", "successor__unit"
        ).order_by("previous__person__name")
    )
    people = list({i.previous.person_id: i.previous.person for i in items}.values())
    if not any(i.successor.unit_id in actor.unit_pks for i in items):
        # Another unit's handover answers exactly as an unknown one, and the attempt on each
        # of its people outside the actor's care relationships is logged.
        persons_named_refused_log(
            actor=actor, what="contact.handover.done", person_pks=[p.pk for p in people]
        )
        raise NotFound("Överlämningen finns inte.")
    if not any(
        actor.has_role(role, i.successor.unit_id) for i in items for role in APPOINTING_ROLES
    ):
        raise NotAllowed("Du har ingen roll vid enheten som ger rätt att se överlämningen.")
    readable = {
        p.pk for p in persons_read(actor=actor, people=people, what="contact.handover.done")
    }
    items = [i for i in items if i.previous.person_id in readable]
    job = LetterJob.objects.filter(handover=done).first()
    return render(request, "web/handover_done.html", {"handover": done, "items": items, "job": job})


urlpatterns: list[URLPattern] = [
    path("utse/<int:person_pk>/", appoint, name="appoint"),
    path("<int:contact_pk>/avsluta/", end, name="end"),
    path("overlamning/", handover_staff_list, name="handover_list"),
    path("overlamning/<int:staff_pk>/", handover, name="handover"),
    path("overlamning/klar/<int:handover_pk>/", handover_done, name="handover_done"),
]
