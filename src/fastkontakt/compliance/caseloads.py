"""Caseloads: what a staff member holds and what is due, and who a unit can appoint.

- :func:`staff_caseload_get`: a staff member's current contacts (person, kind, unit, since,
  informed) and the stored findings that concern them, attributed to staff
  exactly as the unit worklist attributes them (``worklists``: a finding about one of their
  contacts, or a duty of the fast omsorgskontakt they are). The people are patient data: only
  those the actor may read are shown, and each is logged (``persons_read``).
- :func:`unit_caseload_get`: the staff who work at a unit, whether each is selectable as fast
  vårdkontakt, their profession and caseload (people they are a current fixed contact for, by
  kind, at any unit), and the unit's local titles. Counts only, no people.

A contact is *current* as the rules define it (``spec/rules.md``): open-ended or ending on or
after ``as_of``, so an appointment made ahead counts too.

Cost: a fixed number of queries whatever the number of contacts and people, as for the
worklist (plus one per unit of the actor for the care-relationship check).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import persons_read
from fastkontakt.compliance.models import StoredFinding
from fastkontakt.compliance.worklists import GROUPS, WorklistRow, stored_rows
from fastkontakt.domain.errors import NotAllowed, NotFound
from fastkontakt.domain.model import CONTACT_KINDS
from fastkontakt.registry.models import Contact, Staff, StaffUnit, Unit, UnitLocalTitle

__all__ = [
    "CASELOAD_ROLES",
    "CaseloadContact",
    "StaffCaseload",
    "StaffLoad",
    "UnitCaseload",
    "staff_caseload_get",
    "unit_caseload_get",
]

#: Who sees a unit's caseloads and its staff's pages: those who lead and plan the work there.
CASELOAD_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR)

_STAFF_NOT_FOUND = "Medarbetaren finns inte."


def _current(as_of: date) -> Q:
    return Q(end__isnull=True) | Q(end__gte=as_of)


@dataclass(frozen=True, slots=True)
class CaseloadContact:
    contact_pk: int
    person_pk: int
    personal_id: str
    name: str
    kind: str
    kind_label: str
    unit_pk: int
    unit_name: str
    since: date
    end: date | None
    informed: date | None
    coordinating: bool
    local_title: str


@dataclass(frozen=True, slots=True)
class StaffCaseload:
    staff_pk: int
    name: str
    profession: str
    profession_label: str
    licensed: bool
    eligible: bool
    employment_end: date | None
    units: list[tuple[int, str]]
    """(pk, name) of the units the staff member works at, by name."""
    as_of: date
    contacts: list[CaseloadContact]
    """Current contacts of people the actor may read, by person name, then kind."""
    hidden: int
    """Current contacts of people the actor may not read: counted, not shown."""
    by_kind: dict[str, int]
    """Current contacts (shown or not) by kind."""
    deadlines: list[WorklistRow]
    """Findings concerning the staff member, for people the actor may read: overdue, due
    soon, breaches, as on the worklist."""


@dataclass(frozen=True, slots=True)
class StaffLoad:
    staff_pk: int
    name: str
    profession: str
    profession_label: str
    licensed: bool
    eligible: bool
    employment_end: date | None
    by_kind: dict[str, int]
    """People the staff member is a current contact of, by kind (zeros left out)."""
    people: int
    """Different people the staff member is a current contact of, any kind."""


@dataclass(frozen=True, slots=True)
class UnitCaseload:
    unit_pk: int
    name: str
    type_label: str
    as_of: date
    staff: list[StaffLoad]
    """By name."""
    kinds: tuple[str, ...]
    """Contact kinds that someone on the list holds, in the glossary's order."""
    local_titles: list[UnitLocalTitle] = field(default_factory=list)
    """By title."""
    unit_type: str = ""


