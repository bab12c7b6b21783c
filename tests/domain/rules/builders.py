"""A small fixed region for the rule tests, and shorthands to build people in it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import Absence, Contact, Patient, Staff, Unit
from fastkontakt.domain.rules import POLICIES, Directory, evaluate_patient

AS_OF = date(2026, 11, 22)
ELDER = make_personal_id(date(1940, 1, 1), 123)  # 86 on AS_OF

UNITS = (
    Unit("VC1", "Hälsocentralen Kiruna", "primarvard"),
    Unit("VC2", "Hälsocentralen Gällivare", "primarvard"),
    Unit("SLV", "Medicinavdelning 3", "slutenvard"),
    Unit("ONK", "Onkologimottagningen", "specialistoppenvard"),
    Unit("HSV", "Hemsjukvården", "kommunal_hsv"),
    Unit("HT1", "Hemtjänst Centrum", "hemtjanst"),
    Unit("HT2", "Hemtjänst Norr", "hemtjanst"),
    Unit("SOC", "Biståndsenheten", "socialtjanst"),
)
STAFF = (
    Staff("DOC", "Anna Läkare", "lakare", ("VC1", "VC2"), licensed=True),
    Staff("AT", "Bo Underläkare", "lakare", ("VC1",), licensed=False),
    Staff("NURSE", "Karin Sköterska", "sjukskoterska", ("VC1",), licensed=True),
    Staff("HSVN", "Jonas Hemsjuk", "sjukskoterska", ("HSV",), licensed=True),
    Staff("USK", "Maja Undersköterska", "underskoterska", ("HT1",)),
    Staff("USK2", "Sara Undersköterska", "underskoterska", ("HT1", "HT2")),
    Staff("VB", "Olle Vårdbiträde", "vardbitrade", ("HT1",)),
    Staff("NOTSEL", "Lina Ej valbar", "sjukskoterska", ("VC1",), eligible=False),
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def person(**fields: object) -> Patient:
    fields.setdefault("id", ELDER)
    fields.setdefault("name", "Test Person")
    return Patient(**fields)  # type: ignore[arg-type]


def contact(kind: str = "fast_vardkontakt", **fields: object) -> Contact:
    fields.setdefault("id", "c1")
    fields.setdefault("staff", "NURSE")
    fields.setdefault("unit", "VC1")
    fields.setdefault("start", d("2026-01-01"))
    fields.setdefault("informed", d("2026-01-02"))
    return Contact(kind=kind, **fields)  # type: ignore[arg-type]


def staff_with(staff_id: str, **changes: object) -> tuple[Staff, ...]:
    """The region's staff with one member changed (absences given as (from, to) pairs)."""
    if "absences" in changes:
        changes["absences"] = tuple(
            Absence(d(a), d(b))
            for a, b in changes["absences"]  # type: ignore[attr-defined]
        )
    return tuple(replace(s, **changes) if s.id == staff_id else s for s in STAFF)  # type: ignore[arg-type]


def findings(
    patient: Patient,
    rule: str,
    *,
    policy: str = "national",
    as_of: date = AS_OF,
    staff: tuple[Staff, ...] = STAFF,
    **parameters: Any,
) -> list[tuple[str | None, str | None, bool]]:
    """(contact, due, overdue) of every finding of ``rule`` for ``patient``; keyword arguments
    override the policy's parameters (a region that sets its own)."""
    directory = Directory.of(UNITS, staff)
    chosen = POLICIES[policy]
    if parameters:
        chosen = replace(chosen, parameters=replace(chosen.parameters, **parameters))
    return [
        (f.contact, f.due.isoformat() if f.due else None, f.overdue)
        for f in evaluate_patient(patient, directory, as_of=as_of, policy=chosen)
        if f.rule == rule
    ]
