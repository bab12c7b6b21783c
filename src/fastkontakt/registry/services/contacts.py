"""Appointing, ending and handing over fixed contacts: the writes behind the pages and the API.

Every service here follows one path:

1. **Parse and validate the input** (kinds, reasons, dates, text lengths): a bad value raises
   :class:`~fastkontakt.access.services.InvalidInput` with one Swedish problem per field.
2. **Check the role** at the unit concerned (``require_role``: head of unit, unit manager or
   coordinator) and **the care relationship** (``person_read``, which logs the read and answers
   a person outside it exactly as one who does not exist).
3. **Check the rules** the write could break (``domain.appointment.appointment_problems``, the
   same engine the worklists and the file checker run): any problem raises
   :class:`AppointmentRefused` naming the rule ids.
4. **Write and log the write** (``person_write_log``), all in one transaction: a refusal or a
   failure half-way leaves nothing saved.

Steps 1–2 run *before* the write transaction opens: the access log entry of the read (or of
the refused attempt) must stay even when the write is then refused and rolled back. The
person's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) inside the transaction before
the rule checks, so two managers appointing at once cannot both pass "one coordinating
contact".
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import cast

from django.db.models import Count, Q
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import person_read, persons_read
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.appointment import (
    AppointmentProblem,
    Candidate,
    Proposal,
    appointment_problems,
    rank_candidates,
)
from fastkontakt.domain.errors import (
    SUCCESSOR_PATH,
    AppointmentRefused,
    HandoverRefused,
    InvalidInput,
    NotFound,
    Problem,
)
from fastkontakt.domain.model import CONTACT_KINDS, ContactKind, Patient
from fastkontakt.domain.rules.engine import Directory, Policy
from fastkontakt.registry.models import (
    APPOINTMENT_REASON_CHOICES,
    END_REASON_CHOICES,
    HANDOVER_REASON_CHOICES,
    NAME_LENGTH,
    Contact,
    Handover,
    HandoverItem,
    Person,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.registry.selectors import (
    directory_get,
    person_get_snapshot,
    referenced_ids,
    region_policy_get,
)

__all__ = [
    "APPOINTING_ROLES",
    "AppointmentRefused",
    "HandoverRefused",
    "appointment_candidates",
    "contact_appoint",
    "contact_end",
    "contact_handover",
    "staff_caseload_counts",
]

#: Who may appoint, end and hand over contacts at a unit.
APPOINTING_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR)

_APPOINTMENT_REASONS = frozenset(value for value, _ in APPOINTMENT_REASON_CHOICES)
_END_REASONS = frozenset(value for value, _ in END_REASON_CHOICES)
_HANDOVER_REASONS = frozenset(value for value, _ in HANDOVER_REASON_CHOICES)
#: How far back a start or end may be recorded: a correction of last year is plausible, a date
#: decades ago is a typing error.
_BACKDATING_DAYS = 366


def _refused(problems: list[AppointmentProblem]) -> AppointmentRefused:
    return AppointmentRefused(Problem("", p.message, p.rule, p.source) for p in problems)


# --- reads that the forms need ---------------------------------------------------------------


def staff_caseload_counts(*, on: date, staff_pks: list[int] | None = None) -> dict[int, int]:
    """How many people each staff member is a current fixed contact for on ``on`` (one query)."""
    rows = Contact.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    if staff_pks is not None:
        rows = rows.filter(staff_id__in=staff_pks)
    counted = rows.values("staff_id").annotate(people=Count("person_id", distinct=True))
    return {row["staff_id"]: row["people"] for row in counted}


def appointment_candidates(
    *,
    actor: Actor,
    person_pk: int,
    kind: str,
    unit_pk: int,
    start: date | None = None,
    coordinating: bool = False,
    replaces_pk: int | None = None,
    takes_over_pk: int | None = None,
    as_of: date | None = None,
) -> list[tuple[int, Candidate]]:
    """The staff who could be appointed, best fit first, each with its staff pk.

    The pool is the unit's staff and everyone who has held a contact of the person; refused
    candidates come last with their reasons (``domain.appointment.rank_candidates``).
    """
    as_of = as_of or timezone.localdate()
    kind_ = _kind(kind)
    unit = _unit(unit_pk)
    require_role(actor, APPOINTING_ROLES, unit.pk)
    person = person_read(actor=actor, what="contact.candidates", person_pk=person_pk, on=as_of)
    patient = person_get_snapshot(personal_id=person.personal_id)
    units, staff_ids = referenced_ids(patient)
    staff_ids |= set(StaffUnit.objects.filter(unit=unit).values_list("staff__hsa_id", flat=True))
    directory = directory_get(unit_ids=units | {unit.hsa_id}, staff_ids=staff_ids)
    pks = dict(Staff.objects.filter(hsa_id__in=staff_ids).values_list("hsa_id", "pk"))
    counts = staff_caseload_counts(on=as_of, staff_pks=list(pks.values()))
    replaces = _contact_of(person, replaces_pk).external_id if replaces_pk else None
    # Ranked as the save would check them: a takeover of coordination is no second coordinator.
    takes_over = _contact_of(person, takes_over_pk).external_id if takes_over_pk else None
    ranked = rank_candidates(
        patient,
        kind_,
        unit.hsa_id,
        directory,
        {hsa_id: counts.get(pk, 0) for hsa_id, pk in pks.items()},
        as_of=as_of,
        policy=region_policy_get(),
        start=start,
        coordinating=coordinating,
        replaces=replaces,
        takes_over_coordination_from=takes_over,
    )
    return [(pks[candidate.staff], candidate) for candidate in ranked]


# --- writes ----------------------------------------------------------------------------------


def contact_appoint(
    *,
    actor: Actor,
    person_pk: int,
    kind: str,
    staff_pk: int,
    unit_pk: int,
    start: date,
    coordinating: bool = False,
    replaces_pk: int | None = None,
    takes_over_coordination_from_pk: int | None = None,
    reason: str = "",
    agreed_with_person: bool | None = None,
    local_title: str = "",
    as_of: date | None = None,
) -> Contact:
    """Appoint ``staff_pk`` as the person's contact of ``kind`` at ``unit_pk`` from ``start``.

    ``replaces_pk`` names the person's current contact of the same kind that this one succeeds
    (it ends the day before ``start``); ``takes_over_coordination_from_pk`` the coordinating
    fast vårdkontakt whose coordination this one takes over explicitly (it stays a fast
    vårdkontakt without it). Raises ``InvalidInput``, ``NotAllowed``, ``NotFound`` or
    :class:`AppointmentRefused`.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    kind_ = _kind(kind, problems)
    if reason and reason not in _APPOINTMENT_REASONS:
        problems.append(Problem("reason", "Okänt skäl till utnämningen."))
    local_title = local_title.strip()
    if len(local_title) > NAME_LENGTH:
        problems.append(Problem("local_title", f"Högst {NAME_LENGTH} tecken."))
    _check_date(start, as_of, "start", "Startdatum", problems)
    if problems:
        raise InvalidInput(problems)
    unit = _unit(unit_pk)
    require_role(actor, APPOINTING_ROLES, unit.pk)
    person = person_read(actor=actor, what="contact.appoint", person_pk=person_pk, on=as_of)
    with write_transaction():
        return _appoint(
            actor=actor,
            person=_locked(person),
            kind=kind_,
            staff=_staff(staff_pk),
            unit=unit,
            start=start,
            coordinating=coordinating,
            replaces_pk=replaces_pk,
            takes_over_coordination_from_pk=takes_over_coordination_from_pk,
            reason=reason,
            agreed_with_person=agreed_with_person,
            local_title=local_title,
            as_of=as_of,
        )


