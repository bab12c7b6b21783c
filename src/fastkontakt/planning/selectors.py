"""Reading planning data for the pages: who may plan where, the day list, continuity and
re-planning.

The page selectors check the actor's role at the unit (coordinator, unit manager or head of
unit) and read customers' names only through ``access.selectors``, which logs every read. The
planner's instance and stored plans are read through ``planning.instances``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import person_read, persons_named_refused_log, persons_read
from fastkontakt.domain.errors import DomainError, NotFound
from fastkontakt.domain.planning import (
    Instance,
    Plan,
    PlannedVisit,
    StaffMember,
)
from fastkontakt.domain.planning.explain import Explanation, explanation_text
from fastkontakt.domain.planning.model import Visit
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import (
    customer_id,
    demand_id,
    pk_of,
    plan_get,
    plan_run_current_get,
)
from fastkontakt.registry.models import Absence as RegistryAbsence
from fastkontakt.registry.models import Person, Staff, Unit

PLANNING_ROLES = (Role.COORDINATOR, Role.UNIT_MANAGER, Role.HEAD_OF_UNIT)
HIDDEN_NAME = "(namn dolt)"
UNIT_NOT_FOUND = "Enheten finns inte eller är ingen hemtjänstenhet."
NOT_IN_PLAN = "Kunden finns inte i enhetens plan."



def hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"



# --- pages: who may plan where -------------------------------------------------------------------


def planning_unit_list(*, actor: Actor) -> list[Unit]:
    """The home-care units where the actor plans visits or leads the unit."""
    return list(
        Unit.objects.filter(
            pk__in=actor.units_with_role(*PLANNING_ROLES), type="hemtjanst"
        ).order_by("name")
    )


def planning_unit_get(*, actor: Actor, unit_pk: int) -> Unit:
    """The home-care unit, if the actor holds a planning role there (else ``NotAllowed``)."""
    unit = Unit.objects.filter(pk=unit_pk, type="hemtjanst").first()
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND)
    require_role(actor, PLANNING_ROLES, unit.pk)
    return unit


def _names(actor: Actor, person_pks: Iterable[int], what: str) -> dict[int, str]:
    """Customers' names through the access check; each one shown is logged as read."""
    pks = sorted(set(person_pks))
    if not pks:
        return {}
    people = list(Person.objects.filter(pk__in=pks).order_by("pk"))
    return {p.pk: p.name for p in persons_read(actor=actor, people=people, what=what)}


def _staff_names(pks: Iterable[int]) -> dict[int, str]:
    return dict(Staff.objects.filter(pk__in=set(pks)).values_list("pk", "name"))


# --- pages: the day list -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stop:
    """One line of a staff member's day: a visit (with the travel to it) or a break."""

    kind: str
    start: int
    end: int
    travel_before: int = 0
    person_pk: int | None = None
    customer: str = ""
    label: str = ""
    visit_kind: str = ""
    partner: str = ""
    by_contact: bool = False
    visit_pk: int | None = None

    @property
    def start_text(self) -> str:
        return hm(self.start)

    @property
    def end_text(self) -> str:
        return hm(self.end)


@dataclass(frozen=True, slots=True)
class StaffDay:
    staff_pk: int
    name: str
    day: date
    shifts: str
    absent: bool
    stops: tuple[Stop, ...]
    travel_minutes: int
    visit_minutes: int

    @property
    def visits(self) -> int:
        return sum(1 for s in self.stops if s.kind == "visit")


@dataclass(frozen=True, slots=True)
class Unplanned:
    person_pk: int
    customer: str
    label: str
    window: str
    visit_pk: int | None = None
    reason: str = ""
    """Why it could not be planned (``domain.planning.explain``), in Swedish."""
    proposals: tuple[str, ...] = ()
    """What would make room for it, smallest first."""


@dataclass(frozen=True, slots=True)
class PlanDay:
    day: date
    staff: tuple[StaffDay, ...]
    unplanned: tuple[Unplanned, ...]


@dataclass(frozen=True, slots=True)
class PlanPage:
    unit: Unit
    run: m.PlanRun | None
    days: tuple[date, ...] = ()
    shown: tuple[PlanDay, ...] = ()
    day: date | None = None
    staff_pk: int | None = None
    staff_choices: tuple[tuple[int, str], ...] = ()
    job: m.PlanJob | None = None


