"""The continuity-first planner: fourteen days of home-care visits with OR-Tools.

How it works, and why:

1. **Teams** (when continuity counts). For each customer, the fewest staff who can between them
   make all of the customer's visits of the horizon, always including the fast
   omsorgskontakt: a small set cover solved exactly with CP-SAT, ties broken towards staff
   whose patch (the customers they already have, starting with those they are the contact of)
   lies around the customer, by the mean drive to it, and then towards the less loaded. The
   customers of one contact are taken one after the other, the contacts farthest from their
   office first (a village before the town, so a village gets staff of its own rather than
   staff already bound to the town); substitutes come from the nearest office's group when it
   can cover the visits, and a ledger of each staff member's minutes per day (each visit with
   the drive from the customer's nearest neighbour) keeps anyone from being everybody's
   substitute on the same weekend. The team is what a coordinator would pencil in: the
   contact, and the one or two people who cover the contact's days off.
2. **Days.** Each day is a vehicle-routing problem with time windows (:mod:`.routing`): one
   vehicle per shift, visits allowed only to staff who are present, qualified and on a shift
   that fits; a double-staffed visit is two visits at a start fixed beforehand (see
   :func:`_double_starts`), the first needing the delegations. A visit costs
   ``not_fast_omsorgskontakt`` unless the fast omsorgskontakt makes it and ``new_staff`` more
   unless a team member does; travel costs ``travel`` per minute. A first pass splits the day
   into independent parts: by shift type (shifts spanning a visit's whole window make it) and by
   group (staff of the office nearest the customer, plus its team); a second pass, only where
   the first left visits out, plans that day with every shift allowed and is kept if it places
   more. Days are solved two at a time (one per core), and after each pair the staff actually
   used join the customer's team, so a substitute, once chosen, keeps the customer.
3. **What the search left.** An unplanned visit for which the finished plan has room after
   all (see :func:`.explain.place_left_out`) is placed there.
4. **Re-planning** (``previous_plan``). Days on which nothing changed are kept as they were.
   On the other days every visit also costs ``change`` unless its previous staff make it,
   the previous staff count as team, and double-staffed visits keep their times.

The travel-only mode (``Weights.travel_only()``) skips the teams and all continuity costs: the
same solver as a plain routing baseline.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from fastkontakt.domain.planning.explain import place_left_out
from fastkontakt.domain.planning.model import (
    Customer,
    Instance,
    Location,
    Plan,
    PlannedBreak,
    PlannedVisit,
    StaffMember,
    Visit,
    Weights,
    can_cover,
)
from fastkontakt.domain.planning.routing import (
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    solve,
)

FIRST_PASS = 0.7
"""Share of each pair of days' time for the first pass (each group on its own)."""
TEAM_TRAVEL = 50
"""Weight of the mean travel from a customer to a staff member's patch when teams are formed,
against the hours already booked on the member (which only break ties)."""
LEDGER_FILL = 0.8
"""Share of a shift the team ledger may fill before a staff member stops covering more."""
SEARCH_SHARE = 0.92
"""Share of the time limit the days' search may take: the rest is for what the solver's own
limit does not count (building each day's model, its first solution, placing what the search
left), so that the plan is done within the limit."""


class Planner(Protocol):
    def __call__(
        self,
        instance: Instance,
        *,
        time_limit: float,
        weights: Weights,
        previous_plan: Plan | None = None,
    ) -> Plan: ...


@dataclass(frozen=True, slots=True)
class _DayJob:
    day: date
    problem: RoutingProblem
    vehicles: list[tuple[str, int]]
    """(staff id, shift index) of each vehicle."""
    nodes: list[tuple[Visit, int]]
    """(visit, slot) of each node; slot 1 is the second staff of a double-staffed visit."""
    time_limit: float


def _solve_job(job: _DayJob) -> tuple[RoutingSolution, float]:
    started = time.monotonic()
    solution = solve(job.problem, time_limit=job.time_limit)
    return solution, time.monotonic() - started


