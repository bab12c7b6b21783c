"""Calendar arithmetic used by the rules: periods, calendar months with day clamping."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Add calendar months keeping the day of month, clamped to the end of a shorter month.

    2026-08-31 + 6 months = 2027-02-28 (rules.md, *Months*).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def active_on(start: date, end: date | None, day: date) -> bool:
    """A period is active on ``day`` when ``start <= day`` and (open-ended or ``day <= end``)."""
    return start <= day and (end is None or day <= end)


def current(end: date | None, as_of: date) -> bool:
    """A period is current when it is open-ended or ends on or after ``as_of``.

    This includes periods that start later (an appointment made ahead).
    """
    return end is None or end >= as_of


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two inclusive periods (``None`` end = open) share at least one day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``; someone born on 29 February turns a year older on 1 March."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years
