"""Calendar arithmetic: months with day clamping, inclusive periods, completed years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastkontakt.domain.calendar import active_on, add_months, age_on, current, overlaps

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
months = st.integers(min_value=-1200, max_value=1200)


@pytest.mark.parametrize(
    ("start", "months_added", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 5, 12), 6, date(2026, 11, 12)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2026, 11, 22), 24, date(2028, 11, 22)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2026, 5, 12), -6, date(2025, 11, 12)),
        (date(2028, 2, 29), -12, date(2027, 2, 28)),
    ],
)
def test_add_months(start: date, months_added: int, expected: date) -> None:
    # when
    result = add_months(start, months_added)
    # then
    assert result == expected


@given(day=days, count=months)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(day: date, count: int) -> None:
    # when
    result = add_months(day, count)
    # then
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == count
    last_day = (result.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert result.day == min(day.day, last_day.day)


@given(day=days, count=st.integers(min_value=0, max_value=1200))
def test_add_months_then_back_never_lands_later(day: date, count: int) -> None:
    # when
    back = add_months(add_months(day, count), -count)
    # then
    assert back <= day
    assert (back.year, back.month) == (day.year, day.month)


@pytest.mark.parametrize(
    ("start", "end", "day", "expected"),
    [
        (date(2026, 1, 10), None, date(2026, 1, 9), False),
        (date(2026, 1, 10), None, date(2026, 1, 10), True),
        (date(2026, 1, 10), None, date(2099, 1, 1), True),
        (date(2026, 1, 10), date(2026, 1, 20), date(2026, 1, 20), True),
        (date(2026, 1, 10), date(2026, 1, 20), date(2026, 1, 21), False),
        (date(2026, 1, 10), date(2026, 1, 10), date(2026, 1, 10), True),
    ],
)
def test_active_on(start: date, end: date | None, day: date, expected: bool) -> None:
    # when
    result = active_on(start, end, day)
    # then
    assert result is expected


@pytest.mark.parametrize(
    ("end", "as_of", "expected"),
    [
        (None, date(2026, 11, 22), True),
        (date(2026, 11, 22), date(2026, 11, 22), True),
        (date(2026, 11, 23), date(2026, 11, 22), True),
        (date(2026, 11, 21), date(2026, 11, 22), False),
    ],
)
def test_current(end: date | None, as_of: date, expected: bool) -> None:
    # when
    result = current(end, as_of)
    # then
    assert result is expected


def test_a_period_starting_later_is_current_but_not_active() -> None:
    # given: an appointment made ahead
    start, end, as_of = date(2026, 12, 1), None, date(2026, 11, 22)
    # when / then
    assert current(end, as_of) is True
    assert active_on(start, end, as_of) is False


D = date


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2026, 1, 1), D(2026, 1, 10)), (D(2026, 1, 10), D(2026, 1, 20)), True),  # one day
        ((D(2026, 1, 1), D(2026, 1, 10)), (D(2026, 1, 11), D(2026, 1, 20)), False),  # adjacent
        ((D(2026, 1, 11), D(2026, 1, 20)), (D(2026, 1, 1), D(2026, 1, 10)), False),
        ((D(2026, 1, 1), None), (D(2030, 1, 1), D(2030, 1, 1)), True),
        ((D(2026, 1, 1), None), (D(2020, 1, 1), None), True),
        ((D(2026, 1, 1), None), (D(2020, 1, 1), D(2025, 12, 31)), False),
        ((D(2026, 1, 5), D(2026, 1, 5)), (D(2026, 1, 1), D(2026, 1, 10)), True),  # inside
    ],
)
def test_overlaps(a: tuple[date, date | None], b: tuple[date, date | None], expected: bool) -> None:
    # when
    result = overlaps(a[0], a[1], b[0], b[1])
    # then
    assert result is expected


@given(
    a_start=days,
    a_length=st.none() | st.integers(0, 400),
    b_start=days,
    b_length=st.none() | st.integers(0, 400),
)
def test_overlaps_is_symmetric_and_means_a_shared_day(
    a_start: date, a_length: int | None, b_start: date, b_length: int | None
) -> None:
    # given
    a_end = None if a_length is None else a_start + timedelta(days=a_length)
    b_end = None if b_length is None else b_start + timedelta(days=b_length)
    # when
    result = overlaps(a_start, a_end, b_start, b_end)
    # then
    shared = max(a_start, b_start)
    assert result == overlaps(b_start, b_end, a_start, a_end)
    assert result == (active_on(a_start, a_end, shared) and active_on(b_start, b_end, shared))


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        (date(1951, 3, 14), date(2026, 3, 14), 75),  # birthday today
        (date(1951, 3, 14), date(2026, 3, 13), 74),  # the day before
        (date(1951, 3, 14), date(1951, 3, 14), 0),
        (date(1926, 11, 22), date(2026, 11, 22), 100),
        (date(1926, 11, 23), date(2026, 11, 22), 99),
        (date(2000, 2, 29), date(2027, 2, 28), 26),  # not yet: turns older on 1 March
        (date(2000, 2, 29), date(2027, 3, 1), 27),
        (date(2000, 2, 29), date(2028, 2, 28), 27),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
    ],
)
def test_age_on(birth: date, day: date, expected: int) -> None:
    # when
    result = age_on(birth, day)
    # then
    assert result == expected


@given(birth=days, years=st.integers(min_value=0, max_value=150))
def test_age_on_the_birthday_is_the_number_of_years(birth: date, years: int) -> None:
    # given: the birthday that year (28 February standing in for 29 February)
    birthday = add_months(birth, 12 * years)
    if birthday.day != birth.day:
        birthday += timedelta(days=1)
    # when
    age = age_on(birth, birthday)
    day_before = age_on(birth, birthday - timedelta(days=1))
    # then
    assert age == years
    assert day_before == years - 1