class _Places:
    """Distinct locations and the travel minutes between them (computed once)."""

    def __init__(self, instance: Instance) -> None:
        locations: dict[Location, int] = {}
        for customer in instance.customers:
            locations.setdefault(customer.location, len(locations))
        for member in instance.staff:
            locations.setdefault(member.location, len(locations))
        self.index = locations
        ordered = list(locations)
        size = len(ordered)
        matrix = np.zeros((size, size), dtype=np.int64)
        for i, a in enumerate(ordered):
            for j in range(i + 1, size):
                matrix[i, j] = matrix[j, i] = instance.travel(a, ordered[j])
        self.travel = matrix


def _capacity(member: StaffMember, day: date) -> int:
    return sum(
        s.end - s.start - sum(b.minutes for b in s.breaks) for s in member.shifts_on(day)
    )


def _teams(
    instance: Instance, fixed: dict[str, set[str]], places: _Places
) -> dict[str, set[str]]:
    """Each customer's team: the fast omsorgskontakt and the fewest others covering the rest."""
    staff = instance.staff
    by_customer: dict[str, list[Visit]] = {}
    for visit in instance.visits:
        by_customer.setdefault(visit.customer, []).append(visit)
    ledger: dict[tuple[str, date], int] = {}
    # A visit books its minutes and the drive to it from the customer's nearest neighbour, so
    # that a member's share of far-flung customers is not filled as if they lived next door.
    at = [places.index[c.location] for c in instance.customers]
    between = places.travel[np.ix_(at, at)].astype(float)
    np.fill_diagonal(between, np.inf)
    leg = {
        c.id: int(between[k].min()) if len(at) > 1 else 0
        for k, c in enumerate(instance.customers)
    }
    room = {
        (m.id, day): _capacity(m, day) * LEDGER_FILL for m in staff for day in instance.dates
    }
    teams: dict[str, set[str]] = {}
    # Sweep: customers by nearest start location, then by direction from it, so that the
    # customers sharing a substitute lie together (short routes) rather than all over town.
    starts = list(dict.fromkeys(m.location for m in staff))

    def sweep(c: Customer) -> tuple[int, float, str]:
        home = min(range(len(starts)), key=lambda k: (instance.travel(starts[k], c.location), k))
        angle = math.atan2(c.location.lat - starts[home].lat, c.location.lon - starts[home].lon)
        return (home, angle, c.id)

    # Customers who share a fast omsorgskontakt are taken one after the other, so that they
    # share substitutes too (the contact's small team), the contacts farthest from their office
    # first: a village's customers then get staff whose patch is still empty rather than staff
    # already bound to the town.
    home_of = {c.id: sweep(c) for c in instance.customers} if starts else {}
    far: dict[tuple[int, str], list[int]] = {}
    for c in instance.customers:
        home = home_of[c.id][0]
        far.setdefault((home, c.fast_omsorgskontakt or c.id), []).append(
            instance.travel(starts[home], c.location)
        )

    def in_turn(c: Customer) -> tuple[int, float, str, float, str]:
        home, angle, _ = home_of[c.id]
        group = (home, c.fast_omsorgskontakt or c.id)
        return (home, -sum(far[group]) / len(far[group]), group[1], angle, c.id)

    order = sorted(instance.customers, key=in_turn) if starts else []
    # Where each staff member's team customers live (their "patch"), starting from the customers
    # whose fast omsorgskontakt they are.
    patch: dict[str, list[int]] = {}
    for customer in instance.customers:
        contact = customer.fast_omsorgskontakt
        if contact in instance.staff_by_id:
            patch.setdefault(contact, []).append(places.index[customer.location])
    for customer in order:
        visits = by_customer.get(customer.id, [])
        team = set(fixed.get(customer.id, set()))
        if customer.fast_omsorgskontakt in instance.staff_by_id:
            team.add(customer.fast_omsorgskontakt)

        def fits(member: StaffMember, visit: Visit) -> bool:
            key = (member.id, visit.day)
            booked = ledger.get(key, 0) + visit.duration + leg[visit.customer]
            return can_cover(member, visit) and booked <= room[key]

        # Staff of the customer's own group (nearest office) when they can cover a visit.
        group = starts[home_of[customer.id][0]] if starts else None
        candidates = {}
        for v in visits:
            able = [m for m in staff if fits(m, v)]
            own = [
                m for m in able
                if m.location == group or m.id == customer.fast_omsorgskontakt
            ]
            candidates[v.id] = own if len(own) >= min(v.staff_count, len(able)) else able
        model = cp_model.CpModel()
        chosen = {m.id: model.new_bool_var(m.id) for m in staff}
        for member_id in team:
            model.add(chosen[member_id] == 1)
        for visit in visits:
            able = candidates[visit.id]
            need = min(visit.staff_count, len(able))
            if need:
                model.add(sum(chosen[m.id] for m in able) >= need)
        here = customer.location

        here_at = places.index[here]

        def reach(member: StaffMember, here_at: int = here_at) -> float:
            # The mean drive from the customer to the member's patch: low only where the patch
            # lies together around the customer, so a patch does not stretch from the town to
            # a village. From the office when the member has no patch yet.
            around = patch.get(member.id)
            if not around:
                return float(places.travel[here_at, places.index[member.location]])
            return float(places.travel[here_at, around].mean())

        cost = {
            m.id: sum(ledger.get((m.id, d), 0) for d in instance.dates) // 60
            + round(TEAM_TRAVEL * reach(m))
            for m in staff
        }
        model.minimize(sum((100_000 + cost[m]) * chosen[m] for m in chosen))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 2.0
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            team = {m for m, var in chosen.items() if solver.value(var)}
        teams[customer.id] = team
        for member_id in team - {customer.fast_omsorgskontakt}:
            patch.setdefault(member_id, []).append(here_at)
        # Book each visit on the team members most likely to make it: the contact first.
        for visit in visits:
            able = sorted(
                (m for m in candidates[visit.id] if m.id in team),
                key=lambda m: (
                    m.id != customer.fast_omsorgskontakt, ledger.get((m.id, visit.day), 0), m.id
                ),
            )
            for member in able[: visit.staff_count]:
                key = (member.id, visit.day)
                ledger[key] = ledger.get(key, 0) + visit.duration + leg[visit.customer]
    return teams


