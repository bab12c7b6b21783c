"""A vehicle-routing core over plain matrices, solved with the OR-Tools routing library.

Why the routing library and not CP-SAT: one day of a municipality is a vehicle-routing problem
with time windows (hundreds of visits, tens of staff), and the routing library's local search
(guided local search over relocate/exchange/cross moves, with incremental feasibility filters
for time windows) reaches good routes at that size in seconds, while a CP-SAT model of routes
with time windows grows quadratically and closes slowly. The routing library also has what home
care needs: per-visit allowed vehicles (competences, presence), breaks that may fall during
travel (``SetBreakIntervalsOfVehicle``), optional visits with a penalty, and side constraints
(equal start times for double staffing). The continuity terms are costs per (visit, vehicle),
carried on the arcs into a visit through one cost matrix per class of vehicles.

This module knows nothing about customers or staff: the planner builds a :class:`RoutingProblem`
per day, and the routing-quality benchmark builds one from a Solomon instance. All numbers are
integers (minutes for home care, scaled distances for Solomon).
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

HORIZON = 10**9
RELAXED_SHARE = 0.5
"""Share of the time spent routing without the breaks before the breaks are put back."""
FORBIDDEN = 10**12
"""Cost on arcs into a visit a vehicle may not make (the hard constraint is separate)."""


@dataclass(frozen=True, slots=True)
class RoutingVehicle:
    start_place: int
    end_place: int
    earliest: int
    latest: int
    breaks: tuple[tuple[int, int, int], ...] = ()
    """(earliest start, latest start, duration) of each break."""
    fixed_cost: int = 0


@dataclass(slots=True)
class RoutingProblem:
    """Visit ``i`` is at ``places[i]``; ``travel`` is a square matrix over places.

    ``node_costs[i]`` maps a vehicle to the cost of serving visit ``i`` with it (absent: 0);
    ``allowed[i]`` lists the vehicles that may serve it (None: all). ``penalties[i]`` is the
    cost of leaving the visit out; None makes it mandatory. Each pair in ``same_start`` starts
    at the same time (on different vehicles, since a vehicle cannot be in two visits at once).
    """

    travel: np.ndarray
    places: list[int]
    service: list[int]
    earliest: list[int]
    latest: list[int]
    vehicles: list[RoutingVehicle]
    allowed: list[list[int] | None] = field(default_factory=list)
    node_costs: list[dict[int, int]] = field(default_factory=list)
    penalties: list[int | None] = field(default_factory=list)
    same_start: list[tuple[int, int]] = field(default_factory=list)
    travel_weight: int = 1
    initial_routes: list[list[int]] | None = None
    loads: list[int] = field(default_factory=list)
    """Load picked up at each visit (empty: no capacity); ``capacity`` per vehicle bounds it."""
    capacity: int = 0


@dataclass(slots=True)
class RoutingSolution:
    routes: list[list[tuple[int, int]]]
    """Per vehicle: (visit, start time) in order."""
    breaks: list[list[int]]
    """Per vehicle: start of each break, in the order of ``RoutingVehicle.breaks``."""
    dropped: list[int]
    objective: int
    status: str


def solve(
    problem: RoutingProblem,
    *,
    time_limit: float,
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION",
    solution_limit: int | None = None,
) -> RoutingSolution:
    """Routes for ``problem`` within about ``time_limit`` seconds.

    The routing library's search moves poorly around breaks: on two busy days of the dense
    town (300 customers, 60 staff) routed with the breaks from the start it left 52 visits
    out, and 21 with no breaks at all. So when there are breaks and no routes to start from,
    the day is first routed without them (``RELAXED_SHARE`` of the time); each route then gets
    its breaks back, any visit that leaves no room for them taken out
    (:func:`with_room_for_breaks`), and the search goes on from there with the breaks, putting
    back what it can (48 left out on those days; the rest of the gap is the breaks' own
    30 minutes a shift at the morning peak).
    """
    if (
        problem.initial_routes is None
        and solution_limit is None
        and any(vehicle.breaks for vehicle in problem.vehicles)
    ):
        started = clock.monotonic()
        relaxed = replace(
            problem, vehicles=[replace(vehicle, breaks=()) for vehicle in problem.vehicles]
        )
        first = _solve(relaxed, time_limit * RELAXED_SHARE, first_solution, None)
        if first.status == "solved":
            routes = [
                with_room_for_breaks(problem, v, [node for node, _ in route])
                for v, route in enumerate(first.routes)
            ]
            problem = replace(problem, initial_routes=routes)
            time_limit = max(0.1, time_limit - (clock.monotonic() - started))
    return _solve(problem, time_limit, first_solution, solution_limit)


def _day_fits(problem: RoutingProblem, v: int, route: list[int]) -> bool:
    """Whether vehicle ``v`` can make ``route`` in this order with all of its breaks.

    Each break goes whole into a gap between two stops (or after the start, or before the end)
    that also holds the travel between them, as the plan checker requires; the visits start as
    early as they can. Every way of placing the breaks in the gaps is tried (a shift has one or
    two breaks, a route a dozen visits).
    """
    vehicle = problem.vehicles[v]
    breaks = sorted(vehicle.breaks)
    travel = problem.travel
    places = problem.places

    def go(position: int, t: int, place: int, k: int) -> bool:
        # Free from ``t`` at ``place`` before stop ``position`` of the route (len(route): the
        # end), with breaks ``k``.. still to take.
        to_place = places[route[position]] if position < len(route) else vehicle.end_place
        return gap(position, t, t + int(travel[place, to_place]), to_place, k)

    def gap(position: int, free: int, arrive: int, to_place: int, k: int) -> bool:
        # In the gap before stop ``position``: the breaks taken so far end at ``free``, and the
        # travel with them brings the vehicle there at ``arrive``. Take break ``k`` here too,
        # or go on to the stop.
        if k < len(breaks):
            earliest, latest, minutes = breaks[k]
            start = max(free, earliest)
            if start <= latest and gap(
                position, start + minutes, arrive + minutes, to_place, k + 1
            ):
                return True
        ready = max(free, arrive)
        if position == len(route):
            return k == len(breaks) and ready <= vehicle.latest
        node = route[position]
        begin = max(ready, problem.earliest[node])
        if begin > problem.latest[node]:
            return False
        return go(position + 1, begin + problem.service[node], to_place, k)

    return go(0, vehicle.earliest, vehicle.start_place, 0)


def with_room_for_breaks(problem: RoutingProblem, v: int, route: list[int]) -> list[int]:
    """``route`` with the fewest visits taken out so that vehicle ``v`` can take its breaks.

    One visit at a time: the one whose removal makes the day fit, or else the longest.
    """
    route = list(route)
    while route and not _day_fits(problem, v, route):
        fits = [i for i in range(len(route)) if _day_fits(problem, v, route[:i] + route[i + 1:])]
        drop = fits[0] if fits else max(range(len(route)), key=lambda i: problem.service[route[i]])
        del route[drop]
    return route


def _solve(
    problem: RoutingProblem,
    time_limit: float,
    first_solution: str,
    solution_limit: int | None,
) -> RoutingSolution:
    n = len(problem.places)
    vehicles = problem.vehicles
    depot_places = sorted({v.start_place for v in vehicles} | {v.end_place for v in vehicles})
    depot_node = {place: n + k for k, place in enumerate(depot_places)}
    node_place = np.array(list(problem.places) + depot_places, dtype=np.int64)
    size = len(node_place)
    starts = [depot_node[v.start_place] for v in vehicles]
    ends = [depot_node[v.end_place] for v in vehicles]
    manager = pywrapcp.RoutingIndexManager(size, len(vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    # Matrices are indexed by node; the routing library maps indices to nodes itself.
    travel = problem.travel[np.ix_(node_place, node_place)]
    service = np.zeros(size, dtype=np.int64)
    service[:n] = problem.service
    time_matrix = travel + service[:, None]
    time_index = routing.RegisterTransitMatrix(time_matrix.tolist())

    base_cost = travel * problem.travel_weight
    classes: dict[bytes, int] = {}
    node_costs = problem.node_costs or [{} for _ in range(n)]
    allowed_sets: list[set[int] | None] = [None] * n
    for i, allowed_i in enumerate(problem.allowed):
        if allowed_i is not None:
            allowed_sets[i] = set(allowed_i)
    forbidden = FORBIDDEN
    for v in range(len(vehicles)):
        column = np.zeros(size, dtype=np.int64)
        for i in range(n):
            cost = node_costs[i].get(v)
            if cost:
                column[i] = cost
            allowed_set = allowed_sets[i]
            if allowed_set is not None and v not in allowed_set:
                column[i] = forbidden
        key = column.tobytes()
        if key not in classes:
            classes[key] = routing.RegisterTransitMatrix((base_cost + column[None, :]).tolist())
        routing.SetArcCostEvaluatorOfVehicle(classes[key], v)
        if vehicles[v].fixed_cost:
            routing.SetFixedCostOfVehicle(vehicles[v].fixed_cost, v)

    if problem.loads:
        loads = [0] * size
        loads[:n] = problem.loads
        load_index = routing.RegisterUnaryTransitVector(loads)
        routing.AddDimension(load_index, 0, problem.capacity, True, "load")
    routing.AddDimension(time_index, HORIZON, HORIZON, False, "time")
    time = routing.GetDimensionOrDie("time")
    for v, vehicle in enumerate(vehicles):
        time.CumulVar(routing.Start(v)).SetRange(vehicle.earliest, vehicle.latest)
        time.CumulVar(routing.End(v)).SetRange(vehicle.earliest, vehicle.latest)
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(routing.Start(v)))
    for i in range(n):
        index = manager.NodeToIndex(i)
        time.CumulVar(index).SetRange(problem.earliest[i], problem.latest[i])
        allowed = problem.allowed[i] if problem.allowed else None
        if allowed is not None and not allowed:
            routing.ActiveVar(index).SetMax(0)  # nobody may make it: left out, penalty paid
        elif allowed is not None:
            # SetAllowedVehiclesForIndex does not take a Python list in OR-Tools 9.15; the
            # domain of the vehicle variable is the same hard constraint, and the forbidden
            # cost in the vehicle's cost matrix keeps the heuristics from even trying.
            routing.VehicleVar(index).SetValues([-1, *allowed])
        penalty = problem.penalties[i] if problem.penalties else None
        if penalty is not None:
            routing.AddDisjunction([index], penalty)
    solver = routing.solver()
    for a, b in problem.same_start:
        solver.Add(time.CumulVar(manager.NodeToIndex(a)) == time.CumulVar(manager.NodeToIndex(b)))

    break_vars: list[list[pywrapcp.IntervalVar]] = []
    visit_transits = [
        int(service[manager.IndexToNode(index)]) for index in range(routing.Size())
    ]
    for v, vehicle in enumerate(vehicles):
        intervals = [
            solver.FixedDurationIntervalVar(earliest, latest, minutes, False, f"break {v} {k}")
            for k, (earliest, latest, minutes) in enumerate(vehicle.breaks)
        ]
        break_vars.append(intervals)
        if intervals:
            time.SetBreakIntervalsOfVehicle(intervals, v, visit_transits)

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    if solution_limit is not None:
        parameters.solution_limit = solution_limit
    routing.CloseModelWithParameters(parameters)

    solution = None
    if problem.initial_routes is not None:
        initial = routing.ReadAssignmentFromRoutes(problem.initial_routes, True)
        if initial is not None:
            solution = routing.SolveFromAssignmentWithParameters(initial, parameters)
    if solution is None:
        solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return RoutingSolution(
            [[] for _ in vehicles], [[] for _ in vehicles], list(range(n)), 0, "no solution"
        )

    routes: list[list[tuple[int, int]]] = []
    served: set[int] = set()
    for v in range(len(vehicles)):
        route = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            route.append((node, solution.Value(time.CumulVar(index))))
            served.add(node)
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    breaks = [
        [solution.StartValue(interval) for interval in intervals] for intervals in break_vars
    ]
    dropped = [i for i in range(n) if i not in served]
    return RoutingSolution(routes, breaks, dropped, solution.ObjectiveValue(), "solved")
