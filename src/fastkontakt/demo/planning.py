"""The demo region's visit planning: offices, planning staff with competences and delegations,
four weeks of shifts, customers' coordinates and visit demand, and a first plan for one unit.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, system_actor
from fastkontakt.domain.planning import Weights, plan
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import (
    HORIZON_DAYS,
    planning_instance_get,
)
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.planning.services import customer_location_set, visit_demands_derive
from fastkontakt.registry.models import Contact, HomeCareDecision, Staff, Unit

#: Offices of the demo region's home-care areas (``demo.catalogue``), by the end of the unit name.
_AREA_OFFICES = {
    ("Luleå", "Centrum"): (65.5848, 22.1547),
    ("Luleå", "Hertsön"): (65.5650, 22.2310),
    ("Luleå", "Björkskatan"): (65.6150, 22.1050),
    ("Luleå", "Gammelstad"): (65.6460, 21.9990),
    ("Luleå", "Råneå"): (65.8570, 22.3030),
    ("Kiruna", "Centrum"): (67.8557, 20.2253),
    ("Kiruna", "Lombolo"): (67.8600, 20.2450),
    ("Gällivare", "Centrum"): (67.1339, 20.6528),
    ("Gällivare", "Malmberget"): (67.1750, 20.6600),
}
_RURAL = {"Råneå"}
_DAY_SHIFT = (7 * 60, 15 * 60 + 30, (10 * 60 + 30, 13 * 60, 30))
_EVENING_SHIFT = (14 * 60, 22 * 60, (16 * 60, 18 * 60, 30))
_CARERS = ("underskoterska", "vardbitrade")
KM_PER_DEGREE = 111.2


@dataclass(frozen=True, slots=True)
class DemoSeedSummary:
    units: int
    customers: int
    staff: int
    planned_unit: str
    planned: int
    unplanned: int
    seconds: float

    def __str__(self) -> str:
        if not self.units:
            return "Besöksplanering: demoregionen har ingen hemtjänstenhet."
        text = (
            f"Besöksplanering: underlag för {self.units} hemtjänstenheter "
            f"({self.customers} kunder, {self.staff} medarbetare)"
        )
        if self.planned_unit:
            text += (
                f"; första plan för {self.planned_unit}: {self.planned} besök, "
                f"{self.unplanned} ej planerade ({self.seconds:.0f} s)"
            )
        return text + "."


def _office(unit: Unit, index: int) -> tuple[float, float]:
    for (town, area), place in _AREA_OFFICES.items():
        if town in unit.name and unit.name.endswith(area):
            return place
    # A unit the demo did not name: somewhere near Luleå, one per unit.
    return (65.58 + 0.02 * index, 22.15 + 0.03 * index)


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    north, east = rng.gauss(0, km), rng.gauss(0, km)
    return (
        round(lat + north / KM_PER_DEGREE, 6),
        round(lon + east / (KM_PER_DEGREE * math.cos(math.radians(lat))), 6),
    )


def _rota(
    carers: list[Staff], contacts: set[int], first: date, days: int
) -> list[tuple[Staff, date, tuple[int, int, tuple[int, int, int]]]]:
    """Day and evening shifts over ``days`` days from the Monday ``first``: every other weekend,
    ten days of fourteen. The fast omsorgskontakter work days, when the customers' care is."""
    # Contacts first, then the other undersköterskor, then vårdbiträden: the mornings, with
    # the double-staffed visits, need the most undersköterskor; the last take the evenings.
    ordered = sorted(
        carers,
        key=lambda s: (s.pk not in contacts, s.profession != "underskoterska", s.pk),
    )
    evening_from = max(1, round(len(ordered) * 0.55))
    shifts = []
    for rank, member in enumerate(ordered):
        kind = _EVENING_SHIFT if rank >= evening_from and len(ordered) > 2 else _DAY_SHIFT
        weekend_week = rank % 2
        for offset in range(days):
            day = first + timedelta(days=offset)
            week, weekday = divmod(offset, 7)
            if weekday >= 5:
                works = week % 2 == weekend_week
            elif week % 2 == weekend_week:
                # The week with a weekend has two weekdays off, spread over the group.
                works = weekday not in {rank % 5, (rank + 2) % 5}
            else:
                works = True
            if works:
                shifts.append((member, day, kind))
    return shifts