def _appoint(
    *,
    actor: Actor,
    person: Person,
    kind: ContactKind,
    staff: Staff,
    unit: Unit,
    start: date,
    coordinating: bool,
    replaces_pk: int | None,
    takes_over_coordination_from_pk: int | None,
    reason: str,
    agreed_with_person: bool | None,
    local_title: str,
    as_of: date,
    handover: Handover | None = None,
) -> Contact:
    """The checks and the write, inside the caller's transaction, the person locked."""
    replaced = _contact_of(person, replaces_pk) if replaces_pk else None
    coordination_source = (
        _contact_of(person, takes_over_coordination_from_pk)
        if takes_over_coordination_from_pk
        else None
    )
    if replaced is not None and replaced.start >= start:
        raise InvalidInput(
            [Problem("start", "Det nya uppdraget måste börja efter att det som ersätts började.")]
        )
    proposal = Proposal(
        kind=kind,
        staff=staff.hsa_id,
        unit=unit.hsa_id,
        start=start,
        coordinating=coordinating,
        replaces=replaced.external_id if replaced else None,
        takes_over_coordination_from=(
            coordination_source.external_id if coordination_source else None
        ),
    )
    patient, directory, policy = _checking_context(person, staff, unit)
    refused = appointment_problems(patient, proposal, directory, as_of=as_of, policy=policy)
    if refused:
        raise _refused(refused)

    if replaced is not None:
        replaced.end = (
            start - timedelta(days=1)
            if replaced.end is None
            else min(replaced.end, start - timedelta(days=1))
        )
        replaced.end_reason = replaced.end_reason or "annat"
        replaced.save(update_fields=["end", "end_reason"])
    if coordination_source is not None:
        _coordination_move(coordination_source, start)
    contact = Contact.objects.create(
        external_id=_new_contact_id(),
        person=person,
        kind=kind,
        staff=staff,
        unit=unit,
        coordinating=coordinating,
        start=start,
        reason=reason,
        agreed_with_person=agreed_with_person,
        local_title=local_title,
        handover=handover,
    )
    what = "contact.appoint" if handover is None else "contact.handover"
    person_write_log(actor=actor, person=person, unit=unit, what=what)
    return contact


