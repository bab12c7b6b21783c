"""Building the planner's instance from the tables: a small unit checked field by field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fastkontakt.domain.planning import (
    Absence,
    Break,
    Customer,
    Instance,
    Location,
    Shift,
    SpeedModel,
    StaffMember,
    VisitDemand,
)
from fastkontakt.domain.planning.model import WEEKDAYS
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import planning_instance_get
from fastkontakt.registry.models import Absence as RegistryAbsence
from fastkontakt.registry.models import HomeCareDecision
from tests.factories import PersonFactory, UnitFactory
from tests.planning.builders import (
    DAYS,
    KARIN_AT,
    KARIN_BORN,
    OFFICE,
    OLLE_AT,
    OLLE_BORN,
    build_world,
)


@pytest.mark.django_db
def test_the_instance_has_the_units_staff_shifts_customers_and_demand() -> None:
    # given
    w = build_world()
    office = Location(*OFFICE)
    days = w.dates
    day_shifts = tuple(Shift(d, 420, 930, (Break(630, 780, 30),)) for d in days)
    evening_shifts = tuple(Shift(d, 840, 1320, (Break(960, 1080, 30),)) for d in days)

    # when
    result = planning_instance_get(unit_pk=w.unit.pk, start=w.start, days=DAYS)

    # then
    us, medicines = frozenset({"underskoterska"}), frozenset({"lakemedel"})
    assert result.instance == Instance(
        w.start,
        DAYS,
        (
            Customer(
                f"p{w.karin.pk}",
                Location(*KARIN_AT),
                KARIN_BORN,
                f"s{w.anna.pk}",
                (
                    VisitDemand(
                        f"d{w.morning.pk}",
                        "omsorg",
                        WEEKDAYS,
                        450,
                        570,
                        25,
                        1,
                        frozenset(),
                        medicines,
                    ),
                    VisitDemand(
                        f"d{w.evening.pk}",
                        "omsorg",
                        WEEKDAYS,
                        1140,
                        1260,
                        20,
                        1,
                        frozenset(),
                        frozenset(),
                    ),
                ),
            ),
            Customer(
                f"p{w.olle.pk}",
                Location(*OLLE_AT),
                OLLE_BORN,
                None,
                (
                    VisitDemand(
                        f"d{w.shower.pk}",
                        "omsorg",
                        (WEEKDAYS[days[1].weekday()],),
                        540,
                        780,
                        40,
                        1,
                        us,
                        frozenset(),
                    ),
                ),
            ),
        ),
        (
            # Cecilia's delegation runs out on the second day: not relied on at all.
            StaffMember(f"s{w.anna.pk}", office, us, medicines, day_shifts),
            StaffMember(f"s{w.bo.pk}", office, us, medicines, day_shifts),
            StaffMember(f"s{w.cecilia.pk}", office, frozenset(), frozenset(), evening_shifts),
        ),
        SpeedModel(),
    )
    assert result.without_location == (w.greta.pk,)
    # 1 km north: ceil(1 km * 1.35 / 30 km/h * 60) + 2 minutes to park and walk in.
    assert result.instance.travel(office, Location(*KARIN_AT)) == 5
    assert [v.id for v in result.instance.visits if v.customer == f"p{w.olle.pk}"] == [
        f"p{w.olle.pk}/d{w.shower.pk}/{days[1].isoformat()}"
    ]


@pytest.mark.django_db
def test_absences_departures_ended_decisions_and_the_units_speed_count() -> None:
    # given
    w = build_world()
    RegistryAbsence.objects.create(staff=w.bo, start=w.dates[1], end=w.dates[1])
    RegistryAbsence.objects.create(
        staff=w.bo, start=w.start - timedelta(days=9), end=w.start - timedelta(days=5)
    )  # before the horizon
    w.cecilia.employment_end = w.dates[1]
    w.cecilia.save()
    w.olle_decision.end = w.start - timedelta(days=1)
    w.olle_decision.save()
    elsewhere = UnitFactory(type="hemtjanst")
    HomeCareDecision.objects.create(
        person=PersonFactory(), unit=elsewhere, start=w.start, services=["dusch"]
    )
    m.TravelSpeed.objects.create(unit=w.unit, kmh=45.0, detour=1.3, stop_minutes=3)
    w.anna.employment_end = w.start - timedelta(days=1)
    w.anna.save()

    # when
    result = planning_instance_get(unit_pk=w.unit.pk, start=w.start, days=DAYS)

    # then
    instance = result.instance
    assert [c.id for c in instance.customers] == [f"p{w.karin.pk}"]
    # Anna has left: she is not planned, so Karin has no contact in the plan.
    assert instance.customers[0].fast_omsorgskontakt is None
    assert [s.id for s in instance.staff] == [f"s{w.bo.pk}", f"s{w.cecilia.pk}"]
    bo, cecilia = instance.staff
    assert bo.absences == (Absence(w.dates[1], w.dates[1]),)
    assert cecilia.absences == (Absence(w.dates[2], w.dates[2]),)
    assert instance.speed == SpeedModel(45.0, 1.3, 3)
