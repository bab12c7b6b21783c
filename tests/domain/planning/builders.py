"""Small hand-made planning instances and shorthands for the planning and continuity tests."""

from __future__ import annotations

from datetime import date, timedelta

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
)

START = date(2026, 11, 23)  # a Monday
OFFICE = Location(65.5848, 22.1547)
ELDER = date(1940, 5, 1)  # 86 on START


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def north(km: float) -> Location:
    """A place ``km`` kilometres north of the office."""
    return Location(round(OFFICE.lat + km / 111.2, 6), OFFICE.lon)


def demand(
    id: str = "morgon",
    window: tuple[str, str] = ("08:00", "09:00"),
    duration: int = 30,
    *,
    kind: str = "omsorg",
    days: tuple[str, ...] = WEEKDAYS,
    staff: int = 1,
    competences: tuple[str, ...] = (),
    delegations: tuple[str, ...] = (),
) -> VisitDemand:
    return VisitDemand(
        id, kind, days, hm(window[0]), hm(window[1]), duration,  # type: ignore[arg-type]
        staff, frozenset(competences), frozenset(delegations),
    )


def customer(
    id: str, *demands: VisitDemand, contact: str | None = None, at: Location = OFFICE,
    born: date = ELDER,
) -> Customer:
    return Customer(id, at, born, contact, demands)


def shifts(
    days: range | tuple[int, ...], start: str = "07:00", end: str = "16:00",
    pause: tuple[str, str, int] | None = ("11:00", "12:30", 30),
) -> tuple[Shift, ...]:
    breaks = (Break(hm(pause[0]), hm(pause[1]), pause[2]),) if pause else ()
    return tuple(Shift(START + timedelta(days=d), hm(start), hm(end), breaks) for d in days)


def member(
    id: str, worked: tuple[Shift, ...], *, competences: tuple[str, ...] = (),
    delegations: tuple[str, ...] = (), absent: tuple[tuple[int, int], ...] = (),
    at: Location = OFFICE,
) -> StaffMember:
    return StaffMember(
        id, at, frozenset(competences), frozenset(delegations), worked,
        tuple(Absence(START + timedelta(days=a), START + timedelta(days=b)) for a, b in absent),
    )


def instance(
    customers: tuple[Customer, ...], staff: tuple[StaffMember, ...], days: int = 1
) -> Instance:
    return Instance(START, days, customers, staff, SpeedModel())


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()
