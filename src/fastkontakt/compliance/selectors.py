"""Findings over the registry.

:func:`findings_from_registry` runs the one rules engine over every person (the engine that
checks scenario files, ``fastkontakt compliance FILE``, so the registry and a file with the same
data give the same findings); :func:`findings_for_person` reads the findings store, which every
write and the nightly refresh keep equal to the engine (ADR 0020).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import F

from fastkontakt.compliance.models import StoredFinding
from fastkontakt.domain.rules.engine import Finding, Policy, evaluate
from fastkontakt.registry.models import Person
from fastkontakt.registry.selectors import (
    DEFAULT_CHUNK_SIZE,
    directory_get,
    patient_snapshots,
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


def findings_for_person(*, personal_id: str, as_of: date) -> list[Finding]:
    """One person's current findings, read from the findings store (ADR 0020), sorted as the
    engine sorts them; ``overdue`` is computed from ``as_of``. Raises ``Person.DoesNotExist``."""
    person_pk = Person.objects.values_list("pk", flat=True).get(personal_id=personal_id)
    stored = StoredFinding.objects.filter(person_id=person_pk, resolved_on__isnull=True).order_by(
        "rule", F("due").asc(nulls_first=True), "contact", "ordinal"
    )
    return [
        Finding(
            rule=f.rule,
            patient=personal_id,
            contact=f.contact or None,
            due=f.due,
            overdue=f.due is not None and f.due < as_of,
            message=f.message,
            source=f.source,
        )
        for f in stored
    ]
