"""Refreshing the findings store (ADR 0020): the one place findings are computed for storage.

:func:`findings_refresh` evaluates some people (or everyone) with the one rules engine and
brings their stored findings in line: a finding not stored before is added (first seen today),
a stored one the engine no longer reports is resolved (today, by the action given), one whose
deadline, text or attribution changed is updated; nothing else is written. It runs

- inside every service's write transaction, for the people the write touched
  (:func:`findings_refresh_written`, registered with the access log's write transaction in
  ``ComplianceConfig.ready``), so a page after a write reads the write's findings;
- for everyone by the nightly job and when the region's policy changes, since dates move
  (horizons, deadlines passed, ages, absences that begin).

Findings are keyed per person by (rule, contact, ordinal): the ordinal tells apart several
findings of one rule about the same contact (or about none, like unanswered requests), in the
engine's order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from fastkontakt.compliance import refresh_worker
from fastkontakt.compliance.models import FindingOwner, FindingsRefresh, StoredFinding
from fastkontakt.compliance.worklists import WorklistRow, worklist_rows
from fastkontakt.domain.model import Patient
from fastkontakt.domain.rules.engine import Directory, Policy, evaluate_patient
from fastkontakt.registry.models import Person
from fastkontakt.registry.selectors import (
    directory_get,
    directory_pk_maps,
    patients_of_rows,
    person_rows_between,
    person_snapshot_list,
    referenced_ids,
    region_policy_get,
)

__all__ = [
    "RefreshResult",
    "findings_refresh",
    "findings_refresh_everyone",
    "findings_refresh_written",
    "refresh_workers",
]

#: People evaluated and written per round: bounds memory whatever the size of the region.
CHUNK = 1000
#: People read, evaluated and written per round of the everyone refresh (one query per table
#: each, by a range of person pks).
RANGE_CHUNK = 2000
#: Ranges per worker process, so that a slow range does not leave the other workers idle.
SLICES_PER_WORKER = 8
REFRESH_ACTION = "findings.refresh"

_Key = tuple[int, str, str, int]
_FIELDS = ("due", "message", "source", "policy", "kind", "staff_id", "owner_types")
#: The units owning a finding's fix by name: (HSA-id, contact id or ""), sorted.
_Units = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    people: int
    added: int
    resolved: int
    updated: int

    @property
    def changed(self) -> int:
        return self.added + self.resolved + self.updated

    def __add__(self, other: RefreshResult) -> RefreshResult:
        return RefreshResult(
            people=self.people + other.people,
            added=self.added + other.added,
            resolved=self.resolved + other.resolved,
            updated=self.updated + other.updated,
        )


_NOTHING = RefreshResult(people=0, added=0, resolved=0, updated=0)


def findings_refresh(
    *,
    personal_ids: Collection[str] | None = None,
    as_of: date | None = None,
    resolved_by: Mapping[str, str] | None = None,
    policy: Policy | None = None,
) -> RefreshResult:
    """Bring the stored findings of ``personal_ids`` (everyone when None) in line with the
    engine on ``as_of`` (today by default). ``resolved_by`` names, per personnummer, the action
    that resolves a finding that disappears (``findings.refresh`` otherwise). Joins the caller's
    transaction when there is one; the caller owns it. Everyone is read by ranges of pks in
    this process (:func:`findings_refresh_region` spreads them over processes)."""
    day = as_of if as_of is not None else timezone.localdate()
    chosen = policy if policy is not None else region_policy_get()
    if personal_ids is None:
        return findings_refresh_region(as_of=day, policy=chosen, workers=1)
    actions = resolved_by or {}
    total = _NOTHING
    for pks in _chunks(personal_ids):
        total += _refresh_chunk(pks, day, chosen, actions)
    return total


def findings_refresh_everyone(
    *, as_of: date | None = None, workers: int | None = None
) -> RefreshResult:
    """The nightly refresh: everyone, recorded as a :class:`FindingsRefresh`, in ``workers``
    processes (:func:`refresh_workers`)."""
    day = as_of if as_of is not None else timezone.localdate()
    policy = region_policy_get()
    run = FindingsRefresh.objects.create(as_of=day, policy=policy.name, started=timezone.now())
    result = findings_refresh_region(as_of=day, policy=policy, workers=workers)
    run.finished = timezone.now()
    run.people = result.people
    run.changed = result.changed
    run.save(update_fields=["finished", "people", "changed"])
    return result


def findings_refresh_written(changes: Mapping[str, str] | None) -> None:
    """The write transaction's hook: refresh the people it wrote or touched (``changes`` maps
    personnummer to the action that wrote them; None means everyone)."""
    if changes is None:
        findings_refresh()
    elif changes:
        findings_refresh(personal_ids=list(changes), resolved_by=changes)


def refresh_workers(workers: int | None = None) -> int:
    """The processes an everyone refresh uses: ``workers``, else the setting
    ``FASTKONTAKT_REFRESH_WORKERS``, else one per core."""
    chosen = workers or getattr(settings, "FASTKONTAKT_REFRESH_WORKERS", 0) or os.cpu_count()
    return max(1, chosen or 1)


def findings_refresh_region(
    *, as_of: date, policy: Policy, workers: int | None = None
) -> RefreshResult:
    """Everyone's findings, by ranges of person pks: each range read in bulk (one query per
    table per :data:`RANGE_CHUNK` people), evaluated, and its changes written, chunk by chunk.

    On PostgreSQL outside a transaction the ranges are shared among ``workers`` processes
    (:func:`refresh_workers`), each with its own connection. Inside a transaction (a load that
    changes everyone's findings) or on SQLite they run here, on this connection, which sees
    the transaction's own writes. The same functions do the work either way."""
    count = refresh_workers(workers)
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return _NOTHING
    low, high = int(bounds["low"]), int(bounds["high"])
    if count == 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        region = RegionContext.read(as_of, policy)
        return findings_refresh_range(low, high, region)
    slices = _slices(low, high, count * SLICES_PER_WORKER)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(count, len(slices)),
        mp_context=context,
        initializer=refresh_worker.start,
        initargs=(connection.settings_dict["NAME"], as_of, policy),
    ) as pool:
        total = _NOTHING
        for result in pool.map(refresh_worker.refresh, slices):
            total += result
    return total


