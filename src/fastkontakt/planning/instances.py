"""The planner's view of the tables: a unit's ``domain.planning.Instance`` and stored plans.

``planning_instance_get`` turns a unit's tables into a ``domain.planning.Instance`` and
``plan_get`` a stored run back into a ``domain.planning.Plan``: the two ends the planner, the
checker and the continuity measures work between. Ids in the instance are the tables' own
(``p12`` a person, ``s7`` a staff member, ``d31`` a visit demand), never a personnummer, so an
instance or plan document discloses nobody by itself. No access checks here: the callers are
the planning jobs and the page selectors, which check the actor first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from fastkontakt.domain.errors import DomainError
from fastkontakt.domain.identifiers import birth_date_of
from fastkontakt.domain.planning import (
    Absence,
    Break,
    Customer,
    Instance,
    Location,
    Plan,
    PlannedBreak,
    PlannedVisit,
    Shift,
    SpeedModel,
    StaffMember,
    VisitDemand,
)
from fastkontakt.domain.planning.formats import parse_instance
from fastkontakt.domain.planning.model import WEEKDAYS
from fastkontakt.planning import models as m
from fastkontakt.registry.models import Absence as RegistryAbsence
from fastkontakt.registry.models import Contact, HomeCareDecision, Person

HORIZON_DAYS = 14


# --- ids ---------------------------------------------------------------------------------------


def customer_id(person_pk: int) -> str:
    return f"p{person_pk}"


def staff_id(staff_pk: int) -> str:
    return f"s{staff_pk}"


def demand_id(demand_pk: int) -> str:
    return f"d{demand_pk}"


def pk_of(domain_id: str, prefix: str) -> int:
    """The table's primary key in an id of this app's instances (``p12`` -> 12)."""
    if not domain_id.startswith(prefix) or not domain_id[1:].isdigit():
        raise DomainError(f"{domain_id!r} is not an id of a planning instance ({prefix}...)")
    return int(domain_id[1:])



# --- the instance --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanningInput:
    instance: Instance
    without_location: tuple[int, ...]
    """Customers with visit demand but no coordinates: they cannot be planned."""


def _decisions_current(unit_pk: int, on: date) -> Q:
    return Q(unit_id=unit_pk, start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def planning_instance_get(*, unit_pk: int, start: date, days: int = HORIZON_DAYS) -> PlanningInput:
    """The unit's planning problem over ``days`` days from ``start``.

    Customers are the people with a home-care decision of the unit current on ``start`` and
    visit demand on it; their fast omsorgskontakt is their current one at the unit. Staff are
    the unit's planning staff with their shifts at the unit, the registry's absences, and the
    competences and delegations that hold on every day of the horizon (a delegation that runs
    out during it is not relied on at all). A staff member whose employment ends during the
    horizon is absent from the day after.
    """
    end = start + timedelta(days=days - 1)
    speed_row = m.TravelSpeed.objects.filter(unit_id=unit_pk).first()
    speed = (
        SpeedModel(speed_row.kmh, speed_row.detour, speed_row.stop_minutes)
        if speed_row
        else SpeedModel()
    )

    members = list(
        m.PlanningStaff.objects.filter(unit_id=unit_pk)
        .filter(Q(staff__employment_end__isnull=True) | Q(staff__employment_end__gte=start))
        .select_related("staff", "start_location")
        .order_by("staff_id")
    )
    staff_pks = [row.staff_id for row in members]
    shifts: dict[int, list[Shift]] = {}
    for shift in (
        m.Shift.objects.filter(unit_id=unit_pk, staff_id__in=staff_pks, date__range=(start, end))
        .prefetch_related("breaks")
        .order_by("date", "start")
    ):
        breaks = tuple(
            Break(b.earliest, b.latest, b.minutes)
            for b in sorted(shift.breaks.all(), key=lambda b: (b.earliest, b.pk))
        )
        shifts.setdefault(shift.staff_id, []).append(
            Shift(shift.date, shift.start, shift.end, breaks)
        )
    away: dict[int, list[Absence]] = {}
    for staff_pk, first, last in (
        RegistryAbsence.objects.filter(staff_id__in=staff_pks, start__lte=end, end__gte=start)
        .order_by("start", "pk")
        .values_list("staff_id", "start", "end")
    ):
        away.setdefault(staff_pk, []).append(Absence(first, last))
    qualified: dict[int, dict[str, set[str]]] = {}
    for staff_pk, kind, code in (
        m.Qualification.objects.filter(staff_id__in=staff_pks)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=start))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=end))
        .values_list("staff_id", "kind", "code")
    ):
        qualified.setdefault(staff_pk, {}).setdefault(kind, set()).add(code)
    staff: list[StaffMember] = []
    for row in members:
        absences = list(away.get(row.staff_id, []))
        leaves = row.staff.employment_end
        if leaves is not None and leaves < end:
            absences.append(Absence(leaves + timedelta(days=1), end))
        own = qualified.get(row.staff_id, {})
        staff.append(
            StaffMember(
                staff_id(row.staff_id),
                Location(row.start_location.lat, row.start_location.lon),
                frozenset(own.get(m.Qualification.Kind.COMPETENCE, ())),
                frozenset(own.get(m.Qualification.Kind.DELEGATION, ())),
                tuple(shifts.get(row.staff_id, [])),
                tuple(absences),
            )
        )

    decisions = HomeCareDecision.objects.filter(_decisions_current(unit_pk, start))
    demands: dict[int, list[VisitDemand]] = {}
    for demand in (
        m.VisitDemand.objects.filter(decision__in=decisions)
        .select_related("decision")
        .order_by("decision__person_id", "pk")
    ):
        demands.setdefault(demand.decision.person_id, []).append(_demand(demand))
    people = list(
        Person.objects.filter(pk__in=list(demands)).select_related("location").order_by("pk")
    )
    planned = {member.id for member in staff}
    contacts = {
        person_pk: staff_id(staff_pk)
        for person_pk, staff_pk in Contact.objects.filter(
            person_id__in=list(demands),
            unit_id=unit_pk,
            kind="fast_omsorgskontakt",
            start__lte=start,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start", "pk")
        .values_list("person_id", "staff_id")
    }
    customers: list[Customer] = []
    missing: list[int] = []
    for person in people:
        place = getattr(person, "location", None)
        if place is None:
            missing.append(person.pk)
            continue
        contact = contacts.get(person.pk)
        customers.append(
            Customer(
                customer_id(person.pk),
                Location(place.lat, place.lon),
                birth_date_of(person.personal_id),
                contact if contact in planned else None,
                tuple(demands[person.pk]),
            )
        )
    instance = Instance(start, days, tuple(customers), tuple(staff), speed)
    return PlanningInput(instance, tuple(missing))


def _demand(row: m.VisitDemand) -> VisitDemand:
    return VisitDemand(
        demand_id(row.pk),
        row.kind,  # type: ignore[arg-type]  # the column's choices are the domain's kinds
        tuple(d for d in WEEKDAYS if d in row.weekdays),  # type: ignore[misc]
        row.earliest,
        row.latest,
        row.duration,
        row.staff_count,
        frozenset(row.competences),
        frozenset(row.delegations),
    )


# --- stored plans --------------------------------------------------------------------------------


def plan_run_current_get(*, unit_pk: int) -> m.PlanRun | None:
    return m.PlanRun.objects.filter(unit_id=unit_pk, status=m.PlanRun.Status.CURRENT).first()


def plan_get(*, run: m.PlanRun) -> Plan:
    """The stored run as the domain's ``Plan``, over the instance it was made for."""
    instance = parse_instance(json.dumps(run.instance))
    planned: dict[str, PlannedVisit] = {}
    unplanned: set[str] = set()
    for row in m.PlannedVisit.objects.filter(run=run).values(
        "person_id", "demand_id", "day", "start", "staff_id", "partner_id"
    ):
        vid = f"{customer_id(row['person_id'])}/{demand_id(row['demand_id'])}/{row['day']}"
        if row["start"] is None:
            unplanned.add(vid)
            continue
        staff = [staff_id(row["staff_id"])]
        if row["partner_id"] is not None:
            staff.append(staff_id(row["partner_id"]))
        planned[vid] = PlannedVisit(vid, row["start"], tuple(sorted(staff)))
    breaks = tuple(
        PlannedBreak(staff_id(staff_pk), day, start, minutes)
        for staff_pk, day, start, minutes in m.PlannedBreak.objects.filter(run=run)
        .order_by("day", "staff_id", "start")
        .values_list("staff_id", "day", "start", "minutes")
    )
    order = [v.id for v in instance.visits]
    return Plan(
        instance,
        tuple(planned[v] for v in order if v in planned),
        breaks,
        tuple(v for v in order if v in unplanned),
        dict(run.stats),
    )
