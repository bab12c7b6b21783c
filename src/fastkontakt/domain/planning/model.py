"""The planning problem and its answer: frozen snapshots the planner, checker and measures share.

Times of day are whole minutes after midnight (``450`` = 07:30); days are dates. Nothing here
knows about the solver: the checker and the continuity measures read these types only.

The travel-time model (:class:`SpeedModel`) turns coordinates into minutes. It is deliberately
simple and documented in ``docs/planning-formats.md`` so it can be replaced by a routing engine
later without touching the planner: everything asks :meth:`Instance.travel` for minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Literal, get_args

from fastkontakt.domain.model import VisitKind

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
MINUTES_PER_DAY = 24 * 60
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class SpeedModel:
    """Travel minutes from coordinates: great-circle distance made longer by a detour factor.

    ``minutes = ceil(km * detour / kmh * 60) + stop_minutes`` for two different places and 0 for
    the same place. The defaults describe a Swedish town by car: roads 1.35 times the straight
    line, 30 km/h door to door, 2 minutes to park and walk in.
    """

    kmh: float = 30.0
    detour: float = 1.35
    stop_minutes: int = 2

    def km(self, a: Location, b: Location) -> float:
        """Great-circle (haversine) distance in kilometres."""
        lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
        dlat = lat2 - lat1
        dlon = math.radians(b.lon - a.lon)
        h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))

    def minutes(self, a: Location, b: Location) -> int:
        if a == b:
            return 0
        return math.ceil(self.km(a, b) * self.detour / self.kmh * 60 - 1e-9) + self.stop_minutes


@dataclass(frozen=True, slots=True)
class VisitDemand:
    """A recurring visit granted to a customer: on the given weekdays, starting in a window."""

    id: str
    kind: VisitKind
    weekdays: tuple[Weekday, ...]
    earliest: int
    """Earliest start, minutes after midnight."""
    latest: int
    """Latest start, minutes after midnight."""
    duration: int
    staff_count: int = 1
    """2 for double staffing (both staff arrive together and stay the whole visit)."""
    competences: frozenset[str] = frozenset()
    """Every staff member on the visit needs all of them (``underskoterska``)."""
    delegations: frozenset[str] = frozenset()
    """Delegated medical tasks (``insulin``): one staff member on the visit needs all of them."""


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    location: Location
    born: date
    fast_omsorgskontakt: str | None
    demands: tuple[VisitDemand, ...]


@dataclass(frozen=True, slots=True)
class Break:
    """A break of ``minutes`` that must start between ``earliest`` and ``latest``."""

    earliest: int
    latest: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Shift:
    day: date
    start: int
    end: int
    breaks: tuple[Break, ...] = ()


@dataclass(frozen=True, slots=True)
class Absence:
    """Whole days away, both ends inclusive."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    location: Location
    """Where the working day starts and ends (usually the group's office)."""
    competences: frozenset[str]
    delegations: frozenset[str]
    shifts: tuple[Shift, ...]
    absences: tuple[Absence, ...] = ()

    def absent_on(self, day: date) -> bool:
        return any(a.covers(day) for a in self.absences)

    def shifts_on(self, day: date) -> tuple[Shift, ...]:
        """The shifts worked on ``day``: none when absent."""
        if self.absent_on(day):
            return ()
        return tuple(s for s in self.shifts if s.day == day)

    def qualified_for(self, demand: VisitDemand) -> bool:
        """Can make the visit alone, or be the one who does its delegated tasks."""
        return demand.competences <= self.competences and demand.delegations <= self.delegations

    def competent_for(self, demand: VisitDemand) -> bool:
        """Can be the second staff member of a double-staffed visit."""
        return demand.competences <= self.competences


@dataclass(frozen=True, slots=True)
class Visit:
    """One occurrence of a demand on one day: what the planner places."""

    id: str
    customer: str
    demand: VisitDemand
    day: date

    @property
    def earliest(self) -> int:
        return self.demand.earliest

    @property
    def latest(self) -> int:
        return self.demand.latest

    @property
    def duration(self) -> int:
        return self.demand.duration

    @property
    def staff_count(self) -> int:
        return self.demand.staff_count


def visit_id(customer: str, demand: str, day: date) -> str:
    return f"{customer}/{demand}/{day.isoformat()}"


