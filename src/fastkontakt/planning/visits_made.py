"""Planned against made: the visits a unit planned and the visits its time reporting says were
made, per customer and per 14-day period, by the national continuity indicator.

Both sides are counted by one implementation (``domain.continuity.tally`` and
``visits_made_continuity``): counted kinds only, starting 07:00-22:00. The planned side is the
unit's latest plan whose horizon meets the period (only its days are compared); the made side is
the visits imported by ``registry.services.visits``. The share by the fast omsorgskontakt uses,
on both sides, the customer's contact in the registry on the period's last day (today if the
period has not ended). Missed and extra visits are counted per customer and day, on the days the
plan covers that have passed: counted visits planned but not made, and made beyond those planned.

:func:`period_comparison` reads no names and checks no roles: the page selectors below do, and
the command (``fastkontakt visits-report``) logs its reads.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.selectors import person_read, persons_named_refused_log, persons_read
from fastkontakt.domain.continuity import (
    MadeCustomer,
    MadeReport,
    StaffedVisit,
    counts_as_made,
    tally,
    visits_made_continuity,
)
from fastkontakt.domain.errors import DomainError, NotFound
from fastkontakt.domain.identifiers import birth_date_of
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import customer_id, staff_id
from fastkontakt.planning.selectors import planning_unit_get
from fastkontakt.registry.models import Contact, HomeCareDecision, Person, Staff, Unit, Visit
from fastkontakt.runtime import clock

PERIOD_DAYS = 14
#: Periods shown on the pages: the chosen one and those before it.
PERIODS_SHOWN = 4
NOT_A_CUSTOMER = "Kunden finns inte vid enheten."


@dataclass(frozen=True, slots=True)
class Side:
    """One customer's counted visits in a period, planned or made."""

    visits: int
    distinct_staff: int
    visits_by_contact: int

    @property
    def contact_share(self) -> float | None:
        return self.visits_by_contact / self.visits if self.visits else None


@dataclass(frozen=True, slots=True)
class CustomerComparison:
    person_pk: int
    planned: Side | None
    """None when no plan of the unit covers the period."""
    made: Side
    missed: int
    extra: int
    included: bool
    """In the indicator's population by the visits made (65+, two counted visits every day)."""
    has_contact: bool
    planned_included: bool = False
    """In the population by the visits planned (two every day the plan covers)."""


@dataclass(frozen=True, slots=True)
class PeriodComparison:
    start: date
    days: int
    run: m.PlanRun | None
    planned_days: int
    """Days of the period the plan covers."""
    compared_days: int
    """Of those, the days that have passed: missed and extra visits are counted on them."""
    customers: tuple[CustomerComparison, ...]
    indicator: MadeReport

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def median_planned(self) -> float | None:
        """Median distinct staff planned, over the population by the visits planned (each side
        is the indicator as it would be computed from its own visits)."""
        values = [
            c.planned.distinct_staff
            for c in self.customers
            if c.planned_included and c.planned is not None
        ]
        return statistics.median(values) if values else None

    @property
    def median_made(self) -> float | None:
        return self.indicator.median_distinct_staff

    def _share(self, planned: bool) -> float | None:
        sides = [
            side
            for c in self.customers
            if c.has_contact and (side := c.planned if planned else c.made) is not None
        ]
        visits = sum(s.visits for s in sides)
        return sum(s.visits_by_contact for s in sides) / visits if visits else None

    @property
    def contact_share_planned(self) -> float | None:
        """Pooled over the customers with a fast omsorgskontakt."""
        return self._share(True) if self.run is not None else None

    @property
    def contact_share_made(self) -> float | None:
        return self._share(False)

    @property
    def visits_planned(self) -> int | None:
        if self.run is None:
            return None
        return sum(c.planned.visits for c in self.customers if c.planned is not None)

    @property
    def visits_made(self) -> int:
        return sum(c.made.visits for c in self.customers)

    @property
    def missed(self) -> int:
        return sum(c.missed for c in self.customers)

    @property
    def extra(self) -> int:
        return sum(c.extra for c in self.customers)


def _run_for(unit_pk: int, start: date, end: date) -> m.PlanRun | None:
    """The unit's latest plan whose horizon meets the period."""
    runs = m.PlanRun.objects.filter(unit_id=unit_pk, start__lte=end).order_by("-created_at", "-pk")
    for run in runs[:20]:
        if run.end >= start:
            return run
    return None


def _minutes(moment: object) -> int:
    local = timezone.localtime(moment)  # type: ignore[arg-type]
    return local.hour * 60 + local.minute


def made_visits(*, unit_pk: int, start: date, end: date) -> list[StaffedVisit]:
    """The visits made at the unit in the period, with their time (imported visits only).

    The time report has one line per staff member: lines of one customer with the same start,
    end and kind are one double-staffed visit, as a plan has it."""
    rows = (
        Visit.objects.filter(unit_id=unit_pk, date__gte=start, date__lte=end, start__isnull=False)
        .order_by("date", "start", "staff_id", "pk")
        .values_list("person_id", "date", "start", "end", "kind", "staff_id")
    )
    grouped: dict[tuple[Any, ...], list[int]] = {}
    for person, day, at, until, kind, staff in rows:
        grouped.setdefault((person, day, at, until, kind), []).append(staff)
    return [
        StaffedVisit(
            customer_id(person), day, _minutes(at), kind, tuple(staff_id(s) for s in staff)
        )
        for (person, day, at, _until, kind), staff in grouped.items()
    ]