def demand_labels(instance: Instance) -> dict[str, str]:
    """Each visit demand's label (``Morgon``), by its id in the instance."""
    demand_pks = [pk_of(d.id, "d") for c in instance.customers for d in c.demands]
    return {
        demand_id(pk): label
        for pk, label in m.VisitDemand.objects.filter(pk__in=demand_pks).values_list("pk", "label")
    }


def _staff_day(
    plan: Plan,
    member: StaffMember,
    day: date,
    routes: dict[tuple[str, date], list[PlannedVisit]],
    names: dict[int, str],
    staff_names: dict[int, str],
    labels: dict[str, str],
    rows: dict[str, tuple[int, Any]],
) -> StaffDay:
    instance = plan.instance
    visits = instance.visit_by_id
    shifts = [s for s in member.shifts if s.day == day]
    absent = member.absent_on(day)
    stops: list[Stop] = []
    here = member.location
    travel = 0
    busy = 0
    for planned in routes.get((member.id, day), []):
        visit: Visit = visits[planned.visit]
        customer = instance.customer_by_id[visit.customer]
        minutes = instance.travel(here, customer.location)
        travel += minutes
        busy += visit.duration
        here = customer.location
        person_pk = pk_of(customer.id, "p")
        partner = [staff_names.get(pk_of(s, "s"), s) for s in planned.staff if s != member.id]
        stops.append(
            Stop(
                "visit",
                planned.start,
                planned.start + visit.duration,
                minutes,
                person_pk,
                names.get(person_pk, HIDDEN_NAME),
                labels.get(visit.demand.id, visit.demand.id),
                visit.demand.kind,
                ", ".join(partner),
                customer.fast_omsorgskontakt == member.id,
                rows[planned.visit][0] if planned.visit in rows else None,
            )
        )
    if stops:
        travel += instance.travel(here, member.location)
    for b in plan.breaks:
        if b.staff == member.id and b.day == day:
            stops.append(Stop("break", b.start, b.start + b.minutes))
    stops.sort(key=lambda s: (s.start, s.kind != "break"))
    return StaffDay(
        pk_of(member.id, "s"),
        staff_names.get(pk_of(member.id, "s"), member.id),
        day,
        ", ".join(f"{hm(s.start)}–{hm(s.end)}" for s in shifts),
        absent,
        tuple(stops),
        travel,
        busy,
    )


def visit_rows(run: m.PlanRun, days: Iterable[date]) -> dict[str, tuple[int, Any]]:
    """The run's visit rows on ``days``: each visit's row id and unplanned explanation."""
    return {
        f"{customer_id(person)}/{demand_id(demand)}/{day.isoformat()}": (pk, explanation)
        for pk, person, demand, day, explanation in m.PlannedVisit.objects.filter(
            run=run, day__in=list(days)
        ).values_list("pk", "person_id", "demand_id", "day", "explanation")
    }


def unplanned_text(
    visit: Visit, explanation: Any, staff_name: Callable[[str], str]
) -> tuple[str, tuple[str, ...]]:
    """Why the stored unplanned visit could not be planned and what would make room, in
    Swedish (a plan stored before the explanations were kept has none)."""
    if not explanation:
        return "", ()
    reason, proposals = explanation_text(
        Explanation.from_json(visit.id, explanation), visit, staff_name
    )
    return reason, tuple(proposals)


def _unplanned(
    visit: Visit,
    row: tuple[int, Any] | None,
    names: dict[int, str],
    labels: dict[str, str],
    staff_name: Callable[[str], str],
) -> Unplanned:
    reason, proposals = unplanned_text(visit, row[1] if row else None, staff_name)
    person_pk = pk_of(visit.customer, "p")
    return Unplanned(
        person_pk,
        names.get(person_pk, HIDDEN_NAME),
        labels.get(visit.demand.id, visit.demand.id),
        f"{hm(visit.earliest)}–{hm(visit.latest)}",
        row[0] if row else None,
        reason,
        proposals,
    )


