"""``fastkontakt worker``: ``django_tasks_db``'s worker with a lease, reclaiming, retries and
the schedule (see ``runtime.queue`` and ``runtime.schedule``).

A side thread renews the worker's lease every third of ``FASTKONTAKT_WORKER_LEASE_SECONDS``,
takes back the jobs of dead workers and claims due schedule slots. The main thread runs jobs
one at a time; start more processes for more parallelism. SIGTERM or Ctrl-C finishes the
current job and stops; a second one stops at once (the job is then taken back by another
worker when the lease lapses).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime.queue import (
    job_retry_later,
    jobs_reclaim,
    lease_end,
    lease_renew,
    lease_seconds,
)
from fastkontakt.runtime.schedule import schedule_tick

logger = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{get_random_string(8)}"


class LeasedWorker(Worker):
    def __init__(self, *, schedule: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schedule = schedule
        self._stop = threading.Event()

    def housekeeping(self) -> None:
        """One round of the side thread: lease, reclaim, schedule."""
        lease_renew(worker_id=self.worker_id, hostname=socket.gethostname(), pid=os.getpid())
        jobs_reclaim()
        if self.schedule:
            schedule_tick(worker_id=self.worker_id)

    def _side(self) -> None:
        period = max(0.2, lease_seconds() / 3)
        try:
            while not self._stop.wait(period):
                try:
                    self.housekeeping()
                except Exception:
                    logger.exception("worker %s: housekeeping failed", self.worker_id)
                    close_old_connections()
        finally:
            connections.close_all()

    def run(self) -> None:
        # The lease exists before the first claim, so no one takes our first job back.
        self.housekeeping()
        side = threading.Thread(target=self._side, name="worker-lease", daemon=True)
        side.start()
        try:
            super().run()
        finally:
            self._stop.set()
            side.join(timeout=5)
            try:
                lease_end(worker_id=self.worker_id)
            except Exception:
                logger.exception("worker %s: could not end its lease", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except (OperationalError, InterfaceError) as error:
            # The connection may be gone (a restart, a fail-over): drop it before writing.
            close_old_connections()
            for conn in connections.all(initialized_only=True):
                if not conn.is_usable():
                    conn.close()
            if not job_retry_later(job=db_task_result, error=error):
                db_task_result.set_failed(error)
        except BaseException as error:
            logger.exception("job %s failed", db_task_result.id)
            db_task_result.set_failed(error)
        finally:
            self.running_task = False
            self._run_tasks += 1


def worker_run(
    *,
    queues: str = "*",
    interval: float = 1.0,
    schedule: bool = True,
    batch: bool = False,
    max_tasks: int | None = None,
    worker_id: str | None = None,
) -> None:
    worker = LeasedWorker(
        schedule=schedule,
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id or new_worker_id(),
        excluded_queue_names=[],
    )
    # The worker stops gracefully on SIGINT/SIGTERM; whoever called it (a test, a batch run)
    # gets its own handlers back when it returns.
    caught = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGQUIT"):
        caught.append(signal.SIGQUIT)
    before = {signum: signal.getsignal(signum) for signum in caught}
    worker.configure_signals()
    logger.info("worker %s starts (queues %s)", worker.worker_id, queues)
    try:
        worker.run()
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
