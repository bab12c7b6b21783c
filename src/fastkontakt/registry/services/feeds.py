"""Feeds from the systems that own the facts (issue 15, ADR 0024): incremental and idempotent.

A source system sends records (a FHIR conditional update, an entry of a Bundle, a line of the
nightly full file); the interface maps each to a :class:`FeedItem`: the kind of record (the
FHIR resource type it arrives as), its key, the source's timestamp and the fact it states:

- the HSA catalogue: a unit (:class:`UnitFact`), a staff member (:class:`StaffFact`), a staff
  member's role at a unit (:class:`RoleFact`; an end in the past = no longer at the unit);
- the listing system: a person and their listing (:class:`ListingFact`);
- the hospital record: an inpatient stay and its notices under lag (2017:612)
  (:class:`StayFact`);
- the municipal case system: a home-care decision (:class:`DecisionFact`).

:func:`feed_apply` diffs the items against what the registry last took from each record
(``FeedRecord``: source timestamp and content hash, read in bulk): a record with the same
content, or an older timestamp, changes nothing and writes nothing. Only what changed is
written, in bulk, in write transactions of :data:`CHUNK` records, each with its access-log
entries (one per person written) and one refresh of the findings of the people it wrote or
touched (the write transaction's hook), so a staff member who leaves is on the worklists when
the transaction commits. A record whose references cannot be resolved is not written at all
(a problem naming it); ``strict`` refuses the whole call instead (a FHIR transaction).

A *full* call (the nightly file) also ends what disappeared from the kinds the call carries:
a role (the staff member no longer works at the unit), a listing (the person is no longer
listed), a staff member (employment ends today) and a home-care decision (ends today). Units
and stays are not ended by their absence: a unit has no end in the registry and a stay is
history. Kinds the call does not carry are left alone, so a file of the HSA catalogue does not
end the listings.

Feeds are region-wide: the source systems own the facts of every unit, so only a region-wide
actor (an API client a system administrator made region-wide, or the command line) may feed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Q

from fastkontakt.access.accesslog import log_record, log_writes, write_affects, write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Action, Basis
from fastkontakt.domain.errors import NotAllowed, Problem, Refusal
from fastkontakt.registry.models import (
    Contact,
    FeedRecord,
    HomeCareDecision,
    InpatientStay,
    Person,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.registry.services.bulk import LOOKUP_CHUNK, batches, lookup, upsert
from fastkontakt.runtime import clock

__all__ = [
    "CHUNK",
    "FEED_KINDS",
    "DecisionFact",
    "FeedForbidden",
    "FeedItem",
    "FeedRefused",
    "FeedResult",
    "ListingFact",
    "RoleFact",
    "StaffFact",
    "StayFact",
    "UnitFact",
    "feed_apply",
    "feed_item",
]

#: Records per write transaction: bounds memory and the length of a lock, and is the unit of
#: progress of a long run.
CHUNK = 5000
#: The kinds in the order they are applied, so a record's references are written first.
FEED_KINDS = (
    "Organization",
    "Practitioner",
    "PractitionerRole",
    "Patient",
    "Encounter",
    "ServiceRequest",
)
_ORDER = {kind: i for i, kind in enumerate(FEED_KINDS)}
#: What the access log calls a person written by a feed.
FEED_WRITE = "feed.write"
ROLE_KEY_SEPARATOR = "|"
# An arbitrary constant naming the lock that serialises the feeds' write transactions
# (pg_advisory_xact_lock), so that two feeds of one record cannot both apply it.
_FEED_LOCK = 0x6665_6564_7331


@dataclass(frozen=True, slots=True)
class UnitFact:
    hsa_id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class StaffFact:
    hsa_id: str
    name: str
    profession: str
    licensed: bool = False
    eligible: bool = True
    employment_end: date | None = None


@dataclass(frozen=True, slots=True)
class RoleFact:
    staff: str
    unit: str
    start: date | None = None
    #: The last day at the unit; a day before the feed's day means no longer there.
    end: date | None = None


@dataclass(frozen=True, slots=True)
class ListingFact:
    personal_id: str
    name: str
    #: The HSA-id of the health centre; None: not listed.
    listed_at: str | None


@dataclass(frozen=True, slots=True)
class StayFact:
    personal_id: str
    unit: str
    admitted: date
    outpatient_unit: str | None = None
    needs_municipal_care: bool = False
    ready_for_discharge: date | None = None
    discharged: date | None = None


@dataclass(frozen=True, slots=True)
class DecisionFact:
    personal_id: str
    unit: str
    start: date
    end: date | None = None
    services: tuple[str, ...] = ()


Fact = UnitFact | StaffFact | RoleFact | ListingFact | StayFact | DecisionFact


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One record of a source system as the registry reads it; ``where`` names it for
    problems (``rad 12``, ``Bundle.entry[3]``)."""

    kind: str
    key: str
    updated: datetime
    fact: Fact
    where: str
    digest: str


