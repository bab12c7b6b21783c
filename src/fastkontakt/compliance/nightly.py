"""The nightly refresh of every person's stored findings (run by the schedule: ``runtime``).

Dates move even when nothing is written: horizons come closer, deadlines pass, people age and
absences begin. The night evaluates everyone through the one engine and stores what changed
(``compliance.store``, ADR 0020).
"""

from __future__ import annotations

from datetime import date

from fastkontakt.compliance.store import findings_refresh_everyone


def findings_nightly(*, as_of: date) -> dict[str, int]:
    """Refresh everyone's stored findings on ``as_of``; returns figures for the job's result."""
    result = findings_refresh_everyone(as_of=as_of)
    return {
        "people": result.people,
        "added": result.added,
        "resolved": result.resolved,
        "updated": result.updated,
    }