def plan_page_get(
    *, actor: Actor, unit_pk: int, day: date | None = None, staff_pk: int | None = None
) -> PlanPage:
    """The unit's current plan as a day list: one day for every staff member, or one staff
    member for every day of the horizon. Customers' names shown are logged as read."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    run = plan_run_current_get(unit_pk=unit.pk)
    job = planjob_latest_get(unit_pk=unit.pk)
    if run is None:
        return PlanPage(unit, None, job=job)
    plan = plan_get(run=run)
    instance = plan.instance
    dates = instance.dates
    today = timezone.localdate()
    if day not in dates:
        day = today if today in dates else dates[0]
    staff_names = _staff_names(pk_of(s.id, "s") for s in instance.staff)
    working = [s for s in instance.staff if any(shift.day in dates for shift in s.shifts)]
    working.sort(key=lambda s: (staff_names.get(pk_of(s.id, "s"), ""), s.id))
    chosen = [s for s in working if staff_pk is not None and pk_of(s.id, "s") == staff_pk]
    if staff_pk is not None and not chosen:
        staff_pk = None
    shown_days = dates if chosen else (day,)
    shown_staff = chosen or working
    routes = plan.routes()
    visits = instance.visit_by_id
    person_pks = {
        pk_of(visits[p.visit].customer, "p")
        for (sid, d), route in routes.items()
        if d in shown_days and any(sid == s.id for s in shown_staff)
        for p in route
    }
    unplanned_visits = [visits[v] for v in plan.unplanned if visits[v].day in shown_days]
    if not chosen:
        person_pks |= {pk_of(v.customer, "p") for v in unplanned_visits}
    names = _names(actor, person_pks, "planning.plan")
    labels = demand_labels(instance)
    rows = visit_rows(run, shown_days)

    def staff_name(sid: str) -> str:
        return staff_names.get(pk_of(sid, "s"), sid)

    result = []
    for d in shown_days:
        days_staff = [
            _staff_day(plan, s, d, routes, names, staff_names, labels, rows)
            for s in shown_staff
            if any(shift.day == d for shift in s.shifts)
        ]
        missing = (
            ()
            if chosen
            else tuple(
                _unplanned(v, rows.get(v.id), names, labels, staff_name)
                for v in unplanned_visits
                if v.day == d
            )
        )
        result.append(PlanDay(d, tuple(days_staff), missing))
    return PlanPage(
        unit,
        run,
        dates,
        tuple(result),
        None if chosen else day,
        staff_pk,
        tuple((pk_of(s.id, "s"), staff_names.get(pk_of(s.id, "s"), s.id)) for s in working),
        job,
    )


# --- pages: continuity ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerRow:
    person_pk: int
    name: str
    continuity: m.CustomerContinuity
    has_contact: bool
    """The customer has a fast omsorgskontakt among the planned staff."""

    @property
    def contact_share(self) -> float | None:
        c = self.continuity
        return c.visits_by_contact / c.visits if c.visits else None


@dataclass(frozen=True, slots=True)
class CustomersPage:
    unit: Unit
    run: m.PlanRun | None
    customers: tuple[CustomerRow, ...] = ()


def plan_customers_get(*, actor: Actor, unit_pk: int) -> CustomersPage:
    """Every customer of the current plan with their continuity figures (names logged)."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    run = plan_run_current_get(unit_pk=unit.pk)
    if run is None:
        return CustomersPage(unit, None)
    rows = list(m.CustomerContinuity.objects.filter(run=run).order_by("person_id"))
    names = _names(actor, (r.person_id for r in rows), "planning.customers")
    with_contact = _contacts_in(run)
    customers = [
        CustomerRow(r.person_id, names[r.person_id], r, customer_id(r.person_id) in with_contact)
        for r in rows
        if r.person_id in names
    ]
    customers.sort(key=lambda c: (c.name, c.person_pk))
    return CustomersPage(unit, run, tuple(customers))


@dataclass(frozen=True, slots=True)
class VisitorRow:
    name: str
    visits: int
    contact: bool


@dataclass(frozen=True, slots=True)
class ContinuityPanel:
    unit: Unit
    run: m.PlanRun
    person: Person
    continuity: m.CustomerContinuity
    contact: str
    visitors: tuple[VisitorRow, ...]
    planned: int
    unplanned: int

    @property
    def contact_share(self) -> float | None:
        c = self.continuity
        return c.visits_by_contact / c.visits if c.visits else None

    @property
    def gap(self) -> int:
        return self.continuity.distinct_staff - self.continuity.lower_bound