def feed_item(*, kind: str, key: str, updated: datetime, fact: Fact, where: str) -> FeedItem:
    # The hash is of the fact as the registry reads it, so that what the registry does not
    # take (a resource's text, its meta) changes nothing.
    digest = hashlib.sha256(repr(fact).encode()).hexdigest()
    return FeedItem(kind=kind, key=key, updated=updated, fact=fact, where=where, digest=digest)


class FeedForbidden(NotAllowed):
    """The actor may not feed the registry (feeds are region-wide)."""


class FeedRefused(Refusal):
    """Some records cannot be applied (``strict``); nothing of the call was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "; ".join(str(p) for p in problems[:10]))


@dataclass
class FeedResult:
    """What a call did, counted per record (``ended``: records that disappeared)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    ended: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: (kind, key) -> "created" | "updated" | "unchanged" | "stale", for the interfaces' answers.
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (kind, key) -> pk of what the record is in the registry (for locations).
    pks: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.ended


@dataclass(frozen=True, slots=True)
class _Stored:
    updated: datetime
    digest: str
    ended: bool
    target: int | None


Progress = Callable[[int, int], None]


def feed_apply(
    *,
    actor: Actor,
    items: Sequence[FeedItem],
    full: bool = False,
    strict: bool = False,
    as_of: date | None = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> FeedResult:
    """Apply ``items`` (see the module docstring); returns what was done.

    Raises :class:`FeedForbidden` for an actor that is not region-wide and, when ``strict``,
    :class:`FeedRefused` with every problem (then nothing was written; the whole call is one
    write transaction)."""
    if not actor.region_wide:
        raise FeedForbidden("Flöden från källsystem kräver en regionsomfattande klient.")
    day = as_of or clock.today()
    latest: dict[tuple[str, str], FeedItem] = {}
    for item in items:
        seen = latest.get((item.kind, item.key))
        # Twice in one call: the newer wins; of two equally new, the later.
        if seen is None or item.updated >= seen.updated:
            latest[(item.kind, item.key)] = item
    kinds = {kind for kind, _ in latest}
    stored = _stored_read(latest, kinds if full else None)
    result = FeedResult()
    changed: list[FeedItem] = []
    for ident, item in latest.items():
        if not _settled(item, stored.get(ident), result):
            changed.append(item)
    changed.sort(key=lambda it: _ORDER[it.kind])
    gone = (
        sorted(
            (
                ident
                for ident, record in stored.items()
                if ident not in latest and not record.ended and ident[0] in _ENDINGS
            ),
            key=lambda ident: (_ORDER[ident[0]], ident[1]),
        )
        if full
        else []
    )
    total = len(changed) + len(gone)
    if strict:
        if total:
            with write_transaction():
                _apply(actor, changed, stored, day, result, strict=True)
                _end(actor, gone, stored, day, result)
        _report(progress, total, total)
        return result
    done = 0
    for batch in batches(changed, chunk):
        with write_transaction():
            _apply(actor, batch, stored, day, result, strict=False)
        done += len(batch)
        _report(progress, done, total)
    for ended in batches(gone, chunk):
        with write_transaction():
            _end(actor, ended, stored, day, result)
        done += len(ended)
        _report(progress, done, total)
    return result


def _settled(item: FeedItem, before: _Stored | None, result: FeedResult) -> bool:
    """Whether ``item`` needs no write: stored with an older source time than the one
    applied (stale), or with the same content (unchanged); counted in ``result``."""
    ident = (item.kind, item.key)
    if before is not None and before.updated > item.updated:
        result.stale += 1
        result.outcomes[ident] = "stale"
        return True
    if before is not None and before.digest == item.digest and not before.ended:
        result.unchanged += 1
        result.outcomes[ident] = "unchanged"
        return True
    return False


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _stored_read(
    latest: dict[tuple[str, str], FeedItem], every_of: set[str] | None
) -> dict[tuple[str, str], _Stored]:
    """The stored records of the items, and all stored records of ``every_of`` (a full call)."""
    found: dict[tuple[str, str], _Stored] = {}
    columns = ("kind", "key", "source_updated", "digest", "ended", "target")

    def take(rows: Iterable[tuple[str, str, datetime, str, bool, int | None]]) -> None:
        for kind, key, updated, digest, ended, target in rows:
            found[(kind, key)] = _Stored(updated, digest, ended, target)

    if every_of:
        take(FeedRecord.objects.filter(kind__in=sorted(every_of)).values_list(*columns))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in latest:
        if every_of is None or kind not in every_of:
            by_kind[kind].append(key)
    for kind, keys in by_kind.items():
        for part in batches(keys, LOOKUP_CHUNK):
            take(FeedRecord.objects.filter(kind=kind, key__in=part).values_list(*columns))
    return found


# --- applying what changed ---------------------------------------------------------------------


@dataclass
class _Batch:
    actor: Actor
    day: date
    stored: dict[tuple[str, str], _Stored]
    result: FeedResult
    problems: list[Problem] = field(default_factory=list)
    #: (kind, key, target pk) of each record applied, for the FeedRecord rows.
    applied: list[tuple[FeedItem, int | None]] = field(default_factory=list)
    written_people: set[str] = field(default_factory=set)

    def problem(self, item: FeedItem, message: str) -> None:
        self.problems.append(Problem(item.where, message))

    def done(self, item: FeedItem, pk: int | None, *, created: bool, target: bool = False) -> None:
        ident = (item.kind, item.key)
        self.result.outcomes[ident] = "created" if created else "updated"
        if created:
            self.result.created += 1
        else:
            self.result.updated += 1
        if pk is not None:
            self.result.pks[ident] = pk
        self.applied.append((item, pk if target else None))


def _apply(
    actor: Actor,
    items: list[FeedItem],
    stored: dict[tuple[str, str], _Stored],
    day: date,
    result: FeedResult,
    *,
    strict: bool,
) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])
    # Read again under the lock: another feed may have applied a record since the diff.
    fresh = _stored_read({(item.kind, item.key): item for item in items}, None)
    stored.update(fresh)
    batch = _Batch(actor=actor, day=day, stored=stored, result=result)
    groups: dict[str, list[FeedItem]] = defaultdict(list)
    for item in items:
        if not _settled(item, fresh.get((item.kind, item.key)), result):
            groups[item.kind].append(item)
    _units(batch, groups.get("Organization", []))
    _staff(batch, groups.get("Practitioner", []))
    _roles(batch, groups.get("PractitionerRole", []))
    _listings(batch, groups.get("Patient", []))
    _stays(batch, groups.get("Encounter", []))
    _decisions(batch, groups.get("ServiceRequest", []))
    if batch.problems and strict:
        raise FeedRefused(batch.problems)
    result.problems.extend(batch.problems)
    _records_save(batch.applied)
    _log(actor, batch.written_people)


