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

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime.models import JobEffect
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
    # given a long job, and a worker process that takes it
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "FASTKONTAKT_WORKER_LEASE_SECONDS": "1.5",
        "FASTKONTAKT_LOG_LEVEL": "ERROR",
    }
    job_id = str(probe.enqueue(key="long", seconds=1.0).id)
    first = _worker(env)
    try:
        _wait_for(lambda: DBTaskResult.objects.get(id=job_id).status == "RUNNING", 30)

        # when it is killed in the middle of the job, and another worker runs
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = _worker(env)
        try:
            _wait_for(lambda: DBTaskResult.objects.get(id=job_id).status == "SUCCESSFUL", 60)
        finally:
            second.terminate()
            second.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    # then the job ran twice but its work was done once, by the second worker
    job = DBTaskResult.objects.get(id=job_id)
    assert len(job.worker_ids) == 2
    assert job.return_value is True
    assert list(JobEffect.objects.values_list("key", flat=True)) == ["probe:long"]
