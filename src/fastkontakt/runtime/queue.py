"""The queue's rules beyond ``django_tasks_db``: leases of live workers, taking back the jobs of
dead ones, retrying after a database error with back-off, and once-only effects.

``django_tasks_db`` claims a job with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (an
exclusive transaction on SQLite) and marks it ``RUNNING`` with the worker's id: two workers
never take the same ready job. What it lacks, and this module adds:

- a worker that dies (SIGKILL, OOM, a lost machine) leaves its job ``RUNNING`` for ever. Each
  worker renews a ``WorkerLease`` every few seconds; :func:`jobs_reclaim` puts a running job
  whose worker's lease lapsed back to ``READY`` (or ``FAILED`` after ``MAX_ATTEMPTS``);
- a database error (a restart, a fail-over to the standby) fails the job for good. Here it is
  put back with a delay that doubles per attempt (:func:`backoff_seconds`).

A job may thus start twice (a worker that lost its lease but was only slow); jobs are written to
be safe to run twice: they take ids, claim their own rows conditionally, or do their work
inside :func:`once`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime.models import JobEffect, WorkerLease

logger = logging.getLogger(__name__)

READY = "READY"
RUNNING = "RUNNING"
FAILED = "FAILED"
SUCCESSFUL = "SUCCESSFUL"

WORKER_LOST = "fastkontakt.runtime.queue.WorkerLost"


class WorkerLost(Exception):
    """The worker running the job stopped renewing its lease."""


def lease_seconds() -> float:
    return float(settings.FASTKONTAKT_WORKER_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.FASTKONTAKT_JOB_MAX_ATTEMPTS)


def backoff_seconds(attempt: int) -> float:
    """Delay before attempt ``attempt + 1``: 2, 4, 8, ... seconds, at most five minutes, with
    a little jitter so that the jobs of one outage do not all return at once."""
    base = min(300.0, 2.0**attempt)
    return base * (0.75 + random.random() / 2)  # noqa: S311 - jitter, not a secret


def lease_renew(*, worker_id: str, hostname: str, pid: int, now: datetime | None = None) -> None:
    moment = now or timezone.now()
    updated = WorkerLease.objects.filter(worker_id=worker_id).update(heartbeat_at=moment)
    if not updated:
        WorkerLease.objects.create(
            worker_id=worker_id, hostname=hostname, pid=pid, started_at=moment, heartbeat_at=moment
        )


def lease_end(*, worker_id: str) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def jobs_reclaim(*, now: datetime | None = None) -> int:
    """Put back the running jobs whose worker's lease lapsed; returns how many."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=lease_seconds())
    live = set(
        WorkerLease.objects.filter(heartbeat_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    # Leases of the dead are kept a while for the operators' view, then dropped.
    WorkerLease.objects.filter(heartbeat_at__lt=moment - timedelta(days=1)).delete()
    taken = 0
    running = DBTaskResult.objects.filter(status=RUNNING).only("id", "worker_ids", "started_at")
    for job in running:
        owner = job.worker_ids[-1] if job.worker_ids else ""
        if owner in live:
            continue
        # The job may have started just before its worker's first lease; give it a lease's time.
        if job.started_at is not None and job.started_at >= cutoff:
            continue
        attempts = len(job.worker_ids)
        same = DBTaskResult.objects.filter(id=job.id, status=RUNNING, worker_ids=job.worker_ids)
        if attempts >= max_attempts():
            changed = same.update(
                status=FAILED,
                finished_at=moment,
                exception_class_path=WORKER_LOST,
                traceback=f"Arbetsprocessen {owner} slutade svara; {attempts} försök gjorda.",
            )
        else:
            changed = same.update(status=READY, run_after=moment, started_at=None)
        if changed:
            taken += 1
            logger.warning(
                "job %s: worker %s lost its lease; %s",
                job.id,
                owner,
                "failed" if attempts >= max_attempts() else "back on the queue",
            )
    return taken


def job_retry_later(*, job: DBTaskResult[Any, Any], error: BaseException) -> bool:
    """Put a job that met a database error back on the queue with back-off; False when it has
    used all its attempts (the caller marks it failed)."""
    attempts = len(job.worker_ids)
    if attempts >= max_attempts():
        return False
    delay = backoff_seconds(attempts)
    DBTaskResult.objects.filter(id=job.id, status=RUNNING).update(
        status=READY,
        started_at=None,
        run_after=timezone.now() + timedelta(seconds=delay),
        exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
        traceback=str(error)[:2000],
    )
    logger.warning("job %s: database error, attempt %s; again in %.1f s", job.id, attempts, delay)
    return True


@contextmanager
def once(key: str) -> Iterator[bool]:
    """A transaction in which the work keyed ``key`` is done at most once, ever.

    Yields True when this is the first time (do the work inside the block), False when it was
    already done. The mark commits with the work or not at all, so a worker killed in the
    middle leaves neither.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                JobEffect.objects.create(key=key, done_at=timezone.now())
        except IntegrityError:
            yield False
            return
        yield True
