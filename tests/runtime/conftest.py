from __future__ import annotations

import pytest
from django_tasks_db.management.commands import db_worker

from fastkontakt.runtime import worker


@pytest.fixture(autouse=True)
def _keep_the_test_connection(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker closes connections that are not in autocommit mode between jobs, as Django
    # does between requests; inside a test's transaction that would close the test's own.
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and not marker.kwargs.get("transaction", False):
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
        monkeypatch.setattr(worker, "close_old_connections", lambda: None)
