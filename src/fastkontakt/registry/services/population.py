"""Importing a population: new people with their contacts, and the directory they need.

:func:`population_import` is the write behind the FHIR transaction Bundle of ``Organization``,
``Practitioner``, ``PractitionerRole``, ``Patient`` and ``CareTeam`` entries (the mapping to a
``Scenario`` is the interface's: ``fhir.mappers.population``). An import is held to what every
other write is held to, checked in this order, and nothing is written on any refusal:

1. **Format** (:class:`ImportRefused`, ``invalid``): the scenario file checker and the columns'
   lengths, as ``fastkontakt load`` checks a file. An import does not set the region's policy.
2. **Ownership** (:class:`ImportForbidden`): an actor writes only what its units are
   responsible for, with the roles the pages ask for the same writes:

   - a unit (``Organization``) where it is head of unit; it creates no unit;
   - staff (``Practitioner``) who work at a unit where it is head of unit or unit manager, or,
     if new, whom the import gives a role at one; a role (``PractitionerRole``) at such a unit;
   - a person, only when every unit the person's data names (contacts, listing, ...) is one
     where it may appoint (head of unit, unit manager, coordinator): a person with no
     contact or listing there would be none of its business, so that is refused too.

   A region-wide actor (``Actor.region_wide``: an API client that a system administrator made
   region-wide, ADR 0012) may load the whole region's directory and populations.
3. **People already in the registry** (:class:`PeopleAlreadyRegistered`): an import creates
   people; a person in the registry has stays, decisions and plans that an import does not
   carry, so their contacts are changed with ``PUT CareTeam``, through the appointment services.
   Ownership never looks at which people are registered, so a refusal there tells nothing of
   who exists; this refusal does, so each person it names is logged as a denied write (after
   the rollback, so the entry stays).
4. **Contact and SIP ids** already taken (``invalid``), without saying by whom.
5. **The rules** (:class:`ImportRefused`, ``rule``): each person's contacts are checked as
   appointments of them would be (``domain.appointment.import_problems``), against the
   directory as the import would leave it and the region's policy.

What an import writes, in one transaction the service opens itself:

- a unit's name and type; a staff member's name, profession, licensure and whether selectable.
  Their other units, absences and end of employment are kept (the resources do not carry them;
  a new staff member gets the scenario's);
- roles are added; roles the import does not name are kept;
- the new people with everything the scenario gives them (``people_load``, as the loader).

Each imported person gets one write entry in the access log: ``<via>.import`` on the basis of
the care relationship with the actor's unit, or ``<via>.import.region`` with basis ``system``
when the actor is region-wide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.db import connection
from django.utils import timezone

from fastkontakt.access.accesslog import (
    LogRecord,
    log_reads,
    log_record,
    log_writes,
    write_transaction,
)
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Action, Basis, Role
from fastkontakt.domain.appointment import import_problems
from fastkontakt.domain.errors import NotAllowed, Problem, Refusal
from fastkontakt.domain.model import Patient, Scenario
from fastkontakt.domain.model import Staff as StaffSnapshot
from fastkontakt.domain.rules.engine import Directory
from fastkontakt.registry.models import (
    ADDRESS_COLUMNS,
    Absence,
    Contact,
    Person,
    Sip,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.registry.selectors import directory_get, referenced_ids, region_policy_get
from fastkontakt.registry.services.bulk import LOOKUP_CHUNK, batches, insert, lookup, upsert
from fastkontakt.registry.services.contacts import APPOINTING_ROLES
from fastkontakt.registry.services.scenario import (
    people_load,
    scenario_format_problems,
    staff_rows,
    unit_row,
)

__all__ = [
    "ImportForbidden",
    "ImportProblem",
    "ImportRefused",
    "ImportResult",
    "Part",
    "PeopleAlreadyRegistered",
    "Written",
    "population_import",
]

Part = tuple[str, ...]
"""A part of an import, to name it in a refusal: ``("unit", hsa)``, ``("staff", hsa)``,
``("role", staff hsa, unit hsa)``, ``("person", personnummer)``, ``("team", personnummer)`` (where
the person's contacts came from) or ``("contact", personnummer, contact id)``."""

#: Who may write a unit's own data (its name and type), as for its local titles.
UNIT_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT,)
#: Who may write the unit's staff, as for registering who is selectable.
STAFF_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER)
# An arbitrary constant naming the lock that serialises imports (pg_advisory_xact_lock), so
# that two imports of the same new person cannot both find it absent.
_IMPORT_LOCK = 0x6661_7374_696D
_SCENARIO_PATH = re.compile(r"(units|staff|patients)\[(\d+)\](.*)")
_CONTACT_PATH = re.compile(r"\.contacts\[(\d+)\](.*)")


