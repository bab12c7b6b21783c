"""Real database failures for tests: an unreachable server, and a file SQLite database that
requests in other threads share (to see locks as a deployment sees them).

Django opens one connection per thread from the same settings, so a request made in a new
thread, after these helpers changed the settings, really fails to connect (a closed port, a
missing directory) or really waits for SQLite's write lock. The test's own connection is left
as it was.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection

_T = TypeVar("_T")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _settings_changed(**changes: Any) -> Iterator[None]:
    saved = dict(connection.settings_dict)
    options = dict(saved.get("OPTIONS", {}))
    options.update(changes.pop("OPTIONS", {}))
    connection.settings_dict.update(changes, OPTIONS=options)
    try:
        yield
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@contextmanager
def database_unreachable(tmp_path: Path) -> Iterator[None]:
    """New connections fail: PostgreSQL on a closed port, SQLite in a missing directory."""
    if connection.vendor == "postgresql":
        with _settings_changed(HOST="127.0.0.1", PORT=str(_closed_port())):
            yield
    else:
        with _settings_changed(NAME=str(tmp_path / "missing" / "fastkontakt.sqlite3")):
            yield


@contextmanager
def shared_database(tmp_path: Path, **options: Any) -> Iterator[Path | None]:
    """Let other threads share the committed data: on SQLite a file copy of the in-memory test
    database (yielded), on PostgreSQL the test database itself (None).

    ``options`` are added to the connection's OPTIONS for the new connections.
    """
    if connection.vendor != "sqlite":
        with _settings_changed(OPTIONS=options):
            yield None
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    with _settings_changed(NAME=str(path), OPTIONS=options):
        yield path


def in_threads(*calls: Callable[[], _T]) -> list[_T]:
    """Run each call in a thread of its own (so with a connection of its own), all at once."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(_closing(call)) for call in calls]
        return [future.result() for future in futures]


def _closing(call: Callable[[], _T]) -> Callable[[], _T]:
    def run() -> _T:
        try:
            return call()
        finally:
            connection.close()

    return run
