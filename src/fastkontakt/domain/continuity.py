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
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date

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


def _counted_kind(visit: Visit) -> bool:
    return visit.demand.kind not in EXCLUDED_KINDS


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
    made: dict[str, list[tuple[Visit, tuple[str, ...]]]] = {}
    for planned in plan.visits:
        visit = visits[planned.visit]
        if _counted_kind(visit) and DAY_FROM <= planned.start < DAY_TO:
            made.setdefault(visit.customer, []).append((visit, planned.staff))
    rows: list[CustomerContinuity] = []
    for customer in instance.customers:
        own = made.get(customer.id, [])
        contact_id = customer.fast_omsorgskontakt
        contact = instance.staff_by_id.get(contact_id) if contact_id else None
        by_contact = sum(1 for _, staff in own if contact_id in staff)
        possible = sum(1 for visit, _ in own if contact is not None and can_cover(contact, visit))
        included = customer.id in population
        rows.append(CustomerContinuity(
            customer=customer.id,
            included=included,
            visits=len(own),
            distinct_staff=len({s for _, staff in own for s in staff}),
            lower_bound=lower_bound(instance, customer.id) if included else 0,
            visits_by_contact=by_contact,
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