_RECORDS_UPSERT = """
INSERT INTO registry_feedrecord (kind, key, source_updated, digest, ended, target)
SELECT r.kind, r.key, r.updated, r.digest, false, r.target
FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::text[], %s::bigint[])
    AS r(kind, key, updated, digest, target)
ON CONFLICT (kind, key) DO UPDATE SET source_updated = excluded.source_updated,
    digest = excluded.digest, ended = false, target = excluded.target
"""


def _records_save(applied: list[tuple[FeedItem, int | None]]) -> None:
    if connection.vendor == "postgresql":
        # Arrays, one statement per batch: the records are written for every change, and
        # preparing each value through the ORM cost as much as the change itself.
        for chunk in batches(applied, 5000):
            with connection.cursor() as cursor:
                cursor.execute(
                    _RECORDS_UPSERT,
                    [
                        [item.kind for item, _ in chunk],
                        [item.key for item, _ in chunk],
                        [item.updated for item, _ in chunk],
                        [item.digest for item, _ in chunk],
                        [target for _, target in chunk],
                    ],
                )
        return
    rows = [
        FeedRecord(
            kind=item.kind,
            key=item.key,
            source_updated=item.updated,
            digest=item.digest,
            ended=False,
            target=target,
        )
        for item, target in applied
    ]
    for part in batches(rows, 2000):
        FeedRecord.objects.bulk_create(
            part,
            update_conflicts=True,
            unique_fields=["kind", "key"],
            update_fields=["source_updated", "digest", "ended", "target"],
        )