def _double_starts(
    visits: list[Visit],
    previous: dict[str, int],
    reachable: dict[str, int],
    travel: Callable[[str, str], int],
) -> dict[str, int]:
    """A fixed start for each double-staffed visit of a day.

    Two staff must start such a visit together. Rather than a side constraint between two
    routes (which slows the routing search by an order of magnitude), each one gets a set time
    before routing, as coordinators book them: the time it had in the previous plan, or else the
    time in its window, from when staff can first be there, that clashes with the fewest other
    double-staffed visits (earliest first). Two visits clash when one pair of staff could not
    make both: they overlap once the travel between the two customers (``travel``, minutes
    from one customer to another) is added, so that back-to-back bookings across town are
    avoided where the windows allow.
    """
    fixed: dict[str, int] = {}
    booked: list[tuple[int, int, str]] = []
    doubles = sorted(
        (v for v in visits if v.staff_count > 1), key=lambda v: (v.latest, v.earliest, v.id)
    )
    for visit in doubles:
        if visit.id in previous and visit.earliest <= previous[visit.id] <= visit.latest:
            start = previous[visit.id]
        else:
            first = max(visit.earliest, min(reachable.get(visit.id, 0), visit.latest))
            candidates = range(first, visit.latest + 1, 5)
            start = min(
                candidates,
                key=lambda t: (
                    sum(
                        1
                        for a, b, other in booked
                        if a < t + visit.duration + travel(visit.customer, other)
                        and t < b + travel(other, visit.customer)
                    ),
                    t,
                ),
            )
        fixed[visit.id] = start
        booked.append((start, start + visit.duration, visit.customer))
    return fixed


