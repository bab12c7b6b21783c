"""The planner in a child process of its own, so that the web process keeps answering.

OR-Tools' routing search holds Python's global interpreter lock for as long as it runs (seconds
per day of the horizon): a solver in a thread of the web process would stop every other thread
of it, the progress polls included, until it is done. So the job's thread starts the planner in
a *spawned* child process (a fresh interpreter: no fork of a threaded server, no Django in it)
and only waits for the answer, writing progress meanwhile.

This module imports nothing of Django and nothing of the app but the domain, because the child
imports it to find :func:`_child`.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Protocol

from fastkontakt.domain.errors import DomainError
from fastkontakt.domain.planning import Instance, Plan, Weights, plan

JOIN_SECONDS = 5.0


class SolverFailed(DomainError):
    """The planner raised, or its process ended without an answer."""


class Solver(Protocol):
    def wait(self, seconds: float) -> Plan | None:
        """The plan, once it is ready within ``seconds``; else None. Raises ``SolverFailed``."""
        ...

    def stop(self) -> None:
        """Stop the planner (if still running) and release its resources."""
        ...


def _child(conn: Connection, instance: Instance, time_limit: float, previous: Plan | None) -> None:
    try:
        # One worker: the other core stays with the web process's requests.
        result = plan(
            instance, time_limit=time_limit, weights=Weights(), previous_plan=previous, workers=1
        )
    except Exception as error:  # sent back whole: the parent logs it and fails the job
        conn.send(("error", f"{type(error).__name__}: {error}"))
    else:
        conn.send(("plan", result))
    finally:
        conn.close()


class SolverProcess:
    """``domain.planning.plan`` run in a spawned child process."""

    def __init__(self, instance: Instance, *, time_limit: float, previous: Plan | None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child,
            args=(child_conn, instance, time_limit, previous),
            name="planner",
            daemon=True,
        )
        self._process.start()
        child_conn.close()  # the child holds its end; ours would hide the child's exit

    def wait(self, seconds: float) -> Plan | None:
        if not self._conn.poll(seconds):
            return None
        try:
            kind, value = self._conn.recv()
        except EOFError:
            raise SolverFailed(
                f"the planner process ended without an answer (exit {self._process.exitcode})"
            ) from None
        if kind != "plan":
            raise SolverFailed(str(value))
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(JOIN_SECONDS)
        self._conn.close()


def start_solver(instance: Instance, *, time_limit: float, previous: Plan | None) -> Solver:
    return SolverProcess(instance, time_limit=time_limit, previous=previous)
