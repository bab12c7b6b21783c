"""Writing planning data: customers' coordinates and visit demand, stored plans, absences and
re-planning requests, and the demo's planning data.

Every write of a customer's data (coordinates, visit demand, the visits of a plan) logs a
write for that person in the access log inside the same transaction. Re-planning itself runs in
the background (``planning.jobs``); ``replan_request`` only records what to do and queues it
when the transaction commits.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import write_affects, write_transaction
from fastkontakt.access.actors import Actor, system_actor
from fastkontakt.access.services import InvalidInput, person_write_log
from fastkontakt.domain.continuity import ContinuityReport, continuity_report
from fastkontakt.domain.errors import Problem
from fastkontakt.domain.identifiers import birth_date_of
from fastkontakt.domain.planning import Plan, Weights, plan
from fastkontakt.domain.planning.formats import instance_to_json
from fastkontakt.planning import models as m
from fastkontakt.planning.demand import demand_templates
from fastkontakt.planning.selectors import (
    HORIZON_DAYS,
    pk_of,
    planning_instance_get,
    planning_unit_get,
)
from fastkontakt.registry.models import Absence, Contact, HomeCareDecision, Person, Staff, Unit
from fastkontakt.registry.selectors import personal_ids_of_staff

DEFAULT_REPLAN_SECONDS = 20.0
MAX_ABSENCE_DAYS = 366
#: How far ahead an absence may start: the plan covers two weeks, and a date years ahead is far
#: more likely a typing error than a planned absence.
MAX_ABSENCE_AHEAD_DAYS = 366


def replan_seconds() -> float:
    """The solver's time limit for a re-planning (``FASTKONTAKT_REPLAN_SECONDS``)."""
    return float(getattr(settings, "FASTKONTAKT_REPLAN_SECONDS", DEFAULT_REPLAN_SECONDS))


# --- customers -----------------------------------------------------------------------------------


@write_transaction()
def customer_location_set(
    *, actor: Actor, unit: Unit, person: Person, lat: float, lon: float
) -> m.CustomerLocation:
    """Record where the customer lives (WGS 84 degrees)."""
    problems = []
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        problems.append(Problem("lat", "Latituden ska vara mellan -90 och 90 grader."))
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        problems.append(Problem("lon", "Longituden ska vara mellan -180 och 180 grader."))
    if problems:
        raise InvalidInput(problems)
    location, _ = m.CustomerLocation.objects.update_or_create(
        person=person, defaults={"lat": lat, "lon": lon}
    )
    person_write_log(actor=actor, person=person, unit=unit, what="planning.location")
    return location


@write_transaction()
def visit_demands_derive(*, actor: Actor, decision: HomeCareDecision, on: date) -> int:
    """Give a decision without visit demand the usual visits for its services (see
    ``planning.demand``); a decision that has demand already is left as it is. Returns how
    many demands were created."""
    if m.VisitDemand.objects.filter(decision=decision).exists():
        return 0
    person = decision.person
    templates = demand_templates(
        services=list(decision.services),
        needs=list(person.needs),
        born=birth_date_of(person.personal_id),
        on=on,
        spread=person.pk,
    )
    m.VisitDemand.objects.bulk_create(
        m.VisitDemand(
            decision=decision,
            code=t.code,
            label=t.label,
            kind=t.kind,
            weekdays=list(t.weekdays),
            earliest=t.earliest,
            latest=t.latest,
            duration=t.duration,
            staff_count=t.staff_count,
            competences=list(t.competences),
            delegations=list(t.delegations),
        )
        for t in templates
    )
    if templates:
        person_write_log(actor=actor, person=person, unit=decision.unit, what="planning.demand")
    return len(templates)


# --- stored plans --------------------------------------------------------------------------------


def plan_store(
    *,
    actor: Actor,
    unit: Unit,
    plan: Plan,
    previous_run: m.PlanRun | None = None,
    report: ContinuityReport | None = None,
) -> m.PlanRun:
    """Store ``plan`` (made from ``planning_instance_get`` for ``unit``) as the unit's current
    plan, superseding the one before. The continuity figures are computed here unless given."""
    report = report or continuity_report(plan)
    with write_transaction():
        return _plan_write(actor, unit, plan, previous_run, report)