#: One reason to refuse an import: where in the caller's document, why, and the rule id.
ImportProblem = Problem


class ImportForbidden(NotAllowed):
    """The actor may not write some parts of the import; nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:10]))
        self.problems = problems


class ImportRefused(Refusal):
    """The import breaks the format (``kind`` "invalid") or a rule ("rule"); nothing was
    written. Carries every problem found."""

    def __init__(self, problems: list[ImportProblem], *, kind: str) -> None:
        super().__init__(problems, "; ".join(str(p) for p in problems[:10]))
        self.kind = kind
        self.about_input = kind == "invalid"


class PeopleAlreadyRegistered(ImportRefused):
    """Some people of the import are in the registry already; nothing was written."""

    def __init__(self, problems: list[ImportProblem], personal_ids: list[str]) -> None:
        super().__init__(problems, kind="exists")
        self.personal_ids = personal_ids


@dataclass(frozen=True, slots=True)
class Written:
    pk: int
    created: bool


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What the import wrote, by the keys of the scenario."""

    units: Mapping[str, Written]
    staff: Mapping[str, Written]
    roles: Mapping[tuple[str, str], bool]
    """Whether each (staff, unit) role of the import was new."""
    people: Mapping[str, int]
    """The pk of each person (every one was created)."""


def population_import(
    *,
    actor: Actor,
    scenario: Scenario,
    origin: Mapping[Part, str] | None = None,
    via: str = "population",
    as_of: date | None = None,
) -> ImportResult:
    """Import ``scenario``'s people and the directory they need (see the module docstring).

    ``origin`` names where each part came from in the caller's document (e.g.
    ``Bundle.entry[3]``) for the refusals; ``via`` is the interface, for the access log.
    Raises :class:`ImportRefused`, :class:`ImportForbidden` or :class:`PeopleAlreadyRegistered`.
    """
    where = _Locator(scenario, origin or {})
    problems = [where.of_scenario_problem(p) for p in scenario_format_problems(scenario)]
    if scenario.policy is not None:
        problems.append(ImportProblem("policy", "en import anger inte regionens policy"))
    if problems:
        raise ImportRefused(problems, kind="invalid")
    what = f"{via}.import.region" if actor.region_wide else f"{via}.import"
    try:
        with write_transaction():
            return _import(actor, scenario, where, what, as_of or timezone.localdate())
    except PeopleAlreadyRegistered as refused:
        # Held by the action's scope, so that the refusal, which tells that they exist, stays.
        log_reads(
            log_record(
                actor,
                personal_id,
                action=Action.DENIED,
                basis=Basis.NONE,
                what=what,
                unit=_home_unit(actor),
            )
            for personal_id in refused.personal_ids
        )
        raise


def _import(
    actor: Actor, scenario: Scenario, where: _Locator, what: str, as_of: date
) -> ImportResult:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])
    stored = _Stored.read(scenario)
    if not actor.region_wide:
        forbidden = _ownership_problems(actor, scenario, stored, where)
        if forbidden:
            raise ImportForbidden(forbidden)
    existing = [p.id for p in scenario.patients if p.id in stored.people]
    if existing:
        raise PeopleAlreadyRegistered(
            [
                ImportProblem(
                    where(("person", personal_id)),
                    "personen finns redan i registret; ändra vårdteamet med PUT CareTeam",
                )
                for personal_id in existing
            ],
            existing,
        )
    taken = _taken_ids(scenario, where)
    if taken:
        raise ImportRefused(taken, kind="invalid")
    directory = _directory_after(scenario)
    policy = region_policy_get()
    refused = [
        ImportProblem(
            where(("contact", patient.id, found.contact))
            if found.contact is not None
            else where(("team", patient.id)),
            found.problem.message,
            found.problem.rule,
        )
        for patient in scenario.patients
        for found in import_problems(patient, directory, as_of=as_of, policy=policy)
    ]
    if refused:
        raise ImportRefused(refused, kind="rule")
    return _write(actor, scenario, stored, what)


