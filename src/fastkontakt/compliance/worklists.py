"""The worklist of a unit: every finding of the rules engine for the people connected to it.

The people are those with a care relationship with the unit on ``as_of``
(``registry.selectors.care_relationship_q``, the same definition access control uses). Each of
their findings becomes a row, in one of three groups (``spec/rules.md``, *Findings*):

- ``overdue``: the deadline has passed (``due < as_of``);
- ``due_soon``: a deadline from ``as_of`` up to ``as_of + horizon_days`` (findings due later are
  not work yet, and the engine does not report them);
- ``breach``: no deadline; the rule is broken now (``due`` is null).

Rows are ordered overdue, due soon, breaches; within the first two by deadline, then
personnummer and rule, within breaches by personnummer and rule. Counts are over every row that
matches the filters, before paging; the filter options (rules, contact kinds, staff) are over
every row of the unit, before filtering, so a page can offer them all.

Every row names the contact kind and the staff member the finding concerns where that is known:
for a finding about a contact, that contact's; for a request, the kind requested; for the duties
of the fast omsorgskontakt (plan and continuity), the fast omsorgskontakt active on ``as_of``;
otherwise the kind the rule asks for (``RULE_KIND``) without staff.

The rows are read from the findings store (ADR 0020), which every write and the nightly refresh
keep equal to the rules engine; :func:`worklist_rows` is how the store attributes a person's
findings when it is refreshed. Cost: ten queries whatever the number of people; a page never
runs the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import UNIT_ROLES
from fastkontakt.access.selectors import persons_read
from fastkontakt.compliance.models import FindingOwner, StoredFinding
from fastkontakt.compliance.resolutions import (
    RESOLUTIONS,
    Owners,
    Resolution,
    resolution_for,
    row_owners,
)
from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.errors import NotAllowed
from fastkontakt.domain.model import ContactKind, ContactRequest, Patient
from fastkontakt.domain.rules.engine import Directory, Finding
from fastkontakt.domain.rules.lag import unanswered_requests
from fastkontakt.registry.models import Person, Unit
from fastkontakt.registry.selectors import care_relationship_ids, pk_set, region_policy_get

__all__ = [
    "GROUPS",
    "GROUP_LABELS",
    "RULE_KIND",
    "Worklist",
    "WorklistOptions",
    "WorklistRow",
    "worklist_get",
    "stored_rows",
    "worklist_rows",
]

Group = Literal["overdue", "due_soon", "breach"]
GROUPS: tuple[Group, ...] = ("overdue", "due_soon", "breach")
GROUP_LABELS: dict[Group, str] = {
    "overdue": "Försenade",
    "due_soon": "Förfaller snart",
    "breach": "Brister",
}

#: The contact kind a patient-level rule is about (contact-level rules name their contact).
RULE_KIND: dict[str, ContactKind | None] = {
    "contact-on-request": None,  # the kind requested; see _Concern
    "life-threatening-physician": "fast_vardkontakt",
    "discharge-contact": "fast_vardkontakt",
    # Lag (2017:612): the fast vårdkontakt sends the SIP invitation.
    "discharge-sip-invitation": "fast_vardkontakt",
    "home-care-contact": "fast_omsorgskontakt",
    "transfer-consent": None,
    "one-coordinator": "fast_vardkontakt",
    "plan-initial-update": "fast_omsorgskontakt",
    "plan-revision": "fast_omsorgskontakt",
    "sip-coordinator": "sip_samordnare",
    "continuity-share": "fast_omsorgskontakt",
    "contact-needed": "fast_vardkontakt",
    "residential-care-contact": "fast_omsorgskontakt",
}
#: Patient-level rules that are the fast omsorgskontakt's own duties (seed 002).
_OMSORGSKONTAKT_DUTIES = frozenset({"plan-initial-update", "plan-revision", "continuity-share"})


@dataclass(frozen=True, slots=True)
class WorklistRow:
    group: Group
    person_pk: int
    personal_id: str
    name: str
    rule: str
    due: date | None
    overdue: bool
    message: str
    """The engine's Swedish explanation."""
    source: str
    """The legal or routine source of the rule."""
    contact: str | None
    """Id of the contact the finding is about (contact-level rules)."""
    kind: ContactKind | None
    staff_pk: int | None
    staff_name: str | None
    owners: Owners = Owners()
    """The units that own the fix (``compliance.resolutions``)."""