def _plan_write(
    actor: Actor, unit: Unit, plan: Plan, previous_run: m.PlanRun | None, report: ContinuityReport
) -> m.PlanRun:
    instance = plan.instance
    stats = plan.stats
    # Lock the current run so that two writers cannot both supersede it.
    current = list(
        m.PlanRun.objects.select_for_update().filter(unit=unit, status=m.PlanRun.Status.CURRENT)
    )
    m.PlanRun.objects.filter(pk__in=[r.pk for r in current]).update(
        status=m.PlanRun.Status.SUPERSEDED
    )

    def figure(key: str) -> int:
        return int(stats.get(key, 0))

    run = m.PlanRun.objects.create(
        unit=unit,
        start=instance.start,
        days=instance.days,
        status=m.PlanRun.Status.CURRENT,
        previous=previous_run,
        created_by=actor.username,
        instance=instance_to_json(instance),
        objective=figure("objective"),
        travel_minutes=figure("travel_minutes"),
        visits_not_by_fok=figure("visits_not_by_fok"),
        new_distinct_staff=figure("new_distinct_staff"),
        changed_visits=figure("changed_visits"),
        planned_visits=len(plan.visits),
        unplanned_visits=len(plan.unplanned),
        seconds=float(stats.get("seconds", 0.0)),
        median_distinct_staff=report.median_distinct_staff,
        median_lower_bound=report.median_lower_bound,
        fok_share=report.fok_share_where_possible,
        stats=dict(stats),
    )
    by_visit = plan.by_visit
    rows = []
    for visit in instance.visits:
        planned = by_visit.get(visit.id)
        staff = [pk_of(s, "s") for s in planned.staff] if planned else []
        rows.append(
            m.PlannedVisit(
                run=run,
                demand_id=pk_of(visit.demand.id, "d"),
                person_id=pk_of(visit.customer, "p"),
                day=visit.day,
                start=planned.start if planned else None,
                staff_id=staff[0] if staff else None,
                partner_id=staff[1] if len(staff) > 1 else None,
            )
        )
    m.PlannedVisit.objects.bulk_create(rows, batch_size=1000)
    m.PlannedBreak.objects.bulk_create(
        (
            m.PlannedBreak(
                run=run, staff_id=pk_of(b.staff, "s"), day=b.day, start=b.start, minutes=b.minutes
            )
            for b in plan.breaks
        ),
        batch_size=1000,
    )
    m.CustomerContinuity.objects.bulk_create(
        m.CustomerContinuity(
            run=run,
            person_id=pk_of(c.customer, "p"),
            included=c.included,
            visits=c.visits,
            distinct_staff=c.distinct_staff,
            lower_bound=c.lower_bound,
            visits_by_fok=c.visits_by_fok,
            fok_possible=c.fok_possible,
        )
        for c in report.customers
    )
    people = Person.objects.filter(pk__in=[pk_of(c.id, "p") for c in instance.customers])
    for person in people.order_by("pk"):
        person_write_log(actor=actor, person=person, unit=unit, what="planning.plan")
    return run


# --- absences and re-planning -------------------------------------------------------------------


def _absence_problems(
    unit: Unit, staff_pk: int | None, start: date | None, end: date | None, today: date
) -> list[Problem]:
    problems = []
    if (
        staff_pk is None
        or not m.PlanningStaff.objects.filter(unit=unit, staff_id=staff_pk).exists()
    ):
        problems.append(Problem("staff", "Välj en medarbetare som planeras vid enheten."))
    if start is None:
        problems.append(Problem("start", "Ange första dagen."))
    if end is None:
        problems.append(Problem("end", "Ange sista dagen."))
    if start is not None and end is not None:
        limit = today + timedelta(days=MAX_ABSENCE_AHEAD_DAYS)
        if end < start:
            problems.append(Problem("end", "Sista dagen är före den första."))
        elif end < today:
            # Nothing left to re-plan: an absence wholly in the past changes no visit.
            problems.append(
                Problem(
                    "end",
                    f"Frånvaron är redan över: sista dagen {end.isoformat()} är före i dag "
                    f"({today.isoformat()}). Registrera frånvaro som pågår eller kommer.",
                )
            )
        elif start > limit:
            problems.append(
                Problem(
                    "start",
                    f"Första dagen {start.isoformat()} ligger för långt fram: frånvaro "
                    f"registreras högst {MAX_ABSENCE_AHEAD_DAYS} dagar i förväg, senast "
                    f"{limit.isoformat()}.",
                )
            )
        elif (end - start).days + 1 > MAX_ABSENCE_DAYS:
            problems.append(Problem("end", "Frånvaron får vara högst ett år i taget."))
        elif (
            staff_pk is not None
            and Absence.objects.filter(staff_id=staff_pk, start__lte=end, end__gte=start).exists()
        ):
            problems.append(
                Problem("start", "Medarbetaren har redan registrerad frånvaro under de dagarna.")
            )
    return problems


