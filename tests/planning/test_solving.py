"""The planner in a spawned child process: its answer, its errors, and stopping it."""

from __future__ import annotations

import threading
import time

import pytest

from fastkontakt.domain.planning import Plan, check_plan
from fastkontakt.domain.planning.generator import generate
from fastkontakt.planning.solving import SolverFailed, SolverProcess

INSTANCE = generate(customers=6, staff=4, days=2, seed=5)


def answer(solver: SolverProcess, within: float = 60.0) -> Plan:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = solver.wait(0.2)
        if result is not None:
            return result
    raise AssertionError("no answer in time")


def test_the_child_process_answers_with_a_plan_that_holds() -> None:
    # given
    solver = SolverProcess(INSTANCE, time_limit=1, previous=None)

    # when
    result = answer(solver)
    solver.stop()

    # then
    assert result.instance == INSTANCE
    assert check_plan(result) == []
    assert len(result.visits) + len(result.unplanned) == len(INSTANCE.visits)


def test_the_web_process_keeps_running_while_the_child_plans() -> None:
    # given a thread that ticks every 50 ms, as request threads would be served
    ticks: list[float] = []
    done = threading.Event()

    def tick() -> None:
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.05)

    ticker = threading.Thread(target=tick)
    ticker.start()
    solver = SolverProcess(INSTANCE, time_limit=2, previous=None)

    # when
    answer(solver)
    solver.stop()
    done.set()
    ticker.join()

    # then no gap longer than half a second (a solver thread would hold the GIL for seconds)
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 20
    assert max(gaps) < 0.5


def test_an_error_in_the_planner_comes_back_as_solver_failed() -> None:
    # given an instance the planner cannot read
    solver = SolverProcess(None, time_limit=1, previous=None)  # type: ignore[arg-type]

    # when
    with pytest.raises(SolverFailed) as failed:
        answer(solver)
    solver.stop()

    # then
    assert str(failed.value).startswith("AttributeError: ")


def test_stopping_ends_a_planner_that_is_still_running() -> None:
    # given a long search
    solver = SolverProcess(INSTANCE, time_limit=60, previous=None)
    assert solver.wait(0.5) is None

    # when
    started = time.monotonic()
    solver.stop()

    # then
    assert time.monotonic() - started < 5
    assert not solver._process.is_alive()