@dataclass(frozen=True, slots=True)
class WorklistOptions:
    """What the filters can choose from: everything on the unit's worklist, unfiltered."""

    rules: tuple[tuple[str, int], ...]
    """Rule id and number of rows, by rule id."""
    kinds: tuple[ContactKind, ...]
    staff: tuple[tuple[int, str], ...]
    """Staff pk and name, by name."""


@dataclass(frozen=True, slots=True)
class Worklist:
    unit_pk: int
    unit_id: str
    unit_name: str
    as_of: date
    policy: str
    people: int
    """People connected to the unit."""
    counts: Mapping[Group, int]
    """Rows per group that match the filters, before paging."""
    total: int
    page: int
    page_size: int
    pages: int
    rows: list[WorklistRow]
    """This page's rows."""
    options: WorklistOptions

    def grouped(self) -> list[tuple[Group, list[WorklistRow]]]:
        """This page's rows under their groups, in group order, leaving out empty groups."""
        return [
            (group, rows)
            for group in GROUPS
            if (rows := [row for row in self.rows if row.group == group])
        ]


def worklist_units(*, actor: Actor) -> list[Unit]:
    """The units whose worklist the actor sees: where they hold a role, by name. Raises
    ``NotAllowed`` for an actor without any (a provider-wide role gives no worklist)."""
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*UNIT_ROLES)).order_by("name"))
    if not units:
        raise NotAllowed("Du har ingen roll vid någon enhet och har därför ingen arbetslista.")
    return units


@dataclass(frozen=True, slots=True)
class ActorWorklist:
    """A unit's worklist as one member of its staff sees it."""

    unit: Unit
    listing: Worklist
    rows: tuple[tuple[WorklistRow, Resolution], ...]
    """The page's rows about people the actor may read, each with the way the actor resolves
    it; every person on the page is logged as read (allowed or refused) once."""