@write_transaction()
def replan_request(
    *,
    actor: Actor,
    unit_pk: int,
    absence_staff_pk: int | None = None,
    absence_start: date | None = None,
    absence_end: date | None = None,
    with_absence: bool = True,
) -> m.PlanJob:
    """Register an absence (when ``with_absence``) and queue a re-planning of the unit.

    The absence and the job are written together or not at all; the job starts in the
    background once the transaction commits. Bad input raises ``InvalidInput`` with a Swedish
    message per field and writes nothing.
    """
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    absence = None
    if with_absence:
        problems = _absence_problems(
            unit, absence_staff_pk, absence_start, absence_end, timezone.localdate()
        )
        if problems or absence_staff_pk is None or absence_start is None or absence_end is None:
            raise InvalidInput(problems)
        absence = Absence.objects.create(
            staff_id=absence_staff_pk, start=absence_start, end=absence_end
        )
        write_affects(personal_ids_of_staff(staff_pk=absence_staff_pk), what="staff.absence")
    return planjob_enqueue(actor=actor, unit=unit, absence=absence)


BUSY_MESSAGE = (
    "En omplanering pågår redan för enheten. Vänta tills den är klar och registrera sedan "
    "frånvaron."
)
STALE_MESSAGE = "Avbröts: processen som planerade avslutades innan planen var klar."


def planjob_enqueue(*, actor: Actor, unit: Unit, absence: Absence | None = None) -> m.PlanJob:
    """Queue a (re-)planning of ``unit``; it starts in the background after the commit.

    One job per unit is queued or running at a time (a partial unique constraint): while one
    is, asking again returns it (a double click plans once), but a new absence is refused, as
    the running job may have read the tables before it. A job without a sign of life for
    ``PlanJob.STALE_AFTER`` was left by a process that died; it is marked failed here so that
    it blocks nothing. Call inside the transaction that writes what the job should see.
    """
    now = timezone.now()
    active = list(
        m.PlanJob.objects.select_for_update().filter(unit=unit, status__in=m.PlanJob.ACTIVE)
    )
    for job in active:
        if not job.stale(now):
            if absence is not None:
                # The job may already have read the tables without this absence; registering
                # it now would look planned when it is not. Nothing is written (atomic).
                raise InvalidInput([Problem("__all__", BUSY_MESSAGE)])
            return job
    stale = [job.pk for job in active]
    if stale:
        m.PlanJob.objects.filter(pk__in=stale).update(
            status=m.PlanJob.Status.FAILED, message=STALE_MESSAGE, finished_at=now
        )
    job = m.PlanJob.objects.create(
        unit=unit,
        created_by_id=actor.user_id,
        created_by_name=actor.username,
        time_limit=replan_seconds(),
        absence=absence,
        message="I kö.",
    )
    transaction.on_commit(lambda: _start_in_background(job.pk))
    return job


def _start_in_background(job_pk: int) -> None:
    # Imported here: ``jobs`` stores its plan through this module.
    from fastkontakt.planning.jobs import planjob_start

    planjob_start(job_pk=job_pk)


# --- the demo ---------------------------------------------------------------------------------

