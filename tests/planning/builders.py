"""A small home-care unit with planning data, small enough to check every figure by hand.

Three staff start at the office: Anna and Bo (undersköterskor, day shifts, delegated to hand
over medicines; Anna is Karin's fast omsorgskontakt) and Cecilia (vårdbiträde, evening shifts,
whose medicine delegation runs out on the second day). Karin, 1 km north of the office, has a
morning visit with medicines and an evening visit every day; Olle, 1 km east, a shower on the
second day that needs an undersköterska; Greta has a decision and demand but no coordinates.
The horizon is three days from tomorrow, so that the people are readable today (their home
care has begun) and re-planning keeps the plan's own horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.planning import Plan, PlannedBreak, PlannedVisit
from fastkontakt.domain.planning.model import WEEKDAYS
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import planning_instance_get
from fastkontakt.registry.models import Contact, HomeCareDecision, Person, Staff, Unit
from tests.factories import PersonFactory, StaffFactory, StaffUnitFactory, UnitFactory

OFFICE = (65.5848, 22.1547)
KARIN_AT = (65.593793, 22.1547)  # 1 km north
OLLE_AT = (65.5848, 22.175548)  # 1 km east
DAYS = 3
KARIN_BORN = date(1936, 1, 1)
OLLE_BORN = date(1950, 5, 5)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass
class World:
    unit: Unit
    start: date
    anna: Staff
    bo: Staff
    cecilia: Staff
    karin: Person
    olle: Person
    greta: Person
    karin_decision: HomeCareDecision
    olle_decision: HomeCareDecision
    morning: m.VisitDemand
    evening: m.VisitDemand
    shower: m.VisitDemand

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(DAYS)]


def _shift(
    unit: Unit, staff: Staff, day: date, hours: tuple[str, str], pause: tuple[str, str, int]
) -> m.Shift:
    shift = m.Shift.objects.create(
        unit=unit, staff=staff, date=day, start=hm(hours[0]), end=hm(hours[1])
    )
    m.ShiftBreak.objects.create(
        shift=shift, earliest=hm(pause[0]), latest=hm(pause[1]), minutes=pause[2]
    )
    return shift


def _decision(unit: Unit, person: Person, at: tuple[float, float] | None) -> HomeCareDecision:
    today = timezone.localdate()
    decision = HomeCareDecision.objects.create(
        person=person,
        unit=unit,
        start=today - timedelta(days=30),
        services=["personlig_omvardnad"],
    )
    if at is not None:
        m.CustomerLocation.objects.create(person=person, lat=at[0], lon=at[1])
    return decision


def build_world() -> World:
    unit = UnitFactory(name="Hemtjänst Norr", type="hemtjanst")
    start = timezone.localdate() + timedelta(days=1)
    office = m.StartLocation.objects.create(
        unit=unit, name="Gruppens lokal", lat=OFFICE[0], lon=OFFICE[1]
    )
    anna = StaffFactory(name="Anna Alm", profession="underskoterska", licensed=False)
    bo = StaffFactory(name="Bo Berg", profession="underskoterska", licensed=False)
    cecilia = StaffFactory(name="Cecilia Ek", profession="vardbitrade", licensed=False)
    for member in (anna, bo, cecilia):
        StaffUnitFactory(staff=member, unit=unit)
        m.PlanningStaff.objects.create(unit=unit, staff=member, start_location=office)
    for member in (anna, bo):
        m.Qualification.objects.create(staff=member, kind="competence", code="underskoterska")
        m.Qualification.objects.create(
            staff=member,
            kind="delegation",
            code="lakemedel",
            valid_from=start - timedelta(days=100),
            valid_until=start + timedelta(days=200),
        )
    m.Qualification.objects.create(
        staff=cecilia, kind="delegation", code="lakemedel", valid_until=start + timedelta(days=1)
    )
    for day in [start + timedelta(days=i) for i in range(DAYS)]:
        _shift(unit, anna, day, ("07:00", "15:30"), ("10:30", "13:00", 30))
        _shift(unit, bo, day, ("07:00", "15:30"), ("10:30", "13:00", 30))
        _shift(unit, cecilia, day, ("14:00", "22:00"), ("16:00", "18:00", 30))

    karin = PersonFactory(name="Karin Lind", personal_id=make_personal_id(KARIN_BORN, 123))
    olle = PersonFactory(name="Olle Berg", personal_id=make_personal_id(OLLE_BORN, 456))
    greta = PersonFactory(name="Greta Holm", personal_id=make_personal_id(date(1942, 2, 2), 789))
    karin_decision = _decision(unit, karin, KARIN_AT)
    olle_decision = _decision(unit, olle, OLLE_AT)
    greta_decision = _decision(unit, greta, None)
    Contact.objects.create(
        external_id="fok-karin",
        person=karin,
        kind="fast_omsorgskontakt",
        staff=anna,
        unit=unit,
        start=timezone.localdate() - timedelta(days=20),
    )
    daily = list(WEEKDAYS)
    morning = m.VisitDemand.objects.create(
        decision=karin_decision,
        code="morgon",
        label="Morgonbesök",
        kind="omsorg",
        weekdays=daily,
        earliest=hm("07:30"),
        latest=hm("09:30"),
        duration=25,
        delegations=["lakemedel"],
    )
    evening = m.VisitDemand.objects.create(
        decision=karin_decision,
        code="kvall",
        label="Kvällsbesök",
        kind="omsorg",
        weekdays=daily,
        earliest=hm("19:00"),
        latest=hm("21:00"),
        duration=20,
    )
    shower = m.VisitDemand.objects.create(
        decision=olle_decision,
        code="dusch",
        label="Dusch",
        kind="omsorg",
        weekdays=[WEEKDAYS[(start + timedelta(days=1)).weekday()]],
        earliest=hm("09:00"),
        latest=hm("13:00"),
        duration=40,
        competences=["underskoterska"],
    )
    m.VisitDemand.objects.create(
        decision=greta_decision,
        code="morgon",
        label="Morgonbesök",
        kind="omsorg",
        weekdays=daily,
        earliest=hm("08:00"),
        latest=hm("10:00"),
        duration=20,
    )
    return World(
        unit,
        start,
        anna,
        bo,
        cecilia,
        karin,
        olle,
        greta,
        karin_decision,
        olle_decision,
        morning,
        evening,
        shower,
    )


def hand_made_plan(w: World) -> Plan:
    """Anna makes Karin's mornings at 08:00, Cecilia her evenings at 19:30, Bo Olle's shower."""
    instance = planning_instance_get(unit_pk=w.unit.pk, start=w.start, days=DAYS).instance
    karin, olle = f"p{w.karin.pk}", f"p{w.olle.pk}"
    anna, bo, cecilia = f"s{w.anna.pk}", f"s{w.bo.pk}", f"s{w.cecilia.pk}"
    visits = []
    breaks = []
    for day in w.dates:
        visits.append(PlannedVisit(f"{karin}/d{w.morning.pk}/{day}", hm("08:00"), (anna,)))
        visits.append(PlannedVisit(f"{karin}/d{w.evening.pk}/{day}", hm("19:30"), (cecilia,)))
        breaks.append(PlannedBreak(anna, day, hm("10:30"), 30))
        breaks.append(PlannedBreak(cecilia, day, hm("16:00"), 30))
    visits.append(PlannedVisit(f"{olle}/d{w.shower.pk}/{w.dates[1]}", hm("10:00"), (bo,)))
    breaks.append(PlannedBreak(bo, w.dates[1], hm("11:00"), 30))
    return Plan(instance, tuple(visits), tuple(breaks), (), {"objective": 123, "seconds": 0.5})