def _log(actor: Actor, personal_ids: Iterable[str]) -> None:
    log_writes(
        log_record(actor, pid, action=Action.WRITE, what=FEED_WRITE, basis=Basis.SYSTEM)
        for pid in sorted(personal_ids)
    )


def _affected_by_contacts(pairs: Iterable[tuple[int, int | None]], day: date) -> list[str]:
    """People with a current contact held by staff ``s`` at unit ``u`` (``u`` None: any)."""
    wanted = set(pairs)
    staff_pks = sorted({s for s, _ in wanted})
    found: set[str] = set()
    for part in batches(staff_pks, LOOKUP_CHUNK):
        rows = (
            Contact.objects.filter(staff_id__in=part)
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .values_list("staff_id", "unit_id", "person__personal_id")
        )
        for staff_pk, unit_pk, pid in rows:
            if (staff_pk, None) in wanted or (staff_pk, unit_pk) in wanted:
                found.add(pid)
    return sorted(found)


def _units(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, UnitFact)]
    existing = lookup(Unit, "hsa_id", (f.hsa_id for _, f in facts))
    # The catalogue gives a unit's name and type; its address and phone are kept.
    pks = upsert(
        Unit,
        (Unit(hsa_id=f.hsa_id, name=f.name, type=f.type) for _, f in facts),
        key="hsa_id",
        update_fields=["name", "type"],
    )
    for item, fact in facts:
        batch.done(item, pks[fact.hsa_id], created=fact.hsa_id not in existing)
    changed = [pks[h] for h in existing]
    if changed:
        # A unit's type decides rules (coordinator-setting); its people are re-evaluated.
        people = set(
            Contact.objects.filter(unit_id__in=changed)
            .filter(Q(end__isnull=True) | Q(end__gte=batch.day))
            .values_list("person__personal_id", flat=True)
        )
        people |= set(
            Person.objects.filter(listed_at_id__in=changed).values_list("personal_id", flat=True)
        )
        write_affects(sorted(people), what=FEED_WRITE)


def _staff(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, StaffFact)]
    existing = lookup(Staff, "hsa_id", (f.hsa_id for _, f in facts))
    pks = upsert(
        Staff,
        (
            Staff(
                hsa_id=f.hsa_id,
                name=f.name,
                profession=f.profession,
                licensed=f.licensed,
                eligible=f.eligible,
                employment_end=f.employment_end,
            )
            for _, f in facts
        ),
        key="hsa_id",
        update_fields=["name", "profession", "licensed", "eligible", "employment_end"],
    )
    for item, fact in facts:
        batch.done(item, pks[fact.hsa_id], created=fact.hsa_id not in existing)
    if existing:
        people = _affected_by_contacts(((pk, None) for pk in existing.values()), batch.day)
        write_affects(people, what=FEED_WRITE)


def _roles(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, RoleFact)]
    staff = lookup(Staff, "hsa_id", {f.staff for _, f in facts})
    units = lookup(Unit, "hsa_id", {f.unit for _, f in facts})
    keep: list[tuple[int, int]] = []
    drop: list[tuple[int, int]] = []
    ok: list[tuple[FeedItem, tuple[int, int], bool]] = []
    for item, fact in facts:
        problems = []
        if fact.staff not in staff:
            problems.append(f"okänd medarbetare {fact.staff}")
        if fact.unit not in units:
            problems.append(f"okänd enhet {fact.unit}")
        if problems:
            batch.problem(item, "; ".join(problems))
            continue
        pair = (staff[fact.staff], units[fact.unit])
        at_unit = fact.end is None or fact.end >= batch.day
        (keep if at_unit else drop).append(pair)
        ok.append((item, pair, at_unit))
    present = _pairs_present(keep + drop)
    StaffUnit.objects.bulk_create(
        [StaffUnit(staff_id=s, unit_id=u) for s, u in keep if (s, u) not in present],
        ignore_conflicts=True,
    )
    gone = [pair for pair in drop if pair in present]
    _pairs_delete(gone)
    for item, pair, _ in ok:
        batch.done(item, None, created=pair not in present)
    changed = [pair for pair in keep if pair not in present] + gone
    if changed:
        write_affects(_affected_by_contacts(changed, batch.day), what=FEED_WRITE)


