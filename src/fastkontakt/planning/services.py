"""Writing planning data: customers' coordinates and visit demand, absences and re-planning
requests. Plans are stored by ``planning.plan_store``; the demo's planning data is in
``demo.planning``.

Every write of a customer's data (coordinates, visit demand, the visits of a plan) logs a
write for that person in the access log inside the same transaction. Re-planning itself runs in
the background (``planning.jobs``); ``planjob_request`` only records what to do and queues it
when the transaction commits.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fastkontakt.access.accesslog import write_affects, write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.identifiers import birth_date_of
from fastkontakt.planning import models as m
from fastkontakt.planning.demand import demand_templates
from fastkontakt.planning.jobs import planjob_start
from fastkontakt.planning.selectors import planning_unit_get
from fastkontakt.registry.models import Absence, HomeCareDecision, Person, Unit
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
def planjob_request(
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
    planjob_start(job_pk=job_pk)
