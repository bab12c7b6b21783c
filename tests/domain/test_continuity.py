"""Continuity measures on hand-computed cases: distinct staff, share by the contact, the bound."""

from __future__ import annotations

from datetime import date

import pytest

from fastkontakt.domain.continuity import (
    continuity_report,
    counts_for_indicator,
    indicator_population,
    lower_bound,
)
from fastkontakt.domain.planning import Instance, Plan, PlannedVisit, check_plan
from tests.domain.planning.builders import (
    START,
    customer,
    day,
    demand,
    hm,
    instance,
    member,
    shifts,
)

YOUNG = date(1970, 1, 1)


def three_days() -> Instance:
    """Three days; every customer lives at the office, so there is no travel.

    A works days 0-1, B day 2, H days 0-2 (all 07-16); E evenings 0-2 (14-22); F evenings
    0-1 and 07-22 on day 2; G 10:30-13:00 (meal deliveries). No breaks, to keep it small.
    """
    morning = demand("morgon", ("08:00", "09:00"), 30)
    evening = demand("kvall", ("19:00", "20:00"), 20)
    return instance(
        (
            customer("k1", morning, evening,
                     demand("mat", ("11:00", "12:00"), 5, kind="matdistribution"), contact="A"),
            customer("k2", morning, evening, contact="A", born=YOUNG),
            customer("k3", morning),
            customer("k4", demand("middag", ("16:00", "17:00"), 20), evening,
                     demand("natt", ("22:30", "23:00"), 30), contact="E"),
            customer("k5", demand("lyft", ("08:00", "09:00"), 30, staff=2), evening, contact="A"),
        ),
        (
            member("A", shifts(range(2), pause=None)),
            member("B", shifts((2,), pause=None)),
            member("H", shifts(range(3), pause=None)),
            member("E", shifts(range(3), "14:00", "22:00", pause=None)),
            member("F", shifts(range(2), "14:00", "22:00", pause=None)
                   + shifts((2,), "07:00", "22:00", pause=None)),
            member("G", shifts(range(3), "10:30", "13:00", pause=None)),
        ),
        days=3,
    )


def hand_plan() -> Plan:
    rows = []
    for n in range(3):
        on = day(n)
        first = "A" if n < 2 else "B"
        rows += [
            (f"k1/morgon/{on}", "08:00", (first,)),
            (f"k1/mat/{on}", "11:00", ("G",)),
            (f"k1/kvall/{on}", "19:00" if n < 2 else "19:20", ("E",) if n < 2 else ("F",)),
            (f"k2/morgon/{on}", "09:00" if n < 2 else "08:30", (first,)),
            (f"k2/kvall/{on}", "20:00" if n < 2 else "19:20", ("E",)),
            (f"k3/morgon/{on}", "08:00", ("H",)),
            (f"k4/middag/{on}", "16:00", ("E",) if n < 2 else ("F",)),
            (f"k4/kvall/{on}", "19:20" if n < 2 else "19:00", ("E",)),
            (f"k5/lyft/{on}", "08:30", ("A", "H") if n < 2 else ("F", "H")),
            (f"k5/kvall/{on}", "19:40" if n < 2 else "19:00", ("E",) if n < 2 else ("F",)),
        ]
    visits = tuple(PlannedVisit(v, hm(t), staff) for v, t, staff in rows)
    unplanned = tuple(f"k4/natt/{day(n)}" for n in range(3))
    return Plan(three_days(), visits, (), unplanned)


def test_the_hand_plan_is_valid() -> None:
    # when
    problems = check_plan(hand_plan())
    # then
    assert problems == []


def test_indicator_population_is_65_plus_with_two_counted_visits_every_day() -> None:
    # when
    population = indicator_population(three_days())
    # then k2 is 56, k3 has one visit a day; k4's night visit does not count but two others do
    assert population == {"k1", "k4", "k5"}