def _pairs_present(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    wanted = set(pairs)
    found: set[tuple[int, int]] = set()
    for part in batches(sorted({s for s, _ in wanted}), LOOKUP_CHUNK):
        rows = StaffUnit.objects.filter(staff_id__in=part).values_list("staff_id", "unit_id")
        found.update(row for row in rows if row in wanted)
    return found


def _pairs_delete(pairs: list[tuple[int, int]]) -> None:
    for part in batches(pairs, 500):
        condition = Q()
        for staff_pk, unit_pk in part:
            condition |= Q(staff_id=staff_pk, unit_id=unit_pk)
        StaffUnit.objects.filter(condition).delete()


def _listings(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, ListingFact)]
    units = lookup(Unit, "hsa_id", {f.listed_at for _, f in facts if f.listed_at})
    existing = lookup(Person, "personal_id", (f.personal_id for _, f in facts))
    rows = []
    ok = []
    for item, fact in facts:
        if fact.listed_at and fact.listed_at not in units:
            batch.problem(item, f"okänd vårdcentral {fact.listed_at}")
            continue
        rows.append(
            Person(
                personal_id=fact.personal_id,
                name=fact.name,
                listed_at_id=units[fact.listed_at] if fact.listed_at else None,
            )
        )
        ok.append((item, fact))
    pks = upsert(Person, rows, key="personal_id", update_fields=["name", "listed_at"])
    for item, fact in ok:
        batch.done(item, pks[fact.personal_id], created=fact.personal_id not in existing)
        batch.written_people.add(fact.personal_id)


def _person_and_units(
    batch: _Batch, facts: list[tuple[FeedItem, StayFact | DecisionFact]]
) -> tuple[dict[str, int], dict[str, int]]:
    people = lookup(Person, "personal_id", {f.personal_id for _, f in facts})
    names = {f.unit for _, f in facts} | {
        f.outpatient_unit for _, f in facts if isinstance(f, StayFact) and f.outpatient_unit
    }
    return people, lookup(Unit, "hsa_id", names)


def _unresolved(
    fact: StayFact | DecisionFact, people: dict[str, int], units: dict[str, int]
) -> list[str]:
    problems = []
    if fact.personal_id not in people:
        problems.append(f"personen {fact.personal_id} finns inte i registret")
    if fact.unit not in units:
        problems.append(f"okänd enhet {fact.unit}")
    if isinstance(fact, StayFact) and fact.outpatient_unit and fact.outpatient_unit not in units:
        problems.append(f"okänd öppenvårdsenhet {fact.outpatient_unit}")
    return problems


def _stays(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, StayFact)]
    people, units = _person_and_units(batch, list(facts))
    targets = _targets(InpatientStay, batch, [item for item, _ in facts])
    new: list[tuple[FeedItem, InpatientStay]] = []
    old: list[tuple[FeedItem, InpatientStay]] = []
    for item, fact in facts:
        problems = _unresolved(fact, people, units)
        if problems:
            batch.problem(item, "; ".join(problems))
            continue
        stay = InpatientStay(
            pk=targets.get(item.key),
            person_id=people[fact.personal_id],
            unit_id=units[fact.unit],
            admitted=fact.admitted,
            outpatient_unit_id=units[fact.outpatient_unit] if fact.outpatient_unit else None,
            needs_municipal_care=fact.needs_municipal_care,
            ready_for_discharge=fact.ready_for_discharge,
            discharged=fact.discharged,
        )
        (old if stay.pk else new).append((item, stay))
        batch.written_people.add(fact.personal_id)
    InpatientStay.objects.bulk_create([s for _, s in new], batch_size=2000)
    InpatientStay.objects.bulk_update(
        [s for _, s in old],
        [
            "person",
            "unit",
            "admitted",
            "outpatient_unit",
            "needs_municipal_care",
            "ready_for_discharge",
            "discharged",
        ],
        batch_size=1000,
    )
    for item, stay in new:
        batch.done(item, stay.pk, created=True, target=True)
    for item, stay in old:
        batch.done(item, stay.pk, created=False, target=True)


