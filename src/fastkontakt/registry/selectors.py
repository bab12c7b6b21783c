"""Reads from the registry: domain snapshots for the rules engine, and the scenario export.

The rules run over every person in a region, so the read path is built for that: people are
streamed in chunks ordered by personnummer (keyset pagination), each chunk is read with one query
per table as plain tuples (:func:`person_rows_iter`), and tuples become the frozen dataclasses
of ``domain/model.py`` with dictionary lookups only (:func:`patient_snapshots`). Memory is
bounded by the chunk size, not by the population.

Nested lists come back in primary-key order, which is the order the loader inserted them in:
the order of the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from fastkontakt.domain import model as domain
from fastkontakt.domain.rules.engine import Directory, Policy, policy_named
from fastkontakt.registry.models import (
    ADDRESS_COLUMNS,
    DEFAULT_POLICY,
    Absence,
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    RegionSettings,
    Sip,
    Staff,
    StaffUnit,
    Unit,
    Visit,
    address_of,
)

__all__ = [
    "PersonRows",
    "personal_ids_of_staff",
    "PersonSnapshots",
    "directory_get",
    "patient_snapshots",
    "person_get_snapshot",
    "patients_of_rows",
    "directory_pk_maps",
    "person_rows_between",
    "person_rows_iter",
    "person_snapshot_list",
    "region_policy_get",
    "scenario_export",
]

DEFAULT_CHUNK_SIZE = 5000
MAX_CHUNK_SIZE = 20_000
"""Chunks are ``IN (…)`` lists too; larger ones would run into SQLite's parameter limit."""

# The raw rows, one tuple type per table: the columns of the ``values_list`` calls below.
# Every dependent row starts with its person's pk (a revision: its plan's pk).
PersonRow = tuple[
    int, str, str, domain.Residence, date | None, str, bool, int | None, date | None,
    list[domain.Need], str, str, str, str,
]
ContactRow = tuple[
    int, str, domain.ContactKind, int, int, bool, date, date | None, date | None, str
]
RequestRow = tuple[int, domain.RequestKind, int, date]
StayRow = tuple[int, int, date, int | None, bool, date | None, date | None]
HomeCareRow = tuple[int, int, date, date | None, list[domain.Service], str]
PlanRow = tuple[int, int, date, date | None]
RevisionRow = tuple[int, date]
SipRow = tuple[int, str, date, date | None, int | None]
TransferRow = tuple[int, str, date, bool]
VisitRow = tuple[int, date, int, domain.VisitKind]

_PERSON_COLUMNS = (
    "pk",
    "personal_id",
    "name",
    "residence",
    "residence_from",
    "residence_no_contact_reason",
    "home_health_care",
    "listed_at_id",
    "life_threatening_since",
    "needs",
    *ADDRESS_COLUMNS,
)

_R = TypeVar("_R", bound=tuple[Any, ...])


@dataclass(frozen=True, slots=True)
class PersonRows:
    """The raw rows of one chunk of people, dependents grouped by person pk, in pk order."""

    persons: list[PersonRow]
    contacts: dict[int, list[ContactRow]]
    requests: dict[int, list[RequestRow]]
    stays: dict[int, list[StayRow]]
    home_care: dict[int, list[HomeCareRow]]
    plans: dict[int, PlanRow]
    revisions: dict[int, list[RevisionRow]]
    """By plan pk."""
    sips: dict[int, list[SipRow]]
    transfers: dict[int, list[TransferRow]]
    visits: dict[int, list[VisitRow]]

    def unit_pks(self) -> set[int]:
        """Every unit this chunk refers to."""
        pks: set[int | None] = {row[7] for row in self.persons}
        pks.update(row[4] for rows in self.contacts.values() for row in rows)
        pks.update(row[2] for rows in self.requests.values() for row in rows)
        for stays in self.stays.values():
            pks.update(row[1] for row in stays)
            pks.update(row[3] for row in stays)
        pks.update(row[1] for rows in self.home_care.values() for row in rows)
        return {pk for pk in pks if pk is not None}

    def staff_pks(self) -> set[int]:
        """Every staff member this chunk refers to."""
        pks = {row[3] for rows in self.contacts.values() for row in rows}
        pks.update(row[4] for rows in self.sips.values() for row in rows if row[4] is not None)
        pks.update(row[2] for rows in self.visits.values() for row in rows)
        return pks


