"""The routing core's breaks: routed without them first, then put back with room made."""

from __future__ import annotations

import numpy as np

from fastkontakt.domain.planning.routing import (
    RoutingProblem,
    RoutingVehicle,
    solve,
    with_room_for_breaks,
)

# Place 0 is the office; places 1-3 are customers 5 minutes from it and from each other.
TRAVEL = np.array([[0, 5, 5, 5], [5, 0, 5, 5], [5, 5, 0, 5], [5, 5, 5, 0]], dtype=np.int64)


def problem(
    windows: list[tuple[int, int]], service: list[int], latest: int = 200
) -> RoutingProblem:
    return RoutingProblem(
        travel=TRAVEL,
        places=[1 + i for i in range(len(windows))],
        service=service,
        earliest=[w[0] for w in windows],
        latest=[w[1] for w in windows],
        vehicles=[RoutingVehicle(0, 0, 0, latest, ((60, 70, 30),))],
        penalties=[1000] * len(windows),
    )


def test_a_route_with_room_for_its_break_is_kept() -> None:
    # given visits at 10 and at 100 (a break 60-70 for 30 minutes fits between them)
    routing = problem([(10, 10), (100, 100)], [30, 30])
    # then
    assert with_room_for_breaks(routing, 0, [0, 1]) == [0, 1]


def test_the_visit_that_leaves_no_room_for_the_break_is_taken_out() -> None:
    # given visits 10-40, 50-80 and 105-135: the break (start 60-70, 30 minutes) fits nowhere,
    # since after the second visit it would start at 80 at the earliest; without the second
    # visit it fits between the first and the third (40 + 5 travel, break 60-90, there at 105)
    routing = problem([(10, 10), (50, 50), (105, 105)], [30, 30, 30])
    # when
    kept = with_room_for_breaks(routing, 0, [0, 1, 2])
    # then
    assert kept == [0, 2]


def test_a_break_may_not_overlap_the_travel_in_its_gap() -> None:
    # given visits 10-40 and 75-105: the gap 40-75 holds the break (30) or the travel (5)
    # but not both, as the plan checker requires
    routing = problem([(10, 10), (75, 75)], [30, 30])
    # then one of them goes
    assert len(with_room_for_breaks(routing, 0, [0, 1])) == 1


def test_solve_routes_without_the_breaks_first_and_keeps_them() -> None:
    # given three visits that all fit with the break
    routing = problem([(0, 40), (0, 120), (60, 150)], [30, 30, 30])
    # when
    solution = solve(routing, time_limit=1)
    # then every visit is made and the break starts in its window, outside the visits
    assert solution.dropped == []
    (taken,) = solution.breaks[0]
    assert 60 <= taken <= 70
    for _node, start in solution.routes[0]:
        assert start + 30 <= taken or taken + 30 <= start
