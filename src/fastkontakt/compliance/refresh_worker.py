"""A worker process of the everyone refresh (``compliance.store.findings_refresh_region``).

A process started with ``spawn`` unpickles its initializer and tasks before anything else, so
this module imports nothing of Django at its top: Django is set up first, on the database the
caller uses (under pytest that is a test database, not the one the settings name).
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastkontakt.compliance.store import RefreshResult, RegionContext
    from fastkontakt.domain.rules.engine import Policy

_region: RegionContext | None = None


def start(database: str, day: date, policy: Policy) -> None:
    """Set up Django on ``database`` and read what every range needs (the directory)."""
    global _region  # noqa: PLW0603 - one per process, read once
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = database
    from django.db import connection

    connection.settings_dict["NAME"] = database
    from fastkontakt.compliance.store import RegionContext

    _region = RegionContext.read(day, policy)


def refresh(bounds: tuple[int, int]) -> RefreshResult:
    """Refresh everyone with a pk in ``bounds`` (first, last), on this process's connection."""
    from fastkontakt.compliance.store import findings_refresh_range

    if _region is None:
        raise RuntimeError("start() sets up the worker first")
    return findings_refresh_range(bounds[0], bounds[1], _region)