def staff_caseload_get(*, actor: Actor, staff_pk: int, as_of: date | None = None) -> StaffCaseload:
    """The staff member's current contacts and the findings that concern them on ``as_of``.

    The staff member themself may see it, and whoever holds a role of :data:`CASELOAD_ROLES`
    at a unit where they work. Raises ``NotFound`` for an unknown staff member and for one
    who works at none of the actor's units, and ``NotAllowed`` for anyone else (a colleague
    without a leading role). The findings are read from the findings store (ADR 0020).
    """
    as_of = as_of or timezone.localdate()
    staff = Staff.objects.filter(pk=staff_pk).first()
    if staff is None:
        raise NotFound(_STAFF_NOT_FOUND)
    units = list(
        Unit.objects.filter(workplaces__staff=staff)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    if actor.staff_pk != staff.pk:
        # Staff of none of the actor's units are answered as unknown: another unit's staff
        # member must read exactly as an id that names nobody (a colleague is refused, 403).
        if not any(pk in actor.unit_pks for pk, _ in units):
            raise NotFound(_STAFF_NOT_FOUND)
        leads = actor.units_with_role(*CASELOAD_ROLES)
        if not any(pk in leads for pk, _ in units):
            raise NotAllowed("Bara medarbetaren själv och enhetens ledning ser arbetsbelastningen.")

    current = list(
        Contact.objects.filter(staff=staff)
        .filter(_current(as_of))
        .select_related("person", "unit")
        .order_by("person__name", "person__personal_id", "kind", "start", "pk")
    )
    people = list({c.person_id: c.person for c in current}.values())
    readable = {
        p.pk for p in persons_read(actor=actor, people=people, what="caseload.staff", on=as_of)
    }
    shown = [c for c in current if c.person_id in readable]

    # The stored findings that concern the staff member (attributed as on the unit worklist,
    # by the store's refresh), for people the actor may read.
    deadlines = stored_rows(
        StoredFinding.objects.filter(
            resolved_on__isnull=True, staff=staff, person_id__in=sorted(readable)
        ),
        as_of,
    )
    deadlines.sort(
        key=lambda r: (GROUPS.index(r.group), r.due or date.min, r.name, r.rule, r.contact or "")
    )
    by_kind = Counter(c.kind for c in current)
    return StaffCaseload(
        staff_pk=staff.pk,
        name=staff.name,
        profession=staff.profession,
        profession_label=str(staff.get_profession_display()),
        licensed=staff.licensed,
        eligible=staff.eligible,
        employment_end=staff.employment_end,
        units=units,
        as_of=as_of,
        contacts=[_caseload_contact(c) for c in shown],
        hidden=len(current) - len(shown),
        by_kind={kind: by_kind[kind] for kind in CONTACT_KINDS if by_kind[kind]},
        deadlines=deadlines,
    )


def _caseload_contact(contact: Contact) -> CaseloadContact:
    return CaseloadContact(
        contact_pk=contact.pk,
        person_pk=contact.person_id,
        personal_id=contact.person.personal_id,
        name=contact.person.name,
        kind=contact.kind,
        kind_label=str(contact.get_kind_display()),
        unit_pk=contact.unit_id,
        unit_name=contact.unit.name,
        since=contact.start,
        end=contact.end,
        informed=contact.informed,
        coordinating=contact.coordinating,
        local_title=contact.local_title,
    )


def unit_caseload_get(*, actor: Actor, unit_pk: int, as_of: date | None = None) -> UnitCaseload:
    """Who works at the unit, who is selectable, and each one's caseload on ``as_of``.

    For those holding a role of :data:`CASELOAD_ROLES` at the unit (else ``NotAllowed``);
    ``NotFound`` for an unknown unit. Five queries, whatever the number of staff and contacts.
    """
    as_of = as_of or timezone.localdate()
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise NotFound("Enheten finns inte.")
    require_role(actor, CASELOAD_ROLES, unit.pk)
    members = list(
        Staff.objects.filter(
            pk__in=StaffUnit.objects.filter(unit=unit).values("staff_id")
        ).order_by("name", "pk")
    )
    counted = (
        Contact.objects.filter(staff__workplaces__unit=unit)
        .filter(_current(as_of))
        .values("staff_id", "kind")
        .annotate(people=Count("person_id", distinct=True))
    )
    by_staff: dict[int, dict[str, int]] = {}
    for row in counted:
        by_staff.setdefault(row["staff_id"], {})[row["kind"]] = row["people"]
    totals = dict(
        Contact.objects.filter(staff__workplaces__unit=unit)
        .filter(_current(as_of))
        .values("staff_id")
        .annotate(people=Count("person_id", distinct=True))
        .values_list("staff_id", "people")
    )
    held = {kind for loads in by_staff.values() for kind in loads}
    return UnitCaseload(
        unit_pk=unit.pk,
        name=unit.name,
        type_label=str(unit.get_type_display()),
        unit_type=unit.type,
        as_of=as_of,
        staff=[
            StaffLoad(
                staff_pk=member.pk,
                name=member.name,
                profession=member.profession,
                profession_label=str(member.get_profession_display()),
                licensed=member.licensed,
                eligible=member.eligible,
                employment_end=member.employment_end,
                by_kind={
                    kind: by_staff.get(member.pk, {})[kind]
                    for kind in CONTACT_KINDS
                    if kind in by_staff.get(member.pk, {})
                },
                people=totals.get(member.pk, 0),
            )
            for member in members
        ],
        kinds=tuple(kind for kind in CONTACT_KINDS if kind in held),
        local_titles=list(UnitLocalTitle.objects.filter(unit=unit).order_by("title", "pk")),
    )
