"""The nightly re-evaluation of every person's findings (run by the schedule: ``runtime``).

Dates move even when nothing is written: horizons come closer, deadlines pass, people age and
absences begin. Today nothing stores findings, so the night only evaluates the whole registry
through the one engine (and reports how many findings there are). The findings store (issue 14)
replaces the body of :func:`findings_nightly` with its refresh of every person; the schedule,
the task and its exactly-once slot stay as they are.
"""

from __future__ import annotations

from datetime import date

from fastkontakt.compliance.selectors import findings_from_registry


def findings_nightly(*, as_of: date) -> dict[str, int]:
    """Re-evaluate everyone on ``as_of``; returns figures for the job's result."""
    count = sum(1 for _ in findings_from_registry(as_of=as_of))
    return {"findings": count}