@pytest.mark.parametrize(
    ("kind", "window", "counted"),
    [
        ("omsorg", ("07:00", "21:59"), True),
        ("omsorg", ("06:59", "08:00"), False),
        ("omsorg", ("21:00", "22:00"), False),
        ("matdistribution", ("11:00", "12:00"), False),
        ("larm", ("11:00", "12:00"), False),
        ("serviceinsats", ("10:00", "14:00"), True),
    ],
)
def test_which_visits_count(kind: str, window: tuple[str, str], counted: bool) -> None:
    # given
    inst = instance((customer("k1", demand("x", window, 10, kind=kind)),), ())
    # when
    result = counts_for_indicator(inst.visits[0])
    # then
    assert result is counted


def test_lower_bounds_by_hand() -> None:
    # given
    inst = three_days()
    # when
    bounds = {c: lower_bound(inst, c) for c in ("k1", "k4", "k5")}
    # then
    # k1: mornings need A or H on days 0-1 and B, F or H on day 2; evenings E or F: {H, F}.
    # k4: E (or F) can make every counted visit.
    # k5: the lift needs two: A and H on days 0-1, two of B, F, H on day 2; evenings E or F.
    assert bounds == {"k1": 2, "k4": 1, "k5": 3}


def test_lower_bound_of_visits_nobody_can_make_is_zero() -> None:
    # given only a night visit, which does not count, and a day visit nobody works for
    inst = instance(
        (customer("k1", demand("natt", ("23:00", "23:30"), 20),
                  demand("dag", ("08:00", "09:00"), 20)),),
        (member("A", shifts(range(1), "14:00", "22:00")),),
    )
    # when
    bound = lower_bound(inst, "k1")
    # then
    assert bound == 0


def test_lower_bound_counts_double_staffing_with_the_staff_there_are() -> None:
    # given a double-staffed visit that only one person can make
    inst = instance(
        (customer("k1", demand("lyft", ("08:00", "09:00"), 20, staff=2)),),
        (member("A", shifts(range(1))), member("E", shifts(range(1), "14:00", "22:00"))),
    )
    # when
    bound = lower_bound(inst, "k1")
    # then
    assert bound == 1


def test_report_by_hand() -> None:
    # when
    report = continuity_report(hand_plan())
    # then
    rows = {
        c.customer: (c.included, c.visits, c.distinct_staff, c.lower_bound, c.visits_by_contact,
                     c.contact_possible)
        for c in report.customers
    }
    assert rows == {
        "k1": (True, 6, 4, 2, 2, 2),
        "k2": (False, 6, 3, 0, 2, 2),
        "k3": (False, 3, 1, 0, 0, 0),
        "k4": (True, 6, 2, 1, 5, 6),
        "k5": (True, 6, 4, 3, 2, 2),
    }
    assert report.median_distinct_staff == 4
    assert report.median_lower_bound == 2
    assert report.median_gap == 1
    assert report.median_contact_share == pytest.approx(1 / 3)
    assert report.contact_share_where_possible == pytest.approx(0.9)
    assert (report.travel_minutes, report.planned_visits, report.unplanned_visits) == (0, 30, 3)


def test_visits_made_after_22_do_not_count_towards_distinct_staff() -> None:
    # given a late visit whose window straddles 22:00, made by N at 22:10 and by E at 21:50
    inst = instance(
        (customer("k1", demand("kvall", ("19:00", "20:00"), 20),
                  demand("sent", ("21:30", "22:30"), 15), contact="E"),),
        (member("E", shifts(range(1), "14:00", "22:00", pause=None)),
         member("N", shifts(range(1), "21:00", "23:59", pause=None))),
    )
    on = START.isoformat()
    late = Plan(inst, (PlannedVisit(f"k1/kvall/{on}", hm("19:00"), ("E",)),
                       PlannedVisit(f"k1/sent/{on}", hm("22:10"), ("N",))), (), ())
    early = Plan(inst, (PlannedVisit(f"k1/kvall/{on}", hm("19:00"), ("E",)),
                        PlannedVisit(f"k1/sent/{on}", hm("21:40"), ("E",))), (), ())
    # when
    late_row = continuity_report(late).customers[0]
    early_row = continuity_report(early).customers[0]
    # then
    assert check_plan(late) == check_plan(early) == []
    assert (late_row.visits, late_row.distinct_staff, late_row.visits_by_contact) == (1, 1, 1)
    assert (early_row.visits, early_row.distinct_staff, early_row.visits_by_contact) == (2, 1, 2)