# --- region settings -------------------------------------------------------------------------


def _stored_policy_name() -> domain.PolicyName | None:
    name = RegionSettings.objects.values_list("policy", flat=True).first()
    return cast(domain.PolicyName | None, name)


def region_policy_get() -> Policy:
    """The policy the region has chosen (``national`` until it chooses one)."""
    return policy_named(_stored_policy_name() or DEFAULT_POLICY)


# --- units and staff -------------------------------------------------------------------------


def personal_ids_of_staff(*, staff_pk: int) -> list[str]:
    """The people whose contacts the staff member holds or has held: those whose findings a
    change of the staff member (an absence, whether they are selectable) can change."""
    return list(
        Person.objects.filter(contacts__staff_id=staff_pk)
        .distinct()
        .values_list("personal_id", flat=True)
    )


def directory_get(
    *, unit_ids: Collection[str] | None = None, staff_ids: Collection[str] | None = None
) -> Directory:
    """Units and staff as domain snapshots: all of them, or only the ids given."""
    units = Unit.objects.all()
    staff = Staff.objects.all()
    staff_units = StaffUnit.objects.all()
    absences = Absence.objects.all()
    if unit_ids is not None:
        units = units.filter(hsa_id__in=unit_ids)
    if staff_ids is not None:
        staff = staff.filter(hsa_id__in=staff_ids)
        staff_units = staff_units.filter(staff__hsa_id__in=staff_ids)
        absences = absences.filter(staff__hsa_id__in=staff_ids)

    works_at: dict[int, list[str]] = {}
    for staff_pk, unit_id in staff_units.order_by("pk").values_list("staff_id", "unit__hsa_id"):
        works_at.setdefault(staff_pk, []).append(unit_id)
    away: dict[int, list[domain.Absence]] = {}
    for staff_pk, start, end in absences.order_by("pk").values_list("staff_id", "start", "end"):
        away.setdefault(staff_pk, []).append(domain.Absence(start=start, end=end))

    unit_rows = cast(
        list[tuple[str, str, domain.UnitType, str, str, str, str]],
        list(units.values_list("hsa_id", "name", "type", *ADDRESS_COLUMNS)),
    )
    staff_rows = cast(
        list[tuple[int, str, str, domain.Profession, bool, bool, date | None]],
        list(
            staff.values_list(
                "pk", "hsa_id", "name", "profession", "licensed", "eligible", "employment_end"
            )
        ),
    )
    # Sorted in Python, not by the database: its collation need not sort ids like Python does.
    return Directory.of(
        sorted(
            (
                domain.Unit(
                    id=hsa_id,
                    name=name,
                    type=type_,
                    address=address_of(care_of, street, code, town),
                )
                for hsa_id, name, type_, care_of, street, code, town in unit_rows
            ),
            key=lambda unit: unit.id,
        ),
        sorted(
            (
                domain.Staff(
                    id=hsa_id,
                    name=name,
                    profession=profession,
                    units=tuple(works_at.get(pk, ())),
                    licensed=licensed,
                    eligible=eligible,
                    employment_end=employment_end,
                    absences=tuple(away.get(pk, ())),
                )
                for pk, hsa_id, name, profession, licensed, eligible, employment_end in staff_rows
            ),
            key=lambda member: member.id,
        ),
    )


# --- people: the raw read --------------------------------------------------------------------