def _coordination_move(source: Contact, start: date) -> None:
    """The source keeps coordinating until the day before ``start``, then continues without.

    The flag moves on the takeover's date: taken away at once, a takeover starting later would
    leave nobody coordinating until then. A source that is current on ``start - 1`` is split:
    it ends that day and a continuation (same staff, unit, kind, title and information, no
    coordination) starts on ``start``. A source that has not started by then just loses it.
    """
    ended = start - timedelta(days=1)
    if source.start > ended or (source.end is not None and source.end < start):
        source.coordinating = False
        source.save(update_fields=["coordinating"])
        return
    Contact.objects.create(
        external_id=_new_contact_id(),
        person_id=source.person_id,
        kind=source.kind,
        staff_id=source.staff_id,
        unit_id=source.unit_id,
        coordinating=False,
        start=start,
        end=source.end,
        informed=source.informed,
        local_title=source.local_title,
        reason=source.reason,
        agreed_with_person=source.agreed_with_person,
    )
    source.end = ended
    source.end_reason = "samordning_overford"
    source.save(update_fields=["end", "end_reason"])


def contact_end(
    *, actor: Actor, contact_pk: int, end: date, end_reason: str, as_of: date | None = None
) -> Contact:
    """End a current contact on ``end`` (its last day) for ``end_reason``.

    Ending is never refused by a rule: a person may decline a contact, move or die. What the
    end leaves undone (a home-care decision without a fast omsorgskontakt, say) appears on the
    unit's worklist at once, with its deadline.
    """
    as_of = as_of or timezone.localdate()
    contact = (
        Contact.objects.select_related("person", "unit", "staff").filter(pk=contact_pk).first()
    )
    if contact is None:
        raise InvalidInput([Problem("contact", "Uppdraget finns inte.")])
    require_role(actor, APPOINTING_ROLES, contact.unit_id)
    person = person_read(actor=actor, what="contact.end", person_pk=contact.person_id, on=as_of)
    problems: list[Problem] = []
    if end_reason not in _END_REASONS:
        problems.append(Problem("end_reason", "Välj ett skäl till avslutet."))
    _check_date(end, as_of, "end", "Slutdatum", problems)
    if end < contact.start:
        problems.append(
            Problem("end", f"Slutdatum kan inte vara före uppdragets start {contact.start}.")
        )
    if contact.end is not None and contact.end <= end:
        problems.append(Problem("end", f"Uppdraget är redan avslutat {contact.end}."))
    if problems:
        raise InvalidInput(problems)
    with write_transaction():
        _locked(person)
        # Compare-and-set: a concurrent end of the same contact must not be overwritten.
        ended = Contact.objects.filter(pk=contact.pk, end=contact.end).update(
            end=end, end_reason=end_reason
        )
        if not ended:
            raise InvalidInput([Problem("end", "Uppdraget ändrades samtidigt; försök igen.")])
        person_write_log(actor=actor, person=person, unit=contact.unit, what="contact.end")
    contact.refresh_from_db()
    return contact


