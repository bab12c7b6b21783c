"""Reading a person's data through the care-relationship check, logging every read.

This is the one door to person data for pages, exports and the API: ``person_read`` for one
person, ``persons_read`` for people already selected by a relationship (a unit's worklist),
``person_search`` for the search box. A person outside the actor's care relationships raises
``NotFound``, exactly as one who does not exist; the refused attempt is logged and flagged.

A care relationship is what ``registry.selectors.care_relationship_q`` says, for any unit the
actor works at; an active emergency access (nödåtkomst) stands in for one and is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from fastkontakt.access.accesslog import LogRecord, log_reads, log_record
from fastkontakt.access.actors import Actor, family_name_of
from fastkontakt.access.models import AccessLogEntry, Action, Basis, EmergencyAccess
from fastkontakt.domain.errors import InvalidIdentifier, NotFound
from fastkontakt.domain.identifiers import parse_personal_id
from fastkontakt.registry.models import PERSONAL_ID_LENGTH, Person
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.runtime import clock

FLAG_EMERGENCY = "emergency"
FLAG_NO_RELATIONSHIP = "no_relationship"
FLAG_OWN_RECORD = "own_record"
FLAG_NAMESAKE = "namesake"

NOT_FOUND_MESSAGE = "Personen finns inte eller ingår inte i dina vårdrelationer."


def _relationship_units(person_pks: Sequence[int], actor: Actor, on: date) -> dict[int, str]:
    """For each person with a care relationship: the HSA-id of the first such unit of the actor.

    One query per unit the actor works at, each through the one definition of a relationship.
    """
    found: dict[int, str] = {}
    if not person_pks or not actor.unit_pks:
        return found
    for unit_pk, hsa_id in actor.unit_hsa_ids:
        if unit_pk not in actor.unit_pks:
            continue
        remaining = [pk for pk in person_pks if pk not in found]
        if not remaining:
            break
        related = Person.objects.filter(pk__in=remaining).filter(care_relationship_q([unit_pk], on))
        for pk in related.values_list("pk", flat=True):
            found[pk] = hsa_id
    return found


def _active_emergency(person_pks: Sequence[int], actor: Actor, now: datetime) -> dict[int, str]:
    if not person_pks or actor.user_id is None:
        return {}
    grants = EmergencyAccess.objects.filter(
        user_id=actor.user_id,
        person_id__in=list(person_pks),
        expires_at__gt=now,
        granted_at__lte=now,
    ).values_list("person_id", "unit__hsa_id")
    return dict(grants)


def _flags(actor: Actor, person: Person, *extra: str) -> str:
    flags = set(extra)
    if actor.personal_id and actor.personal_id == person.personal_id:
        flags.add(FLAG_OWN_RECORD)
    elif actor.family_name and family_name_of(person.name) == actor.family_name:
        flags.add(FLAG_NAMESAKE)
    return ",".join(sorted(flags))


def _log_denied(actor: Actor, personal_ids: Iterable[str], what: str) -> None:
    log_reads(
        log_record(
            actor,
            personal_id,
            action=Action.DENIED,
            what=what,
            basis=Basis.NONE,
            unit="",
            flags=FLAG_NO_RELATIONSHIP,
        )
        for personal_id in personal_ids
    )


def _well_formed(personal_id: str) -> bool:
    """A personnummer as the registry keeps it: what a refused lookup by number logs."""
    return (
        len(personal_id) == PERSONAL_ID_LENGTH and personal_id.isascii() and personal_id.isdigit()
    )


def _readable(
    people: Sequence[Person], actor: Actor, what: str, on: date, now: datetime
) -> list[tuple[Person, LogRecord]]:
    """The people the actor may read, each with the log record of reading them."""
    pks = [p.pk for p in people]
    related = _relationship_units(pks, actor, on)
    emergency = _active_emergency([pk for pk in pks if pk not in related], actor, now)
    readable = []
    extra: tuple[str, ...]
    for person in people:
        if person.pk in related:
            basis, unit, extra = Basis.CARE_RELATIONSHIP, related[person.pk], ()
        elif person.pk in emergency:
            basis, unit, extra = Basis.EMERGENCY, emergency[person.pk], (FLAG_EMERGENCY,)
        else:
            continue
        flags = _flags(actor, person, *extra)
        record = log_record(
            actor,
            person.personal_id,
            action=Action.READ,
            what=what,
            basis=basis,
            unit=unit,
            flags=flags,
        )
        readable.append((person, record))
    return readable


def person_read(
    *,
    actor: Actor,
    what: str,
    person_pk: int | None = None,
    personal_id: str | None = None,
    on: date | None = None,
) -> Person:
    """The person, if the actor may read them; logs the read (or the refused attempt)."""
    on = on or clock.today()
    lookup = Q(pk=person_pk) if person_pk is not None else Q(personal_id=personal_id or "")
    person = Person.objects.filter(lookup).first()
    if person is None:
        if personal_id and _well_formed(personal_id):
            _log_denied(actor, [personal_id], what)
        raise NotFound(NOT_FOUND_MESSAGE)
    readable = _readable([person], actor, what, on, timezone.now())
    if not readable:
        _log_denied(actor, [person.personal_id], what)
        raise NotFound(NOT_FOUND_MESSAGE)
    log_reads([readable[0][1]])
    return person


def persons_read(
    *, actor: Actor, people: Sequence[Person], what: str, on: date | None = None
) -> list[Person]:
    """Of ``people``, those the actor may read, in the given order; logs one read for each.

    Callers pass people they selected for display (one page of a worklist); anyone the actor
    may not read is left out silently, as if absent.
    """
    readable = _readable(people, actor, what, on or clock.today(), timezone.now())
    log_reads(record for _, record in readable)
    return [person for person, _ in readable]


def persons_named_refused_log(
    *,
    actor: Actor,
    what: str,
    person_pks: Iterable[int] = (),
    personal_ids: Iterable[str] = (),
    on: date | None = None,
) -> None:
    """Log a refused attempt for each person a search names that the actor may not read.

    A search by id or personnummer is a lookup of those people: each one outside the actor's
    care relationships is logged as refused, and so is a well-formed personnummer that is not
    in the registry at all (as :func:`person_read` does), so that numbers cannot be probed
    without a trace. The answer itself stays the same as for nobody.
    """
    persons_named_check(
        actor=actor, what=what, person_pks=person_pks, personal_ids=personal_ids, on=on
    )


@dataclass(frozen=True, slots=True)
class NamedPeople:
    """The people a search names that the actor may read, each with the record of reading
    them: logged by :func:`persons_named_read` for those the answer shows, and only them."""

    records: dict[int, LogRecord]

    @property
    def pks(self) -> list[int]:
        return sorted(self.records)


def persons_named_check(
    *,
    actor: Actor,
    what: str,
    person_pks: Iterable[int] = (),
    personal_ids: Iterable[str] = (),
    on: date | None = None,
) -> NamedPeople:
    """:func:`persons_named_refused_log`, also returning the named people the actor may read.

    A search that names its people needs the care-relationship check only for them: it
    searches among ``NamedPeople.pks`` and logs the reads of what it shows with
    :func:`persons_named_read`, instead of checking the same people again.
    """
    pks = sorted(set(person_pks))
    numbers = sorted({pid for pid in personal_ids if _well_formed(pid)})
    if not pks and not numbers:
        return NamedPeople(records={})
    named = list(Person.objects.filter(Q(pk__in=pks) | Q(personal_id__in=numbers)))
    readable = {
        person.pk: record
        for person, record in _readable(named, actor, what, on or clock.today(), timezone.now())
    }
    known = {person.personal_id for person in named}
    _log_denied(
        actor,
        [p.personal_id for p in named if p.pk not in readable]
        + [pid for pid in numbers if pid not in known],
        what,
    )
    return NamedPeople(records=readable)


def persons_named_read(*, named: NamedPeople, people: Sequence[Person]) -> list[Person]:
    """Of ``people`` (found among ``named.pks``), those the actor may read, in the given order;
    logs one read for each, as :func:`persons_read` does."""
    shown = [person for person in people if person.pk in named.records]
    log_reads(named.records[person.pk] for person in shown)
    return shown


def visible_persons(actor: Actor, *, on: date | None = None) -> QuerySet[Person]:
    """People the actor has a care relationship with or an active emergency access to."""
    on = on or clock.today()
    visible = Q(pk__in=[])
    if actor.user_id is not None:
        emergency = EmergencyAccess.objects.filter(
            user_id=actor.user_id, expires_at__gt=timezone.now()
        ).values("person_id")
        visible |= Q(pk__in=emergency)
    if actor.unit_pks:
        visible |= care_relationship_q(sorted(actor.unit_pks), on)
    return Person.objects.filter(visible)


def person_search(
    *, actor: Actor, text: str, limit: int = 25, on: date | None = None
) -> list[Person]:
    """People matching a personnummer or the words of a name, among those the actor may read."""
    text = text.strip()
    on = on or clock.today()
    if not text:
        return []
    number = ""
    try:
        number = parse_personal_id(text, today=on).number
        matches = Q(personal_id=number)
    except InvalidIdentifier:
        matches = Q()
        for word in text.split():
            matches &= Q(name__icontains=word)
    found = list(
        visible_persons(actor, on=on)
        .filter(matches)
        .distinct()
        .order_by("name", "personal_id")[:limit]
    )
    if number and not found:
        persons_named_refused_log(actor=actor, what="person.search", personal_ids=[number], on=on)
    return persons_read(actor=actor, people=found, what="person.search", on=on)


# --- log review ------------------------------------------------------------------------------


def accesslog_list(
    *,
    personal_id: str = "",
    username: str = "",
    flagged_only: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Log entries matching the reviewer's filters, newest first."""
    entries = AccessLogEntry.objects.all()
    if personal_id:
        entries = entries.filter(personal_id=personal_id)
    if username:
        entries = entries.filter(username=username)
    if flagged_only:
        entries = entries.exclude(flags="")
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-id")


