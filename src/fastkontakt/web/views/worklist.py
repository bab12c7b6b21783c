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

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import UNIT_ROLES
from fastkontakt.access.selectors import persons_read
from fastkontakt.compliance.worklists import GROUP_LABELS, Worklist, WorklistRow, worklist_get
from fastkontakt.domain.errors import NotAllowed
from fastkontakt.registry.models import CONTACT_KIND_CHOICES, Contact, Person, Unit
from fastkontakt.registry.services.contacts import APPOINTING_ROLES
from fastkontakt.web.forms import Form
from fastkontakt.web.views.base import actor_of, translate_domain_errors

PAGE_SIZE = 50

#: Rules resolved by appointing a contact (of the row's kind); contact-level ones replace it.
_APPOINT_RULES = frozenset(
    {
        "contact-on-request",
        "life-threatening-physician",
        "discharge-contact",
        "home-care-contact",
        "omsorgskontakt-profession",
        "lakarkontakt-profession",
        "lakarkontakt-listed-unit",
        "contact-staff-at-unit",
        "contact-eligible",
        "sip-coordinator",
    }
)
#: Rules resolved by recording something on the home care, discharge and SIP page.
_CARE_RULES = frozenset(
    {"plan-initial-update", "plan-revision", "discharge-sip-invitation", "transfer-consent"}
)


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
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*UNIT_ROLES)).order_by("name"))
    if not units:
        raise NotAllowed("Du har ingen roll vid någon enhet och har därför ingen arbetslista.")
    data = request.GET.copy()
    data.setdefault("unit", str(units[0].pk))
    form = WorklistFilter(data)
    form.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
    if not form.is_valid():
        # An unknown unit, rule or staff member in the address: start over on the first unit.
        return redirect(reverse("web:worklist"))
    unit_pk = form.cleaned_data["unit"]
    listing = worklist_get(
        unit_pk=unit_pk,
        as_of=timezone.localdate(),
        rule=form.cleaned_data["rule"] or None,
        kind=form.cleaned_data["kind"] or None,
        staff_pk=form.cleaned_data["staff"],
        page=form.cleaned_data["page"] or 1,
        page_size=PAGE_SIZE,
    )
    may_appoint = any(actor.has_role(role, unit_pk) for role in APPOINTING_ROLES)
    rows = _readable_rows(actor, listing, may_appoint=may_appoint)
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
    action: tuple[str, str]
    """Label and address of the workflow that resolves the row."""


def _readable_rows(actor: Actor, listing: Worklist, *, may_appoint: bool) -> list[RowView]:
    """This page's rows of people the actor may read, each read logged, with its action."""
    person_pks = list(dict.fromkeys(row.person_pk for row in listing.rows))
    people = Person.objects.in_bulk(person_pks)
    readable = {
        p.pk
        for p in persons_read(
            actor=actor,
            people=[people[pk] for pk in person_pks if pk in people],
            what="worklist",
            on=listing.as_of,
        )
    }
    contact_pks = dict(
        Contact.objects.filter(
            external_id__in={row.contact for row in listing.rows if row.contact}
        ).values_list("external_id", "pk")
    )
    return [
        RowView(row, _action(row, listing.unit_pk, contact_pks, may_appoint))
        for row in listing.rows
        if row.person_pk in readable
    ]


def _action(
    row: WorklistRow, unit_pk: int, contact_pks: dict[str, int], may_appoint: bool
) -> tuple[str, str]:
    """The label and address of the workflow that resolves the row.

    Appointing and handing over are for the unit's managers and coordinators; others get the
    person's page, where they see the same finding.
    """
    person = row.person_pk
    contact_pk = contact_pks.get(row.contact or "")
    if row.rule == "contact-informed":
        return "Skicka brev", reverse("web:letters", args=[person])
    if not may_appoint and (row.rule == "contact-vacancy" or row.rule in _APPOINT_RULES):
        return "Öppna", reverse("web:person", args=[person])
    if row.rule == "contact-vacancy" and row.staff_pk is not None:
        return "Lämna över", reverse("web:handover", args=[row.staff_pk])
    if row.rule in _CARE_RULES:
        return "Registrera", reverse("web:care", args=[person])
    if row.rule in _APPOINT_RULES:
        query = f"?unit={unit_pk}"
        if row.kind:
            query += f"&kind={row.kind}"
        if contact_pk is not None:
            query += f"&replaces={contact_pk}"
        return "Utse", reverse("web:appoint", args=[person]) + query
    return "Öppna", reverse("web:person", args=[person])


urlpatterns: list[URLPattern] = [path("", worklist, name="worklist")]
