"""Importing the visits made from a unit's time reporting: the one write behind the command
(``fastkontakt visits-import``) and the upload on the planning pages.

1. **Parse the file** (``domain.visits_made``): a bad line gives a Swedish problem naming it.
2. **Check the role** at the unit (coordinator, unit manager or head of unit; the operator's
   command acts region-wide) and **ownership**: every visit must be of a customer with a
   home-care decision at the unit on the visit's day, made by staff who work at the unit. A
   person who is not the unit's customer is answered as one who does not exist, and the
   attempt is logged as refused.
3. **Write** the visits not already imported (``source_id``: the same file twice writes
   nothing), with one write entry per person in the access log; the write transaction's hook
   refreshes their stored findings, so ``continuity-share`` changes on the worklist at once.

Every problem of the whole file is found before anything is written: a file is imported whole
or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import persons_named_refused_log
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import InvalidInput, NotFound, Problem
from fastkontakt.domain.identifiers import personal_id_display
from fastkontakt.domain.visits_made import (
    InvalidVisitsFile,
    ReportedVisit,
    line_problem,
    parse_visits_csv,
)
from fastkontakt.registry.models import HomeCareDecision, Person, Staff, StaffUnit, Unit, Visit

__all__ = ["IMPORTING_ROLES", "VisitsImported", "visits_import"]

#: Who may import a unit's visits made.
IMPORTING_ROLES: tuple[str, ...] = (Role.COORDINATOR, Role.UNIT_MANAGER, Role.HEAD_OF_UNIT)
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class VisitsImported:
    lines: int
    """Visits in the file."""
    created: int
    already: int
    """Visits of the file imported before (left as they are)."""
    people: int
    """People with new visits."""


def _unit(unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise NotFound("Enheten finns inte.")
    return unit


def _customers_on(unit: Unit, person_pks: set[int]) -> dict[int, list[tuple[date, date | None]]]:
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    decisions = HomeCareDecision.objects.filter(unit=unit, person_id__in=person_pks)
    for person_pk, start, end in decisions.values_list("person_id", "start", "end"):
        periods[person_pk].append((start, end))
    return periods


def _existing(unit: Unit, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        found.update(
            Visit.objects.filter(unit=unit, source_id__in=chunk).values_list("source_id", flat=True)
        )
    return found


def visits_import(
    *, actor: Actor, unit_pk: int, data: bytes, now: datetime | None = None
) -> VisitsImported:
    """Import a time report's visits made at the unit (``docs/visits-import.md``)."""
    unit = _unit(unit_pk)
    if not actor.region_wide:
        require_role(actor, IMPORTING_ROLES, unit.pk)
    if unit.type != "hemtjanst":
        raise InvalidInput([Problem("unit", f"{unit.name} är inte en hemtjänstenhet.")])
    try:
        reported = parse_visits_csv(data)
    except InvalidVisitsFile as invalid:
        raise InvalidInput(invalid.problems) from None
    if not reported:
        raise InvalidInput([line_problem(2, "Filen har inga besök.")])
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()

    numbers = {v.personal_id for v in reported}
    people = {p.personal_id: p for p in Person.objects.filter(personal_id__in=numbers)}
    staff = {
        s.hsa_id: s.pk
        for s in Staff.objects.filter(hsa_id__in={v.staff for v in reported}).only("pk", "hsa_id")
    }
    at_unit = set(
        StaffUnit.objects.filter(unit=unit, staff_id__in=staff.values()).values_list(
            "staff_id", flat=True
        )
    )
    periods = _customers_on(unit, {p.pk for p in people.values()})

    def customer(visit: ReportedVisit) -> Person | None:
        person = people.get(visit.personal_id)
        day = visit.start.date()
        if person is None or not any(
            start <= day and (end is None or day <= end) for start, end in periods[person.pk]
        ):
            return None
        return person

    problems: list[Problem] = []
    refused: set[str] = set()
    for visit in reported:
        found = []
        if customer(visit) is None:
            refused.add(visit.personal_id)
            found.append(
                f"personen {personal_id_display(visit.personal_id)} är inte kund hos {unit.name} "
                f"den {visit.start.date().isoformat()}"
            )
        pk = staff.get(visit.staff)
        if pk is None or pk not in at_unit:
            found.append(f"medarbetaren {visit.staff} arbetar inte vid {unit.name}")
        if visit.start.replace(tzinfo=zone) > now:
            found.append("besöket har inte ägt rum ännu")
        if found:
            message = "; ".join(found)
            problems.append(line_problem(visit.line, message[0].upper() + message[1:] + "."))
    if refused:
        # Naming people outside the unit is a lookup of them: logged, as a search would be.
        persons_named_refused_log(
            actor=actor, what="visits.import", personal_ids=sorted(refused)
        )
    if problems:
        raise InvalidInput(problems)

    existing = _existing(unit, [v.source_id for v in reported])
    new = [v for v in reported if v.source_id not in existing]
    if not new:
        return VisitsImported(len(reported), 0, len(reported), 0)
    written = {people[v.personal_id].pk: people[v.personal_id] for v in new}
    with write_transaction():
        Visit.objects.bulk_create(
            [
                Visit(
                    person=people[v.personal_id],
                    staff_id=staff[v.staff],
                    unit=unit,
                    date=v.start.date(),
                    kind=v.kind,
                    start=v.start.replace(tzinfo=zone),
                    end=v.end.replace(tzinfo=zone),
                    source_id=v.source_id,
                )
                for v in new
            ],
            batch_size=_CHUNK,
            # Two imports of the same file at once: the second writes nothing twice.
            ignore_conflicts=True,
        )
        for person in written.values():
            person_write_log(actor=actor, person=person, unit=unit, what="visits.import")
    return VisitsImported(len(reported), len(new), len(reported) - len(new), len(written))

