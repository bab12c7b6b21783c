"""Re-planning in the background of the web process, with progress, safe to run twice.

How a job runs:

1. ``services.planjob_enqueue`` writes a ``PlanJob`` row (``queued``) in the request's
   transaction and asks ``transaction.on_commit`` to call :func:`planjob_start`, which starts a
   daemon thread running :func:`planjob_run` with the job's id. Nothing starts if the
   transaction rolls back.
2. :func:`planjob_run` *claims* the job with one conditional ``UPDATE ... WHERE status =
   'queued'``; only one caller can turn it to ``running``, so a second run (a retry, a second
   thread, another process) does nothing.
3. It reads the unit's planning data and its current plan, and runs the domain planner with
   ``previous_plan`` so that as little as possible changes. The planner runs in a spawned child
   process (``planning.solving``: OR-Tools holds the interpreter lock while it searches, so a
   thread would freeze the web process); this thread wakes every second to write the progress
   (time against the time limit: the planner has no progress callback) and the heartbeat.
4. It stores the new plan and marks the job ``done`` in one transaction, the latter with
   ``UPDATE ... WHERE status = 'running'``: if the job was meanwhile declared dead (below),
   nothing is stored. Any error marks the job ``failed`` with a Swedish message; the
   traceback goes to the log, not the page.

A process that dies (restart, deploy, crash) leaves its job ``queued`` or ``running`` with a
heartbeat that stops moving. After ``PlanJob.STALE_AFTER`` without one, the pages show it as
interrupted and the next request for the unit marks it ``failed``, so it never blocks a new
job for more than that. There is no retry of its own: the coordinator presses the button again.

The planner runs with one worker: the second core stays with the requests. Its process is
spawned, not forked, so nothing of the threaded server is copied into it.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, timedelta

from django.db import connections
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.domain.planning import Plan
from fastkontakt.planning import models as m
from fastkontakt.planning.selectors import (
    HORIZON_DAYS,
    plan_get,
    plan_run_current_get,
    planning_instance_get,
)
from fastkontakt.planning.services import plan_store
from fastkontakt.planning.solving import Solver, start_solver

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
# Progress while the solver runs goes up to this share against the time limit, then creeps
# towards SOLVING_TO: the planner may overrun its limit a little on many small parts.
SOLVING_AT_LIMIT = 85
SOLVING_TO = 94
STORING = 96


class Interrupted(Exception):
    """The job stopped being ours (declared dead while it ran): store nothing."""


def planjob_start(*, job_pk: int) -> threading.Thread:
    """Run the job in a daemon thread of this process (called after the commit)."""
    thread = threading.Thread(
        target=_run_in_thread, kwargs={"job_pk": job_pk}, name=f"planjob-{job_pk}", daemon=True
    )
    thread.start()
    return thread


def _run_in_thread(*, job_pk: int) -> None:
    try:
        planjob_run(job_pk=job_pk)
    finally:
        # The thread's own database connections; Django opens one per thread.
        connections.close_all()


def _claim(job_pk: int) -> bool:
    now = timezone.now()
    claimed = m.PlanJob.objects.filter(pk=job_pk, status=m.PlanJob.Status.QUEUED).update(
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