def _day_job(
    instance: Instance,
    places: _Places,
    day: date,
    weights: Weights,
    teams: dict[str, set[str]],
    previous: dict[str, tuple[str, ...]],
    previous_starts: dict[str, int],
    time_limit: float,
    *,
    local: bool = True,
) -> _DayJob:
    visits = [v for v in instance.visits if v.day == day]
    vehicles: list[tuple[str, int]] = []
    routing_vehicles: list[RoutingVehicle] = []
    for member in instance.staff:
        for k, shift in enumerate(member.shifts_on(day)):
            place = places.index[member.location]
            vehicles.append((member.id, k))
            routing_vehicles.append(RoutingVehicle(
                place, place, shift.start, shift.end,
                tuple((b.earliest, b.latest, b.minutes) for b in shift.breaks),
            ))
    vehicle_places = [vehicle.start_place for vehicle in routing_vehicles]
    nodes: list[tuple[Visit, int]] = []
    node_places: list[int] = []
    windows: list[tuple[int, int]] = []
    allowed: list[list[int] | None] = []
    node_costs: list[dict[int, int]] = []
    reachable = {
        visit.id: min(
            (
                shift.start + int(places.travel[
                    places.index[instance.staff_by_id[staff_id].location],
                    places.index[instance.customer_by_id[visit.customer].location],
                ])
                for staff_id, k in vehicles
                for shift in (instance.staff_by_id[staff_id].shifts_on(day)[k],)
            ),
            default=visit.earliest,
        )
        for visit in visits
        if visit.staff_count > 1
    }
    def between(a: str, b: str) -> int:
        return int(places.travel[
            places.index[instance.customer_by_id[a].location],
            places.index[instance.customer_by_id[b].location],
        ])

    fixed_starts = _double_starts(visits, previous_starts, reachable, between)
    for visit in visits:
        customer = instance.customer_by_id[visit.customer]
        earliest, latest = visit.earliest, visit.latest
        if visit.id in fixed_starts:
            earliest = latest = fixed_starts[visit.id]
        able: list[int] = []
        whole: list[int] = []
        delegated: set[int] = set()
        costs: dict[int, int] = {}
        for v, (staff_id, k) in enumerate(vehicles):
            member = instance.staff_by_id[staff_id]
            shift = member.shifts_on(day)[k]
            if not member.competent_for(visit.demand):
                continue
            if member.qualified_for(visit.demand):
                delegated.add(v)
            elif visit.staff_count == 1:
                continue
            start = max(shift.start, earliest)
            if start > latest or start + visit.duration > shift.end:
                continue
            able.append(v)
            if shift.start <= earliest and latest + visit.duration <= shift.end:
                whole.append(v)
            cost = 0
            if staff_id != customer.fast_omsorgskontakt:
                cost += weights.not_fast_omsorgskontakt
                if staff_id not in teams.get(visit.customer, ()):
                    cost += weights.new_staff
            if visit.id in previous and staff_id not in previous[visit.id]:
                cost += weights.change
            if cost:
                costs[v] = cost
        if len(whole) >= visit.staff_count and delegated & set(whole):
            # Shifts that span the whole window make the visit; the others are left to what
            # only they can do. This splits a day into independent parts (day and evening
            # shifts), each searched far faster than the whole.
            able = whole
        if local:
            # Staff of the office nearest the customer (the home-care group) make the visit
            # when they can: the day splits further, into one part per group. A second pass
            # without this rule places what a group could not (see ``plan``).
            place = places.index[customer.location]
            nearest = min(
                (int(places.travel[vehicle_places[v], place]), vehicle_places[v]) for v in able
            )[1] if able else -1
            keep = teams.get(visit.customer, set())
            if weights.continuity and customer.fast_omsorgskontakt:
                keep = keep | {customer.fast_omsorgskontakt}
            own = [v for v in able if vehicle_places[v] == nearest or vehicles[v][0] in keep]
            if len(own) >= visit.staff_count and delegated & set(own):
                able = own
        for slot in range(visit.staff_count):
            nodes.append((visit, slot))
            node_places.append(places.index[customer.location])
            windows.append((earliest, latest))
            # The first staff member does the delegated tasks; the second needs only the
            # competences.
            allowed.append([v for v in able if v in delegated] if slot == 0 else able)
            node_costs.append(costs)
    problem = RoutingProblem(
        travel=places.travel,
        places=node_places,
        service=[visit.duration for visit, _ in nodes],
        earliest=[w[0] for w in windows],
        latest=[w[1] for w in windows],
        vehicles=routing_vehicles,
        allowed=allowed,
        node_costs=node_costs,
        penalties=[weights.unplanned] * len(nodes),
        travel_weight=weights.travel,
    )
    return _DayJob(day, problem, vehicles, nodes, time_limit)


