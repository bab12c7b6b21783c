"""Reading what the contact pages show: where the actor may appoint, a person's current
contacts, a contact to end, the staff to hand over from, their contacts and the successors to
choose among, and a finished handover.

Every read of a person goes through ``access.selectors`` and is logged there; a staff member,
contact or handover the actor may not see answers ``NotFound``, exactly as an unknown id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from fastkontakt.access.actors import Actor
from fastkontakt.access.selectors import persons_named_refused_log, persons_read
from fastkontakt.domain.errors import NotAllowed, NotFound
from fastkontakt.registry.models import Absence, Contact, Handover, Person, Staff, StaffUnit, Unit
from fastkontakt.registry.services.contacts import APPOINTING_ROLES, staff_caseload_counts


def appointing_units(*, actor: Actor) -> list[Unit]:
    """The units where the actor may appoint and hand over, by name (else ``NotAllowed``)."""
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*APPOINTING_ROLES)))
    if not units:
        raise NotAllowed("Du har ingen roll som ger rätt att utse fasta kontakter.")
    return sorted(units, key=lambda u: u.name)


def contacts_current_list(*, person: Person, on: date) -> list[Contact]:
    """The person's contacts with no end or an end still ahead on ``on`` (a contact whose
    staff member leaves later is the one a worklist row asks to replace)."""
    return list(
        Contact.objects.filter(person=person)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("staff", "unit")
    )


def contact_get(*, contact_pk: int) -> Contact:
    """The contact with its staff member and unit (``NotFound`` when there is none)."""
    contact = Contact.objects.select_related("staff", "unit").filter(pk=contact_pk).first()
    if contact is None:
        raise NotFound("Uppdraget finns inte.")
    return contact


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff: Staff
    caseload: int
    leaving: date | None
    away: Absence | None


def handover_staff_list(*, units: list[Unit], on: date) -> list[StaffRow]:
    """The staff of ``units``, those leaving or away soonest first, with their caseloads."""
    staff = list(
        Staff.objects.filter(workplaces__unit__in=units)
        .distinct()
        .prefetch_related("absences")
        .order_by("name")
    )
    counts = staff_caseload_counts(on=on, staff_pks=[s.pk for s in staff])
    rows = []
    for member in staff:
        away = [a for a in member.absences.all() if a.end >= on]
        rows.append(
            StaffRow(
                staff=member,
                caseload=counts.get(member.pk, 0),
                leaving=member.employment_end,
                away=min(away, key=lambda a: a.start) if away else None,
            )
        )
    rows.sort(key=lambda r: (r.leaving is None and r.away is None, r.staff.name))
    return rows


def handover_staff_get(*, units: list[Unit], staff_pk: int) -> Staff:
    """A staff member of ``units`` or holding contacts there; anyone else answers as unknown."""
    leaving = (
        Staff.objects.filter(Q(workplaces__unit__in=units) | Q(contacts__unit__in=units))
        .distinct()
        .filter(pk=staff_pk)
        .first()
    )
    if leaving is None:
        raise NotFound("Medarbetaren finns inte.")
    return leaving


def handover_contacts_list(
    *, actor: Actor, leaving: Staff, units: list[Unit], on: date
) -> list[Contact]:
    """The contacts ``leaving`` holds at ``units`` that have not ended by ``on``, of the
    people the actor may read (each read logged)."""
    contacts = list(
        Contact.objects.filter(staff=leaving, unit__in=units)
        .exclude(end__lt=on)
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
    return [c for c in contacts if c.person_id in readable]


@dataclass(frozen=True, slots=True)
class SuccessorOption:
    staff_pk: int
    name: str
    profession: str
    caseload: int


def successor_options(
    *, contacts: list[Contact], leaving: Staff, on: date
) -> dict[int, list[SuccessorOption]]:
    """Per unit of ``contacts``: its other staff with profession and caseload, by name."""
    unit_pks = {c.unit_id for c in contacts}
    rows = list(
        StaffUnit.objects.filter(unit_id__in=unit_pks)
        .exclude(staff=leaving)
        .select_related("staff")
        .order_by("staff__name")
    )
    counts = staff_caseload_counts(on=on, staff_pks=[r.staff_id for r in rows])
    options: dict[int, list[SuccessorOption]] = {pk: [] for pk in unit_pks}
    for row in rows:
        options[row.unit_id].append(
            SuccessorOption(
                row.staff_id,
                row.staff.name,
                row.staff.get_profession_display(),
                counts.get(row.staff_id, 0),
            )
        )
    return options


@dataclass(frozen=True, slots=True)
class HandoverDone:
    handover: Handover
    items: list[object]
    """The handover's items about people the actor may read, by the person's name."""


def handover_done_get(*, actor: Actor, handover_pk: int) -> HandoverDone:
    """A finished handover, for a user with an appointing role at a successor's unit.

    Another unit's handover answers exactly as an unknown one (``NotFound``), and the attempt
    on each of its people outside the actor's care relationships is logged.
    """
    done = Handover.objects.select_related("staff").filter(pk=handover_pk).first()
    if done is None:
        raise NotFound("Överlämningen finns inte.")
    items = list(
        done.items.select_related(
            "previous__person", "successor__staff", "successor__unit"
        ).order_by("previous__person__name")
    )
    people = list({i.previous.person_id: i.previous.person for i in items}.values())
    if not any(i.successor.unit_id in actor.unit_pks for i in items):
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
    return HandoverDone(done, [i for i in items if i.previous.person_id in readable])