def emergency_access_list(*, limit: int = 200) -> list[EmergencyAccess]:
    """The latest emergency accesses with their reasons, for review."""
    return list(
        EmergencyAccess.objects.select_related("user", "unit", "person").order_by("-granted_at")[
            :limit
        ]
    )


@dataclass(frozen=True, slots=True)
class OpenEmergencyAccess:
    """A user's emergency access that lasts now: which person's page, and until when.

    No name or personnummer: the banner that shows it is on every page, and showing the
    person there would be a read of their data on every page.
    """

    person_pk: int
    expires_at: datetime


def emergency_access_open(*, user_id: int | None, now: datetime) -> list[OpenEmergencyAccess]:
    """The emergency accesses of ``user_id`` that last at ``now``, the first to end first."""
    if user_id is None:
        return []
    rows = (
        EmergencyAccess.objects.filter(user_id=user_id, granted_at__lte=now, expires_at__gt=now)
        .order_by("expires_at", "pk")
        .values_list("person_id", "expires_at")
    )
    return [OpenEmergencyAccess(person_pk, expires_at) for person_pk, expires_at in rows]


def log_review_read(*, actor: Actor, personal_ids: Iterable[str], what: str) -> None:
    """Log that a log reviewer saw these people in the log (their reads are accesses too)."""
    log_reads(
        log_record(
            actor,
            pid,
            action=Action.READ,
            what=what,
            basis=Basis.LOG_REVIEW,
            unit="",
            flags="",
        )
        for pid in sorted(set(personal_ids))
    )
