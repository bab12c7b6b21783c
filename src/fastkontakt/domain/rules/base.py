"""What every rule module shares: the rule record, the per-patient context and the hit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.model import Contact, Patient, Staff, Unit

Level = Literal["patient", "contact"]


@dataclass(frozen=True, slots=True)
class Parameters:
    """The tunable deadlines and thresholds of ``rules.md`` (defaults of every policy)."""

    request_days: int = 14
    inform_days: int = 14
    home_care_contact_days: int = 14
    home_care_contact_min_age: int = 0
    plan_update_days: int = 14
    plan_revision_months: int = 6
    sip_invitation_days: int = 3
    discharge_followup_days: int = 30
    long_absence_days: int = 30
    continuity_window_days: int = 14
    continuity_min_visits: int = 10
    continuity_min_share: float = 0.5
    horizon_days: int = 30
    residential_care_contact_from: date = date(2026, 7, 1)
    residential_care_contact_min_age: int = 65


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's raw result for one patient: the engine adds rule id, source and ``overdue``."""

    contact: str | None
    due: date | None
    message: str


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may look at besides the patient itself."""

    as_of: date
    parameters: Parameters
    units: Mapping[str, Unit]
    staff: Mapping[str, Staff]
    age: int


Check = Callable[[Patient, Context], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    pack: str
    level: Level
    source: str
    check: Check


def coordinates_on(contact: Contact, day: date) -> bool:
    """A fast vårdkontakt with coordination responsibility active on ``day``."""
    return (
        contact.kind == "fast_vardkontakt"
        and contact.coordinating
        and active_on(contact.start, contact.end, day)
    )


def staff_name(context: Context, staff_id: str) -> str:
    staff = context.staff.get(staff_id)
    return staff.name if staff is not None else staff_id


def unit_name(context: Context, unit_id: str | None) -> str:
    if unit_id is None:
        return "okänd enhet"
    unit = context.units.get(unit_id)
    return unit.name if unit is not None else unit_id