@dataclass(frozen=True, slots=True)
class RegionContext:
    """What every chunk of an everyone refresh needs, read once per process."""

    day: date
    policy: Policy
    directory: Directory
    units: dict[int, str]
    staff: dict[int, str]
    staff_pks: dict[str, int]

    @classmethod
    def read(cls, day: date, policy: Policy) -> RegionContext:
        units, staff = directory_pk_maps()
        return cls(
            day=day,
            policy=policy,
            directory=directory_get(),
            units=units,
            staff=staff,
            staff_pks={hsa_id: pk for pk, hsa_id in staff.items()},
        )


def _slices(low: int, high: int, count: int) -> list[tuple[int, int]]:
    width = max(1, -(-(high - low + 1) // count))
    return [(start, min(start + width - 1, high)) for start in range(low, high + 1, width)]


def findings_refresh_range(low: int, high: int, region: RegionContext) -> RefreshResult:
    """Everyone with a pk from ``low`` to ``high``, :data:`RANGE_CHUNK` people at a time; each
    chunk's writes are one transaction (or part of the caller's)."""
    total = _NOTHING
    after = low
    while after <= high:
        rows = person_rows_between(low=after, high=high, limit=RANGE_CHUNK)
        if not rows.persons:
            break
        pks = [row[0] for row in rows.persons]
        patients = patients_of_rows(rows, region.units, region.staff)
        wanted = findings_wanted(
            pks, patients, region.directory, region.staff_pks, region.day, region.policy
        )
        personal_ids = {row[0]: row[1] for row in rows.persons}
        with transaction.atomic():
            total += findings_apply(
                pks,
                wanted,
                personal_ids,
                region.day,
                region.policy.name,
                {},
                between=(pks[0], pks[-1]),
            )
        after = pks[-1] + 1
    return total


def _chunks(personal_ids: Collection[str]) -> Iterator[list[int]]:
    ids = sorted(set(personal_ids))
    for start in range(0, len(ids), CHUNK):
        yield list(
            Person.objects.filter(personal_id__in=ids[start : start + CHUNK]).values_list(
                "pk", flat=True
            )
        )


def _refresh_chunk(
    pks: Sequence[int], day: date, policy: Policy, resolved_by: Mapping[str, str]
) -> RefreshResult:
    people = person_snapshot_list(where=Q(pk__in=pks))
    units: set[str] = set()
    staff: set[str] = set()
    for patient in people.patients:
        more_units, more_staff = referenced_ids(patient)
        units |= more_units
        staff |= more_staff
    directory = directory_get(unit_ids=units, staff_ids=staff)
    wanted = findings_wanted(
        people.person_pks, people.patients, directory, people.staff_pks, day, policy
    )
    personal_ids = dict(zip(people.person_pks, (p.id for p in people.patients), strict=True))
    return findings_apply(pks, wanted, personal_ids, day, policy.name, resolved_by)


def findings_wanted(
    person_pks: Sequence[int],
    patients: Sequence[Patient],
    directory: Directory,
    staff_pks: Mapping[str, int],
    day: date,
    policy: Policy,
) -> dict[_Key, WorklistRow]:
    """What the store should hold for these people: the engine's findings on ``day`` as
    worklist rows (with their attribution and owners), keyed by (person pk, rule, contact,
    ordinal)."""
    wanted: dict[_Key, WorklistRow] = {}
    for pk, patient in zip(person_pks, patients, strict=True):
        findings = evaluate_patient(patient, directory, as_of=day, policy=policy)
        seen = Counter[tuple[str, str]]()
        for row in worklist_rows(pk, patient, findings, directory, staff_pks, day):
            contact = row.contact or ""
            ordinal = seen[(row.rule, contact)]
            seen[(row.rule, contact)] += 1
            wanted[(pk, row.rule, contact, ordinal)] = row
    return wanted


def findings_apply(
    pks: Sequence[int],
    wanted: Mapping[_Key, WorklistRow],
    personal_ids: Mapping[int, str],
    day: date,
    policy: str,
    resolved_by: Mapping[str, str],
    *,
    between: tuple[int, int] | None = None,
) -> RefreshResult:
    """Bring the stored current findings of the people ``pks`` in line with ``wanted``
    (:func:`findings_wanted`), writing only what changed. ``between`` (first pk, last pk) says
    that ``pks`` are every person in that range, whose stored findings are then read by the
    range rather than by a list of pks. The stored rows are read as tuples."""
    mine = (
        Q(person_id__gte=between[0], person_id__lte=between[1])
        if between is not None
        else Q(person_id__in=pks)
    )
    stored: dict[_Key, tuple[int, tuple[object, ...]]] = {
        (person, rule, contact, ordinal): (pk, tuple(values))
        for pk, person, rule, contact, ordinal, *values in StoredFinding.objects.filter(
            mine, resolved_on__isnull=True
        ).values_list("pk", "person_id", "rule", "contact", "ordinal", *_FIELDS)
    }
    stored_units: dict[int, list[tuple[str, str]]] = {}
    if stored:
        owned = FindingOwner.objects.filter(
            finding__in=StoredFinding.objects.filter(mine, resolved_on__isnull=True)
        ).values_list("finding_id", "unit_id", "contact")
        # unit_id is the unit's HSA-id (to_field), which the stubs do not know.
        for finding_pk, unit, contact in cast(Iterable[tuple[int, str, str]], owned):
            stored_units.setdefault(finding_pk, []).append((unit, contact))
    added = [
        StoredFinding(
            person_id=key[0],
            rule=key[1],
            contact=key[2],
            ordinal=key[3],
            first_seen=day,
            **_values(row, policy),
        )
        for key, row in wanted.items()
        if key not in stored
    ]
    updated: list[StoredFinding] = []
    restated: list[tuple[int, _Units]] = []
    resolved: dict[str, list[int]] = {}
    for key, (finding_pk, stored_values) in stored.items():
        current = wanted.get(key)
        if current is None:
            action = resolved_by.get(personal_ids.get(key[0], ""), "") or REFRESH_ACTION
            resolved.setdefault(action, []).append(finding_pk)
            continue
        values = _values(current, policy)
        units = _owner_units(current)
        if units != tuple(sorted(stored_units.get(finding_pk, ()))):
            restated.append((finding_pk, units))
        if tuple(values.values()) != stored_values:
            updated.append(StoredFinding(pk=finding_pk, **values))
    if added:
        StoredFinding.objects.bulk_create(added, batch_size=500)
    if updated:
        StoredFinding.objects.bulk_update(updated, _FIELDS, batch_size=500)
    if restated:
        FindingOwner.objects.filter(finding_id__in=[pk for pk, _ in restated]).delete()
    owners = [
        FindingOwner(finding_id=finding_pk, unit_id=unit, contact=contact)
        for finding_pk, units in [
            *((f.pk, _owner_units(wanted[_key_of(f)])) for f in added),
            *restated,
        ]
        for unit, contact in units
    ]
    if owners:
        FindingOwner.objects.bulk_create(owners, batch_size=500)
    for action, finding_pks in resolved.items():
        StoredFinding.objects.filter(pk__in=finding_pks).update(resolved_on=day, resolved_by=action)
    return RefreshResult(
        people=len(pks),
        added=len(added),
        resolved=sum(len(v) for v in resolved.values()),
        updated=len({f.pk for f in updated} | {pk for pk, _ in restated}),
    )


def _values(row: WorklistRow, policy: str) -> dict[str, object]:
    return {
        "due": row.due,
        "message": row.message,
        "source": row.source,
        "policy": policy,
        "kind": row.kind or "",
        "staff_id": row.staff_pk,
        "owner_types": owner_types_text(row.owners.types),
    }


def owner_types_text(types: Collection[str]) -> str:
    """Unit types as stored in ``StoredFinding.owner_types``: ",a,b," (or "" for none), so
    that ``owner_types__contains=",type,"`` finds a type."""
    return f",{','.join(sorted(types))}," if types else ""


def _owner_units(row: WorklistRow) -> _Units:
    return tuple(sorted((unit, contact or "") for unit, contact in row.owners.units.items()))


def _key_of(finding: StoredFinding) -> _Key:
    return (finding.person_id, finding.rule, finding.contact, finding.ordinal)
