"""A worker process killed with SIGKILL in the middle of a job: another worker takes the job
again once the lease lapses, and its work is done once (PostgreSQL: the processes share the
test database; SQLite's test database lives in this process's memory)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime.models import JobEffect, WorkerLease
from fastkontakt.runtime.tasks import probe


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "fastkontakt.cli", "worker", "--no-schedule", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_a_killed_worker_and_runs_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the test database on PostgreSQL only")
    # given two worker processes, and a job one of them takes
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}"
        f"@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "FASTKONTAKT_WORKER_LEASE_SECONDS": "1.5",
        "FASTKONTAKT_LOG_LEVEL": "ERROR",
    }
    workers = {w.pid: w for w in (_worker(env), _worker(env))}
    try:
        _wait_for(lambda: WorkerLease.objects.count() == 2, 60)
        job_id = str(probe.enqueue(key="long", seconds=1.0).id)
        _wait_for(lambda: DBTaskResult.objects.get(id=job_id).status == "RUNNING", 30)

        # when the worker running it is killed in the middle of the job
        owner = DBTaskResult.objects.get(id=job_id).worker_ids[-1]
        killed = workers[int(owner.split("-")[-2])]
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        _wait_for(lambda: DBTaskResult.objects.get(id=job_id).status == "SUCCESSFUL", 60)
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)

    # then the job ran twice but its work was done once, by the other worker
    job = DBTaskResult.objects.get(id=job_id)
    assert len(job.worker_ids) == 2
    assert job.worker_ids[0] == owner != job.worker_ids[1]
    assert job.return_value is True
    assert list(JobEffect.objects.values_list("key", flat=True)) == ["probe:long"]