def person_rows_iter(*, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[PersonRows]:
    """Every person's rows, in chunks of at most ``chunk_size`` people ordered by personnummer.

    ``chunk_size`` is capped at :data:`MAX_CHUNK_SIZE`.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    size = min(chunk_size, MAX_CHUNK_SIZE)
    last = ""
    while True:
        # Keyset pagination: each chunk is an index range scan, however deep into the table.
        persons = cast(
            list[PersonRow],
            list(
                Person.objects.filter(personal_id__gt=last)
                .order_by("personal_id")
                .values_list(*_PERSON_COLUMNS)[:size]
            ),
        )
        if not persons:
            return
        yield _rows_of(persons)
        if len(persons) < size:
            return
        last = persons[-1][1]


def _grouped(rows: Iterable[_R]) -> dict[int, list[_R]]:
    groups: dict[int, list[_R]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return groups


def _rows_of(
    persons: list[PersonRow],
    within: RawSQL | None = None,
    between: tuple[int, int] | None = None,
) -> PersonRows:
    """The dependents of ``persons``: by a list of their pks, by the subquery ``within`` (the
    pks of the same people) when the list could grow without bound, or by the range of pks
    ``between`` (first, last) when ``persons`` are every person in it."""
    pks: Collection[int] | RawSQL = [row[0] for row in persons] if within is None else within
    mine = (
        Q(person_id__gte=between[0], person_id__lte=between[1])
        if between is not None
        else Q(person_id__in=pks)
    )

    def of(model: type[Any], *columns: str) -> Iterable[Any]:
        # One query per table for the whole chunk; pk order is the file's order.
        return cast(
            Iterable[Any],
            model._default_manager.filter(mine).order_by("pk").values_list("person_id", *columns),
        )

    plans: dict[int, PlanRow] = {
        row[0]: row for row in of(ImplementationPlan, "pk", "established", "updated_by_contact")
    }
    plan_pks = [row[1] for row in plans.values()]
    revisions: list[RevisionRow]
    if between is not None:
        revisions = list(
            PlanRevision.objects.filter(
                plan__person_id__gte=between[0], plan__person_id__lte=between[1]
            )
            .order_by("pk")
            .values_list("plan_id", "date")
        )
    elif within is not None:
        revisions = list(
            PlanRevision.objects.filter(plan__person_id__in=within)
            .order_by("pk")
            .values_list("plan_id", "date")
        )
    elif plan_pks:
        revisions = list(
            PlanRevision.objects.filter(plan_id__in=plan_pks)
            .order_by("pk")
            .values_list("plan_id", "date")
        )
    else:
        revisions = []
    return PersonRows(
        persons=persons,
        contacts=_grouped(
            of(
                Contact,
                "external_id",
                "kind",
                "staff_id",
                "unit_id",
                "coordinating",
                "start",
                "end",
                "informed",
                "local_title",
            )
        ),
        requests=_grouped(of(ContactRequest, "kind", "unit_id", "date")),
        stays=_grouped(
            of(
                InpatientStay,
                "unit_id",
                "admitted",
                "outpatient_unit_id",
                "needs_municipal_care",
                "ready_for_discharge",
                "discharged",
            )
        ),
        home_care=_grouped(
            of(HomeCareDecision, "unit_id", "start", "end", "services", "no_contact_reason")
        ),
        plans=plans,
        revisions=_grouped(revisions),
        sips=_grouped(of(Sip, "external_id", "created", "invited", "coordinator_id")),
        transfers=_grouped(of(InformationTransfer, "recipient", "date", "consent")),
        visits=_grouped(of(Visit, "date", "staff_id", "kind")),
    )


def person_rows_between(*, low: int, high: int, limit: int) -> PersonRows:
    """The rows of the first ``limit`` people with a pk from ``low`` to ``high``, in pk order.

    For reading a whole region in ranges (the nightly refresh): one query per table, each a
    range scan of the person index with two integer parameters, however large the chunk; read
    the next chunk from the last pk + 1. Rows are plain tuples, never model instances.
    """
    persons = cast(
        list[PersonRow],
        list(
            Person.objects.filter(pk__gte=low, pk__lte=high)
            .order_by("pk")
            .values_list(*_PERSON_COLUMNS)[:limit]
        ),
    )
    if not persons:
        return PersonRows([], {}, {}, {}, {}, {}, {}, {}, {}, {})
    return _rows_of(persons, between=(persons[0][0], persons[-1][0]))


def patients_of_rows(
    rows: PersonRows, units: Mapping[int, str], staff: Mapping[int, str]
) -> list[domain.Patient]:
    """``rows`` as domain snapshots, in the order of ``rows.persons``; ``units`` and ``staff``
    map pks to HSA-ids (:func:`directory_pk_maps`)."""
    return list(_patients(rows, units, staff))


def directory_pk_maps() -> tuple[dict[int, str], dict[int, str]]:
    """The HSA-ids of every unit and of every staff member, by pk."""
    return (
        dict(Unit.objects.values_list("pk", "hsa_id")),
        dict(Staff.objects.values_list("pk", "hsa_id")),
    )


# --- people: snapshots -----------------------------------------------------------------------


def patient_snapshots(*, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[domain.Patient]:
    """Every person as a domain ``Patient``, ordered by personnummer, streamed."""
    units = dict(Unit.objects.values_list("pk", "hsa_id"))
    staff = dict(Staff.objects.values_list("pk", "hsa_id"))
    for rows in person_rows_iter(chunk_size=chunk_size):
        yield from _patients(rows, units, staff)


def referenced_ids(patient: domain.Patient) -> tuple[set[str], set[str]]:
    """The HSA-ids of the units and of the staff that one person's data names.

    The rules only look up those, so a directory of them is enough to evaluate the person.
    """
    units = {c.unit for c in patient.contacts}
    units.update(r.unit for r in patient.requests)
    units.update(s.unit for s in patient.inpatient_stays)
    units.update(s.outpatient_unit for s in patient.inpatient_stays if s.outpatient_unit)
    units.update(h.unit for h in patient.home_care)
    if patient.listed_at is not None:
        units.add(patient.listed_at)
    staff = {c.staff for c in patient.contacts}
    staff.update(s.coordinator for s in patient.sips if s.coordinator is not None)
    staff.update(v.staff for v in patient.visits)
    return units, staff


def person_get_snapshot(*, personal_id: str) -> domain.Patient:
    """One person as a domain ``Patient``; raises ``Person.DoesNotExist``."""
    row = Person.objects.filter(personal_id=personal_id).values_list(*_PERSON_COLUMNS).first()
    if row is None:
        raise Person.DoesNotExist(f"no person {personal_id}")
    rows = _rows_of([cast(PersonRow, row)])
    units = dict(Unit.objects.filter(pk__in=rows.unit_pks()).values_list("pk", "hsa_id"))
    staff = dict(Staff.objects.filter(pk__in=rows.staff_pks()).values_list("pk", "hsa_id"))
    (patient,) = _patients(rows, units, staff)
    return patient


@dataclass(frozen=True, slots=True)
class PersonSnapshots:
    """Some people as domain snapshots, with the primary keys the pages link by."""

    person_pks: list[int]
    """The person pk of each of ``patients``, in the same order."""
    patients: list[domain.Patient]
    """Ordered by personnummer."""
    staff_pks: dict[str, int]
    """Every staff member's pk by HSA-id."""


def person_snapshot_list(*, where: Q) -> PersonSnapshots:
    """Every person matching ``where`` (a filter on ``Person``), as domain snapshots.

    A fixed number of queries however many people match: one for the people, one per table of
    their data, and the id maps of units and staff. The tables are filtered by the people's
    primary keys passed as one parameter (:func:`_pk_set`), not as an ``IN`` list that would
    grow with the people, run into SQLite's limit on parameters and cost PostgreSQL more to
    parse than to run. Everything is held in memory: meant for the people of a unit
    (thousands), not of a region (stream :func:`patient_snapshots` for that).
    """
    persons = cast(
        list[PersonRow],
        list(Person.objects.filter(where).order_by("personal_id").values_list(*_PERSON_COLUMNS)),
    )
    pks = [row[0] for row in persons]
    rows = _rows_of(persons, within=_pk_set(pks))
    units = dict(Unit.objects.values_list("pk", "hsa_id"))
    staff = dict(Staff.objects.values_list("pk", "hsa_id"))
    return PersonSnapshots(
        person_pks=pks,
        patients=list(_patients(rows, units, staff)),
        staff_pks={hsa_id: pk for pk, hsa_id in staff.items()},
    )


def pk_set(pks: list[int]) -> RawSQL:
    """``pks`` as a subquery for ``pk__in=``, sent as one parameter (:func:`_pk_set`): a list of
    thousands of ids costs the driver more to parse as placeholders than the query takes."""
    return _pk_set(pks)


def _pk_set(pks: list[int]) -> RawSQL:
    """A subquery yielding ``pks``, sent as a single parameter: an array on PostgreSQL, a JSON
    array on SQLite (the two databases the project runs on)."""
    vendor = connections[Person.objects.db].vendor
    if vendor == "postgresql":
        # An array literal as text: psycopg quotes one string far faster than it adapts a list
        # of thousands of ints, and the values are ints, so the literal is exact.
        literal = "{" + ",".join(str(int(pk)) for pk in pks) + "}"
        return RawSQL("SELECT unnest(%s::bigint[])", (literal,))
    if vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(pks),))
    raise NotImplementedError(f"no single-parameter pk set for {vendor}")