def _split(job: _DayJob) -> list[_DayJob]:
    """The independent parts of a day: vehicles linked by visits that either could make."""
    problem = job.problem
    parent = list(range(len(job.vehicles)))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for allowed in problem.allowed:
        for v in (allowed or [])[1:]:
            parent[root(v)] = root(allowed[0])  # type: ignore[index]
    groups: dict[int, list[int]] = {}
    for v in range(len(job.vehicles)):
        groups.setdefault(root(v), []).append(v)
    node_groups: dict[int, list[int]] = {}
    for n, allowed in enumerate(problem.allowed):
        key = root(allowed[0]) if allowed else (min(groups) if groups else -1)
        node_groups.setdefault(key, []).append(n)
    parts = []
    for key, vehicles in groups.items():
        nodes = node_groups.get(key, [])
        if not nodes:
            continue
        new_vehicle = {v: i for i, v in enumerate(vehicles)}
        initial = None
        if problem.initial_routes is not None:
            keep = set(nodes)
            new_node = {n: i for i, n in enumerate(nodes)}
            initial = [
                [new_node[n] for n in problem.initial_routes[v] if n in keep] for v in vehicles
            ]
        parts.append(_DayJob(
            job.day,
            RoutingProblem(
                travel=problem.travel,
                places=[problem.places[n] for n in nodes],
                service=[problem.service[n] for n in nodes],
                earliest=[problem.earliest[n] for n in nodes],
                latest=[problem.latest[n] for n in nodes],
                vehicles=[problem.vehicles[v] for v in vehicles],
                allowed=[
                    [new_vehicle[v] for v in problem.allowed[n] or [] if v in new_vehicle]
                    for n in nodes
                ],
                node_costs=[
                    {new_vehicle[v]: c for v, c in problem.node_costs[n].items()
                     if v in new_vehicle}
                    for n in nodes
                ],
                penalties=[problem.penalties[n] for n in nodes],
                travel_weight=problem.travel_weight,
                initial_routes=initial,
            ),
            [job.vehicles[v] for v in vehicles],
            [job.nodes[n] for n in nodes],
            job.time_limit,
        ))
    if not groups and job.nodes:
        parts.append(job)  # no one works: every visit is left out
    return parts


def _unchanged_days(instance: Instance, previous: Plan) -> set[date]:
    """Days whose visits, staff, shifts and qualifications are the same as in ``previous``."""
    old = previous.instance
    if old.speed != instance.speed or {c.id: c for c in old.customers} != {
        c.id: c for c in instance.customers
    }:
        return set()
    same: set[date] = set()
    old_staff = old.staff_by_id
    for day in instance.dates:
        if day not in old.dates:
            continue
        if all(
            member.id in old_staff
            and old_staff[member.id].shifts_on(day) == member.shifts_on(day)
            and old_staff[member.id].location == member.location
            and old_staff[member.id].competences == member.competences
            and old_staff[member.id].delegations == member.delegations
            for member in instance.staff
        ) and len(old.staff) == len(instance.staff):
            same.add(day)
    return same


def _read_day(job: _DayJob, solution: RoutingSolution) -> tuple[
    list[PlannedVisit], list[PlannedBreak], list[str]
]:
    starts: dict[str, int] = {}
    staff_of: dict[str, list[str]] = {}
    for v, route in enumerate(solution.routes):
        for node, start in route:
            visit, _slot = job.nodes[node]
            starts[visit.id] = start
            staff_of.setdefault(visit.id, []).append(job.vehicles[v][0])
    planned: list[PlannedVisit] = []
    unplanned: list[str] = []
    seen: set[str] = set()
    for visit, _slot in job.nodes:
        if visit.id in seen:
            continue
        seen.add(visit.id)
        members = staff_of.get(visit.id, [])
        if len(members) == visit.staff_count:
            planned.append(PlannedVisit(visit.id, starts[visit.id], tuple(sorted(members))))
        else:
            # Half a double-staffed visit is no visit: leave it out (the route stays feasible).
            unplanned.append(visit.id)
    busy = {staff for p in planned for staff in p.staff}
    breaks = [
        PlannedBreak(job.vehicles[v][0], job.day, start, job.problem.vehicles[v].breaks[k][2])
        for v, starts_of_breaks in enumerate(solution.breaks)
        if job.vehicles[v][0] in busy
        for k, start in enumerate(starts_of_breaks)
    ]
    return planned, breaks, unplanned


