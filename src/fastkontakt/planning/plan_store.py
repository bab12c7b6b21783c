"""Storing a plan as the unit's current plan, superseding the one before.

Its own module because both the re-planning jobs (``planning.jobs``) and the services store
plans, and the services start the jobs: with ``plan_store`` here neither imports the other in
a circle.
"""

from __future__ import annotations

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.continuity import ContinuityReport, continuity_report
from fastkontakt.domain.planning import Plan
from fastkontakt.domain.planning.explain import explain_unplanned
from fastkontakt.domain.planning.formats import instance_to_json
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import (
    pk_of,
)
from fastkontakt.registry.models import Person, Unit


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
        visits_not_by_contact=figure("visits_not_by_contact"),
        new_distinct_staff=figure("new_distinct_staff"),
        changed_visits=figure("changed_visits"),
        planned_visits=len(plan.visits),
        unplanned_visits=len(plan.unplanned),
        seconds=float(stats.get("seconds", 0.0)),
        median_distinct_staff=report.median_distinct_staff,
        median_lower_bound=report.median_lower_bound,
        contact_share=report.contact_share_where_possible,
        stats=dict(stats),
    )
    by_visit = plan.by_visit
    explanations = explain_unplanned(plan)
    rows = []
    for visit in instance.visits:
        planned = by_visit.get(visit.id)
        staff = [pk_of(s, "s") for s in planned.staff] if planned else []
        explanation = explanations.get(visit.id)
        rows.append(
            m.PlannedVisit(
                run=run,
                demand_id=pk_of(visit.demand.id, "d"),
                person_id=pk_of(visit.customer, "p"),
                day=visit.day,
                start=planned.start if planned else None,
                staff_id=staff[0] if staff else None,
                partner_id=staff[1] if len(staff) > 1 else None,
                explanation=explanation.as_json() if explanation else None,
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
            visits_by_contact=c.visits_by_contact,
            contact_possible=c.contact_possible,
        )
        for c in report.customers
    )
    people = Person.objects.filter(pk__in=[pk_of(c.id, "p") for c in instance.customers])
    for person in people.order_by("pk"):
        person_write_log(actor=actor, person=person, unit=unit, what="planning.plan")
    return run
