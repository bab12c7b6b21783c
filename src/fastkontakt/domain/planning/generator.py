"""Realistic, reproducible home-care instances for tests and benchmarks (same seed, same file).

A municipality split into home-care groups of about 15 staff, each with an office that is where
its staff start and end their day and with customers scattered around it (a normal spread of
about a kilometre, as in a Swedish town district). The care mix follows what a municipal home
care unit typically has: a third service-only customers (cleaning, shopping, meal delivery),
30 % with one visit a day, a quarter with morning and evening visits, 8 % with four visits a
day and 2 % heavy customers with double staffing (a lift) morning and evening. Insulin and
medication visits need a delegation; heavy care needs an undersköterska.

Staff work day shifts (07:00-15:30) or evening shifts (14:00-22:00), each with a 30-minute
break in a window, ten days of fourteen (eight for part-time), and every other weekend; a third
of them work both weekends with more weekdays off, so that weekends are staffed at two thirds.
A few are sick for some days or on a week's leave. Each customer's fast omsorgskontakt is an
undersköterska on day shifts in the customer's group, customers split among them by direction
from the office so that each contact's customers lie together (a village's customers together,
after the town's).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import cast

from fastkontakt.domain.planning.model import (
    WEEKDAYS,
    Absence,
    Break,
    Customer,
    Instance,
    Location,
    Shift,
    SpeedModel,
    StaffMember,
    VisitDemand,
    Weekday,
)

CENTRE = Location(65.5848, 22.1547)  # Luleå
KM_PER_DEG_LAT = 111.2
DAY_SHIFT = (7 * 60, 15 * 60 + 30, Break(10 * 60 + 30, 13 * 60 + 30, 30))
EVENING_SHIFT = (14 * 60, 22 * 60, Break(15 * 60, 18 * 60, 30))
EVERY_DAY: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
US = frozenset({"underskoterska"})
UTILISATION = 0.65
"""Share of each shift type's working minutes (net of breaks) that its visits fill, with the
travel to each customer's nearest neighbour, when :func:`generate` staffs to demand."""


@dataclass(frozen=True)
class Shape:
    """How a municipality is laid out and staffed: the generator's parameters.

    The defaults are the town of the module docstring. ``villages`` places that many villages
    ``village_km`` from the town centre, where ``village_share`` of the customers live; with
    ``staff_in_villages`` each village has its own office and staff (a sparse inland
    municipality), otherwise the town's groups drive out. ``care`` weighs the levels service,
    one visit, light, medium and heavy; ``one_evening`` is the share of one-visit customers
    whose visit is in the evening; ``morning`` the start windows of the morning visits (light,
    medium, heavy: a narrow one makes a sharp peak); ``medium_double`` the share of medium
    customers whose morning visit needs two staff.
    """

    name: str = "town"
    day_shift: tuple[int, int, Break] = DAY_SHIFT
    evening_shift: tuple[int, int, Break] = EVENING_SHIFT
    evening_share: float = 0.45
    town_km: float = 2.5
    spread_km: float = 1.0
    villages: int = 0
    village_km: tuple[float, float] = (10.0, 25.0)
    village_share: float = 0.0
    village_spread_km: float = 0.6
    staff_in_villages: bool = False
    care: tuple[int, int, int, int, int] = (34, 30, 26, 8, 2)
    one_evening: float = 0.4
    morning: tuple[tuple[str, str], tuple[str, str], tuple[str, str]] = (
        ("07:00", "10:30"), ("07:00", "10:00"), ("07:00", "09:30")
    )
    medium_double: float = 0.0
    speed: SpeedModel = field(default_factory=SpeedModel)


TOWN = Shape()


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _offset(origin: Location, north_km: float, east_km: float) -> Location:
    lat = origin.lat + north_km / KM_PER_DEG_LAT
    lon = origin.lon + east_km / (KM_PER_DEG_LAT * math.cos(math.radians(origin.lat)))
    return Location(round(lat, 6), round(lon, 6))