def _patients(
    rows: PersonRows, units: Mapping[int, str], staff: Mapping[int, str]
) -> Iterator[domain.Patient]:
    """Tuples to dataclasses: lookups of unit and staff ids, nothing else."""
    for (
        pk, personal_id, name, residence, residence_from, residence_no_contact_reason,
        home_health_care, listed_at, since, needs, care_of, street, postal_code, town,
    ) in rows.persons:
        plan = rows.plans.get(pk)
        stays = rows.stays.get(pk, ())
        yield domain.Patient(
            id=personal_id,
            name=name,
            residence=residence,
            residence_from=residence_from,
            # Empty means no documented reason; the domain's None.
            residence_no_contact_reason=residence_no_contact_reason or None,
            home_health_care=home_health_care,
            listed_at=None if listed_at is None else units[listed_at],
            life_threatening_since=since,
            needs=tuple(needs),
            address=address_of(care_of, street, postal_code, town),
            contacts=tuple(
                domain.Contact(
                    id=external_id,
                    kind=kind,
                    staff=staff[staff_pk],
                    unit=units[unit_pk],
                    start=start,
                    end=end,
                    coordinating=coordinating,
                    informed=informed,
                    local_title=title or None,
                )
                for (
                    _,
                    external_id,
                    kind,
                    staff_pk,
                    unit_pk,
                    coordinating,
                    start,
                    end,
                    informed,
                    title,
                ) in rows.contacts.get(pk, ())
            ),
            requests=tuple(
                domain.ContactRequest(kind=kind, unit=units[unit_pk], date=day)
                for _, kind, unit_pk, day in rows.requests.get(pk, ())
            ),
            inpatient_stays=tuple(
                domain.InpatientStay(
                    unit=units[unit_pk],
                    admitted=admitted,
                    outpatient_unit=None if outpatient is None else units[outpatient],
                    needs_municipal_care=municipal,
                    ready_for_discharge=ready,
                    discharged=discharged,
                )
                for _, unit_pk, admitted, outpatient, municipal, ready, discharged in stays
            ),
            home_care=tuple(
                domain.HomeCareDecision(
                    unit=units[unit_pk],
                    start=start,
                    end=end,
                    services=tuple(services),
                    no_contact_reason=reason or None,
                )
                for _, unit_pk, start, end, services, reason in rows.home_care.get(pk, ())
            ),
            implementation_plan=None
            if plan is None
            else domain.ImplementationPlan(
                established=plan[2],
                updated_by_contact=plan[3],
                revisions=tuple(day for _, day in rows.revisions.get(plan[1], ())),
            ),
            sips=tuple(
                domain.Sip(
                    id=external_id,
                    created=created,
                    invited=invited,
                    coordinator=None if coordinator is None else staff[coordinator],
                )
                for _, external_id, created, invited, coordinator in rows.sips.get(pk, ())
            ),
            information_transfers=tuple(
                domain.InformationTransfer(recipient=recipient, date=day, consent=consent)
                for _, recipient, day, consent in rows.transfers.get(pk, ())
            ),
            visits=tuple(
                domain.Visit(date=day, staff=staff[staff_pk], kind=kind)
                for _, day, staff_pk, kind in rows.visits.get(pk, ())
            ),
        )