#: Offices of the demo region's home-care areas (``registry.demo``), by the end of the unit name.
_AREA_OFFICES = {
    ("Luleå", "Centrum"): (65.5848, 22.1547),
    ("Luleå", "Hertsön"): (65.5650, 22.2310),
    ("Luleå", "Björkskatan"): (65.6150, 22.1050),
    ("Luleå", "Gammelstad"): (65.6460, 21.9990),
    ("Luleå", "Råneå"): (65.8570, 22.3030),
    ("Kiruna", "Centrum"): (67.8557, 20.2253),
    ("Kiruna", "Lombolo"): (67.8600, 20.2450),
    ("Gällivare", "Centrum"): (67.1339, 20.6528),
    ("Gällivare", "Malmberget"): (67.1750, 20.6600),
}
_RURAL = {"Råneå"}
_DAY_SHIFT = (7 * 60, 15 * 60 + 30, (10 * 60 + 30, 13 * 60, 30))
_EVENING_SHIFT = (14 * 60, 22 * 60, (16 * 60, 18 * 60, 30))
_CARERS = ("underskoterska", "vardbitrade")
KM_PER_DEGREE = 111.2


@dataclass(frozen=True, slots=True)
class DemoSeedSummary:
    units: int
    customers: int
    staff: int
    planned_unit: str
    planned: int
    unplanned: int
    seconds: float

    def __str__(self) -> str:
        if not self.units:
            return "Besöksplanering: demoregionen har ingen hemtjänstenhet."
        text = (
            f"Besöksplanering: underlag för {self.units} hemtjänstenheter "
            f"({self.customers} kunder, {self.staff} medarbetare)"
        )
        if self.planned_unit:
            text += (
                f"; första plan för {self.planned_unit}: {self.planned} besök, "
                f"{self.unplanned} ej planerade ({self.seconds:.0f} s)"
            )
        return text + "."


def _office(unit: Unit, index: int) -> tuple[float, float]:
    for (town, area), place in _AREA_OFFICES.items():
        if town in unit.name and unit.name.endswith(area):
            return place
    # A unit the demo did not name: somewhere near Luleå, one per unit.
    return (65.58 + 0.02 * index, 22.15 + 0.03 * index)


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    north, east = rng.gauss(0, km), rng.gauss(0, km)
    return (
        round(lat + north / KM_PER_DEGREE, 6),
        round(lon + east / (KM_PER_DEGREE * math.cos(math.radians(lat))), 6),
    )


def _rota(
    carers: list[Staff], contacts: set[int], first: date, days: int
) -> list[tuple[Staff, date, tuple[int, int, tuple[int, int, int]]]]:
    """Day and evening shifts over ``days`` days from the Monday ``first``: every other weekend,
    ten days of fourteen. The fast omsorgskontakter work days, when the customers' care is."""
    # Contacts first, then the other undersköterskor, then vårdbiträden: the mornings, with
    # the double-staffed visits, need the most undersköterskor; the last take the evenings.
    ordered = sorted(
        carers,
        key=lambda s: (s.pk not in contacts, s.profession != "underskoterska", s.pk),
    )
    evening_from = max(1, round(len(ordered) * 0.55))
    shifts = []
    for rank, member in enumerate(ordered):
        kind = _EVENING_SHIFT if rank >= evening_from and len(ordered) > 2 else _DAY_SHIFT
        weekend_week = rank % 2
        for offset in range(days):
            day = first + timedelta(days=offset)
            week, weekday = divmod(offset, 7)
            if weekday >= 5:
                works = week % 2 == weekend_week
            elif week % 2 == weekend_week:
                # The week with a weekend has two weekdays off, spread over the group.
                works = weekday not in {rank % 5, (rank + 2) % 5}
            else:
                works = True
            if works:
                shifts.append((member, day, kind))
    return shifts


def planning_demo_seed(
    *, as_of: date, seed: int = 1, time_limit: float = 5.0, days: int = HORIZON_DAYS
) -> DemoSeedSummary:
    """Planning data for every home-care unit of the demo region, and a first plan for one.

    From the registry the demo loaded: an office per unit, the unit's undersköterskor and
    vårdbiträden as planning staff with competences, delegations and four weeks of shifts from
    the Monday of ``as_of``'s week, coordinates for each customer with a current home-care
    decision, and visit demand from the decision's services. Then the demo user's home-care
    unit (the first by HSA-id) gets a plan of ``days`` days from ``as_of``, made within about
    ``time_limit`` seconds. Reproducible for the same ``seed``.
    """
    actor = system_actor("cli:seed-demo")
    units = list(Unit.objects.filter(type="hemtjanst").order_by("hsa_id"))
    customers = staff = 0
    with write_transaction():
        for index, unit in enumerate(units):
            added = _demo_unit(actor, unit, index, as_of, seed)
            customers += added[0]
            staff += added[1]
    if not units:
        return DemoSeedSummary(0, 0, 0, "", 0, 0, 0.0)
    unit = units[0]
    made = plan(
        planning_instance_get(unit_pk=unit.pk, start=as_of, days=days).instance,
        time_limit=time_limit,
        weights=Weights(),
    )
    plan_store(actor=actor, unit=unit, plan=made)
    return DemoSeedSummary(
        len(units),
        customers,
        staff,
        unit.name,
        len(made.visits),
        len(made.unplanned),
        float(made.stats.get("seconds", 0.0)),
    )