def _decisions(batch: _Batch, items: list[FeedItem]) -> None:
    if not items:
        return
    facts = [(item, item.fact) for item in items if isinstance(item.fact, DecisionFact)]
    people, units = _person_and_units(batch, list(facts))
    targets = _targets(HomeCareDecision, batch, [item for item, _ in facts])
    new: list[tuple[FeedItem, HomeCareDecision]] = []
    old: list[tuple[FeedItem, HomeCareDecision]] = []
    for item, fact in facts:
        problems = _unresolved(fact, people, units)
        if problems:
            batch.problem(item, "; ".join(problems))
            continue
        decision = HomeCareDecision(
            pk=targets.get(item.key),
            person_id=people[fact.personal_id],
            unit_id=units[fact.unit],
            start=fact.start,
            end=fact.end,
            services=list(fact.services),
        )
        (old if decision.pk else new).append((item, decision))
        batch.written_people.add(fact.personal_id)
    HomeCareDecision.objects.bulk_create([d for _, d in new], batch_size=2000)
    # The reason a contact is not needed is the case worker's, recorded on the pages: kept.
    HomeCareDecision.objects.bulk_update(
        [d for _, d in old], ["person", "unit", "start", "end", "services"], batch_size=1000
    )
    for item, decision in new:
        batch.done(item, decision.pk, created=True, target=True)
    for item, decision in old:
        batch.done(item, decision.pk, created=False, target=True)


def _targets(
    model: type[InpatientStay] | type[HomeCareDecision], batch: _Batch, items: list[FeedItem]
) -> dict[str, int]:
    """The registry's row of each record seen before (a row removed since is written anew)."""
    wanted = {
        item.key: stored.target
        for item in items
        if (stored := batch.stored.get((item.kind, item.key))) and stored.target
    }
    alive = set(
        model.objects.filter(pk__in=list(wanted.values())).values_list("pk", flat=True)
    )
    return {key: pk for key, pk in wanted.items() if pk in alive}


# --- ending what disappeared from a full call ------------------------------------------------


def _end_staff(actor: Actor, keys: list[str], day: date) -> None:
    leaving = list(
        Staff.objects.filter(hsa_id__in=keys)
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gt=day))
        .values_list("pk", flat=True)
    )
    Staff.objects.filter(pk__in=leaving).update(employment_end=day)
    write_affects(_affected_by_contacts(((pk, None) for pk in leaving), day), what=FEED_WRITE)


def _end_roles(actor: Actor, keys: list[str], day: date) -> None:
    pairs = [tuple(key.split(ROLE_KEY_SEPARATOR, 1)) for key in keys]
    staff = lookup(Staff, "hsa_id", {s for s, _ in pairs})
    units = lookup(Unit, "hsa_id", {u for _, u in pairs})
    resolved = [(staff[s], units[u]) for s, u in pairs if s in staff and u in units]
    gone = sorted(_pairs_present(resolved))
    _pairs_delete(gone)
    write_affects(_affected_by_contacts(gone, day), what=FEED_WRITE)


def _end_listings(actor: Actor, keys: list[str], day: date) -> None:
    listed = list(
        Person.objects.filter(personal_id__in=keys, listed_at__isnull=False).values_list(
            "personal_id", flat=True
        )
    )
    Person.objects.filter(personal_id__in=listed).update(listed_at=None)
    _log(actor, listed)


def _end_decisions(actor: Actor, targets: list[int], day: date) -> None:
    open_ = HomeCareDecision.objects.filter(pk__in=targets).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    )
    people = list(open_.values_list("person__personal_id", flat=True).distinct())
    # A decision that began after today ends before it began: it never applied.
    open_.filter(start__gt=day).delete()
    HomeCareDecision.objects.filter(pk__in=targets).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    ).update(end=day)
    _log(actor, people)


_ENDINGS = {"Practitioner", "PractitionerRole", "Patient", "ServiceRequest"}


def _end(
    actor: Actor,
    gone: list[tuple[str, str]],
    stored: dict[tuple[str, str], _Stored],
    day: date,
    result: FeedResult,
) -> None:
    if not gone:
        return
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in gone:
        by_kind[kind].append(key)
    for part in batches(by_kind.get("Practitioner", []), LOOKUP_CHUNK):
        _end_staff(actor, part, day)
    for part in batches(by_kind.get("PractitionerRole", []), LOOKUP_CHUNK):
        _end_roles(actor, part, day)
    for part in batches(by_kind.get("Patient", []), LOOKUP_CHUNK):
        _end_listings(actor, part, day)
    decisions = [
        t for key in by_kind.get("ServiceRequest", [])
        if (t := stored[("ServiceRequest", key)].target) is not None
    ]
    for ids in batches(decisions, LOOKUP_CHUNK):
        _end_decisions(actor, ids, day)
    for kind, keys in by_kind.items():
        for part in batches(keys, LOOKUP_CHUNK):
            FeedRecord.objects.filter(kind=kind, key__in=part).update(ended=True)
    result.ended += len(gone)
    for ident in gone:
        result.outcomes[ident] = "ended"