def _planned_visits(run: m.PlanRun, start: date, end: date) -> list[StaffedVisit]:
    rows = m.PlannedVisit.objects.filter(
        run=run, day__gte=start, day__lte=end, start__isnull=False
    ).values_list("person_id", "day", "start", "demand__kind", "staff_id", "partner_id")
    return [
        StaffedVisit(
            customer_id(person),
            day,
            at or 0,
            kind,
            tuple(staff_id(pk) for pk in (staff, partner) if pk is not None),
        )
        for person, day, at, kind, staff, partner in rows
    ]


def _contacts(person_pks: Iterable[int], on: date) -> dict[int, str]:
    rows = Contact.objects.filter(
        person_id__in=list(person_pks), kind="fast_omsorgskontakt", start__lte=on
    ).filter(Q(end__isnull=True) | Q(end__gte=on))
    return {person: staff_id(staff) for person, staff in rows.values_list("person_id", "staff_id")}


def _unit_customers(unit_pk: int, start: date, end: date) -> set[int]:
    decisions = HomeCareDecision.objects.filter(unit_id=unit_pk, start__lte=end).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    return set(decisions.values_list("person_id", flat=True))


def _by_customer(visits: list[StaffedVisit]) -> dict[str, list[StaffedVisit]]:
    grouped: dict[str, list[StaffedVisit]] = defaultdict(list)
    for visit in visits:
        grouped[visit.customer].append(visit)
    return grouped


def _side(visits: list[StaffedVisit], contact: str | None) -> Side:
    counted = tally(visits, contact)
    return Side(counted.visits, counted.distinct_staff, counted.visits_by_contact)


def _per_day(visits: list[StaffedVisit], days: set[date]) -> dict[date, int]:
    counts: dict[date, int] = defaultdict(int)
    for visit in visits:
        if visit.day in days and counts_as_made(visit):
            counts[visit.day] += 1
    return counts


def period_comparison(
    *,
    unit_pk: int,
    start: date,
    days: int = PERIOD_DAYS,
    person_pks: set[int] | None = None,
    as_of: date | None = None,
) -> PeriodComparison:
    """Planned against made at the unit over ``days`` days from ``start`` (see module doc);
    ``person_pks`` limits it to some customers (the indicator's figures are theirs only).
    Missed and extra visits are counted on the days before ``as_of`` (today): a visit planned
    for today or later is not missed yet."""
    end = start + timedelta(days=days - 1)
    as_of = as_of or clock.today()
    run = _run_for(unit_pk, start, end)
    made = _by_customer(made_visits(unit_pk=unit_pk, start=start, end=end))
    planned = _by_customer(_planned_visits(run, start, end) if run is not None else [])
    pks = _unit_customers(unit_pk, start, end)
    pks |= {int(c[1:]) for c in (*made, *planned)}
    if person_pks is not None:
        pks &= person_pks
    numbers = dict(Person.objects.filter(pk__in=pks).values_list("pk", "personal_id"))
    contacts = _contacts(pks, min(end, as_of))
    customers = [
        MadeCustomer(customer_id(pk), birth_date_of(numbers[pk]), contacts.get(pk))
        for pk in sorted(numbers)
    ]
    indicator = visits_made_continuity(
        start=start,
        days=days,
        customers=customers,
        visits=[v for c in customers for v in made.get(c.id, [])],
    )
    included = {r.customer for r in indicator.customers if r.included}
    covered: set[date] = set()
    if run is not None:
        covered = {
            run.start + timedelta(days=i)
            for i in range(run.days)
            if start <= run.start + timedelta(days=i) <= end
        }
    planned_included: set[str] = set()
    if covered:
        by_plan = visits_made_continuity(
            start=min(covered),
            days=len(covered),
            customers=customers,
            visits=[v for c in customers for v in planned.get(c.id, [])],
        )
        planned_included = {r.customer for r in by_plan.customers if r.included}
    passed = {day for day in covered if day < as_of}
    rows = []
    for c in customers:
        own_made = made.get(c.id, [])
        own_planned = [v for v in planned.get(c.id, []) if v.day in covered]
        made_days = _per_day(own_made, passed)
        planned_days = _per_day(own_planned, passed)
        rows.append(
            CustomerComparison(
                person_pk=int(c.id[1:]),
                planned=_side(own_planned, c.fast_omsorgskontakt) if run is not None else None,
                made=_side(own_made, c.fast_omsorgskontakt),
                missed=sum(max(0, n - made_days.get(d, 0)) for d, n in planned_days.items()),
                extra=sum(max(0, n - planned_days.get(d, 0)) for d, n in made_days.items()),
                included=c.id in included,
                has_contact=c.fast_omsorgskontakt is not None,
                planned_included=c.id in planned_included,
            )
        )
    return PeriodComparison(start, days, run, len(covered), len(passed), tuple(rows), indicator)