def _run(executor: Executor | None, jobs: list[_DayJob]) -> list[tuple[RoutingSolution, float]]:
    if executor is not None and len(jobs) > 1:
        return list(executor.map(_solve_job, jobs))
    return [_solve_job(job) for job in jobs]


def _waves(days: Iterable[date], width: int) -> list[list[date]]:
    ordered = list(days)
    return [ordered[i : i + width] for i in range(0, len(ordered), width)]


def plan(
    instance: Instance,
    *,
    time_limit: float,
    weights: Weights | None = None,
    previous_plan: Plan | None = None,
    workers: int | None = None,
) -> Plan:
    """Plan every visit of ``instance`` within about ``time_limit`` seconds.

    Hard constraints always hold (time windows, shifts, breaks, qualifications, presence,
    double staffing, travel between visits); a visit that cannot be placed is listed as
    unplanned rather than broken.
    """
    weights = weights or Weights()
    started = time.monotonic()
    deadline = started + time_limit * SEARCH_SHARE
    width = max(1, min(workers or os.cpu_count() or 1, 2))
    places = _Places(instance)

    kept_visits: list[PlannedVisit] = []
    kept_breaks: list[PlannedBreak] = []
    kept_unplanned: list[str] = []
    previous: dict[str, tuple[str, ...]] = {}
    previous_starts: dict[str, int] = {}
    fixed: dict[str, set[str]] = {}
    unchanged: set[date] = set()
    if previous_plan is not None:
        unchanged = _unchanged_days(instance, previous_plan)
        old_visits = previous_plan.instance.visit_by_id
        for planned in previous_plan.visits:
            old = old_visits[planned.visit]
            previous[planned.visit] = planned.staff
            previous_starts[planned.visit] = planned.start
            fixed.setdefault(old.customer, set()).update(planned.staff)
            if old.day in unchanged:
                kept_visits.append(planned)
        kept_breaks = [b for b in previous_plan.breaks if b.day in unchanged]
        kept_unplanned = [
            v for v in previous_plan.unplanned if old_visits[v].day in unchanged
        ]
        present = set(instance.staff_by_id)
        fixed = {c: {s for s in team if s in present} for c, team in fixed.items()}

    teams: dict[str, set[str]] = {}
    if weights.continuity:
        teams = _teams(instance, fixed, places)

    to_plan = [day for day in instance.dates if day not in unchanged]
    waves = _waves(to_plan, width)
    visits_out = list(kept_visits)
    breaks_out = list(kept_breaks)
    unplanned_out = list(kept_unplanned)
    solve_seconds = 0.0
    executor: Executor | None = None
    if width > 1 and len(to_plan) > 1:
        executor = ProcessPoolExecutor(max_workers=width)
    try:
        for index, wave in enumerate(waves):
            remaining = max(0.0, deadline - time.monotonic())
            per_wave = remaining / (len(waves) - index)
            jobs = [
                part
                for day in wave
                for part in _split(_day_job(
                    instance, places, day, weights, teams, previous, previous_starts, 0.0,
                ))
            ]
            jobs.sort(key=lambda job: -len(job.nodes))
            # Each part gets a share of the wave's processor time by its number of visits.
            total = sum(len(job.nodes) for job in jobs) or 1
            cpu = per_wave * min(width, len(jobs)) * 0.85 * FIRST_PASS
            jobs = [
                replace(job, time_limit=max(0.2, cpu * len(job.nodes) / total - 0.1))
                for job in jobs
            ]
            results = _run(executor, jobs)
            # Second pass: where a group could not place a visit, plan the day again with every
            # shift allowed, and keep it only if it places more.
            again = []
            for day in wave:
                day_parts = [k for k, job in enumerate(jobs) if job.day == day]
                if not any(
                    jobs[k].problem.allowed[n] for k in day_parts for n in results[k][0].dropped
                ):
                    continue
                full = _day_job(
                    instance, places, day, weights, teams, previous, previous_starts, 0.0,
                    local=False,
                )
                for part in _split(full):
                    again.append((day, part))
            if again:
                remaining = max(0.0, deadline - time.monotonic())
                share = remaining / (len(waves) - index) * min(width, len(again)) * 0.85
                total = sum(len(part.nodes) for _, part in again) or 1
                second = [
                    replace(part, time_limit=max(0.2, share * len(part.nodes) / total - 0.1))
                    for _, part in again
                ]
                second_results = _run(executor, second)
                better_days = set()
                for day in {d for d, _ in again}:
                    before = sum(
                        len(results[k][0].dropped) for k, job in enumerate(jobs)
                        if job.day == day
                    )
                    after = sum(
                        len(second_results[k][0].dropped) for k, part in enumerate(second)
                        if part.day == day
                    )
                    if after < before:
                        better_days.add(day)
                keep = [k for k, job in enumerate(jobs) if job.day not in better_days]
                jobs = [jobs[k] for k in keep] + [
                    part for part in second if part.day in better_days
                ]
                results = [results[k] for k in keep] + [
                    second_results[k] for k, part in enumerate(second)
                    if part.day in better_days
                ]
            for job, (solution, seconds) in zip(jobs, results, strict=True):
                solve_seconds += seconds
                day_visits, day_breaks, day_unplanned = _read_day(job, solution)
                visits_out.extend(day_visits)
                breaks_out.extend(day_breaks)
                unplanned_out.extend(day_unplanned)
                for p in day_visits:
                    customer = instance.visit_by_id[p.visit].customer
                    teams.setdefault(customer, set()).update(p.staff)
    finally:
        if executor is not None:
            executor.shutdown()

    order = {v.id: i for i, v in enumerate(instance.visits)}
    visits_out.sort(key=lambda p: order[p.visit])
    unplanned_out.sort(key=lambda v: order[v])
    breaks_out.sort(key=lambda b: (b.day, b.staff, b.start))
    searched = Plan(instance, tuple(visits_out), tuple(breaks_out), tuple(unplanned_out))
    # Room the search left unused (a double-staffed visit's two halves, most often) is taken.
    result = place_left_out(searched)
    result.stats.update(
        objective_terms(result, weights, previous_plan)
        | {
            "seconds": round(time.monotonic() - started, 2),
            "solver_seconds": round(solve_seconds, 2),
            "days_kept": len(unchanged),
            "placed_after_search": len(searched.unplanned) - len(result.unplanned),
            "mode": "continuity" if weights.continuity else "travel-only",
        }
    )
    return result