def customer_continuity_get(*, actor: Actor, unit_pk: int, person_pk: int) -> ContinuityPanel:
    """One customer's continuity in the unit's current plan: who visits, how often, the share
    by the fast omsorgskontakt and distinct staff against the lower bound.

    A customer not in the plan is ``NotFound``; so is one outside the actor's care
    relationships (``person_read`` logs the refused attempt, before any other check).
    """
    try:
        unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    except DomainError:
        # Whatever refuses the page, an attempt on someone outside the actor's care
        # relationships is logged.
        persons_named_refused_log(actor=actor, what="planning.continuity", person_pks=[person_pk])
        raise
    person = person_read(actor=actor, what="planning.continuity", person_pk=person_pk)
    run = plan_run_current_get(unit_pk=unit.pk)
    row = (
        m.CustomerContinuity.objects.filter(run=run, person_id=person_pk).first()
        if run is not None
        else None
    )
    if run is None or row is None:
        raise NotFound(NOT_IN_PLAN)
    visits = list(
        m.PlannedVisit.objects.filter(run=run, person_id=person_pk).values_list(
            "staff_id", "partner_id"
        )
    )
    counts: Counter[int] = Counter()
    for staff_pk, partner_pk in visits:
        for pk in (staff_pk, partner_pk):
            if pk is not None:
                counts[pk] += 1
    contact_id = _contacts_in(run).get(customer_id(person_pk))
    contact_pk = pk_of(contact_id, "s") if contact_id else None
    names = _staff_names([*counts, *([contact_pk] if contact_pk else [])])
    visitors = sorted(
        (VisitorRow(names.get(pk, "?"), n, pk == contact_pk) for pk, n in counts.items()),
        key=lambda v: (-v.visits, v.name),
    )
    planned = sum(1 for staff_pk, _ in visits if staff_pk is not None)
    return ContinuityPanel(
        unit,
        run,
        person,
        row,
        names.get(contact_pk, "") if contact_pk else "",
        tuple(visitors),
        planned,
        len(visits) - planned,
    )


def _contacts_in(run: m.PlanRun) -> dict[str, str]:
    """Each customer's fast omsorgskontakt as the run was planned (customer id -> staff id),
    read from the stored instance without parsing all of it."""
    return {
        c["id"]: c["fast_omsorgskontakt"]
        for c in run.instance.get("customers", [])
        if isinstance(c.get("fast_omsorgskontakt"), str)
    }


# --- pages: re-planning --------------------------------------------------------------------------


def planning_staff_choices(*, unit_pk: int) -> list[tuple[int, str]]:
    """The staff who make the unit's visits, by name (for the absence form)."""
    return list(
        m.PlanningStaff.objects.filter(unit_id=unit_pk)
        .order_by("staff__name", "staff_id")
        .values_list("staff_id", "staff__name")
    )


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    staff: str
    start: date
    end: date


def absence_list(*, unit_pk: int, on: date) -> list[AbsenceRow]:
    """Absences of the unit's planning staff that have not ended by ``on``."""
    return [
        AbsenceRow(name, start, end)
        for name, start, end in RegistryAbsence.objects.filter(
            staff__planning__unit_id=unit_pk, end__gte=on
        )
        .order_by("start", "staff__name", "pk")
        .values_list("staff__name", "start", "end")
    ]


def planjob_latest_get(*, unit_pk: int) -> m.PlanJob | None:
    return m.PlanJob.objects.filter(unit_id=unit_pk).order_by("-created_at", "-pk").first()


@dataclass(frozen=True, slots=True)
class MovedVisit:
    day: date
    person_pk: int
    customer: str
    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class NewStaff:
    person_pk: int
    customer: str
    staff: str


@dataclass(frozen=True, slots=True)
class PlanChanges:
    moved: tuple[MovedVisit, ...] = ()
    new_staff: tuple[NewStaff, ...] = ()
    kept: int = 0
    restaffed: int = 0
    """Of ``moved``, those whose staff changed (or that are no longer planned); the rest
    only got a new time. The job's message counts the same visits as these."""

    @property
    def retimed(self) -> int:
        return len(self.moved) - self.restaffed


#: A planned visit as ``values()`` gives it: person_id, demand_id, day, start, staff_id,
#: partner_id.
VisitRow = dict[str, Any]


def _staff_of(row: VisitRow) -> set[int]:
    return {row[k] for k in ("staff_id", "partner_id") if row[k] is not None}


def _described(row: VisitRow, names: dict[int, str]) -> str:
    if row["start"] is None:
        return "ej planerat"
    staff = [names.get(row[k], "?") for k in ("staff_id", "partner_id") if row[k] is not None]
    return f"{hm(row['start'])} {' och '.join(staff)}"


