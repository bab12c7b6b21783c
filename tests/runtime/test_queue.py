"""The queue: two workers never run one job twice, a dead worker's job is taken again and
runs once, database errors are retried with back-off, and a schedule slot runs once."""

from __future__ import annotations

import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime import queue
from fastkontakt.runtime.models import JobEffect, ScheduleSlot, WorkerLease
from fastkontakt.runtime.schedule import SCHEDULE, Entry, schedule_tick
from fastkontakt.runtime.tasks import probe
from fastkontakt.runtime.worker import LeasedWorker, worker_run
from tests.database_faults import in_threads, shared_database

_calls: list[int] = []


@task()
def flaky(*, fail_times: int) -> int:
    """Meets a database error on its first ``fail_times`` runs."""
    _calls.append(1)
    if len(_calls) <= fail_times:
        raise OperationalError("server closed the connection unexpectedly")
    return len(_calls)


def worker(worker_id: str, **options: Any) -> LeasedWorker:
    return LeasedWorker(
        schedule=False,
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
        **options,
    )


def run_in_threads(*workers: LeasedWorker) -> None:
    def run(w: LeasedWorker) -> None:
        try:
            w.run()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_one_job_twice(tmp_path: Path) -> None:
    # given 40 jobs
    ids = [str(probe.enqueue(key=f"k{n}").id) for n in range(40)]

    # when two workers empty the queue at the same time (each with its own connection to a
    # database they share: a file on SQLite, as in `make run`)
    first, second = worker("w1"), worker("w2")
    with shared_database(tmp_path):
        run_in_threads(first, second)
        [(jobs, effects)] = in_threads(
            lambda: (
                list(DBTaskResult.objects.filter(id__in=ids)),
                JobEffect.objects.count(),
            )
        )

    # then every job ran to its end once, by one worker, and did its work once
    assert sorted(j.status for j in jobs) == ["SUCCESSFUL"] * 40
    assert sorted(len(j.worker_ids) for j in jobs) == [1] * 40
    assert all(j.return_value is True for j in jobs)
    assert effects == 40
    assert first._run_tasks + second._run_tasks == 40


@pytest.mark.django_db
def test_the_job_of_a_killed_worker_is_taken_again_and_runs_once() -> None:
    # given a job claimed by a worker that then died: its lease is older than the lease time
    job_id = str(probe.enqueue(key="lost").id)
    long_ago = timezone.now() - timedelta(seconds=queue.lease_seconds() + 5)
    queue.lease_renew(worker_id="dead", hostname="h", pid=1, now=long_ago)
    DBTaskResult.objects.filter(id=job_id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["dead"]
    )
    # and a live worker with a running job of its own, which must be left alone
    busy_id = str(probe.enqueue(key="busy").id)
    queue.lease_renew(worker_id="alive", hostname="h", pid=2)
    DBTaskResult.objects.filter(id=busy_id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["alive"]
    )

    # when another worker takes back what the dead left and runs the queue
    reclaimed = queue.jobs_reclaim()
    worker("w2").run()

    # then
    job = DBTaskResult.objects.get(id=job_id)
    busy = DBTaskResult.objects.get(id=busy_id)
    assert reclaimed == 1
    assert (job.status, job.worker_ids, job.return_value) == ("SUCCESSFUL", ["dead", "w2"], True)
    assert (busy.status, busy.worker_ids) == ("RUNNING", ["alive"])
    assert list(JobEffect.objects.values_list("key", flat=True)) == ["probe:lost"]


@pytest.mark.django_db
def test_a_job_lost_too_often_fails_for_good(settings: Any) -> None:
    # given a job whose workers died as many times as it may be tried
    settings.FASTKONTAKT_JOB_MAX_ATTEMPTS = 2
    job_id = str(probe.enqueue(key="doomed").id)
    long_ago = timezone.now() - timedelta(hours=1)
    DBTaskResult.objects.filter(id=job_id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["dead1", "dead2"]
    )

    # when
    queue.jobs_reclaim()

    # then
    job = DBTaskResult.objects.get(id=job_id)
    assert (job.status, job.exception_class_path) == ("FAILED", queue.WORKER_LOST)
    assert JobEffect.objects.count() == 0


