"""Continuity measures of a home-care plan over its horizon (usually 14 days).

Per customer:

- **distinct staff**, by the national indicator's definition (Socialstyrelsen's "antal olika
  personal", as in ``domain.md``): the number of different staff who make the customer's visits
  that start between 07:00 and 22:00, not counting meal deliveries (``matdistribution``) and
  alarm call-outs (``larm``). The indicator covers customers aged 65 or more on the first day
  with at least two such visits on every day of the period (by their granted visits);
- the **share of visits by the fast omsorgskontakt** among those visits, and the share among
  the visits the contact could have made (present, qualified, on a fitting shift);
- a **lower bound** on distinct staff: the fewest staff whose shifts, absences and
  qualifications can between them cover all of the customer's counted visits (visits whose whole
  start window lies in 07-22, each needing as many different staff as it has staff, one of them
  with the visit's delegations), ignoring
  travel and other customers. It is a set cover, solved exactly with CP-SAT; it is small per
  customer (a few dozen visits, at most the staff of the unit). No plan can do better, so the
  gap between distinct staff and the bound is how far a plan is from what shifts allow.

Medians are over the customers the indicator covers.

The same counting serves a plan and the visits actually made (imported from the time-reporting
system, ``visits_made_continuity``): both are reduced to :class:`StaffedVisit` (customer, day,
start, kind, staff) and tallied by :func:`tally`; only who is in the population differs (a plan
by the visits granted, made visits by the visits made), and the lower bound and the contact's
possible visits need a planning instance, so they are the plan's only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from fastkontakt.domain.calendar import age_on
from fastkontakt.domain.planning.model import Instance, Plan, Visit, can_cover

EXCLUDED_KINDS = frozenset({"matdistribution", "larm"})
DAY_FROM = 7 * 60
DAY_TO = 22 * 60
MIN_AGE = 65
MIN_VISITS_PER_DAY = 2


def counts_for_indicator(visit: Visit) -> bool:
    """A visit of a kind the indicator counts whose whole start window lies in 07-22."""
    return (
        visit.demand.kind not in EXCLUDED_KINDS
        and visit.earliest >= DAY_FROM
        and visit.latest < DAY_TO
    )


@dataclass(frozen=True, slots=True)
class StaffedVisit:
    """A visit planned or made, as the indicator sees it: whose, when, what kind, by whom."""

    customer: str
    day: date
    start: int
    """Minutes after midnight, local time."""
    kind: str
    staff: tuple[str, ...]


def counts_as_made(visit: StaffedVisit) -> bool:
    """A visit of a kind the indicator counts that started between 07:00 and 22:00."""
    return visit.kind not in EXCLUDED_KINDS and DAY_FROM <= visit.start < DAY_TO


@dataclass(frozen=True, slots=True)
class Tally:
    visits: int
    distinct_staff: int
    visits_by_contact: int


def tally(visits: Iterable[StaffedVisit], contact: str | None) -> Tally:
    """Counted visits, distinct staff on them and those the contact made (one customer's)."""
    counted = [v for v in visits if counts_as_made(v)]
    return Tally(
        visits=len(counted),
        distinct_staff=len({s for v in counted for s in v.staff}),
        visits_by_contact=sum(1 for v in counted if contact is not None and contact in v.staff),
    )


def indicator_population(instance: Instance) -> set[str]:
    """Customers 65+ on the first day with at least two counted visits on every day."""
    per_day: dict[tuple[str, date], int] = {}
    for visit in instance.visits:
        if counts_for_indicator(visit):
            key = (visit.customer, visit.day)
            per_day[key] = per_day.get(key, 0) + 1
    return {
        c.id
        for c in instance.customers
        if age_on(c.born, instance.start) >= MIN_AGE
        and all(per_day.get((c.id, day), 0) >= MIN_VISITS_PER_DAY for day in instance.dates)
    }


def lower_bound(instance: Instance, customer: str, *, time_limit: float = 10.0) -> int:
    """The fewest staff who can cover all of ``customer``'s counted visits (see module doc)."""
    visits = [v for v in instance.visits if v.customer == customer and counts_for_indicator(v)]
    # Visits with the same set of able staff need one constraint, with the largest need. A
    # double-staffed visit needs two competent staff, one of whom has its delegations.
    needs: dict[frozenset[str], int] = {}

    def require(able: frozenset[str], count: int) -> None:
        count = min(count, len(able))
        if count:
            needs[able] = max(needs.get(able, 0), count)

    for visit in visits:
        require(frozenset(m.id for m in instance.staff if can_cover(m, visit)), 1)
        if visit.staff_count > 1:
            require(frozenset(m.id for m in instance.staff if can_cover(m, visit, as_second=True)),
                 visit.staff_count)
    if not needs:
        return 0
    model = cp_model.CpModel()
    chosen = {s: model.new_bool_var(s) for s in sorted(set().union(*needs))}
    for able, need in needs.items():
        model.add(sum(chosen[s] for s in sorted(able)) >= need)
    model.minimize(sum(chosen.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    # Out of time: the solver's proven bound is still a valid lower bound.
    return max(max(needs.values()), math.ceil(solver.best_objective_bound - 1e-6))


@dataclass(frozen=True, slots=True)
class CustomerContinuity:
    customer: str
    included: bool
    """In the indicator's population (65+, at least two counted visits every day)."""
    visits: int
    """Counted visits made (kinds counted, starting 07:00-22:00)."""
    distinct_staff: int
    lower_bound: int
    visits_by_contact: int
    contact_possible: int
    """Counted visits made whose time the fast omsorgskontakt could have covered."""

    @property
    def contact_share(self) -> float | None:
        return self.visits_by_contact / self.visits if self.visits else None

    @property
    def gap(self) -> int:
        return self.distinct_staff - self.lower_bound


@dataclass(frozen=True, slots=True)
class ContinuityReport:
    customers: tuple[CustomerContinuity, ...]
    median_distinct_staff: float | None
    median_lower_bound: float | None
    median_gap: float | None
    median_contact_share: float | None
    contact_share_where_possible: float | None
    """Visits by the contact among the visits the contact could have made, pooled."""
    travel_minutes: int
    unplanned_visits: int
    planned_visits: int


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def continuity_report(plan: Plan) -> ContinuityReport:
    instance = plan.instance
    population = indicator_population(instance)
    visits = instance.visit_by_id
    made: dict[str, list[tuple[Visit, StaffedVisit]]] = {}
    for planned in plan.visits:
        visit = visits[planned.visit]
        staffed = StaffedVisit(
            visit.customer, visit.day, planned.start, visit.demand.kind, planned.staff
        )
        if counts_as_made(staffed):
            made.setdefault(visit.customer, []).append((visit, staffed))
    rows: list[CustomerContinuity] = []
    for customer in instance.customers:
        own = made.get(customer.id, [])
        contact_id = customer.fast_omsorgskontakt
        contact = instance.staff_by_id.get(contact_id) if contact_id else None
        figures = tally((staffed for _, staffed in own), contact_id)
        possible = sum(1 for visit, _ in own if contact is not None and can_cover(contact, visit))
        included = customer.id in population
        rows.append(CustomerContinuity(
            customer=customer.id,
            included=included,
            visits=figures.visits,
            distinct_staff=figures.distinct_staff,
            lower_bound=lower_bound(instance, customer.id) if included else 0,
            visits_by_contact=figures.visits_by_contact,
            contact_possible=possible,
        ))
    counted = [r for r in rows if r.included]
    with_contact = [
        r for r in counted
        if instance.customer_by_id[r.customer].fast_omsorgskontakt and r.visits
    ]
    possible_total = sum(r.contact_possible for r in with_contact)
    # Visits by the contact are always visits the contact could make.
    by_contact_total = sum(r.visits_by_contact for r in with_contact)
    return ContinuityReport(
        customers=tuple(rows),
        median_distinct_staff=_median([r.distinct_staff for r in counted]),
        median_lower_bound=_median([r.lower_bound for r in counted]),
        median_gap=_median([r.gap for r in counted]),
        median_contact_share=_median(
            [r.contact_share for r in with_contact if r.contact_share is not None]
        ),
        contact_share_where_possible=by_contact_total / possible_total if possible_total else None,
        travel_minutes=plan.travel_minutes(),
        unplanned_visits=len(plan.unplanned),
        planned_visits=len(plan.visits),
    )


# --- visits made ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MadeCustomer:
    id: str
    born: date
    fast_omsorgskontakt: str | None = None


@dataclass(frozen=True, slots=True)
class MadeContinuity:
    customer: str
    included: bool
    """65+ on the first day, with at least two counted visits made on every day."""
    visits: int
    distinct_staff: int
    visits_by_contact: int

    @property
    def contact_share(self) -> float | None:
        return self.visits_by_contact / self.visits if self.visits else None


@dataclass(frozen=True, slots=True)
class MadeReport:
    start: date
    days: int
    customers: tuple[MadeContinuity, ...]
    median_distinct_staff: float | None
    median_contact_share: float | None
    visits: int
    """Counted visits made by the customers in the indicator."""


def visits_made_continuity(
    *, start: date, days: int, customers: Sequence[MadeCustomer], visits: Iterable[StaffedVisit]
) -> MadeReport:
    """The national indicator over the visits made from ``start`` for ``days`` days.

    Visits outside the period or of customers not in ``customers`` are ignored. The population
    is by the visits made (there is no grant to read): 65+ on ``start`` and at least two
    counted visits on each day of the period.
    """
    dates = [start + timedelta(days=i) for i in range(days)]
    period = set(dates)
    own: dict[str, list[StaffedVisit]] = {c.id: [] for c in customers}
    for visit in visits:
        if visit.day in period and visit.customer in own:
            own[visit.customer].append(visit)
    rows = []
    for customer in customers:
        per_day: dict[date, int] = {}
        for visit in own[customer.id]:
            if counts_as_made(visit):
                per_day[visit.day] = per_day.get(visit.day, 0) + 1
        counted = tally(own[customer.id], customer.fast_omsorgskontakt)
        rows.append(MadeContinuity(
            customer=customer.id,
            included=age_on(customer.born, start) >= MIN_AGE
            and all(per_day.get(day, 0) >= MIN_VISITS_PER_DAY for day in dates),
            visits=counted.visits,
            distinct_staff=counted.distinct_staff,
            visits_by_contact=counted.visits_by_contact,
        ))
    included = [r for r in rows if r.included]
    with_contact = {c.id for c in customers if c.fast_omsorgskontakt}
    return MadeReport(
        start=start,
        days=days,
        customers=tuple(rows),
        median_distinct_staff=_median([r.distinct_staff for r in included]),
        median_contact_share=_median([
            share
            for r in included
            if (share := r.contact_share) is not None and r.customer in with_contact
        ]),
        visits=sum(r.visits for r in included),
    )
