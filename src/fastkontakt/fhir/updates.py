"""PCC-45: updating a person's care team from a whole ``CareTeam`` (PUT or a transaction).

The team sent is compared with the person's contacts, participant by participant (the
participant's element id is the contact's id):

- a participant without an id, or with one the registry does not know, is a new appointment
  (``contact_appoint``); if the same update removes or ends a current contact of the same kind
  at the same unit, the new one *replaces* it (it ends the day before the new one starts);
- a current contact that gets a ``period.end``, or that is left out, is ended
  (``contact_end``; left out: today, with the end reason of the ``end-reason`` extension or
  ``annat``); a coordinating flag dropped from one fast vårdkontakt passes to the new
  coordinating participant of the same update;
- a contact's kind, member, unit and start never change (end it and appoint another), and past
  contacts are history: changing or removing them is refused (422).

Everything runs in one transaction: any refusal by the rules (``AppointmentRefused``, 422
naming the rule ids) or any bad value rolls the whole update back. The version (``If-Match``
or ``meta.versionId``) is checked with the person's row locked, so two clients cannot both
update from the same version: the second gets 409.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from fhir.resources.R4B.careteam import CareTeam

from fastkontakt.access.actors import Actor
from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.model import CONTACT_KINDS
from fastkontakt.fhir.mappers.care_team import care_team_version
from fastkontakt.fhir.mappers.codes import (
    CONTACT_ROLE,
    COORDINATING,
    EXT_AGREED,
    EXT_END_REASON,
    EXT_LOCAL_TITLE,
    EXT_REASON,
)
from fastkontakt.fhir.mappers.practitioner_role import parse_practitioner_role_id
from fastkontakt.fhir.outcomes import FhirError, Issue
from fastkontakt.fhir.selectors import care_team_get, today
from fastkontakt.registry.models import Contact, Person
from fastkontakt.registry.services.contacts import contact_appoint, contact_end

DEFAULT_END_REASON = "annat"


@dataclass(frozen=True, slots=True)
class Member:
    """One participant of the team sent, as the registry would hold it."""

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


@dataclass
class _Plan:
    ends: list[tuple[Contact, date, str]] = field(default_factory=list)
    appoints: list[Member] = field(default_factory=list)
    coordination_dropped: list[Contact] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _bad(path: str, message: str) -> Issue:
    return Issue(code="invalid", diagnostics=message, expression=path)


def parse_members(team: CareTeam, person_pk: int) -> list[Member]:
    """The participants of ``team``; 400 naming every participant that cannot be read."""
    issues: list[Issue] = []
    subject = team.subject.reference if team.subject else None
    if subject != f"Patient/{person_pk}":
        issues.append(_bad("CareTeam.subject", f"subject ska vara Patient/{person_pk}"))
    members = []
    for i, part in enumerate(team.participant or []):
        path = f"CareTeam.participant[{i}]"
        codes = [
            coding.code
            for concept in part.role or []
            for coding in concept.coding or []
            if coding.system == CONTACT_ROLE and coding.code
        ]
        kinds = [code for code in codes if code in CONTACT_KINDS]
        pair = None
        reference = part.member.reference if part.member else None
        if reference and reference.startswith("PractitionerRole/"):
            pair = parse_practitioner_role_id(reference.removeprefix("PractitionerRole/"))
        problems = []
        if len(kinds) != 1:
            problems.append(f"{path}.role: exakt en kontakttyp ur {CONTACT_ROLE}")
        if pair is None:
            problems.append(f"{path}.member: en referens PractitionerRole/<medarbetare>-<enhet>")
        on_behalf = part.onBehalfOf.reference if part.onBehalfOf else None
        if pair is not None and on_behalf not in (None, f"Organization/{pair[1]}"):
            problems.append(f"{path}.onBehalfOf: samma enhet som medlemmens roll")
        if problems or pair is None:
            issues.extend(_bad(path, problem) for problem in problems)
            continue
        extensions = {ext.url: ext for ext in part.extension or []}
        period = part.period
        members.append(
            Member(
                path=path,
                contact_id=part.id,
                kind=kinds[0],
                coordinating=COORDINATING in codes,
                staff_pk=pair[0],
                unit_pk=pair[1],
                start=_day(period.start) if period and period.start else None,
                end=_day(period.end) if period and period.end else None,
                reason=_code(extensions.get(EXT_REASON)),
                agreed_with_person=getattr(extensions.get(EXT_AGREED), "valueBoolean", None),
                end_reason=_code(extensions.get(EXT_END_REASON)),
                local_title=getattr(extensions.get(EXT_LOCAL_TITLE), "valueString", None) or "",
            )
        )
    if issues:
        raise FhirError(400, issues)
    return members


def _day(value: object) -> date:
    # period.start/end are dateTimes in FHIR; the registry keeps days.
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def _code(extension: object) -> str:
    return str(getattr(extension, "valueCode", None) or "")


def _same(contact: Contact, member: Member) -> bool:
    return (
        contact.kind == member.kind
        and contact.staff_id == member.staff_pk
        and contact.unit_id == member.unit_pk
        and (member.start is None or contact.start == member.start)
    )


def _plan(contacts: Sequence[Contact], members: Sequence[Member], on: date) -> _Plan:
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
            plan.issues.append(
                Issue(
                    code="business-rule",
                    expression=member.path,
                    diagnostics="Ett uppdrags typ, medarbetare, enhet och start ändras inte; "
                    "avsluta det och utse en ny kontakt.",
                )
            )
            continue
        ended = contact.end is not None and contact.end < on
        if member.end != contact.end:
            if contact.end is not None or member.end is None:
                plan.issues.append(
                    Issue(
                        code="business-rule",
                        expression=member.path,
                        diagnostics="Ett avslutat uppdrag kan inte öppnas igen eller ändras.",
                    )
                )
                continue
            plan.ends.append((contact, member.end, member.end_reason or DEFAULT_END_REASON))
        if member.coordinating != contact.coordinating:
            if contact.coordinating and not ended:
                plan.coordination_dropped.append(contact)
            else:
                plan.issues.append(
                    Issue(
                        code="business-rule",
                        expression=member.path,
                        diagnostics="Samordningsansvar ges till en ny deltagare, inte till "
                        "en befintlig.",
                    )
                )
    for contact in contacts:
        if contact.external_id in seen:
            continue
        if active_on(contact.start, contact.end, on) or contact.start > on:
            plan.ends.append((contact, max(on, contact.start), DEFAULT_END_REASON))
        else:
            plan.issues.append(
                Issue(
                    code="business-rule",
                    expression="CareTeam.participant",
                    diagnostics=f"Det avslutade uppdraget {contact.external_id} är historik "
                    "och kan inte tas bort.",
                )
            )
    return plan


def _replaced(plan: _Plan, member: Member, start: date) -> Contact | None:
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


def _expected_version(if_match: str | None, team: CareTeam) -> str | None:
    if if_match:
        return if_match.strip().removeprefix("W/").strip('"')
    return team.meta.versionId if team.meta and team.meta.versionId else None


def care_team_update(
    *, actor: Actor, person_pk: int, team: CareTeam, if_match: str | None = None
) -> Person:
    """Make the person's contacts what ``team`` says (semantics in the module docstring)."""
    # Read (and log the read) before the write transaction: the entry stays if it rolls back.
    person, _ = care_team_get(actor=actor, person_pk=person_pk)
    with transaction.atomic():
        care_team_apply(actor=actor, person=person, team=team, if_match=if_match)
    return person


def care_team_apply(
    *, actor: Actor, person: Person, team: CareTeam, if_match: str | None = None
) -> None:
    """The write of :func:`care_team_update` for a person already read, inside the caller's
    transaction (a transaction Bundle reads every person first, then applies them all)."""
    on = today()
    members = parse_members(team, person.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    contacts = list(Contact.objects.filter(person_id=person.pk).order_by("start", "pk"))
    expected = _expected_version(if_match, team)
    current = care_team_version(contacts)
    if expected is not None and expected != current:
        raise FhirError(
            409,
            [
                Issue(
                    code="conflict",
                    diagnostics=f"Vårdteamet har ändrats (version {current}, "
                    f"begäran gällde {expected}); hämta det igen.",
                )
            ],
        )
    plan = _plan(contacts, members, on)
    if plan.issues:
        raise FhirError(422, plan.issues)
    _apply(actor, person, plan, on)


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
        raise FhirError(
            422,
            [
                Issue(
                    code="business-rule",
                    diagnostics="Samordningsansvaret kan bara tas bort när en ny deltagare "
                    "tar över det i samma uppdatering.",
                )
            ],
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