# --- reading what is stored --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    """What the registry holds of the import's units, staff and people."""

    units: dict[str, int]
    staff: dict[str, int]
    staff_units: dict[str, set[int]]
    """Unit pks where each stored staff member of the import works."""
    people: dict[str, int]

    @classmethod
    def read(cls, scenario: Scenario) -> _Stored:
        staff = lookup(Staff, "hsa_id", (s.id for s in scenario.staff))
        staff_units: dict[str, set[int]] = {}
        for chunk in batches(staff.values(), LOOKUP_CHUNK):
            rows = StaffUnit.objects.filter(staff_id__in=chunk).values_list(
                "staff__hsa_id", "unit_id"
            )
            for hsa_id, unit_pk in rows:
                staff_units.setdefault(hsa_id, set()).add(unit_pk)
        return cls(
            units=lookup(Unit, "hsa_id", (u.id for u in scenario.units)),
            staff=staff,
            staff_units=staff_units,
            people=lookup(Person, "personal_id", (p.id for p in scenario.patients)),
        )


def _ownership_problems(
    actor: Actor, scenario: Scenario, stored: _Stored, where: _Locator
) -> list[ImportProblem]:
    heads = actor.units_with_role(*UNIT_ROLES)
    managers = actor.units_with_role(*STAFF_ROLES)
    appointers = actor.units_with_role(*APPOINTING_ROLES)
    problems: list[ImportProblem] = []

    def forbid(part: Part, message: str) -> None:
        problems.append(ImportProblem(where(part), message))

    for unit in scenario.units:
        if stored.units.get(unit.id) not in heads:
            forbid(
                ("unit", unit.id),
                f"enheten {unit.id} är inte klientens; nya enheter och "
                "andra enheters uppgifter läses in av en regionsomfattande klient",
            )
    for member in scenario.staff:
        roles = {stored.units.get(unit_id) for unit_id in member.units}
        works = stored.staff_units.get(member.id) if member.id in stored.staff else roles
        if not works or not works & managers:
            forbid(
                ("staff", member.id), f"medarbetaren {member.id} arbetar inte vid klientens enhet"
            )
        for unit_id in member.units:
            if stored.units.get(unit_id) not in managers:
                forbid(
                    ("role", member.id, unit_id),
                    f"rollen vid {unit_id} är inte vid klientens enhet",
                )
    for patient in scenario.patients:
        units, _ = referenced_ids(patient)
        own = {unit_id for unit_id in units if stored.units.get(unit_id) in appointers}
        outside = [c for c in patient.contacts if c.unit not in own]
        for contact in outside:
            forbid(
                ("contact", patient.id, contact.id),
                f"kontakten är vid {contact.unit}, inte vid klientens enhet",
            )
        # The listing and whatever else the person's data names besides the contacts.
        besides, _ = referenced_ids(replace(patient, contacts=()))
        others = sorted(besides - own)
        if others:
            forbid(
                ("person", patient.id),
                f"personens uppgifter gäller {', '.join(others)}, inte klientens enhet",
            )
        elif not own and not outside:
            forbid(
                ("person", patient.id),
                "personen skulle inte ha någon kontakt eller listning vid klientens enhet",
            )
    return problems


def _taken_ids(scenario: Scenario, where: _Locator) -> list[ImportProblem]:
    """Contact and SIP ids the registry already holds (for somebody: every person is new)."""
    problems = []
    for model, attr in ((Contact, "contacts"), (Sip, "sips")):
        owners = {
            item.id: (patient.id, item.id)
            for patient in scenario.patients
            for item in getattr(patient, attr)
        }
        for chunk in batches(owners, LOOKUP_CHUNK):
            for external_id in model._default_manager.filter(external_id__in=chunk).values_list(
                "external_id", flat=True
            ):
                person, item = owners[external_id]
                part = ("contact", person, item) if attr == "contacts" else ("person", person)
                problems.append(ImportProblem(where(part), f'id "{external_id}" används redan'))
    return problems


def _directory_after(scenario: Scenario) -> Directory:
    """The import's units and staff as the import would leave them: stored staff keep their
    other units, absences and end of employment."""
    stored = directory_get(
        unit_ids=[u.id for u in scenario.units], staff_ids=[s.id for s in scenario.staff]
    )
    staff: list[StaffSnapshot] = []
    for member in scenario.staff:
        before = stored.staff.get(member.id)
        if before is not None:
            member = replace(
                member,
                units=tuple(dict.fromkeys((*before.units, *member.units))),
                employment_end=before.employment_end,
                absences=before.absences,
            )
        staff.append(member)
    return Directory.of(scenario.units, staff)


# --- writing -----------------------------------------------------------------------------------