def _demo_unit(actor: Actor, unit: Unit, index: int, as_of: date, seed: int) -> tuple[int, int]:
    lat, lon = _office(unit, index)
    rural = any(unit.name.endswith(area) for area in _RURAL)
    if rural:
        m.TravelSpeed.objects.update_or_create(
            unit=unit, defaults={"kmh": 45.0, "detour": 1.3, "stop_minutes": 2}
        )
    office, _ = m.StartLocation.objects.get_or_create(
        unit=unit, name="Gruppens lokal", defaults={"lat": lat, "lon": lon}
    )
    # A carer who works at two units of the demo is planned at the first only: two units'
    # shifts for one person would overlap.
    elsewhere = m.PlanningStaff.objects.exclude(unit=unit).values("staff_id")
    carers = list(
        Staff.objects.filter(workplaces__unit=unit, profession__in=_CARERS)
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gte=as_of))
        .exclude(pk__in=elsewhere)
        .order_by("pk")
    )
    for member in carers:
        m.PlanningStaff.objects.get_or_create(
            unit=unit, staff=member, defaults={"start_location": office}
        )
        rng = random.Random(f"{seed}-staff-{member.pk}")  # noqa: S311 - demo data
        wanted: list[tuple[str, str, date | None]] = []
        if member.profession == "underskoterska":
            wanted.append(("competence", "underskoterska", None))
            if rng.random() < 0.5:
                wanted.append(("competence", "lyft", None))
        # Most undersköterskor in home care hold a delegation for medicines; fewer biträden.
        if member.profession == "underskoterska" or rng.random() < 0.5:
            wanted.append(("delegation", "lakemedel", as_of + timedelta(days=rng.randint(60, 330))))
        if member.profession == "underskoterska" and rng.random() < 0.35:
            wanted.append(("delegation", "insulin", as_of + timedelta(days=rng.randint(60, 330))))
        for kind, code, until in wanted:
            m.Qualification.objects.get_or_create(
                staff=member,
                kind=kind,
                code=code,
                defaults={"valid_from": as_of - timedelta(days=30), "valid_until": until},
            )
    decisions = list(
        HomeCareDecision.objects.filter(unit=unit, start__lte=as_of)
        .filter(Q(end__isnull=True) | Q(end__gte=as_of))
        .select_related("person", "unit")
        .order_by("person_id", "pk")
    )
    contacts = set(
        Contact.objects.filter(unit=unit, kind="fast_omsorgskontakt", end__isnull=True).values_list(
            "staff_id", flat=True
        )
    )
    monday = as_of - timedelta(days=as_of.weekday())
    if not m.Shift.objects.filter(unit=unit, date__gte=monday).exists():
        for member, day, (start, end, (earliest, latest, minutes)) in _rota(
            carers, contacts, monday, 28
        ):
            shift = m.Shift.objects.create(unit=unit, staff=member, date=day, start=start, end=end)
            m.ShiftBreak.objects.create(
                shift=shift, earliest=earliest, latest=latest, minutes=minutes
            )
    seen: set[int] = set()
    for decision in decisions:
        person = decision.person
        if person.pk not in seen and not hasattr(person, "location"):
            rng = random.Random(f"{seed}-person-{person.pk}")  # noqa: S311 - demo data
            plat, plon = _near(rng, lat, lon, 3.0 if rural else 1.0)
            customer_location_set(actor=actor, unit=unit, person=person, lat=plat, lon=plon)
        seen.add(person.pk)
        visit_demands_derive(actor=actor, decision=decision, on=as_of)
    return len(seen), len(carers)
