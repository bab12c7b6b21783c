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

from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from fastkontakt.compliance.models import FindingOwner, FindingsRefresh, StoredFinding
from fastkontakt.compliance.worklists import WorklistRow, worklist_rows
from fastkontakt.domain.model import Patient
from fastkontakt.domain.rules.engine import Directory, Policy, evaluate_patient
from fastkontakt.registry.models import Person
from fastkontakt.registry.selectors import (
    directory_get,
    person_snapshot_list,
    referenced_ids,
    region_policy_get,
)

__all__ = ["RefreshResult", "findings_refresh", "findings_refresh_written"]

#: People evaluated and written per round: bounds memory whatever the size of the region.
CHUNK = 1000
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
    transaction when there is one; the caller owns it."""
    day = as_of if as_of is not None else timezone.localdate()
    chosen = policy if policy is not None else region_policy_get()
    actions = resolved_by or {}
    totals = Counter[str]()
    for pks in _chunks(personal_ids):
        result = _refresh_chunk(pks, day, chosen, actions)
        totals.update(
            people=result.people,
            added=result.added,
            resolved=result.resolved,
            updated=result.updated,
        )
    return RefreshResult(
        people=totals["people"],
        added=totals["added"],
        resolved=totals["resolved"],
        updated=totals["updated"],
    )


def findings_refresh_everyone(*, as_of: date | None = None) -> RefreshResult:
    """The nightly refresh: everyone, recorded as a :class:`FindingsRefresh`."""
    day = as_of if as_of is not None else timezone.localdate()
    policy = region_policy_get()
    run = FindingsRefresh.objects.create(as_of=day, policy=policy.name, started=timezone.now())
    result = findings_refresh(as_of=day, policy=policy)
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


def _chunks(personal_ids: Collection[str] | None) -> Iterator[list[int]]:
    if personal_ids is None:
        after = 0
        while True:
            pks = list(
                Person.objects.filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not pks:
                return
            yield pks
            after = pks[-1]
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
) -> RefreshResult:
    """Bring the stored current findings of the people ``pks`` in line with ``wanted``
    (:func:`findings_wanted`), writing only what changed."""
    stored = {
        (f.person_id, f.rule, f.contact, f.ordinal): f
        for f in StoredFinding.objects.filter(person_id__in=pks, resolved_on__isnull=True)
    }
    stored_units: dict[int, list[tuple[str, str]]] = {}
    for finding_pk, unit, contact in FindingOwner.objects.filter(
        finding__person_id__in=pks, finding__resolved_on__isnull=True
    ).values_list("finding_id", "unit_id", "contact"):
        stored_units.setdefault(finding_pk, []).append((str(unit), contact))
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
    restated: list[tuple[StoredFinding, _Units]] = []
    resolved: dict[str, list[int]] = {}
    for key, finding in stored.items():
        current = wanted.get(key)
        if current is None:
            action = resolved_by.get(personal_ids.get(key[0], ""), "") or REFRESH_ACTION
            resolved.setdefault(action, []).append(finding.pk)
            continue
        values = _values(current, policy)
        units = _owner_units(current)
        if units != tuple(sorted(stored_units.get(finding.pk, ()))):
            restated.append((finding, units))
        if any(getattr(finding, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(finding, name, value)
            updated.append(finding)
    StoredFinding.objects.bulk_create(added, batch_size=500)
    if updated:
        StoredFinding.objects.bulk_update(updated, _FIELDS, batch_size=500)
    if restated:
        FindingOwner.objects.filter(finding_id__in=[f.pk for f, _ in restated]).delete()
    FindingOwner.objects.bulk_create(
        [
            FindingOwner(finding=finding, unit_id=unit, contact=contact)
            for finding, units in [
                *((f, _owner_units(wanted[_key_of(f)])) for f in added),
                *restated,
            ]
            for unit, contact in units
        ],
        batch_size=500,
    )
    for action, finding_pks in resolved.items():
        StoredFinding.objects.filter(pk__in=finding_pks).update(resolved_on=day, resolved_by=action)
    return RefreshResult(
        people=len(pks),
        added=len(added),
        resolved=sum(len(v) for v in resolved.values()),
        updated=len({f.pk for f in updated} | {f.pk for f, _ in restated}),
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