def worklist_for_actor(
    *,
    actor: Actor,
    unit: Unit,
    as_of: date,
    rule: str | None = None,
    kind: str | None = None,
    staff_pk: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> ActorWorklist:
    """``worklist_get`` for the actor at ``unit`` (one of ``worklist_units``): only rows the
    actor's roles there have a form for, and of those only the people the actor may read."""
    roles = frozenset(role for role in UNIT_ROLES if actor.has_role(role, unit.pk))
    listing = worklist_get(
        unit_pk=unit.pk,
        as_of=as_of,
        rule=rule,
        kind=kind,
        staff_pk=staff_pk,
        roles=roles,
        page=page,
        page_size=page_size,
    )
    person_pks = list(dict.fromkeys(row.person_pk for row in listing.rows))
    people = Person.objects.in_bulk(person_pks)
    readable = {
        p.pk
        for p in persons_read(
            actor=actor,
            people=[people[pk] for pk in person_pks if pk in people],
            what="worklist",
            on=listing.as_of,
        )
    }
    rows = []
    for row in listing.rows:
        way = resolution_for(row.rule, unit.type, roles)
        if row.person_pk in readable and way is not None:
            rows.append((row, way))
    return ActorWorklist(unit, listing, tuple(rows))


def worklist_get(
    *,
    unit_pk: int,
    as_of: date,
    rule: str | None = None,
    kind: str | None = None,
    staff_pk: int | None = None,
    roles: frozenset[str] | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Worklist:
    """The worklist of the unit ``unit_pk`` on ``as_of`` (semantics in the module docstring),
    read from the findings store (ADR 0020): the rules are not run here.

    ``rule``, ``kind`` and ``staff_pk`` keep only rows of that rule, about that contact kind,
    concerning that staff member. ``page`` counts from 1 and is brought within the pages there
    are. Only rows the unit owns the fix of are on its worklist (``compliance.resolutions``);
    with ``roles`` (the viewer's roles at the unit) only those the viewer has a form for.
    Raises ``Unit.DoesNotExist`` for an unknown unit and ``ValueError`` for a page or page
    size below 1. Ten queries, whatever the number of people.
    """
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size must be at least 1")
    unit_id, unit_name, unit_type = Unit.objects.values_list("hsa_id", "name", "type").get(
        pk=unit_pk
    )
    policy = region_policy_get()
    # The unit's people as a UNION of the parts of a care relationship, each read through its
    # index: a filter over Person would test every person of the region.
    connected = care_relationship_ids([unit_pk], as_of)
    owned = StoredFinding.objects.filter(
        Q(Exists(FindingOwner.objects.filter(finding=OuterRef("pk"), unit_id=unit_id)))
        | Q(owner_types__contains=f",{unit_type},"),
        resolved_on__isnull=True,
        person__in=connected,
    )
    if roles is not None:
        owned = owned.filter(
            rule__in=[r for r in RESOLUTIONS if resolution_for(r, unit_type, roles) is not None]
        )
    # Which stored findings are the unit's is decided once: the options, counts and page below
    # read those rows by id instead of joining the unit's people again in each query.
    unit_rows = _by_pk(owned)
    options = _options(unit_rows)
    matching = unit_rows
    if rule is not None:
        matching = matching.filter(rule=rule)
    if kind is not None:
        matching = matching.filter(kind=kind)
    if staff_pk is not None:
        matching = matching.filter(staff_id=staff_pk)
    counts = matching.aggregate(
        overdue=Count("pk", filter=Q(due__lt=as_of)),
        due_soon=Count("pk", filter=Q(due__gte=as_of)),
        breach=Count("pk", filter=Q(due__isnull=True)),
    )
    total = sum(counts.values())
    pages = max(1, -(-total // page_size))
    page = min(page, pages)
    ordered = matching.order_by(
        F("due").asc(nulls_last=True), "person__personal_id", "rule", "contact", "ordinal"
    )
    return Worklist(
        unit_pk=unit_pk,
        unit_id=unit_id,
        unit_name=unit_name,
        as_of=as_of,
        policy=policy.name,
        people=connected.count(),
        counts={group: counts[group] for group in GROUPS},
        total=total,
        page=page,
        page_size=page_size,
        pages=pages,
        rows=stored_rows(ordered[(page - 1) * page_size : page * page_size], as_of),
        options=options,
    )


def stored_rows(findings: QuerySet[StoredFinding], as_of: date) -> list[WorklistRow]:
    """Stored findings as worklist rows on ``as_of``, in the queryset's order (two queries)."""
    found = list(
        findings.values_list(
            "pk",
            "person_id",
            "person__personal_id",
            "person__name",
            "rule",
            "due",
            "message",
            "source",
            "contact",
            "kind",
            "staff_id",
            "staff__name",
            "owner_types",
        )
    )
    units: dict[int, dict[str, str | None]] = {}
    for finding_pk, unit, contact in FindingOwner.objects.filter(
        finding_id__in=[f[0] for f in found]
    ).values_list("finding_id", "unit_id", "contact"):
        units.setdefault(finding_pk, {})[str(unit)] = contact or None
    rows: list[WorklistRow] = []
    for found_row in found:
        pk, person_pk, personal_id, name, rule, due, message, source, contact = found_row[:9]
        kind = cast("ContactKind | None", found_row[9] or None)
        staff_pk = cast("int | None", found_row[10])
        staff_name = cast("str | None", found_row[11])
        owner_types = found_row[12]
        group: Group = "breach" if due is None else "overdue" if due < as_of else "due_soon"
        rows.append(
            WorklistRow(
                group=group,
                person_pk=person_pk,
                personal_id=personal_id,
                name=name,
                rule=rule,
                due=due,
                overdue=due is not None and due < as_of,
                message=message,
                source=source,
                contact=contact or None,
                kind=kind,
                staff_pk=staff_pk,
                staff_name=staff_name,
                owners=Owners(
                    units=units.get(pk, {}),
                    types=frozenset(t for t in owner_types.split(",") if t),
                ),
            )
        )
    return rows


def worklist_rows(
    person_pk: int,
    patient: Patient,
    findings: Sequence[Finding],
    directory: Directory,
    staff_pks: Mapping[str, int],
    as_of: date,
) -> Iterator[WorklistRow]:
    """One person's findings as worklist rows, each attributed to a contact kind and staff
    member (module docstring); the caseload pages use it too, so the two always agree."""
    contacts = {c.id: c for c in patient.contacts}
    requests = _requests_in_finding_order(patient)
    omsorgskontakt = next(
        (
            c.staff
            for c in patient.contacts
            if c.kind == "fast_omsorgskontakt" and active_on(c.start, c.end, as_of)
        ),
        None,
    )
    for finding in findings:
        kind: ContactKind | None = RULE_KIND.get(finding.rule)
        staff: str | None = None
        contact = contacts.get(finding.contact) if finding.contact is not None else None
        request_unit: str | None = None
        if contact is not None:
            kind, staff = contact.kind, contact.staff
        elif finding.rule == "contact-on-request":
            request = next(requests, None)
            kind = request.kind if request is not None else None
            request_unit = request.unit if request is not None else None
        elif finding.rule in _OMSORGSKONTAKT_DUTIES:
            staff = omsorgskontakt
        member = directory.staff.get(staff) if staff is not None else None
        due = finding.due
        group: Group = "breach" if due is None else "overdue" if due < as_of else "due_soon"
        yield WorklistRow(
            group=group,
            person_pk=person_pk,
            personal_id=patient.id,
            name=patient.name,
            rule=finding.rule,
            due=due,
            overdue=finding.overdue,
            message=finding.message,
            source=finding.source,
            contact=finding.contact,
            kind=kind,
            staff_pk=staff_pks.get(staff) if staff is not None else None,
            staff_name=member.name if member is not None else staff,
            owners=row_owners(finding, patient, directory, as_of, request_unit=request_unit),
        )


def _requests_in_finding_order(patient: Patient) -> Iterator[ContactRequest]:
    # The engine sorts a person's findings by rule, then due (a request's date plus a fixed
    # number of days), stably: the unanswered requests sorted by date line up with the
    # ``contact-on-request`` findings, those beyond the horizon (the latest) left off the end.
    return iter(sorted(unanswered_requests(patient), key=lambda request: request.date))


def _by_pk(rows: QuerySet[StoredFinding]) -> QuerySet[StoredFinding]:
    """The same rows, chosen by their ids (one query now): later queries skip the conditions."""
    return StoredFinding.objects.filter(pk__in=pk_set(list(rows.values_list("pk", flat=True))))


def _options(rows: QuerySet[StoredFinding]) -> WorklistOptions:
    by_rule = rows.values_list("rule").annotate(n=Count("pk")).order_by("rule")
    kinds = rows.exclude(kind="").values_list("kind", flat=True).distinct().order_by("kind")
    staff = (
        rows.filter(staff__isnull=False)
        .values_list("staff_id", "staff__name")
        .distinct()
        .order_by("staff__name", "staff_id")
    )
    return WorklistOptions(
        rules=tuple((rule, n) for rule, n in by_rule),
        kinds=tuple(cast("Iterable[ContactKind]", kinds)),
        staff=tuple(staff),
    )
