"""Re-planning on the queue (``fastkontakt worker``), with progress, safe to run twice.

How a job runs:

1. ``services.planjob_enqueue`` writes a ``PlanJob`` row (``queued``) in the request's
   transaction and asks ``transaction.on_commit`` to call :func:`planjob_start`, which puts
   the task :data:`replan` with the job's id on the queue (ADR 0017). Nothing is queued if the
   transaction rolls back.
2. A worker runs :func:`planjob_run`, which *claims* the job with one conditional ``UPDATE ...
   WHERE status = 'queued'``; only one caller can turn it to ``running``, so a second run (a
   retry, a second worker) does nothing. A job left ``running`` by a worker that was killed
   (its heartbeat older than ``RETAKE_AFTER``) is claimed again when the queue hands the task
   to another worker: the plan is made from the start, as nothing of it was stored.
3. It reads the unit's planning data and its current plan, and runs the domain planner with
   ``previous_plan`` so that as little as possible changes. The planner runs in a spawned child
   process (``planning.solving``: OR-Tools holds the interpreter lock while it searches, so the
   worker's lease thread would stop too); the worker wakes every second to write the progress
   (time against the time limit: the planner has no progress callback) and the heartbeat.
4. It stores the new plan and marks the job ``done`` in one transaction, the latter with
   ``UPDATE ... WHERE status = 'running'``: if the job was meanwhile declared dead (below),
   nothing is stored. Any error marks the job ``failed`` with a Swedish message; the
   traceback goes to the log, not the page.

A worker that dies leaves its job ``running`` with a heartbeat that stops moving; the queue
hands the task to another worker once the dead one's lease lapses (``runtime.queue``), and that
one takes the job over. If no worker does within ``PlanJob.STALE_AFTER`` (none is running), the
pages show it as interrupted and the next request for the unit marks it ``failed``, so it never
blocks a new job for more than that.

The planner runs with one search worker. Its process is spawned, not forked.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.domain.planning import Plan
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import (
    HORIZON_DAYS,
    plan_get,
    plan_run_current_get,
    planning_instance_get,
)
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.planning.solving import Solver, start_solver

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
# Progress while the solver runs goes up to this share against the time limit, then creeps
# towards SOLVING_TO: the planner may overrun its limit a little on many small parts.
SOLVING_AT_LIMIT = 85
SOLVING_TO = 94
STORING = 96


# A running job without a heartbeat for this long was left by a killed worker: the task's next
# run takes it over. Progress is written every TICK_SECONDS while the planner runs.
RETAKE_AFTER = timedelta(seconds=15)


class Interrupted(Exception):
    """The job stopped being ours (declared dead while it ran): store nothing."""


@task(queue_name="default")
def replan(*, job_pk: int) -> None:
    """The queue's task for a plan job: takes the job's id, safe to run twice."""
    planjob_run(job_pk=job_pk)


def planjob_start(*, job_pk: int) -> str:
    """Put the job on the queue (called after the commit); returns the queue's job id."""
    return str(replan.enqueue(job_pk=job_pk).id)


def _claim(job_pk: int) -> bool:
    now = timezone.now()
    left = Q(status=m.PlanJob.Status.RUNNING, heartbeat_at__lt=now - RETAKE_AFTER)
    claimed = m.PlanJob.objects.filter(Q(status=m.PlanJob.Status.QUEUED) | left, pk=job_pk).update(
        status=m.PlanJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=1,
        message="Läser planeringsunderlaget.",
    )
    return claimed == 1


def _progress_write(job_pk: int, progress: int, message: str) -> None:
    """Progress and a heartbeat, only while the job is still running as ours."""
    updated = m.PlanJob.objects.filter(pk=job_pk, status=m.PlanJob.Status.RUNNING).update(
        progress=progress, message=message[:300], heartbeat_at=timezone.now()
    )
    if updated != 1:
        raise Interrupted