@pytest.mark.django_db
def test_a_database_error_puts_the_job_back_with_back_off() -> None:
    # given a job that meets a database error once
    _calls.clear()
    job_id = str(flaky.enqueue(fail_times=1).id)

    # when a worker runs it
    before = timezone.now()
    worker("w1").run()

    # then it waits on the queue, later, not failed
    job = DBTaskResult.objects.get(id=job_id)
    assert (job.status, job.started_at, job.worker_ids) == ("READY", None, ["w1"])
    assert job.run_after >= before + timedelta(seconds=1)
    assert job.exception_class_path == "django.db.utils.OperationalError"

    # when its time comes
    DBTaskResult.objects.filter(id=job_id).update(run_after=timezone.now())
    worker("w2").run()

    # then it runs, once more
    job.refresh_from_db()
    assert (job.status, job.return_value, job.worker_ids) == ("SUCCESSFUL", 2, ["w1", "w2"])


def test_back_off_doubles_and_has_a_ceiling() -> None:
    delays = [queue.backoff_seconds(n) for n in (1, 2, 3, 20)]
    assert 1.5 <= delays[0] <= 2.5
    assert 3 <= delays[1] <= 5
    assert 6 <= delays[2] <= 10
    assert 225 <= delays[3] <= 375


@pytest.mark.django_db
def test_a_worker_keeps_its_lease_while_it_runs_and_ends_it_when_it_stops() -> None:
    # given
    w = worker("w1")

    # when
    w.housekeeping()
    during = WorkerLease.objects.get(worker_id="w1").heartbeat_at
    w.run()

    # then
    assert during <= timezone.now()
    assert not WorkerLease.objects.filter(worker_id="w1").exists()


NOW = datetime.fromisoformat("2026-12-04T03:00:00+01:00")


@pytest.mark.django_db(transaction=True)
def test_a_schedule_slot_runs_once_with_two_workers(tmp_path: Path) -> None:
    with shared_database(tmp_path):
        [outcome] = in_threads(lambda: _two_workers_tick())
    claims, again, slots, slot_jobs, jobs = outcome

    # then every entry's slot was claimed and enqueued exactly once
    expected = [
        "clean-up/2026-12-03",
        "nightly-findings/2026-12-04",
        "reminder-digests/2026-12-04T03",
    ]
    assert sorted(claims["w1"] + claims["w2"]) == expected
    assert again == []
    assert slots == expected
    assert len(jobs) == len(SCHEDULE)
    assert slot_jobs == jobs


def _two_workers_tick() -> tuple[dict[str, list[str]], list[str], list[str], set[str], set[str]]:
    # given two workers that look at the clock at the same moment
    barrier = threading.Barrier(2)
    claims: dict[str, list[str]] = {}

    def tick(worker_id: str) -> None:
        try:
            barrier.wait()
            claims[worker_id] = schedule_tick(worker_id=worker_id, now=NOW)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=tick, args=(w,)) for w in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # and again, later in the same slots
    again = schedule_tick(worker_id="w3", now=NOW + timedelta(minutes=10))
    return (
        claims,
        again,
        sorted(f"{s.name}/{s.slot}" for s in ScheduleSlot.objects.all()),
        set(ScheduleSlot.objects.values_list("task_result_id", flat=True)),
        {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)},
    )


def test_slots_are_the_latest_due_time_in_local_time() -> None:
    nightly = Entry("n", "x", "daily", datetime.fromisoformat("2026-01-01T02:30").time())
    hourly = Entry("h", "x", "hourly")
    assert nightly.slot(datetime.fromisoformat("2026-12-04T02:29+01:00")) == "2026-12-03"
    assert nightly.slot(datetime.fromisoformat("2026-12-04T01:30+00:00")) == "2026-12-04"
    assert hourly.slot(datetime.fromisoformat("2026-12-04T06:59+00:00")) == "2026-12-04T07"


@pytest.mark.django_db(transaction=True)
def test_a_worker_run_in_process_gives_back_the_callers_signal_handlers() -> None:
    # given: the caller's own handlers (a test run, a batch script)
    def mine(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, mine)
    try:
        # when: a worker empties the queue in this process
        probe.enqueue(key="signals")
        worker_run(batch=True, schedule=False, interval=0)

        # then: SIGTERM and Ctrl-C are the caller's again, not the worker's graceful stop
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGINT) is before[signal.SIGINT]
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