def can_cover(staff: StaffMember, visit: Visit, *, as_second: bool = False) -> bool:
    """Staff could make the visit, ignoring travel, breaks and everyone else.

    Qualified (``as_second``: competent, for the second staff member of a double-staffed visit,
    who needs no delegation), present that day and with a shift in which some start in the
    window fits.
    """
    qualified = staff.competent_for if as_second else staff.qualified_for
    if not qualified(visit.demand):
        return False
    return any(
        max(shift.start, visit.earliest) <= visit.latest
        and max(shift.start, visit.earliest) + visit.duration <= shift.end
        for shift in staff.shifts_on(visit.day)
    )


@dataclass(frozen=True)
class Instance:
    """Customers, their visit demand, staff and shifts over ``days`` days from ``start``."""

    start: date
    days: int
    customers: tuple[Customer, ...]
    staff: tuple[StaffMember, ...]
    speed: SpeedModel = field(default_factory=SpeedModel)

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(self.days))

    @cached_property
    def customer_by_id(self) -> dict[str, Customer]:
        return {c.id: c for c in self.customers}

    @cached_property
    def staff_by_id(self) -> dict[str, StaffMember]:
        return {s.id: s for s in self.staff}

    def iter_visits(self) -> Iterator[Visit]:
        for day in self.dates:
            weekday = WEEKDAYS[day.weekday()]
            for customer in self.customers:
                for demand in customer.demands:
                    if weekday in demand.weekdays:
                        yield Visit(visit_id(customer.id, demand.id, day), customer.id, demand, day)

    @cached_property
    def visits(self) -> tuple[Visit, ...]:
        """Every visit of the horizon, by day, then in customer and demand order."""
        return tuple(self.iter_visits())

    @cached_property
    def visit_by_id(self) -> dict[str, Visit]:
        return {v.id: v for v in self.visits}

    def location_of(self, visit: Visit) -> Location:
        return self.customer_by_id[visit.customer].location

    def travel(self, a: Location, b: Location) -> int:
        return self.speed.minutes(a, b)

    def with_absences(self, absences: dict[str, tuple[Absence, ...]]) -> Instance:
        """The same instance with extra absences for some staff (to re-plan after them)."""
        staff = tuple(
            StaffMember(
                s.id, s.location, s.competences, s.delegations, s.shifts,
                s.absences + absences.get(s.id, ()),
            )
            for s in self.staff
        )
        return Instance(self.start, self.days, self.customers, staff, self.speed)


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    visit: str
    start: int
    staff: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedBreak:
    staff: str
    day: date
    start: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Weights:
    """What one unit of each term of the objective costs, in travel-minute equivalents.

    ``travel`` per travel minute; ``not_fast_omsorgskontakt`` per visit not made by the
    customer's fast omsorgskontakt; ``new_staff`` per extra distinct staff member a customer meets;
    ``change`` per visit whose staff differ from the previous plan (re-planning only);
    ``unplanned`` per visit left out (kept large: leaving a visit out is the last resort).
    """

    travel: int = 1
    not_fast_omsorgskontakt: int = 8
    new_staff: int = 60
    change: int = 30
    unplanned: int = 100_000

    @classmethod
    def travel_only(cls) -> Weights:
        return cls(travel=1, not_fast_omsorgskontakt=0, new_staff=0, change=0)

    @property
    def continuity(self) -> bool:
        return self.not_fast_omsorgskontakt > 0 or self.new_staff > 0


@dataclass(frozen=True)
class Plan:
    """Who makes which visit when, the breaks, and what could not be planned."""

    instance: Instance
    visits: tuple[PlannedVisit, ...]
    breaks: tuple[PlannedBreak, ...]
    unplanned: tuple[str, ...]
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @cached_property
    def by_visit(self) -> dict[str, PlannedVisit]:
        return {p.visit: p for p in self.visits}

    def routes(self) -> dict[tuple[str, date], list[PlannedVisit]]:
        """Each staff member's visits per day in start order."""
        routes: dict[tuple[str, date], list[PlannedVisit]] = {}
        visits = self.instance.visit_by_id
        for planned in self.visits:
            for staff in planned.staff:
                routes.setdefault((staff, visits[planned.visit].day), []).append(planned)
        for route in routes.values():
            route.sort(key=lambda p: (p.start, p.visit))
        return routes

    def travel_minutes(self) -> int:
        """Total travel of all staff: from the start location, between visits, and back."""
        instance = self.instance
        visits = instance.visit_by_id
        total = 0
        for (staff_id, _day), route in self.routes().items():
            here = instance.staff_by_id[staff_id].location
            for planned in route:
                there = instance.location_of(visits[planned.visit])
                total += instance.travel(here, there)
                here = there
            total += instance.travel(here, instance.staff_by_id[staff_id].location)
        return total
