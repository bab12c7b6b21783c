"""PyVRP as the routing yardstick: a travel-only home-care plan, and plain VRPTW solving.

PyVRP 0.14 has no breaks, no visits that must start together and no per-visit allowed
vehicles, so its home-care plan is a *relaxation* of ours: breaks are left out, the two staff
of a double-staffed visit are two independent stops at the same place and window, and a
visit's qualifications are enforced only through a routing profile per kind of staff in which
arcs into visits that kind may not make cost 10^6 (so they are avoided, not forbidden). Its
travel is therefore a lower yardstick than a plan that keeps every rule. Days are solved
independently, two at a time (one per core), like ours.
"""

from __future__ import annotations

import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from fastkontakt.domain.planning.model import Instance, Plan, PlannedVisit, Visit

FORBIDDEN = 1_000_000
PRIZE = 100_000


@dataclass
class _Day:
    day: date
    data: pyvrp.ProblemData
    node_visits: list[str]
    vehicle_staff: list[str]
    seconds: float


def _day_problem(instance: Instance, day: date, places: dict, travel: np.ndarray,
                 seconds: float) -> _Day:
    visits: list[Visit] = [v for v in instance.visits if v.day == day]
    vehicles = [(m, s) for m in instance.staff for s in m.shifts_on(day)]
    depot_places = sorted({places[m.location] for m, _ in vehicles})
    depot_index = {p: i for i, p in enumerate(depot_places)}
    nodes: list[tuple[Visit, int]] = [(v, slot) for v in visits for slot in range(v.staff_count)]
    loc_places = depot_places + [places[instance.location_of(v)] for v, _ in nodes]
    base = travel[np.ix_(loc_places, loc_places)]
    kinds = sorted({(m.competences, m.delegations) for m, _ in vehicles}, key=str)
    distance_matrices, duration_matrices = [], []
    for competences, delegations in kinds:
        matrix = base.copy()
        for n, (visit, slot) in enumerate(nodes):
            ok = visit.demand.competences <= competences and (
                slot == 1 or visit.demand.delegations <= delegations
            )
            if not ok:
                matrix[:, len(depot_places) + n] += FORBIDDEN
        np.fill_diagonal(matrix, 0)
        distance_matrices.append(matrix)
        duration_matrices.append(base)
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(0, 0) for _ in loc_places],
        clients=[
            pyvrp.Client(location=len(depot_places) + n, service_duration=v.duration,
                         tw_early=v.earliest, tw_late=v.latest, prize=PRIZE, required=False)
            for n, (v, _) in enumerate(nodes)
        ],
        depots=[pyvrp.Depot(location=i) for i in range(len(depot_places))],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=1, start_depot=depot_index[places[m.location]],
                end_depot=depot_index[places[m.location]], tw_early=s.start, tw_late=s.end,
                profile=kinds.index((m.competences, m.delegations)),
            )
            for m, s in vehicles
        ],
        distance_matrices=distance_matrices,
        duration_matrices=duration_matrices,
    )
    return _Day(day, data, [v.id for v, _ in nodes], [m.id for m, _ in vehicles], seconds)


def _solve_day(job: _Day) -> list[tuple[str, list[tuple[str, int]]]]:
    warnings.simplefilter("ignore")  # PyVRP's penalty warnings while it searches
    result = pyvrp.Model.from_data(job.data).solve(
        MaxRuntime(job.seconds), seed=1, display=False
    )
    routes = []
    for route in result.best.routes():
        stops = [
            (job.node_visits[activity.idx], int(activity.start_time))
            for activity in route.schedule()
            if activity.is_client()
        ]
        routes.append((job.vehicle_staff[route.vehicle_type()], stops))
    return routes


def pyvrp_travel_only(instance: Instance, *, time_limit: float, workers: int = 2) -> Plan:
    """PyVRP's travel-only plan (a relaxation, see the module doc) as a :class:`Plan`."""
    started = time.monotonic()
    locations = list(dict.fromkeys(
        [c.location for c in instance.customers] + [m.location for m in instance.staff]
    ))
    places = {loc: i for i, loc in enumerate(locations)}
    travel = np.array(
        [[instance.travel(a, b) for b in locations] for a in locations], dtype=np.int64
    )
    per_day = time_limit * workers / instance.days * 0.9
    jobs = [_day_problem(instance, day, places, travel, per_day) for day in instance.dates]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_solve_day, jobs))
    staff_of: dict[str, list[str]] = {}
    start_of: dict[str, int] = {}
    for routes in results:
        for staff, stops in routes:
            for visit_id, start in stops:
                staff_of.setdefault(visit_id, []).append(staff)
                start_of[visit_id] = start
    planned, unplanned = [], []
    for visit in instance.visits:
        members = staff_of.get(visit.id, [])
        if len(members) == visit.staff_count:
            planned.append(PlannedVisit(visit.id, start_of[visit.id], tuple(sorted(members))))
        else:
            unplanned.append(visit.id)
    plan = Plan(instance, tuple(planned), (), tuple(unplanned))
    plan.stats["seconds"] = round(time.monotonic() - started, 2)
    return plan