# --- the scenario export ---------------------------------------------------------------------


def scenario_export(*, as_of: date | None = None) -> domain.Scenario:
    """The whole registry as a scenario: units, staff and patients sorted by id.

    ``policy`` is the region's stored choice, or None when it has never chosen one, so that a
    file without a policy exports as it was loaded. Everything is held in memory: for a whole
    region, stream :func:`patient_snapshots` instead.
    """
    directory = directory_get()
    return domain.Scenario(
        units=tuple(directory.units.values()),
        staff=tuple(directory.staff.values()),
        patients=tuple(patient_snapshots()),
        as_of=as_of,
        policy=_stored_policy_name(),
    )


def person_count() -> int:
    """How many people the registry holds."""
    return Person.objects.count()


# --- care relationships ----------------------------------------------------------------------


def care_relationship_q(unit_pks: Collection[int], on: date) -> Q:
    """People who have a care relationship with any of ``unit_pks`` on the day ``on``.

    The one definition, used by the worklists (people connected to a unit) and by access
    control (inre sekretess): a contact at the unit current on ``on``, an inpatient stay there
    (admitted on or before ``on`` and not discharged before it; the outpatient unit that
    received the admission notice counts too, as it must appoint the fast vårdkontakt before
    discharge), a home-care decision of the
    unit current on ``on``, being listed at the unit, or an unanswered request to the unit for a
    fixed contact (made on or before ``on``, and answered, as ``contact-on-request`` says, by a
    contact of that kind at the unit with no end or an end on or after the request): the person
    has turned to the unit, which must see them to appoint the contact. A filter over
    ``Person``; combine it with ``.distinct()`` only if joins are added.
    """
    units = list(unit_pks)
    relationship = Q(listed_at_id__in=units)
    for person_ids in _relationship_subqueries(units, on):
        relationship |= Q(pk__in=person_ids)
    return relationship