def _demand(
    id: str, kind: str, days: tuple[Weekday, ...], window: tuple[str, str], duration: int, *,
    staff: int = 1, competences: frozenset[str] = frozenset(),
    delegations: frozenset[str] = frozenset(),
) -> VisitDemand:
    return VisitDemand(
        id, kind, days, _hm(window[0]), _hm(window[1]), duration,  # type: ignore[arg-type]
        staff, competences, delegations,
    )


def _customer_demands(rng: random.Random, shape: Shape = TOWN) -> tuple[VisitDemand, ...]:
    level = rng.choices(
        ["service", "one", "light", "medium", "heavy"], weights=list(shape.care)
    )[0]
    light_morning, medium_morning, heavy_morning = shape.morning
    weekday = cast(Weekday, rng.choice(WEEKDAYS[:5]))
    other_weekday = cast(Weekday, rng.choice(WEEKDAYS[:5]))
    medication = frozenset({"lakemedel"}) if rng.random() < 0.4 else frozenset()
    insulin = frozenset({"insulin"}) if rng.random() < 0.1 else frozenset()
    care = medication | insulin
    demands: list[VisitDemand] = []
    meals = 0.5 if level == "service" else 0.2 if level in ("one", "light") else 0.0
    if rng.random() < meals:
        demands.append(_demand("mat", "matdistribution", EVERY_DAY, ("10:30", "12:00"), 5))
    if level == "service":
        demands.append(_demand("stad", "serviceinsats", (weekday,), ("09:00", "14:00"), 45))
        demands.append(_demand("inkop", "serviceinsats", (other_weekday,), ("10:00", "14:00"), 30))
        return tuple(demands)
    if level == "one":
        if rng.random() < 1 - shape.one_evening:
            demands.append(_demand("morgon", "omsorg", EVERY_DAY, ("08:00", "11:00"), 20,
                                   delegations=medication))
        else:
            demands.append(_demand("kvall", "omsorg", EVERY_DAY, ("18:00", "21:00"), 15,
                                   delegations=medication))
    elif level == "light":
        demands.append(_demand("morgon", "omsorg", EVERY_DAY, light_morning, 20,
                               delegations=care))
        demands.append(_demand("kvall", "omsorg", EVERY_DAY, ("18:30", "21:30"), 15,
                               delegations=care))
    elif level == "medium":
        double = 2 if shape.medium_double and rng.random() < shape.medium_double else 1
        demands.append(_demand("morgon", "omsorg", EVERY_DAY, medium_morning, 25, staff=double,
                               competences=US if double == 2 else frozenset(),
                               delegations=care))
        demands.append(_demand("lunch", "omsorg", EVERY_DAY, ("11:00", "13:00"), 15))
        demands.append(_demand("middag", "omsorg", EVERY_DAY, ("16:00", "18:00"), 15,
                               delegations=insulin))
        demands.append(_demand("kvall", "omsorg", EVERY_DAY, ("19:00", "21:30"), 15,
                               delegations=medication))
    else:
        demands.append(_demand("morgon", "omsorg", EVERY_DAY, heavy_morning, 30, staff=2,
                               competences=US, delegations=care))
        demands.append(_demand("lunch", "omsorg", EVERY_DAY, ("11:00", "13:00"), 20,
                               competences=US))
        demands.append(_demand("middag", "omsorg", EVERY_DAY, ("16:00", "18:00"), 20,
                               competences=US, delegations=insulin))
        demands.append(_demand("kvall", "omsorg", EVERY_DAY, ("19:00", "21:00"), 20, staff=2,
                               competences=US, delegations=medication))
    shower_staff = 2 if level == "heavy" else 1
    demands.append(_demand("dusch", "omsorg", (weekday,), ("09:00", "14:00"), 30,
                           staff=shower_staff))
    if rng.random() < 0.3:
        demands.append(_demand("stad", "serviceinsats", (other_weekday,), ("09:00", "14:00"), 45))
    return tuple(demands)


