"""Findings over the registry: its people as domain snapshots, through the one rules engine.

The engine is the same one that checks scenario files (``fastkontakt compliance FILE``), so the
registry and a file with the same data always give the same findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from fastkontakt.domain.rules.engine import Finding, Policy, evaluate, evaluate_patient
from fastkontakt.registry.selectors import (
    DEFAULT_CHUNK_SIZE,
    directory_get,
    patient_snapshots,
    person_get_snapshot,
    referenced_ids,
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
    units, staff = referenced_ids(patient)
    directory = directory_get(unit_ids=units, staff_ids=staff)
    return evaluate_patient(patient, directory, as_of=as_of, policy=chosen)