def planning_demo_seed(
    *, as_of: date, seed: int = 1, time_limit: float = 5.0, days: int = HORIZON_DAYS
) -> DemoSeedSummary:
    """Planning data for every home-care unit of the demo region, and a first plan for one.

    From the registry the demo loaded: an office per unit, the unit's undersköterskor and
    vårdbiträden as planning staff with competences, delegations and four weeks of shifts from
    the Monday of ``as_of``'s week, coordinates for each customer with a current home-care
    decision, and visit demand from the decision's services. Then the demo user's home-care
    unit (the first by HSA-id) gets a plan of ``days`` days from ``as_of``, made within about
    ``time_limit`` seconds. Reproducible for the same ``seed``.
    """
    actor = system_actor("cli:seed-demo")
    units = list(Unit.objects.filter(type="hemtjanst").order_by("hsa_id"))
    customers = staff = 0
    with write_transaction():
        for index, unit in enumerate(units):
            added = _demo_unit(actor, unit, index, as_of, seed)
            customers += added[0]
            staff += added[1]
    if not units:
        return DemoSeedSummary(0, 0, 0, "", 0, 0, 0.0)
    unit = units[0]
    made = plan(
        planning_instance_get(unit_pk=unit.pk, start=as_of, days=days).instance,
        time_limit=time_limit,
        weights=Weights(),
    )
    plan_store(actor=actor, unit=unit, plan=made)
    return DemoSeedSummary(
        len(units),
        customers,
        staff,
        unit.name,
        len(made.visits),
        len(made.unplanned),
        float(made.stats.get("seconds", 0.0)),
    )


def _demo_unit(actor: Actor, unit: Unit, index: int, as_of: date, seed: int) -> tuple[int, int]:
    lat, lon = _office(unit, index)
    rural = any(unit.name.endswith(area) for area in _RURAL)
    if rural:
        m.TravelSpeed.objects.update_or_create(
            unit=unit, defaults={"kmh": 45.0, "detour": 1.3, "stop_minutes": 2}
        )
    office, _ = m.StartLocation.objects.get_or_create(
        unit=unit, name="Gruppens lokal", defaults={"lat": lat, "lon": lon}
    )
    # A carer who works at two units of the demo is planned at the first only: two units'
    # shifts for one person would overlap.
    elsewhere = m.PlanningStaff.objects.exclude(unit=unit).values("staff_id")
    carers = list(
        Staff.objects.filter(workplaces__unit=unit, profession__in=_CARERS)
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gte=as_of))
        .exclude(pk__in=elsewhere)
        .order_by("pk")
    )
    for member in carers:
        m.PlanningStaff.objects.get_or_create(
            unit=unit, staff=member, defaults={"start_location": office}
        )
        rng = random.Random(f"{seed}-staff-{member.pk}")  # noqa: S311 - demo data
        wanted: list[tuple[str, str, date | None]] = []
        if member.profession == "underskoterska":
            wanted.append(("competence", "underskoterska", None))
            if rng.random() < 0.5:
                wanted.append(("competence", "lyft", None))
        # Most undersköterskor in home care hold a delegation for medicines; fewer biträden.
        if member.profession == "underskoterska" or rng.random() < 0.5:
            wanted.append(("delegation", "lakemedel", as_of + timedelta(days=rng.randint(60, 330))))
        if member.profession == "underskoterska" and rng.random() < 0.35:
            wanted.append(("delegation", "insulin", as_of + timedelta(days=rng.randint(60, 330))))
        for kind, code, until in wanted:
            m.Qualification.objects.get_or_create(
                staff=member,
                kind=kind,
                code=code,
                defaults={"valid_from": as_of - timedelta(days=30), "valid_until": until},
            )
    decisions = list(
        HomeCareDecision.objects.filter(unit=unit, start__lte=as_of)
        .filter(Q(end__isnull=True) | Q(end__gte=as_of))
        .select_related("person", "unit")
        .order_by("person_id", "pk")
    )
    contacts = set(
        Contact.objects.filter(unit=unit, kind="fast_omsorgskontakt", end__isnull=True).values_list(
            "staff_id", flat=True
        )
    )
    monday = as_of - timedelta(days=as_of.weekday())
    if not m.Shift.objects.filter(unit=unit, date__gte=monday).exists():
        for member, day, (start, end, (earliest, latest, minutes)) in _rota(
            carers, contacts, monday, 28
        ):
            shift = m.Shift.objects.create(unit=unit, staff=member, date=day, start=start, end=end)
            m.ShiftBreak.objects.create(
                shift=shift, earliest=earliest, latest=latest, minutes=minutes
            )
    seen: set[int] = set()
    for decision in decisions:
        person = decision.person
        if person.pk not in seen and not hasattr(person, "location"):
            rng = random.Random(f"{seed}-person-{person.pk}")  # noqa: S311 - demo data
            plat, plon = _near(rng, lat, lon, 3.0 if rural else 1.0)
            customer_location_set(actor=actor, unit=unit, person=person, lat=plat, lon=plon)
        seen.add(person.pk)
        visit_demands_derive(actor=actor, decision=decision, on=as_of)
    return len(seen), len(carers)
