"""A coordinator's adjustment of the current plan: one visit to another staff member or time.

The independent checker (``domain.planning.check_plan``) judges the plan with the change, at
once: a move that breaks any rule of the plan (the visit's window, a shift, a break, the travel
to the next visit, a qualification, an absence) is refused with the checker's Swedish reason
and nothing is saved. ``save=False`` tries a move without saving it, so the page can show its
effect first. A saved move updates the visit, the plan's travel and continuity figures and the
explanations of what is still unplanned, keeps a ``PlanAdjustment`` row, and logs a write for
the customer, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.continuity import CustomerContinuity, continuity_report
from fastkontakt.domain.errors import ChangeRefused, InvalidInput, NotFound, Problem
from fastkontakt.domain.planning import (
    Plan,
    PlannedBreak,
    PlannedVisit,
    Weights,
    check_plan,
    objective_terms,
)
from fastkontakt.domain.planning.explain import explain_unplanned
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import customer_id, demand_id, pk_of, plan_get, staff_id
from fastkontakt.planning.selectors import demand_labels, hm, planning_unit_get
from fastkontakt.registry.models import Person, Staff

NOT_IN_PLAN = "Besöket finns inte i enhetens gällande besöksplan."
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class MoveEffect:
    """What the move does to the plan's travel and to the customer's continuity."""

    travel_before: int
    travel_after: int
    before: CustomerContinuity
    after: CustomerContinuity
    saved: bool

    @property
    def travel_change(self) -> int:
        return self.travel_after - self.travel_before


def _continuity_of(plan: Plan, customer: str) -> CustomerContinuity:
    return next(c for c in continuity_report(plan).customers if c.customer == customer)


def _with_breaks(plan: Plan, staff: tuple[str, ...], day: date) -> Plan:
    """``plan`` with the breaks a member who had no visits that day now needs: the plan keeps
    breaks only for shifts with visits, so a member given a visit on a free day gets each of
    the shift's breaks at its first start that no visit of theirs overlaps (the checker then
    judges the day, travel included)."""
    routes = plan.routes()
    added: list[PlannedBreak] = []
    for sid in staff:
        member = plan.instance.staff_by_id.get(sid)
        if member is None:
            continue
        busy = [
            (p.start, p.start + plan.instance.visit_by_id[p.visit].duration)
            for p in routes.get((sid, day), [])
        ]
        for shift in member.shifts_on(day):
            taken = [
                b for b in plan.breaks
                if b.staff == sid and b.day == day and shift.start <= b.start < shift.end
            ]
            if taken:
                continue
            for rule in shift.breaks:
                free = next(
                    (
                        t
                        for t in range(rule.earliest, rule.latest + 1, 5)
                        if all(t + rule.minutes <= a or b <= t for a, b in busy)
                    ),
                    rule.earliest,
                )
                added.append(PlannedBreak(sid, day, free, rule.minutes))
                busy.append((free, free + rule.minutes))
    return replace(plan, breaks=plan.breaks + tuple(added)) if added else plan


def _input_problems(
    plan: Plan, vid: str, staff: tuple[str, ...], start: int | None
) -> list[Problem]:
    visit = plan.instance.visit_by_id[vid]
    known = plan.instance.staff_by_id
    problems = []
    if start is None or not 0 <= start < MINUTES_PER_DAY:
        problems.append(Problem("start", "Ange en starttid som TT:MM."))
    if not staff or any(s not in known for s in staff):
        problems.append(Problem("staff", "Välj medarbetare ur enhetens planering."))
    elif len(staff) != visit.staff_count:
        problems.append(
            Problem("partner", "Besöket är dubbelbemannat: välj två olika medarbetare.")
            if visit.staff_count > 1
            else Problem("partner", "Besöket görs av en medarbetare.")
        )
    elif len(set(staff)) != len(staff):
        problems.append(Problem("partner", "Välj två olika medarbetare."))
    return problems


def planned_visit_move(
    *,
    actor: Actor,
    unit_pk: int,
    visit_pk: int,
    staff_pk: int | None,
    start: int | None,
    partner_pk: int | None = None,
    save: bool,
) -> MoveEffect:
    """Move the visit ``visit_pk`` of the unit's current plan to ``staff_pk`` (and
    ``partner_pk`` for a double-staffed visit) at ``start`` (minutes after midnight), on the
    same day; an unplanned visit is planned in the same way.

    Raises ``InvalidInput`` for a missing or unknown staff member or time, ``ChangeRefused``
    with the checker's problems (each naming its rule) when the plan would not hold; nothing is
    written then, nor when ``save`` is false.
    """
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    with write_transaction():
        run = (
            m.PlanRun.objects.select_for_update()
            .filter(unit=unit, status=m.PlanRun.Status.CURRENT)
            .first()
        )
        row = (
            m.PlannedVisit.objects.filter(pk=visit_pk, run=run).select_related("demand").first()
            if run is not None
            else None
        )
        if run is None or row is None:
            raise NotFound(NOT_IN_PLAN)
        plan = plan_get(run=run)
        vid = f"{customer_id(row.person_id)}/{demand_id(row.demand_id)}/{row.day.isoformat()}"
        staff = tuple(staff_id(pk) for pk in (staff_pk, partner_pk) if pk is not None)
        problems = _input_problems(plan, vid, staff, start)
        if problems or start is None:
            raise InvalidInput(problems)
        moved = _with_breaks(
            replace(
                plan,
                visits=tuple(p for p in plan.visits if p.visit != vid)
                + (PlannedVisit(vid, start, staff),),
                unplanned=tuple(v for v in plan.unplanned if v != vid),
            ),
            staff,
            plan.instance.visit_by_id[vid].day,
        )
        names = dict(
            Staff.objects.filter(pk__in=[pk_of(s.id, "s") for s in plan.instance.staff])
            .values_list("pk", "name")
        )
        labels = demand_labels(plan.instance)

        def staff_name(sid: str) -> str:
            return names.get(pk_of(sid, "s"), sid) if sid.startswith("s") else sid

        def visit_name(other: str) -> str:
            visit = moved.instance.visit_by_id[other]
            label = labels.get(visit.demand.id, "")
            found = moved.by_visit.get(other)
            at = f" kl. {hm(found.start)}" if found else ""
            return f"besöket ”{label}”{at}" if label else f"besöket{at}"

        refused = check_plan(moved, staff_name=staff_name, visit_name=visit_name)
        if refused:
            raise ChangeRefused(refused)
        customer = plan.instance.visit_by_id[vid].customer
        effect = MoveEffect(
            plan.travel_minutes(),
            moved.travel_minutes(),
            _continuity_of(plan, customer),
            _continuity_of(moved, customer),
            save,
        )
        if save:
            _write(actor, run, row, moved, staff_pk, partner_pk, start, effect)
        return effect


def _write(
    actor: Actor,
    run: m.PlanRun,
    row: m.PlannedVisit,
    moved: Plan,
    staff_pk: int | None,
    partner_pk: int | None,
    start: int,
    effect: MoveEffect,
) -> None:
    assert staff_pk is not None  # noqa: S101 - _input_problems refused it
    m.PlanAdjustment.objects.create(
        run=run,
        visit=row,
        made_by=actor.username,
        from_start=row.start,
        from_staff_id=row.staff_id,
        from_partner_id=row.partner_id,
        to_start=start,
        to_staff_id=staff_pk,
        to_partner_id=partner_pk,
        travel_before=effect.travel_before,
        travel_after=effect.travel_after,
    )
    row.start, row.staff_id, row.partner_id, row.explanation = start, staff_pk, partner_pk, None
    row.save(update_fields=["start", "staff", "partner", "explanation"])
    stored = set(
        m.PlannedBreak.objects.filter(run=run).values_list("staff_id", "day", "start")
    )
    m.PlannedBreak.objects.bulk_create(
        m.PlannedBreak(
            run=run, staff_id=pk_of(b.staff, "s"), day=b.day, start=b.start, minutes=b.minutes
        )
        for b in moved.breaks
        if (pk_of(b.staff, "s"), b.day, b.start) not in stored
    )
    still = explain_unplanned(moved)
    unplanned_rows = m.PlannedVisit.objects.filter(run=run, start__isnull=True)
    for other in unplanned_rows:
        key = f"{customer_id(other.person_id)}/{demand_id(other.demand_id)}/{other.day}"
        other.explanation = still[key].as_json() if key in still else None
    m.PlannedVisit.objects.bulk_update(unplanned_rows, ["explanation"])
    report = continuity_report(moved)
    terms = objective_terms(moved, Weights())
    run.travel_minutes = effect.travel_after
    run.objective = int(terms["objective"])
    run.visits_not_by_contact = int(terms["visits_not_by_contact"])
    run.new_distinct_staff = int(terms["new_distinct_staff"])
    run.planned_visits = len(moved.visits)
    run.unplanned_visits = len(moved.unplanned)
    run.median_distinct_staff = report.median_distinct_staff
    run.median_lower_bound = report.median_lower_bound
    run.contact_share = report.contact_share_where_possible
    run.save()
    by_person = {pk_of(c.customer, "p"): c for c in report.customers}
    rows = list(m.CustomerContinuity.objects.filter(run=run))
    for continuity in rows:
        c = by_person[continuity.person_id]
        continuity.visits, continuity.distinct_staff = c.visits, c.distinct_staff
        continuity.visits_by_contact, continuity.contact_possible = (
            c.visits_by_contact,
            c.contact_possible,
        )
    m.CustomerContinuity.objects.bulk_update(
        rows, ["visits", "distinct_staff", "visits_by_contact", "contact_possible"]
    )
    person = Person.objects.get(pk=row.person_id)
    person_write_log(actor=actor, person=person, unit=run.unit, what="planning.move")