def default_period_start(*, unit_pk: int) -> date:
    """The current plan's first day, else the 14 days up to today."""
    run = m.PlanRun.objects.filter(unit_id=unit_pk, status=m.PlanRun.Status.CURRENT).first()
    if run is not None:
        return run.start
    return clock.today() - timedelta(days=PERIOD_DAYS - 1)


# --- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    person_pk: int
    name: str
    row: CustomerComparison


@dataclass(frozen=True, slots=True)
class VisitsMadePage:
    unit: Unit
    period: PeriodComparison
    history: tuple[PeriodComparison, ...]
    """The chosen period first, then the ones before it."""
    customers: tuple[ComparisonRow, ...]

    @property
    def previous_start(self) -> date:
        return self.period.start - timedelta(days=PERIOD_DAYS)

    @property
    def next_start(self) -> date:
        return self.period.start + timedelta(days=PERIOD_DAYS)


def _history(
    unit_pk: int, start: date, person_pks: set[int] | None = None
) -> list[PeriodComparison]:
    return [
        period_comparison(
            unit_pk=unit_pk, start=start - timedelta(days=PERIOD_DAYS * i), person_pks=person_pks
        )
        for i in range(PERIODS_SHOWN)
    ]


def visits_made_page_get(*, actor: Actor, unit_pk: int, start: date | None) -> VisitsMadePage:
    """The unit's planned against made over the chosen period and the ones before it; the
    customers' names are read through the access check (logged, those not readable left out)."""
    unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    history = _history(unit.pk, start or default_period_start(unit_pk=unit.pk))
    period = history[0]
    by_pk = {c.person_pk: c for c in period.customers if c.planned or c.made.visits}
    people = list(Person.objects.filter(pk__in=by_pk).order_by("pk"))
    shown = persons_read(actor=actor, people=people, what="planning.visits_made")
    rows = sorted(
        (ComparisonRow(p.pk, p.name, by_pk[p.pk]) for p in shown),
        key=lambda r: (r.name, r.person_pk),
    )
    return VisitsMadePage(unit, period, tuple(history), tuple(rows))


@dataclass(frozen=True, slots=True)
class MadeVisitRow:
    day: date
    start: str
    end: str
    kind: str
    staff: str
    by_contact: bool


@dataclass(frozen=True, slots=True)
class CustomerVisitsPage:
    unit: Unit
    person: Person
    history: tuple[CustomerComparison | None, ...]
    periods: tuple[PeriodComparison, ...]
    contact: str
    visits: tuple[MadeVisitRow, ...]

    @property
    def rows(self) -> list[tuple[PeriodComparison, CustomerComparison | None]]:
        return list(zip(self.periods, self.history, strict=True))


def customer_visits_page_get(
    *, actor: Actor, unit_pk: int, person_pk: int, start: date | None
) -> CustomerVisitsPage:
    """One customer's planned against made per period, and the visits made in the chosen one.

    Someone who is not the unit's customer (no home-care decision there, no visits planned or
    made there) is ``NotFound``, as is someone outside the actor's care relationships
    (``person_read`` logs the refused attempt)."""
    try:
        unit = planning_unit_get(actor=actor, unit_pk=unit_pk)
    except DomainError:
        persons_named_refused_log(actor=actor, what="planning.visits_made", person_pks=[person_pk])
        raise
    person = person_read(actor=actor, what="planning.visits_made", person_pk=person_pk)
    is_customer = (
        HomeCareDecision.objects.filter(unit=unit, person=person).exists()
        or Visit.objects.filter(unit=unit, person=person).exists()
    )
    if not is_customer:
        raise NotFound(NOT_A_CUSTOMER)
    periods = _history(unit.pk, start or default_period_start(unit_pk=unit.pk), {person.pk})
    history = tuple(
        next((c for c in p.customers if c.person_pk == person.pk), None) for p in periods
    )
    period = periods[0]
    contact_pk = (
        Contact.objects.filter(person=person, kind="fast_omsorgskontakt", start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=min(period.end, clock.today())))
        .values_list("staff_id", flat=True)
        .first()
    )
    made = list(
        Visit.objects.filter(
            unit=unit, person=person, date__gte=period.start, date__lte=period.end
        ).order_by("date", "start", "pk")
    )
    names = dict(
        Staff.objects.filter(
            pk__in={v.staff_id for v in made} | ({contact_pk} if contact_pk else set())
        ).values_list(
            "pk", "name"
        )
    )
    kinds = dict(Visit._meta.get_field("kind").choices or [])  # noqa: SLF001 - the labels
    rows = tuple(
        MadeVisitRow(
            v.date,
            timezone.localtime(v.start).strftime("%H:%M") if v.start else "",
            timezone.localtime(v.end).strftime("%H:%M") if v.end else "",
            str(kinds.get(v.kind, v.kind)),
            names.get(v.staff_id, ""),
            v.staff_id == contact_pk,
        )
        for v in made
    )
    return CustomerVisitsPage(
        unit, person, history, tuple(periods), names.get(contact_pk, "") if contact_pk else "", rows
    )