def plan_changes_get(*, actor: Actor, run: m.PlanRun) -> PlanChanges:
    """What re-planning changed against the run it started from: visits given other staff or
    another time, and customers who now meet someone they did not meet before."""
    if run.previous_id is None:
        return PlanChanges()
    fields = ("person_id", "demand_id", "day", "start", "staff_id", "partner_id")
    before = {
        (r["demand_id"], r["day"]): r
        for r in m.PlannedVisit.objects.filter(run_id=run.previous_id).values(*fields)
    }
    after = {
        (r["demand_id"], r["day"]): r
        for r in m.PlannedVisit.objects.filter(run=run).values(*fields)
    }

    moved = []
    kept = 0
    met_before: dict[int, set[int]] = {}
    for row in before.values():
        met_before.setdefault(row["person_id"], set()).update(_staff_of(row))
    met_after: dict[int, set[int]] = {}
    for key, row in after.items():
        met_after.setdefault(row["person_id"], set()).update(_staff_of(row))
        old = before.get(key)
        if old is None:
            continue
        if (old["start"], _staff_of(old)) == (row["start"], _staff_of(row)):
            kept += 1
        else:
            moved.append((old, row))
    new_staff = {
        person: sorted(met - met_before.get(person, set()))
        for person, met in met_after.items()
        if met - met_before.get(person, set())
    }
    labels = dict(
        m.VisitDemand.objects.filter(pk__in={r["demand_id"] for _, r in moved}).values_list(
            "pk", "label"
        )
    )
    names = _names(actor, [r["person_id"] for _, r in moved] + list(new_staff), "planning.changes")
    staff_names = _staff_names(
        {pk for old, new in moved for pk in _staff_of(old) | _staff_of(new)}
        | {pk for pks in new_staff.values() for pk in pks}
    )
    moved_rows = sorted(
        (
            MovedVisit(
                new["day"],
                new["person_id"],
                names.get(new["person_id"], HIDDEN_NAME),
                labels.get(new["demand_id"], ""),
                _described(old, staff_names),
                _described(new, staff_names),
            )
            for old, new in moved
        ),
        key=lambda v: (v.day, v.customer, v.label),
    )
    new_rows = sorted(
        (
            NewStaff(
                person,
                names.get(person, HIDDEN_NAME),
                ", ".join(sorted(staff_names.get(pk, "?") for pk in pks)),
            )
            for person, pks in new_staff.items()
        ),
        key=lambda r: (r.customer, r.person_pk),
    )
    restaffed = sum(1 for old, new in moved if _staff_of(old) != _staff_of(new))
    return PlanChanges(tuple(moved_rows), tuple(new_rows), kept, restaffed)


@dataclass(frozen=True, slots=True)
class JobView:
    unit: Unit
    job: m.PlanJob
    stale: bool
    changes: PlanChanges | None = None
    elapsed: int = 0
    absence: AbsenceRow | None = field(default=None)


def planjob_view_get(*, actor: Actor, unit_pk: int, job_pk: int) -> JobView:
    """A re-planning job of the unit and, once it is done, what it changed."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    job = (
        m.PlanJob.objects.filter(pk=job_pk, unit=unit)
        .select_related("result_run", "absence__staff")
        .first()
    )
    if job is None:
        raise NotFound("Omplaneringen finns inte.")
    now = timezone.now()
    changes = None
    if job.status == m.PlanJob.Status.DONE and job.result_run is not None:
        changes = plan_changes_get(actor=actor, run=job.result_run)
    absence = None
    if job.absence is not None:
        absence = AbsenceRow(job.absence.staff.name, job.absence.start, job.absence.end)
    elapsed = (
        int(((job.finished_at or now) - job.started_at).total_seconds()) if job.started_at else 0
    )
    return JobView(unit, job, job.stale(now), changes, elapsed, absence)


@dataclass(frozen=True, slots=True)
class ReplanPage:
    unit: Unit
    run: m.PlanRun | None
    staff_choices: list[tuple[int, str]]
    absences: list[AbsenceRow]
    job: m.PlanJob | None
    job_stale: bool


def replan_page_get(*, actor: Actor, unit_pk: int, on: date) -> ReplanPage:
    """What the absence and re-planning page shows: the unit's staff, coming absences, the
    current plan and the latest job."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    job = planjob_latest_get(unit_pk=unit.pk)
    return ReplanPage(
        unit,
        plan_run_current_get(unit_pk=unit.pk),
        planning_staff_choices(unit_pk=unit.pk),
        absence_list(unit_pk=unit.pk, on=on),
        job,
        job.stale(timezone.now()) if job is not None else False,
    )