def objective_terms(
    plan: Plan, weights: Weights, previous_plan: Plan | None = None
) -> dict[str, float | int | str]:
    """The terms of the objective as the plan stands (not as the solver approximated them).

    New distinct staff of a customer are the staff other than the fast omsorgskontakt who make
    any of the customer's visits.
    """
    instance = plan.instance
    visits = instance.visit_by_id
    travel = plan.travel_minutes()
    not_by_contact = 0
    staff_of: dict[str, set[str]] = {}
    for planned in plan.visits:
        customer = instance.customer_by_id[visits[planned.visit].customer]
        if customer.fast_omsorgskontakt not in planned.staff:
            not_by_contact += 1
        staff_of.setdefault(customer.id, set()).update(planned.staff)
    new_staff = sum(
        len(members - {instance.customer_by_id[c].fast_omsorgskontakt})
        for c, members in staff_of.items()
    )
    changed = 0
    if previous_plan is not None:
        before = previous_plan.by_visit
        changed = sum(
            1 for p in plan.visits if p.visit not in before or before[p.visit].staff != p.staff
        ) + sum(1 for v in before if v not in plan.by_visit)
    objective = (
        weights.travel * travel
        + weights.not_fast_omsorgskontakt * not_by_contact
        + weights.new_staff * new_staff
        + weights.change * changed + weights.unplanned * len(plan.unplanned)
    )
    return {
        "objective": objective,
        "travel_minutes": travel,
        "visits_not_by_contact": not_by_contact,
        "new_distinct_staff": new_staff,
        "changed_visits": changed,
        "unplanned_visits": len(plan.unplanned),
    }