def _write(actor: Actor, scenario: Scenario, stored: _Stored, what: str) -> ImportResult:
    unit_pks = upsert(
        Unit,
        (Unit(hsa_id=u.id, name=u.name, type=u.type) for u in scenario.units),
        key="hsa_id",
        update_fields=["name", "type"],
    )
    # An Organization without an address leaves the stored one: integrations that never send
    # addresses must not erase what the units entered themselves.
    for unit in scenario.units:
        if unit.address is not None:
            row = unit_row(unit)
            Unit.objects.filter(pk=unit_pks[unit.id]).update(
                **{column: getattr(row, column) for column in ADDRESS_COLUMNS}
            )
    staff_pks = upsert(
        Staff,
        staff_rows(scenario),
        key="hsa_id",
        update_fields=["name", "profession", "licensed", "eligible"],
    )
    insert(
        Absence,
        (
            Absence(staff_id=staff_pks[s.id], start=a.start, end=a.end)
            for s in scenario.staff
            if s.id not in stored.staff
            for a in s.absences
        ),
    )
    stored_roles = {
        (stored.staff[staff_id], unit_pk)
        for staff_id, unit_pks_of in stored.staff_units.items()
        for unit_pk in unit_pks_of
    }
    roles = {
        (s.id, unit_id): (staff_pks[s.id], unit_pks[unit_id]) not in stored_roles
        for s in scenario.staff
        for unit_id in s.units
    }
    insert(
        StaffUnit,
        (
            StaffUnit(staff_id=staff_pks[staff_id], unit_id=unit_pks[unit_id])
            for (staff_id, unit_id), new in roles.items()
            if new
        ),
    )
    people_load(patients=scenario.patients, unit_pks=unit_pks, staff_pks=staff_pks)
    people = lookup(Person, "personal_id", (p.id for p in scenario.patients))
    log_writes(_write_record(actor, patient, what) for patient in scenario.patients)
    return ImportResult(
        units={u: Written(pk, u not in stored.units) for u, pk in unit_pks.items()},
        staff={s: Written(pk, s not in stored.staff) for s, pk in staff_pks.items()},
        roles=roles,
        people=people,
    )


def _home_unit(actor: Actor) -> str:
    return actor.unit_hsa_ids[0][1] if actor.unit_hsa_ids else ""


def _write_record(actor: Actor, patient: Patient, what: str) -> LogRecord:
    if actor.region_wide:
        return log_record(
            actor,
            patient.id,
            action=Action.WRITE,
            basis=Basis.SYSTEM,
            what=what,
            unit=_home_unit(actor),
        )
    # The unit of the actor's that the person now has a care relationship with.
    units, _ = referenced_ids(patient)
    appointers = actor.units_with_role(*APPOINTING_ROLES)
    own = sorted(
        hsa_id for pk, hsa_id in actor.unit_hsa_ids if pk in appointers and hsa_id in units
    )
    return log_record(
        actor,
        patient.id,
        action=Action.WRITE,
        basis=Basis.CARE_RELATIONSHIP,
        what=what,
        unit=own[0] if own else _home_unit(actor),
    )


# --- naming the parts ----------------------------------------------------------------------


class _Locator:
    """Where a part came from in the caller's document; the scenario's own path otherwise."""

    def __init__(self, scenario: Scenario, origin: Mapping[Part, str]) -> None:
        self.scenario = scenario
        self.origin = origin

    def __call__(self, part: Part) -> str:
        found = self.origin.get(part)
        if found is None and part[0] == "team":
            found = self.origin.get(("person", *part[1:]))
        if found is not None:
            return found
        kind, *keys = part
        if kind == "unit":
            return f"units[{keys[0]}]"
        if kind == "staff":
            return f"staff[{keys[0]}]"
        if kind == "role":
            return f"staff[{keys[0]}].units[{keys[1]}]"
        if kind == "contact":
            return f"patients[{keys[0]}].contacts[{keys[1]}]"
        return f"patients[{keys[0]}]"

    def of_scenario_problem(self, problem: Problem) -> ImportProblem:
        """A problem located in the scenario (``patients[3].contacts[0].staff``), located in
        the caller's document instead; the rest of its path is kept in the message."""
        part: Part | None = None
        rest = ""
        match = _SCENARIO_PATH.fullmatch(problem.path)
        if match is not None:
            kind, index, rest = match.groups()
            items = getattr(self.scenario, kind)
            item = items[int(index)] if int(index) < len(items) else None
            if item is not None and kind == "patients":
                part = ("person", item.id)
                contact = _CONTACT_PATH.fullmatch(rest)
                if contact is not None and int(contact.group(1)) < len(item.contacts):
                    part = ("contact", item.id, item.contacts[int(contact.group(1))].id)
                    rest = contact.group(2)
            elif item is not None:
                part = ("unit" if kind == "units" else "staff", item.id)
        if part is None:
            return ImportProblem(problem.path, problem.message)
        rest = rest.lstrip(".")
        message = f"{rest}: {problem.message}" if rest else problem.message
        return ImportProblem(self(part), message)