# --- pages: moving one visit ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdjustmentRow:
    made_at: Any
    made_by: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class MovePage:
    unit: Unit
    visit_pk: int
    person_pk: int
    customer: str
    label: str
    day: date
    window: str
    duration: int
    double: bool
    planned: bool
    start: str
    staff_pk: int | None
    partner_pk: int | None
    staff_choices: tuple[tuple[int, str], ...]
    reason: str = ""
    proposals: tuple[str, ...] = ()
    adjustments: tuple[AdjustmentRow, ...] = ()


def _who_when(start: int | None, staff: str, partner: str) -> str:
    if start is None:
        return "ej planerat"
    return f"{hm(start)} {staff}" + (f" och {partner}" if partner else "")


def planned_visit_move_page_get(*, actor: Actor, unit_pk: int, visit_pk: int) -> MovePage:
    """One visit of the unit's current plan, with the staff who work that day, for moving it.
    An unplanned visit comes with why it could not be planned and the first proposal filled
    in. The customer's name is logged as read."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    run = plan_run_current_get(unit_pk=unit.pk)
    row = m.PlannedVisit.objects.filter(pk=visit_pk, run=run).first() if run else None
    if run is None or row is None:
        raise NotFound("Besöket finns inte i enhetens gällande besöksplan.")
    plan = plan_get(run=run)
    instance = plan.instance
    visit = instance.visit_by_id[
        f"{customer_id(row.person_id)}/{demand_id(row.demand_id)}/{row.day.isoformat()}"
    ]
    staff_names = _staff_names(pk_of(s.id, "s") for s in instance.staff)

    def staff_name(sid: str) -> str:
        return staff_names.get(pk_of(sid, "s"), sid)

    working = sorted(
        (s for s in instance.staff if s.shifts_on(visit.day)),
        key=lambda s: (staff_name(s.id), s.id),
    )
    choices = tuple(
        (
            pk_of(s.id, "s"),
            f"{staff_name(s.id)} ("
            + ", ".join(f"{hm(x.start)}–{hm(x.end)}" for x in s.shifts_on(visit.day))
            + ")",
        )
        for s in working
    )
    reason, proposals = unplanned_text(visit, row.explanation, staff_name)
    start, staff_pk, partner_pk = row.start, row.staff_id, row.partner_id
    if start is None and row.explanation:
        first = next(
            (p for p in Explanation.from_json(visit.id, row.explanation).proposals if p.staff),
            None,
        )
        if first is not None and first.start is not None:
            start = first.start
            staff_pk = pk_of(first.staff[0], "s")
            partner_pk = pk_of(first.staff[1], "s") if len(first.staff) > 1 else None
    names = _names(actor, [row.person_id], "planning.plan")
    everyone = _staff_names(
        pk
        for a in m.PlanAdjustment.objects.filter(visit=row)
        for pk in (a.from_staff_id, a.from_partner_id, a.to_staff_id, a.to_partner_id)
        if pk is not None
    )
    adjustments = tuple(
        AdjustmentRow(
            a.made_at,
            a.made_by,
            _who_when(
                a.from_start,
                everyone.get(a.from_staff_id or 0, ""),
                everyone.get(a.from_partner_id or 0, ""),
            ),
            _who_when(
                a.to_start,
                everyone.get(a.to_staff_id, ""),
                everyone.get(a.to_partner_id or 0, ""),
            ),
        )
        for a in m.PlanAdjustment.objects.filter(visit=row).order_by("made_at", "pk")
    )
    return MovePage(
        unit,
        row.pk,
        row.person_id,
        names.get(row.person_id, HIDDEN_NAME),
        demand_labels(instance).get(visit.demand.id, visit.demand.id),
        visit.day,
        f"{hm(visit.earliest)}–{hm(visit.latest)}",
        visit.duration,
        visit.staff_count > 1,
        row.start is not None,
        hm(start) if start is not None else "",
        staff_pk,
        partner_pk,
        choices,
        reason,
        proposals,
        adjustments,
    )
