"""The visits a home-care decision's services usually mean: a starting point for the coordinator.

A biståndsbeslut grants services (``personlig_omvardnad``, ``dusch``, ``inkop`` ...), not
visits; how often and when is agreed with the customer in the genomförandeplan. These
templates turn services into the common pattern of a Swedish home-care unit, so that planning
data exists as soon as a decision does; the coordinator then adjusts each customer's
``VisitDemand`` rows. Alarm call-outs (``trygghetslarm``) are not planned: they come when the
customer presses the alarm.

Weekly services fall on a weekday spread by the person's number, so that not every customer's
cleaning lands on Monday. Nothing here reads the database or a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastkontakt.domain.planning.model import WEEKDAYS

DAILY = WEEKDAYS
WORKDAYS = WEEKDAYS[:5]
HEAVY_NEED = "stort_omvardnadsbehov"
US = ("underskoterska",)


@dataclass(frozen=True, slots=True)
class DemandTemplate:
    code: str
    label: str
    kind: str
    weekdays: tuple[str, ...]
    earliest: int
    latest: int
    duration: int
    staff_count: int = 1
    competences: tuple[str, ...] = ()
    delegations: tuple[str, ...] = ()


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _template(
    code: str,
    label: str,
    kind: str,
    days: tuple[str, ...],
    window: tuple[str, str],
    minutes: int,
    *,
    staff: int = 1,
    competences: tuple[str, ...] = (),
    delegations: tuple[str, ...] = (),
) -> DemandTemplate:
    return DemandTemplate(
        code, label, kind, days, _hm(window[0]), _hm(window[1]), minutes, staff, competences,
        delegations,
    )  # fmt: skip


def demand_templates(
    *,
    services: tuple[str, ...] | list[str],
    needs: tuple[str, ...] | list[str],
    born: date,
    on: date,
    spread: int,
) -> list[DemandTemplate]:
    """The usual visits for ``services`` of a customer born ``born``, as of ``on``.

    Personal care is a morning and an evening visit; a large care need or 90 years or more adds
    lunch and dinner. A large care need asks for an undersköterska, and at 90 or more it makes
    the morning visit double-staffed (getting up with a lift). From 80 years, or with a large
    care need, morning and evening include handing over medicines (a delegation).
    """
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    heavy = HEAVY_NEED in needs
    care = US if heavy else ()
    medicines = ("lakemedel",) if age >= 80 or heavy else ()
    day = [WORKDAYS[(spread + k) % len(WORKDAYS)] for k in range(len(WORKDAYS))]
    result: list[DemandTemplate] = []
    if "personlig_omvardnad" in services:
        pair = heavy and age >= 90
        morning = ("07:15", "10:00")
        if pair:
            # Double-staffed visits are booked at staggered times, so that one pair of staff
            # can go from one such customer to the next.
            first = 7 * 60 + 15 + 40 * (spread % 3)
            morning = (_fmt(first), _fmt(first + 105))
        result.append(_template(
            "morgon", "Morgonbesök", "omsorg", DAILY, morning, 35 if heavy else 25,
            staff=2 if pair else 1, competences=care, delegations=medicines,
        ))  # fmt: skip
        if heavy or age >= 90:
            result.append(_template(
                "lunch", "Lunchbesök", "omsorg", DAILY, ("11:30", "13:00"), 20, competences=care
            ))  # fmt: skip
            result.append(_template("middag", "Middagsbesök", "omsorg", DAILY,
                                    ("16:00", "17:30"), 15))  # fmt: skip
        result.append(_template(
            "kvall", "Kvällsbesök", "omsorg", DAILY, ("19:00", "21:00"), 30 if heavy else 20,
            competences=care, delegations=medicines,
        ))  # fmt: skip
    weekly = [
        ("dusch", "Dusch", "omsorg", ("09:00", "13:00"), 40, day[0], US),
        ("stadning", "Städning", "serviceinsats", ("09:00", "14:00"), 60, day[1], ()),
        ("inkop", "Inköp", "serviceinsats", ("10:00", "14:00"), 40, day[2], ()),
        ("tvatt", "Tvätt", "serviceinsats", ("09:00", "14:00"), 30, day[3], ()),
        ("ledsagning", "Ledsagning", "serviceinsats", ("12:30", "14:00"), 60, day[4], ()),
        ("stod_och_service", "Stöd och service", "serviceinsats", ("09:00", "14:00"), 30,
         day[2], ()),
    ]  # fmt: skip
    if "matdistribution" in services:
        result.append(
            _template("mat", "Matleverans", "matdistribution", DAILY, ("10:30", "12:00"), 5)
        )
    for service, label, kind, window, minutes, weekday, competences in weekly:
        if service in services:
            code = service.replace("_", "-")
            result.append(
                _template(code, label, kind, (weekday,), window, minutes, competences=competences)
            )
    return result
