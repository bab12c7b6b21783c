"""Making a person's contacts what a whole care team says (IHE DCTM PCC-45, and any feed).

The team is given as its members; each member that names a contact (by its id) is that
contact, the others are new:

- a member without a known contact id is a new appointment (``contact_appoint``); if the same
  update ends or leaves out a current contact of the same kind at the same unit, the new one
  *replaces* it (it ends the day before the new one starts);
- a current contact that gets an end, or that is left out, is ended (``contact_end``; left
  out: today, with the member's end reason or ``annat``); a coordinating flag dropped from one
  fast vårdkontakt passes to the new coordinating member of the same update;
- a contact's kind, staff member, unit and start never change (end it and appoint another),
  and past contacts are history: changing or removing them is refused (:class:`ChangeRefused`).

Every update of a call runs in one write transaction: any refusal by the rules
(``AppointmentRefused``, naming the rule ids), any bad value or any refused change rolls all of
them back. The version is checked with the person's row locked, so two clients cannot both
update from the same version: the second gets :class:`VersionConflict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.selectors import person_read
from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.errors import ChangeRefused, Problem, VersionConflict
from fastkontakt.registry.models import Contact, Person
from fastkontakt.registry.selectors import contacts_version
from fastkontakt.registry.services.contacts import contact_appoint, contact_end

__all__ = [
    "CARE_TEAM_UPDATE",
    "DEFAULT_END_REASON",
    "TeamMember",
    "TeamUpdate",
    "care_teams_update",
]

DEFAULT_END_REASON = "annat"
#: What the access log calls reading a person to update their team.
CARE_TEAM_UPDATE = "care_team.update"


@dataclass(frozen=True, slots=True)
class TeamMember:
    """One member of the team sent, as the registry would hold it."""

    path: str
    contact_id: str | None
    kind: str
    coordinating: bool
    staff_pk: int
    unit_pk: int
    start: date | None
    end: date | None
    reason: str = ""
    agreed_with_person: bool | None = None
    end_reason: str = ""
    local_title: str = ""


@dataclass(frozen=True, slots=True)
class TeamUpdate:
    """The whole team of one person, and the version it was made against (None: any)."""

    person_pk: int
    members: Sequence[TeamMember]
    expected_version: str | None = None


@dataclass
class _Plan:
    ends: list[tuple[Contact, date, str]] = field(default_factory=list)
    appoints: list[TeamMember] = field(default_factory=list)
    coordination_dropped: list[Contact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def care_teams_update(
    *, actor: Actor, updates: Sequence[TeamUpdate], as_of: date | None = None
) -> list[Person]:
    """Make each person's contacts what their team says, all or nothing; returns the people."""
    on = as_of or timezone.localdate()
    people = [
        person_read(actor=actor, what=CARE_TEAM_UPDATE, person_pk=update.person_pk, on=on)
        for update in updates
    ]
    with write_transaction():
        for person, update in zip(people, updates, strict=True):
            _update(actor, person, update, on)
    return people


def _update(actor: Actor, person: Person, update: TeamUpdate, on: date) -> None:
    Person.objects.select_for_update().filter(pk=person.pk).first()
    contacts = list(Contact.objects.filter(person_id=person.pk).order_by("start", "pk"))
    current = contacts_version(contacts)
    if update.expected_version is not None and update.expected_version != current:
        raise VersionConflict(
            f"Vårdteamet har ändrats (version {current}, begäran gällde "
            f"{update.expected_version}); hämta det igen."
        )
    plan = _plan(contacts, update.members, on)
    if plan.problems:
        raise ChangeRefused(plan.problems)
    _apply(actor, person, plan, on)


def _same(contact: Contact, member: TeamMember) -> bool:
    return (
        contact.kind == member.kind
        and contact.staff_id == member.staff_pk
        and contact.unit_id == member.unit_pk
        and (member.start is None or contact.start == member.start)
    )


def _plan(contacts: Sequence[Contact], members: Sequence[TeamMember], on: date) -> _Plan:
    plan = _Plan()
    by_id = {c.external_id: c for c in contacts}
    seen: set[str] = set()
    for member in members:
        contact = by_id.get(member.contact_id or "")
        if contact is None:
            plan.appoints.append(member)
            continue
        seen.add(contact.external_id)
        if not _same(contact, member):
            plan.problems.append(
                Problem(
                    member.path,
                    "Ett uppdrags typ, medarbetare, enhet och start ändras inte; "
                    "avsluta det och utse en ny kontakt.",
                )
            )
            continue
        ended = contact.end is not None and contact.end < on
        if member.end != contact.end:
            if contact.end is not None or member.end is None:
                plan.problems.append(
                    Problem(member.path, "Ett avslutat uppdrag kan inte öppnas igen eller ändras.")
                )
                continue
            plan.ends.append((contact, member.end, member.end_reason or DEFAULT_END_REASON))
        if member.coordinating != contact.coordinating:
            if contact.coordinating and not ended:
                plan.coordination_dropped.append(contact)
            else:
                plan.problems.append(
                    Problem(
                        member.path,
                        "Samordningsansvar ges till en ny deltagare, inte till en befintlig.",
                    )
                )
    for contact in contacts:
        if contact.external_id in seen:
            continue
        if active_on(contact.start, contact.end, on) or contact.start > on:
            plan.ends.append((contact, max(on, contact.start), DEFAULT_END_REASON))
        else:
            plan.problems.append(
                Problem(
                    "CareTeam.participant",
                    f"Det avslutade uppdraget {contact.external_id} är historik och kan inte "
                    "tas bort.",
                )
            )
    return plan


def _replaced(plan: _Plan, member: TeamMember, start: date) -> Contact | None:
    """An ended-in-this-update contact that ``member`` succeeds: same kind and unit."""
    for i, (contact, end, _) in enumerate(plan.ends):
        if (
            contact.kind == member.kind
            and contact.unit_id == member.unit_pk
            and contact.start < start
            and end >= start - timedelta(days=1)
        ):
            del plan.ends[i]
            return contact
    return None


def _apply(actor: Actor, person: Person, plan: _Plan, on: date) -> None:
    # Pair successors with what they replace first; the other ends run before the
    # appointments, so the rules check each new contact against the team without them.
    appointments = []
    for member in plan.appoints:
        start = member.start or on
        replaced = _replaced(plan, member, start)
        takes_over = None
        if member.coordinating and member.kind == "fast_vardkontakt" and plan.coordination_dropped:
            takes_over = plan.coordination_dropped.pop(0)
        appointments.append((member, start, replaced, takes_over))
    if plan.coordination_dropped:
        raise ChangeRefused(
            [
                Problem(
                    "CareTeam.participant",
                    "Samordningsansvaret kan bara tas bort när en ny deltagare tar över det i "
                    "samma uppdatering.",
                )
            ]
        )
    for contact, end, reason in plan.ends:
        contact_end(actor=actor, contact_pk=contact.pk, end=end, end_reason=reason, as_of=on)
    for member, start, replaced, takes_over in appointments:
        contact_appoint(
            actor=actor,
            person_pk=person.pk,
            kind=member.kind,
            staff_pk=member.staff_pk,
            unit_pk=member.unit_pk,
            start=start,
            coordinating=member.coordinating,
            replaces_pk=replaced.pk if replaced else None,
            takes_over_coordination_from_pk=takes_over.pk if takes_over else None,
            reason=member.reason,
            agreed_with_person=member.agreed_with_person,
            local_title=member.local_title,
            as_of=on,
        )