def _days_worked(pattern: str, part_time: bool, scheduled: dict[int, int]) -> list[int]:
    """Day numbers 0..13 worked in the two weeks starting on a Monday.

    Days off go to the weekdays already best staffed (``scheduled`` counts the staff of the same
    group and shift type per day, and is updated), so every weekday ends up about as staffed,
    and first to the weeks with weekend work, so no one works twelve days running.
    """
    weekends = {"A": [5, 6], "B": [12, 13], "C": [5, 6, 12, 13]}[pattern]
    weekdays = [d for d in range(14) if d % 7 < 5]
    off = {"A": 2, "B": 2, "C": 4}[pattern] + (2 if part_time else 0)
    weeks_with_weekend = {d // 7 for d in weekends}
    order = sorted(
        weekdays, key=lambda d: (d // 7 not in weeks_with_weekend, -scheduled.get(d, 0), d)
    )
    days_off = set(order[:off])
    worked = sorted([d for d in weekdays if d not in days_off] + weekends)
    for d in worked:
        scheduled[d] = scheduled.get(d, 0) + 1
    return worked


def _villages(rng: random.Random, shape: Shape) -> list[Location]:
    places = []
    for v in range(shape.villages):
        km = rng.uniform(*shape.village_km)
        angle = 2 * math.pi * (v + rng.uniform(-0.3, 0.3)) / shape.villages
        places.append(_offset(CENTRE, km * math.sin(angle), km * math.cos(angle)))
    return places


def _fits(shift: tuple[int, int, Break], visit_earliest: int, latest: int, duration: int) -> bool:
    first = max(shift[0], visit_earliest)
    return first <= latest and first + duration <= shift[1]


def shift_loads(instance: Instance, shape: Shape) -> dict[str, tuple[float, int, int]]:
    """Per shift type (``day``, ``evening``): how many of its staff the visits need, against
    how many it has, on the day where the two are furthest apart.

    A visit belongs to the day shifts when a day shift can make it, otherwise to the evening;
    it takes its duration plus the travel from the customer's nearest neighbour, for each staff
    member it needs. The staff needed on a day is the larger of two lower bounds: the visits'
    minutes over the shifts' working minutes (net of breaks), and the peak, the most minutes
    of visits that must fit between two times over the minutes between them (the morning
    visits before 10:30, say). Returned as (staff needed, staff present) on that day, and
    how many staff work the shift type at all.
    """
    customers = instance.customers
    nearest = {
        c.id: min(
            (instance.travel(c.location, o.location) for o in customers if o.id != c.id),
            default=0,
        )
        for c in customers
    }
    kinds = {"day": shape.day_shift, "evening": shape.evening_shift}
    bands: dict[tuple[str, date], list[tuple[int, int, int]]] = {}
    for visit in instance.visits:
        kind = (
            "day" if _fits(shape.day_shift, visit.earliest, visit.latest, visit.duration)
            else "evening"
        )
        minutes = (visit.duration + nearest[visit.customer]) * visit.staff_count
        bands.setdefault((kind, visit.day), []).append(
            (visit.earliest, visit.latest + visit.duration, minutes)
        )
    present: dict[tuple[str, date], int] = {}
    members: dict[str, set[str]] = {"day": set(), "evening": set()}
    for member in instance.staff:
        for shift in member.shifts:
            kind = "day" if shift.start == shape.day_shift[0] else "evening"
            members[kind].add(member.id)
            if not member.absent_on(shift.day):
                present[kind, shift.day] = present.get((kind, shift.day), 0) + 1
    result: dict[str, tuple[float, int, int]] = {}
    for kind, (start, end, pause) in kinds.items():
        worst = (0.0, 1)
        for day in instance.dates:
            visits = bands.get((kind, day), [])
            needed = sum(m for _, _, m in visits) / (end - start - pause.minutes)
            for a in {s for s, _, _ in visits}:
                for b in {e for _, e, _ in visits}:
                    if b > a:
                        inside = sum(m for s, e, m in visits if a <= s and e <= b)
                        needed = max(needed, inside / (b - a))
            have = max(1, present.get((kind, day), 0))
            if needed * worst[1] > worst[0] * have:
                worst = (needed, have)
        result[kind] = (*worst, len(members[kind]))
    return result


def _staffing(
    customers: int, days: int, seed: int, start: date, group_size: int, shape: Shape
) -> Instance:
    """The instance staffed so that no shift type needs more than ``UTILISATION`` of its staff.

    Starts from one staff member per five customers and adds staff to the shift types short of
    it, as the loads of the last attempt say (the rota and the absences depend on the count, so
    this takes a few rounds; a count never goes down).
    """
    counts = {"day": customers // 10 + 1, "evening": customers // 10 + 1}
    made = None
    for _ in range(8):
        total = counts["day"] + counts["evening"]
        made = _generate(
            customers, total, days, seed, start, group_size,
            replace(shape, evening_share=counts["evening"] / total),
        )
        loads = shift_loads(made, shape)
        if all(need <= UTILISATION * present for need, present, _ in loads.values()):
            return made
        counts = {
            kind: max(counts[kind], members + 1 if need > UTILISATION * present else members,
                      math.ceil(members * need / (UTILISATION * present)))
            for kind, (need, present, members) in loads.items()
        }
    assert made is not None  # noqa: S101 - the loop runs
    return made


def generate(
    *, customers: int, staff: int | None, days: int = 14, seed: int = 1,
    start: date = date(2026, 11, 23), group_size: int = 15, shape: Shape = TOWN,
) -> Instance:
    """An instance of ``customers`` customers and ``staff`` staff over ``days`` days from
    ``start`` (a Monday keeps the rota's weekends on weekends), laid out as ``shape`` says.

    With ``staff=None`` the municipality is staffed to its demand, as a unit would be: the
    number of staff and the share on evening shifts are chosen so that each shift type's
    visits need at most ``UTILISATION`` of the staff it has on its busiest day
    (:func:`shift_loads`, :func:`_staffing`).
    """
    if staff is None:
        return _staffing(customers, days, seed, start, group_size, shape)
    return _generate(customers, staff, days, seed, start, group_size, shape)


def _generate(
    customers: int, staff: int, days: int, seed: int, start: date, group_size: int, shape: Shape
) -> Instance:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, nothing secret
    villages = _villages(rng, shape) if shape.villages else []
    own_offices = villages if shape.staff_in_villages else []
    town_staff = staff - round(staff * shape.village_share) if own_offices else staff
    groups = max(1, round(town_staff / group_size))
    offices = [
        _offset(CENTRE, shape.town_km * math.sin(2 * math.pi * g / groups),
                shape.town_km * math.cos(2 * math.pi * g / groups)) if groups > 1 else CENTRE
        for g in range(groups)
    ]
    offices += own_offices
    groups = len(offices)
    staff_members: list[StaffMember] = []
    day_staff_by_group: list[list[str]] = [[] for _ in range(groups)]
    scheduled: dict[tuple[int, bool], dict[int, int]] = {}
    # Staff go round the groups; with offices in the villages, the town's share of the staff
    # round the town's groups and the rest round the villages', as the customers are split.
    town_groups = groups - len(own_offices)
    member_of = [
        (i % town_groups, i // town_groups, len(range(i % town_groups, town_staff, town_groups)))
        if i < town_staff
        else (
            town_groups + (i - town_staff) % len(own_offices),
            (i - town_staff) // len(own_offices),
            len(range((i - town_staff) % len(own_offices), staff - town_staff, len(own_offices))),
        )
        for i in range(staff)
    ]
    for i in range(staff):
        group, rank, in_group = member_of[i]
        evening = rank >= round((1 - shape.evening_share) * in_group)
        pattern = "ABC"[rank % 3]
        part_time = rng.random() < 0.15
        shift_start, shift_end, pause = shape.evening_shift if evening else shape.day_shift
        rota = _days_worked(pattern, part_time, scheduled.setdefault((group, evening), {}))
        worked = [d for d in rota if d < days]
        shifts = tuple(
            Shift(start + timedelta(days=d), shift_start, shift_end, (pause,)) for d in worked
        )
        competences = US if rng.random() < 0.85 or rank % 11 < 2 else frozenset()
        delegations = set()
        if rng.random() < 0.9 or rank % 11 < 2:
            delegations.add("lakemedel")
        if rng.random() < 0.3 or rank % 4 == 0:
            delegations.add("insulin")
        absences: list[Absence] = []
        roll = rng.random()
        if roll < 0.06:
            first = start + timedelta(days=rng.randrange(max(1, days - 3)))
            absences.append(Absence(first, first + timedelta(days=rng.randint(1, 3))))
        elif roll < 0.09:
            first = start + timedelta(days=rng.randrange(max(1, days - 6)))
            absences.append(Absence(first, first + timedelta(days=6)))
        staff_id = f"s{i + 1:03d}"
        staff_members.append(StaffMember(
            staff_id, offices[group], competences, frozenset(delegations), shifts,
            tuple(absences),
        ))
        if not evening and "underskoterska" in competences:
            day_staff_by_group[group].append(staff_id)

    # (group, where in the group, place): the group's contacts take its customers in that order,
    # so each contact's customers lie together: by direction from the office in town, and a
    # village's customers after the town's, village by village.
    placed: list[tuple[int, tuple[int, float], Location]] = []
    for _ in range(customers):
        if villages and rng.random() < shape.village_share:
            v = rng.randrange(len(villages))
            north = rng.gauss(0, shape.village_spread_km)
            east = rng.gauss(0, shape.village_spread_km)
            where = _offset(villages[v], north, east)
            group = town_groups + v if own_offices else min(
                range(town_groups), key=lambda g: shape.speed.km(offices[g], where)
            )
            home = offices[group]
            angle = math.atan2(where.lat - home.lat, where.lon - home.lon)
            placed.append((group, (v, angle), where))
            continue
        group = rng.randrange(town_groups)
        north, east = rng.gauss(0, shape.spread_km), rng.gauss(0, shape.spread_km)
        placed.append(
            (group, (-1, math.atan2(north, east)), _offset(offices[group], north, east))
        )
    contact_of: dict[int, str | None] = {}
    for group in range(groups):
        members = [k for k, (g, _, _) in enumerate(placed) if g == group]
        members.sort(key=lambda k: placed[k][1])
        contacts = day_staff_by_group[group]
        for rank, k in enumerate(members):
            contact_of[k] = contacts[rank * len(contacts) // len(members)] if contacts else None
    result: list[Customer] = []
    for k, (_, _, location) in enumerate(placed):
        old = rng.random() < 0.88
        born = date(rng.randint(1925, 1958) if old else rng.randint(1962, 1995),
                    rng.randint(1, 12), rng.randint(1, 28))
        contact = contact_of[k] if rng.random() < 0.97 else None
        result.append(
            Customer(f"k{k + 1:04d}", location, born, contact, _customer_demands(rng, shape))
        )
    return Instance(start, days, tuple(result), tuple(staff_members), shape.speed)


#: The municipalities the planner must hold in (issue 18), by name. Shifts in minutes.
SHAPES: dict[str, Shape] = {
    "dense-town": Shape(name="dense-town", town_km=1.5, spread_km=0.6),
    "town-villages": Shape(
        name="town-villages",
        day_shift=(7 * 60, 16 * 60, Break(10 * 60 + 30, 13 * 60 + 30, 30)),
        evening_shift=(13 * 60 + 30, 21 * 60 + 30, Break(16 * 60, 18 * 60, 30)),
        villages=5,
        village_share=0.35,
        morning=(("07:00", "09:00"), ("07:00", "08:30"), ("07:00", "08:30")),
        speed=SpeedModel(kmh=40.0, detour=1.3),
    ),
    "sparse-inland": Shape(
        name="sparse-inland",
        villages=6,
        village_km=(15.0, 60.0),
        village_share=0.6,
        village_spread_km=2.0,
        staff_in_villages=True,
        spread_km=1.5,
        speed=SpeedModel(kmh=55.0, detour=1.25),
    ),
    "evening-heavy": Shape(
        name="evening-heavy", evening_share=0.6, care=(20, 30, 30, 15, 5), one_evening=0.7
    ),
    "many-double": Shape(name="many-double", care=(25, 25, 25, 15, 10), medium_double=0.4),
}