def solving_progress(elapsed: float, time_limit: float) -> int:
    """Progress while the solver runs: linear to ``SOLVING_AT_LIMIT`` at the limit, then
    slowly on, never past ``SOLVING_TO`` (the rest is storing)."""
    limit = max(time_limit, 0.1)
    if elapsed <= limit:
        return max(2, int(2 + (SOLVING_AT_LIMIT - 2) * elapsed / limit))
    over = (elapsed - limit) / limit
    return min(
        SOLVING_TO, int(SOLVING_AT_LIMIT + (SOLVING_TO - SOLVING_AT_LIMIT) * over / (1 + over))
    )


def _actor_of(job: m.PlanJob) -> Actor:
    return Actor(
        user_id=job.created_by_id,
        username=job.created_by_name,
        memberships=frozenset(),
        request_id=f"planjob-{job.pk}",
    )


def _horizon(base: m.PlanRun | None, today: date) -> tuple[date, int]:
    """Re-plan the current plan's horizon while it lasts; otherwise plan 14 days from today."""
    if base is not None and base.start + timedelta(days=base.days - 1) >= today:
        return base.start, base.days
    return today, HORIZON_DAYS


def _solve(job_pk: int, solver: Solver, time_limit: float) -> Plan:
    """Wait for the planner, writing progress every tick; stop it if the job stops being ours."""
    started = time.monotonic()
    try:
        while True:
            result = solver.wait(TICK_SECONDS)
            if result is not None:
                return result
            elapsed = time.monotonic() - started
            _progress_write(
                job_pk,
                solving_progress(elapsed, time_limit),
                f"Planerar: {elapsed:.0f} s av ungefär {time_limit:.0f} s.",
            )
    finally:
        solver.stop()


def planjob_run(*, job_pk: int) -> None:
    """Claim the job and plan; does nothing if someone else already claimed it."""
    if not _claim(job_pk):
        logger.info("plan job %s: already claimed or finished; nothing to do", job_pk)
        return
    job = m.PlanJob.objects.select_related("unit").get(pk=job_pk)
    try:
        base = plan_run_current_get(unit_pk=job.unit_id)
        start, days = _horizon(base, timezone.localdate())
        planning = planning_instance_get(unit_pk=job.unit_id, start=start, days=days)
        previous = plan_get(run=base) if base is not None else None
        _progress_write(job_pk, 2, "Startar planeraren.")
        solver = start_solver(planning.instance, time_limit=job.time_limit, previous=previous)
        result = _solve(job_pk, solver, job.time_limit)
        _progress_write(job_pk, STORING, "Sparar planen och räknar kontinuiteten.")
        with write_transaction():
            run = plan_store(actor=_actor_of(job), unit=job.unit, plan=result, previous_run=base)
            moved = int(result.stats.get("changed_visits", 0))
            done = m.PlanJob.objects.filter(pk=job_pk, status=m.PlanJob.Status.RUNNING).update(
                status=m.PlanJob.Status.DONE,
                progress=100,
                heartbeat_at=timezone.now(),
                finished_at=timezone.now(),
                base_run=base,
                result_run=run,
                message=_done_message(
                    result, moved, base is not None, len(planning.without_location)
                ),
            )
            if done != 1:
                raise Interrupted
    except Interrupted:
        logger.warning("plan job %s: declared dead while running; its plan was not stored", job_pk)
    except Exception:
        logger.exception("plan job %s failed", job_pk)
        m.PlanJob.objects.filter(pk=job_pk, status=m.PlanJob.Status.RUNNING).update(
            status=m.PlanJob.Status.FAILED,
            finished_at=timezone.now(),
            message="Planeringen misslyckades på grund av ett fel. Den gällande planen är "
            "oförändrad; försök igen eller kontakta systemförvaltningen.",
        )


def _done_message(result: Plan, moved: int, replanned: bool, without_location: int) -> str:
    text = f"Klar: {len(result.visits)} besök planerade"
    if replanned:
        # the solver's count: visits whose staff changed (or that are no longer planned); the
        # page lists those and the visits that only got a new time, and says how many of each
        text += f", {moved} med ändrad personal mot förra planen"
    if result.unplanned:
        text += f", {len(result.unplanned)} kunde inte planeras"
    if without_location:
        customers = "kund" if without_location == 1 else "kunder"
        text += f"; {without_location} {customers} saknar position och planerades inte"
    return text + "."