def care_relationship_ids(unit_pks: Collection[int], on: date) -> QuerySet[Person, tuple[int]]:
    """The ids of the people :func:`care_relationship_q` selects, as one ``UNION`` of its parts
    (a queryset of ``person_id`` values, for ``person__in=`` or ``.count()``).

    For the people of a whole unit: the database reads each part through its index and
    combines them, where the filter over ``Person`` tests every person of the region; use
    the filter for a few people already chosen (access control)."""
    units = list(unit_pks)
    listed = Person.objects.filter(listed_at_id__in=units).values_list("pk")
    return listed.union(
        *(ids.values_list("person_id") for ids in _relationship_subqueries(units, on))
    )


def _relationship_subqueries(units: list[int], on: date) -> list[QuerySet[Any]]:
    """The parts of a care relationship other than being listed, each a queryset of rows
    with a ``person_id`` (:func:`care_relationship_q`)."""
    current_contacts = Contact.objects.filter(unit_id__in=units, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )
    current_stays = (
        InpatientStay.objects.filter(Q(unit_id__in=units) | Q(outpatient_unit_id__in=units))
        .filter(admitted__lte=on)
        .filter(Q(discharged__isnull=True) | Q(discharged__gte=on))
    )
    current_decisions = HomeCareDecision.objects.filter(unit_id__in=units, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )
    answering = Contact.objects.filter(
        person_id=OuterRef("person_id"), kind=OuterRef("kind"), unit_id=OuterRef("unit_id")
    ).filter(Q(end__isnull=True) | Q(end__gte=OuterRef("date")))
    open_requests = ContactRequest.objects.filter(unit_id__in=units, date__lte=on).filter(
        ~Exists(answering)
    )
    return [
        current_contacts.values("person_id"),
        current_stays.values("person_id"),
        current_decisions.values("person_id"),
        open_requests.values("person_id"),
    ]


