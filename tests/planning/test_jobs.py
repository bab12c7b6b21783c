"""Re-planning in the background: after an absence, once only, with progress, failing cleanly,
and never blocked for long by a job a dead process left behind."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.domain.errors import InvalidInput
from fastkontakt.domain.planning import Instance, Plan, Weights, check_plan, plan
from fastkontakt.planning import jobs
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import plan_get, planning_instance_get
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.planning.selectors import hm, plan_changes_get
from fastkontakt.planning.services import STALE_MESSAGE, planjob_request
from fastkontakt.planning.solving import SolverFailed
from fastkontakt.registry.models import Absence
from fastkontakt.runtime.worker import worker_run
from tests.access.helpers import make_user
from tests.planning.builders import DAYS, World, build_world


@pytest.fixture(autouse=True)
def _short_solver(settings: Any) -> None:
    settings.FASTKONTAKT_REPLAN_SECONDS = 1


def coordinator(w: World) -> Actor:
    user = get_user_model().objects.filter(username="koordinator").first()
    if user is None:
        user = make_user("koordinator", [(Role.COORDINATOR, w.unit)])
    return actor_for_user(user, request_id="test")


def planned_world() -> tuple[World, m.PlanRun]:
    """The small unit with a first plan, stored by its coordinator."""
    w = build_world()
    instance = planning_instance_get(unit_pk=w.unit.pk, start=w.start, days=DAYS).instance
    made = plan(instance, time_limit=1, weights=Weights(), workers=1)
    return w, plan_store(actor=coordinator(w), unit=w.unit, plan=made)


def by_day(result: Plan, day: object) -> dict[str, tuple[int, tuple[str, ...]]]:
    visits = result.instance.visit_by_id
    return {p.visit: (p.start, p.staff) for p in result.visits if visits[p.visit].day == day}


@pytest.mark.django_db
def test_replanning_after_an_absence_keeps_the_other_days_and_frees_the_absent_staff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given Anna makes Karin's mornings; she is away on the second day
    w, base = planned_world()
    before = plan_get(run=base)
    anna = f"s{w.anna.pk}"
    d0, d1, d2 = w.dates
    morning_d1 = f"p{w.karin.pk}/d{w.morning.pk}/{d1}"
    assert before.by_visit[morning_d1].staff == (anna,)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = planjob_request(
            actor=coordinator(w),
            unit_pk=w.unit.pk,
            absence_staff_pk=w.anna.pk,
            absence_start=d1,
            absence_end=d1,
        )
    assert (job.status, len(callbacks)) == ("queued", 1)

    # when
    jobs.planjob_run(job_pk=job.pk)

    # then
    job.refresh_from_db()
    assert (job.status, job.progress, job.base_run_id) == ("done", 100, base.pk)
    assert job.message == (
        "Klar: 7 besök planerade, 1 med ändrad personal mot förra planen; 1 kund saknar "
        "position och planerades inte."
    )
    assert job.absence == Absence.objects.get(staff=w.anna)
    run = m.PlanRun.objects.get(unit=w.unit, status="current")
    assert (job.result_run_id, run.previous_id) == (run.pk, base.pk)
    after = plan_get(run=run)
    assert check_plan(after) == []
    assert by_day(after, d0) == by_day(before, d0)
    assert by_day(after, d2) == by_day(before, d2)
    assert all(anna not in staff for _, staff in by_day(after, d1).values())
    assert after.by_visit[morning_d1].staff == (f"s{w.bo.pk}",)
    assert after.unplanned == ()
    changes = plan_changes_get(actor=coordinator(w), run=run)
    assert [(v.day, v.customer, v.label, v.before) for v in changes.moved] == [
        (d1, "Karin Lind", "Morgonbesök", f"{hm(before.by_visit[morning_d1].start)} Anna Alm")
    ]
    assert changes.moved[0].after.endswith(" Bo Berg")
    assert changes.kept == 6
    assert (changes.restaffed, changes.retimed) == (1, 0)
    assert [(n.customer, n.staff) for n in changes.new_staff] == [("Karin Lind", "Bo Berg")]


@pytest.mark.django_db
def test_a_job_runs_once_however_often_it_is_started(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    w, base = planned_world()
    with django_capture_on_commit_callbacks(execute=False):
        job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)
    jobs.planjob_run(job_pk=job.pk)
    job.refresh_from_db()
    finished = (job.status, job.finished_at, job.result_run_id)
    runs = m.PlanRun.objects.count()

    # when it is run again, as a retry or a second thread would
    jobs.planjob_run(job_pk=job.pk)

    # then nothing happens
    job.refresh_from_db()
    assert (job.status, job.finished_at, job.result_run_id) == finished
    assert m.PlanRun.objects.count() == runs == 2


@pytest.mark.django_db
def test_a_job_claimed_elsewhere_is_left_alone(django_capture_on_commit_callbacks: Any) -> None:
    # given another thread has claimed the job
    w, base = planned_world()
    with django_capture_on_commit_callbacks(execute=False):
        job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)
    m.PlanJob.objects.filter(pk=job.pk).update(
        status="running", progress=40, heartbeat_at=timezone.now()
    )

    # when
    jobs.planjob_run(job_pk=job.pk)

    # then
    job.refresh_from_db()
    assert (job.status, job.progress, job.result_run_id) == ("running", 40, None)
    assert list(m.PlanRun.objects.values_list("pk", flat=True)) == [base.pk]


class SlowSolver:
    """Answers after six ticks, as a planner that takes a while would (in this process)."""

    ticks = 6

    def __init__(self, instance: Instance, *, time_limit: float, previous: Plan | None) -> None:
        self.result = plan(
            instance, time_limit=time_limit, weights=Weights(), previous_plan=previous, workers=1
        )
        self.waited = 0
        self.stopped = False

    def wait(self, seconds: float) -> Plan | None:
        self.waited += 1
        if self.waited <= self.ticks:
            time.sleep(seconds)
            return None
        return self.result

    def stop(self) -> None:
        self.stopped = True


class BrokenSolver(SlowSolver):
    ticks = 2

    def wait(self, seconds: float) -> Plan | None:
        if super().wait(seconds) is None:
            return None
        raise SolverFailed("RuntimeError: solver crashed")


@pytest.mark.django_db
def test_progress_is_written_while_the_solver_runs(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # given a planner that takes six ticks
    w, base = planned_world()
    written: list[tuple[int, str]] = []
    write = jobs._progress_write
    solvers: list[SlowSolver] = []

    def spy(job_pk: int, progress: int, message: str) -> None:
        written.append((progress, message))
        write(job_pk, progress, message)

    def start(instance: Instance, **options: Any) -> SlowSolver:
        solvers.append(SlowSolver(instance, **options))
        return solvers[-1]

    monkeypatch.setattr(jobs, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(jobs, "_progress_write", spy)
    monkeypatch.setattr(jobs, "start_solver", start)
    with django_capture_on_commit_callbacks(execute=False):
        job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)

    # when
    jobs.planjob_run(job_pk=job.pk)

    # then
    solving = [p for p, message in written if message.startswith("Planerar: ")]
    assert len(solving) == 6
    assert solving == sorted(solving)
    assert solving[0] >= 2
    assert solving[-1] <= jobs.SOLVING_TO
    assert written[0] == (2, "Startar planeraren.")
    assert written[-1] == (jobs.STORING, "Sparar planen och räknar kontinuiteten.")
    assert solvers[0].stopped
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)


@pytest.mark.django_db
def test_a_failing_planner_fails_the_job_and_keeps_the_current_plan(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    w, base = planned_world()
    monkeypatch.setattr(jobs, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(jobs, "start_solver", BrokenSolver)
    with django_capture_on_commit_callbacks(execute=False):
        job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)

    # when
    jobs.planjob_run(job_pk=job.pk)

    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message.startswith("Planeringen misslyckades på grund av ett fel.")
    assert "solver crashed" not in job.message
    assert job.finished_at is not None
    assert job.result_run_id is None
    assert 0 < job.progress < 100
    assert list(m.PlanRun.objects.values_list("pk", "status")) == [(base.pk, "current")]


@pytest.mark.django_db
def test_a_job_declared_dead_while_it_runs_stores_nothing_and_stops_its_planner(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # given a planner during which another request marks the job failed (its heartbeat late)
    w, base = planned_world()
    solvers: list[SlowSolver] = []

    def start(instance: Instance, **options: Any) -> SlowSolver:
        solvers.append(SlowSolver(instance, **options))
        m.PlanJob.objects.filter(pk=job.pk).update(status="failed", message=STALE_MESSAGE)
        return solvers[-1]

    monkeypatch.setattr(jobs, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(jobs, "start_solver", start)
    with django_capture_on_commit_callbacks(execute=False):
        job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)

    # when
    jobs.planjob_run(job_pk=job.pk)

    # then
    job.refresh_from_db()
    assert (job.status, job.message, job.result_run_id) == ("failed", STALE_MESSAGE, None)
    assert (solvers[0].waited, solvers[0].stopped) == (1, True)
    assert list(m.PlanRun.objects.values_list("pk", "status")) == [(base.pk, "current")]


@pytest.mark.django_db
def test_a_job_left_by_a_dead_process_blocks_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a job that stopped showing signs of life three minutes ago
    w, base = planned_world()
    actor = coordinator(w)
    dead = m.PlanJob.objects.create(
        unit=w.unit, status="running", progress=30, created_by_name="koordinator", time_limit=1
    )
    m.PlanJob.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = planjob_request(actor=actor, unit_pk=w.unit.pk, with_absence=False)

    # then
    dead.refresh_from_db()
    assert (dead.status, dead.message) == ("failed", STALE_MESSAGE)
    assert (job.pk != dead.pk, job.status, len(callbacks)) == (True, "queued", 1)


@pytest.mark.django_db
def test_a_running_job_is_reused_and_an_absence_meanwhile_is_refused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    w, base = planned_world()
    actor = coordinator(w)
    with django_capture_on_commit_callbacks(execute=False):
        running = planjob_request(actor=actor, unit_pk=w.unit.pk, with_absence=False)
    m.PlanJob.objects.filter(pk=running.pk).update(status="running", heartbeat_at=timezone.now())

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = planjob_request(actor=actor, unit_pk=w.unit.pk, with_absence=False)
        with pytest.raises(InvalidInput) as refused:
            planjob_request(
                actor=actor,
                unit_pk=w.unit.pk,
                absence_staff_pk=w.bo.pk,
                absence_start=w.start,
                absence_end=w.start,
            )

    # then
    assert (again.pk, len(callbacks)) == (running.pk, 0)
    assert [(p.path, p.message) for p in refused.value.problems] == [
        (
            "__all__",
            "En omplanering pågår redan för enheten. Vänta tills den är klar och registrera sedan "
            "frånvaron.",
        )
    ]
    assert Absence.objects.count() == 0
    assert m.PlanJob.objects.count() == 1


def test_progress_runs_to_the_time_limit_then_creeps_short_of_storing() -> None:
    # given a 20-second limit
    limit = 20.0

    # when
    figures = [jobs.solving_progress(t, limit) for t in (0, 10, 20, 40, 200, 10_000)]

    # then
    assert figures == [2, 43, 85, 89, 93, 93]
    assert max(figures) < jobs.STORING


@pytest.mark.django_db(transaction=True)
def test_the_job_goes_on_the_queue_after_the_commit_and_a_worker_runs_it() -> None:
    # given
    w, base = planned_world()

    # when the request's transaction commits (no test transaction around it here), and a
    # worker empties the queue
    job = planjob_request(actor=coordinator(w), unit_pk=w.unit.pk, with_absence=False)
    queued = DBTaskResult.objects.get()
    worker_run(batch=True, schedule=False, interval=0)

    # then
    job.refresh_from_db()
    queued.refresh_from_db()
    assert queued.args_kwargs == {"args": [], "kwargs": {"job_pk": job.pk}}
    assert (queued.status, job.status, job.progress) == ("SUCCESSFUL", "done", 100)
    assert m.PlanRun.objects.get(status="current").pk == job.result_run_id


@pytest.mark.django_db
def test_a_job_left_running_by_a_killed_worker_is_taken_over_by_the_next_run() -> None:
    # given a job whose worker died while planning: running, heartbeat gone quiet
    w, base = planned_world()
    job = m.PlanJob.objects.create(unit=w.unit, created_by_name="x", time_limit=1)
    m.PlanJob.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=timezone.now() - jobs.RETAKE_AFTER - timedelta(seconds=1)
    )

    # when the queue runs the task again
    jobs.planjob_run(job_pk=job.pk)

    # then
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