def contact_handover(
    *,
    actor: Actor,
    staff_pk: int,
    reason: str,
    effective: date,
    successors: Mapping[int, int],
    as_of: date | None = None,
) -> Handover:
    """Hand ``staff_pk``'s contacts to successors from ``effective``.

    ``successors`` maps each handed-over contact's pk to its successor's staff pk. The new
    contacts start on ``effective`` (a contact that itself starts on that day or later is
    succeeded the day after it starts) and the old ones end the day before. Each new
    contact is appointed through the same checks as a single appointment, one after the other
    so that each sees the ones before it; every refusal is collected and, if there is any,
    :class:`HandoverRefused` rolls the whole handover back. Contacts left out of
    ``successors`` stay as they are (and show on the worklist if the staff member is leaving).
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    if reason not in _HANDOVER_REASONS:
        problems.append(Problem("reason", "Välj ett skäl till överlämningen."))
    _check_date(effective, as_of, "effective", "Datum för överlämningen", problems)
    if not successors:
        problems.append(Problem("successors", "Välj en efterträdare för minst ett uppdrag."))
    if problems:
        raise InvalidInput(problems)
    leaving = _staff(staff_pk)
    previous = {
        c.pk: c
        for c in Contact.objects.filter(pk__in=list(successors), staff=leaving).select_related(
            "unit"
        )
    }
    for pk in successors:
        contact = previous.get(pk)
        if contact is None:
            problems.append(Problem(f"successors[{pk}]", "Uppdraget är inte medarbetarens."))
        elif contact.end is not None and contact.end < effective:
            problems.append(Problem(f"successors[{pk}]", "Uppdraget har redan upphört."))
    if leaving.pk in successors.values():
        problems.append(Problem("successors", "Efterträdaren kan inte vara samma medarbetare."))
    if problems:
        raise InvalidInput(problems)
    for contact in previous.values():
        require_role(actor, APPOINTING_ROLES, contact.unit_id)
    successor_staff = {s.pk: s for s in Staff.objects.filter(pk__in=set(successors.values()))}
    if set(successors.values()) - set(successor_staff):
        raise InvalidInput([Problem("successors", "En vald efterträdare finns inte.")])
    # In a stable order (person, then contact), so the checks see the same sequence each time.
    ordered = sorted(previous.values(), key=lambda c: (c.person_id, c.pk))
    persons = {
        p.pk: p
        for p in persons_read(
            actor=actor,
            people=list(Person.objects.filter(pk__in={c.person_id for c in ordered})),
            what="contact.handover",
            on=as_of,
        )
    }
    if any(c.person_id not in persons for c in ordered):
        raise NotFound("Personen finns inte eller ingår inte i dina vårdrelationer.")

    with write_transaction():
        handover = Handover.objects.create(
            staff=leaving, reason=reason, effective=effective, created_by=actor.username
        )
        refused: list[Problem] = []
        for contact in ordered:
            try:
                successor = _appoint(
                    actor=actor,
                    person=_locked(persons[contact.person_id]),
                    kind=cast(ContactKind, contact.kind),
                    staff=successor_staff[successors[contact.pk]],
                    unit=contact.unit,
                    # A contact that starts on the day of the handover (or later) is held
                    # for its first day: a contact's period cannot end before it starts.
                    start=max(effective, contact.start + timedelta(days=1)),
                    coordinating=contact.coordinating,
                    replaces_pk=contact.pk,
                    takes_over_coordination_from_pk=None,
                    reason="overlamning",
                    agreed_with_person=None,
                    local_title=contact.local_title,
                    as_of=as_of,
                    handover=handover,
                )
            except AppointmentRefused as error:
                path = SUCCESSOR_PATH.format(pk=contact.pk)
                refused += [replace(p, path=path) for p in error.problems]
                continue
            Contact.objects.filter(pk=contact.pk).update(end_reason=reason)
            HandoverItem.objects.create(handover=handover, previous=contact, successor=successor)
        if refused:
            raise HandoverRefused(refused)
    return handover


# --- the parts -------------------------------------------------------------------------------


def _kind(kind: str, problems: list[Problem] | None = None) -> ContactKind:
    if kind in CONTACT_KINDS:
        return kind  # type: ignore[return-value]
    problem = Problem("kind", "Okänd typ av kontakt.")
    if problems is None:
        raise InvalidInput([problem])
    problems.append(problem)
    return "fast_vardkontakt"


def _check_date(day: date, as_of: date, field: str, label: str, problems: list[Problem]) -> None:
    if day < as_of - timedelta(days=_BACKDATING_DAYS):
        problems.append(Problem(field, f"{label} får ligga högst ett år bakåt i tiden."))
    if day > as_of + timedelta(days=_BACKDATING_DAYS):
        problems.append(Problem(field, f"{label} får ligga högst ett år framåt i tiden."))


def _unit(unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise InvalidInput([Problem("unit", "Enheten finns inte.")])
    return unit


def _staff(staff_pk: int) -> Staff:
    staff = Staff.objects.filter(pk=staff_pk).first()
    if staff is None:
        raise InvalidInput([Problem("staff", "Medarbetaren finns inte.")])
    return staff


def _locked(person: Person) -> Person:
    # Serialises writes for one person; the caller has already checked the relationship.
    return Person.objects.select_for_update().get(pk=person.pk)


def _contact_of(person: Person, contact_pk: int) -> Contact:
    contact = Contact.objects.filter(pk=contact_pk, person=person).first()
    if contact is None:
        raise InvalidInput([Problem("contact", "Uppdraget finns inte hos personen.")])
    return contact


def _checking_context(
    person: Person, staff: Staff, unit: Unit
) -> tuple[Patient, Directory, Policy]:
    patient = person_get_snapshot(personal_id=person.personal_id)
    units, staff_ids = referenced_ids(patient)
    directory = directory_get(unit_ids=units | {unit.hsa_id}, staff_ids=staff_ids | {staff.hsa_id})
    return patient, directory, region_policy_get()


def _new_contact_id() -> str:
    # Random rather than sequential: ids appear in files and the API, and must not reveal how
    # many appointments a region makes. 64 bits make a clash vanishingly unlikely; the unique
    # index would refuse one anyway.
    return "fk-" + secrets.token_hex(8)