@dataclass(frozen=True, slots=True)
class PersonRegister:
    """Everything the registry holds about one person, for the person's page."""

    current: list[Contact]
    """Contacts current on the day asked for (or starting later), by kind then start."""
    past: list[Contact]
    requests: list[ContactRequest]
    stays: list[InpatientStay]
    decisions: list[HomeCareDecision]
    plan: ImplementationPlan | None
    revisions: list[PlanRevision]
    sips: list[Sip]
    transfers: list[InformationTransfer]


def person_register_get(*, person_pk: int, on: date) -> PersonRegister:
    """One person's contacts and everything about them, newest first (nine queries)."""
    contacts = list(
        Contact.objects.filter(person_id=person_pk)
        .select_related("staff", "unit")
        .order_by("kind", "-start", "external_id")
    )
    plan = ImplementationPlan.objects.filter(person_id=person_pk).first()
    return PersonRegister(
        current=[c for c in contacts if c.end is None or c.end >= on],
        past=sorted(
            (c for c in contacts if c.end is not None and c.end < on),
            key=lambda c: (c.end or c.start, c.pk),
            reverse=True,
        ),
        requests=list(
            ContactRequest.objects.filter(person_id=person_pk)
            .select_related("unit")
            .order_by("-date", "-pk")
        ),
        stays=list(
            InpatientStay.objects.filter(person_id=person_pk)
            .select_related("unit", "outpatient_unit")
            .order_by("-admitted", "-pk")
        ),
        decisions=list(
            HomeCareDecision.objects.filter(person_id=person_pk)
            .select_related("unit")
            .order_by("-start", "-pk")
        ),
        plan=plan,
        revisions=list(plan.revisions.order_by("-date", "-pk")) if plan is not None else [],
        sips=list(
            Sip.objects.filter(person_id=person_pk)
            .select_related("coordinator")
            .order_by("-created", "-pk")
        ),
        transfers=list(
            InformationTransfer.objects.filter(person_id=person_pk).order_by("-date", "-pk")
        ),
    )


def contacts_version(contacts: Sequence[Contact]) -> str:
    """A hash of everything about a person's contacts; it changes whenever any of them changes.

    The version of the person's care team (``ETag`` in the API): an update made against an
    older version is refused, without a counter in the registry.
    """
    rows = sorted(
        [
            c.pk,
            c.external_id,
            c.kind,
            c.staff_id,
            c.unit_id,
            c.coordinating,
            c.start.isoformat(),
            c.end.isoformat() if c.end else None,
            c.informed.isoformat() if c.informed else None,
            c.local_title,
            c.reason,
            c.agreed_with_person,
            c.end_reason,
        ]
        for c in contacts
    )
    payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def unit_names_by_hsa_id(*, hsa_ids: Collection[str]) -> dict[str, str]:
    """The names of the units with these HSA-ids (those that exist), by HSA-id."""
    wanted = {hsa for hsa in hsa_ids if hsa}
    if not wanted:
        return {}
    return dict(Unit.objects.filter(hsa_id__in=wanted).values_list("hsa_id", "name"))
