"""Findings over the registry: its people as domain snapshots, through the one rules engine.

The engine is the same one that checks scenario files (``fastkontakt compliance FILE``), so the
registry and a file with the same data always give the same findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from fastkontakt.domain.model import Patient
from fastkontakt.domain.rules.engine import Finding, Policy, evaluate, evaluate_patient
from fastkontakt.registry.selectors import (
    DEFAULT_CHUNK_SIZE,
    directory_get,
    patient_snapshots,
    person_get_snapshot,
    region_policy_get,
)

__all__ = ["findings_for_person", "findings_from_registry"]


def findings_from_registry(
    *, as_of: date, policy: Policy | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[Finding]:
    """Every finding for every person on ``as_of``, sorted like the engine sorts them.

    ``policy`` defaults to the region's. People are streamed in chunks of ``chunk_size``, so
    memory stays bounded however large the region is.
    """
    chosen = policy if policy is not None else region_policy_get()
    directory = directory_get()
    return evaluate(patient_snapshots(chunk_size=chunk_size), directory, as_of=as_of, policy=chosen)


def findings_for_person(
    *, personal_id: str, as_of: date, policy: Policy | None = None
) -> list[Finding]:
    """Every finding for one person (raises ``Person.DoesNotExist``)."""
    chosen = policy if policy is not None else region_policy_get()
    patient = person_get_snapshot(personal_id=personal_id)
    # Rules only look up the units and staff the person's own data names, so a directory of
    # those is enough and spares reading every staff member of the region for one person.
    units, staff = _referenced(patient)
    directory = directory_get(unit_ids=units, staff_ids=staff)
    return evaluate_patient(patient, directory, as_of=as_of, policy=chosen)


def _referenced(patient: Patient) -> tuple[set[str], set[str]]:
    units = {c.unit for c in patient.contacts}
    units.update(r.unit for r in patient.requests)
    units.update(s.unit for s in patient.inpatient_stays)
    units.update(s.outpatient_unit for s in patient.inpatient_stays if s.outpatient_unit)
    units.update(h.unit for h in patient.home_care)
    if patient.listed_at is not None:
        units.add(patient.listed_at)
    staff = {c.staff for c in patient.contacts}
    staff.update(s.coordinator for s in patient.sips if s.coordinator is not None)
    staff.update(v.staff for v in patient.visits)
    return units, staff
