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

Cost: a fixed number of queries whatever the number of people (the unit, the policy, the people
and one per table of their data, the id maps and the directory), then the engine in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastkontakt.compliance.resolutions import Owners, resolution_for, row_owners
from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.model import ContactKind, ContactRequest, Patient
from fastkontakt.domain.rules.engine import Directory, Finding, Policy, evaluate_patient
from fastkontakt.domain.rules.lag import unanswered_requests
from fastkontakt.registry.models import Unit
from fastkontakt.registry.selectors import (
    care_relationship_q,
    directory_get,
    person_snapshot_list,
    region_policy_get,
)

__all__ = [
    "GROUPS",
    "GROUP_LABELS",
    "RULE_KIND",
    "Worklist",
    "WorklistOptions",
    "WorklistRow",
    "worklist_get",
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


def worklist_get(
    *,
    unit_pk: int,
    as_of: date,
    policy: Policy | None = None,
    rule: str | None = None,
    kind: str | None = None,
    staff_pk: int | None = None,
    roles: frozenset[str] | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Worklist:
    """The worklist of the unit ``unit_pk`` on ``as_of`` (semantics in the module docstring).

    ``policy`` defaults to the region's. ``rule``, ``kind`` and ``staff_pk`` keep only rows of
    that rule, about that contact kind, concerning that staff member. ``page`` counts from 1 and
    is brought within the pages there are. Only rows the unit owns the fix of are on its
    worklist (``compliance.resolutions``); with ``roles`` (the viewer's roles at the unit) only
    those the viewer has a form for. Raises ``Unit.DoesNotExist`` for an unknown unit and
    ``ValueError`` for a page or page size below 1.
    """
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size must be at least 1")
    unit_id, unit_name, unit_type = Unit.objects.values_list("hsa_id", "name", "type").get(
        pk=unit_pk
    )
    chosen = policy if policy is not None else region_policy_get()
    people = person_snapshot_list(where=care_relationship_q([unit_pk], as_of))
    directory = directory_get()

    rows: list[WorklistRow] = []
    for person_pk, patient in zip(people.person_pks, people.patients, strict=True):
        findings = evaluate_patient(patient, directory, as_of=as_of, policy=chosen)
        rows.extend(
            row
            for row in worklist_rows(
                person_pk, patient, findings, directory, people.staff_pks, as_of
            )
            if row.owners.owns(unit_id, unit_type)
            and (roles is None or resolution_for(row.rule, unit_type, roles) is not None)
        )
    options = _options(rows)
    matching = [
        row
        for row in rows
        if (rule is None or row.rule == rule)
        and (kind is None or row.kind == kind)
        and (staff_pk is None or row.staff_pk == staff_pk)
    ]
    matching.sort(key=_order)
    counts = Counter(row.group for row in matching)
    total = len(matching)
    pages = max(1, -(-total // page_size))
    page = min(page, pages)
    return Worklist(
        unit_pk=unit_pk,
        unit_id=unit_id,
        unit_name=unit_name,
        as_of=as_of,
        policy=chosen.name,
        people=len(people.patients),
        counts={group: counts.get(group, 0) for group in GROUPS},
        total=total,
        page=page,
        page_size=page_size,
        pages=pages,
        rows=matching[(page - 1) * page_size : page * page_size],
        options=options,
    )


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


def _order(row: WorklistRow) -> tuple[int, date, str, str, str]:
    return (
        GROUPS.index(row.group),
        row.due or date.min,
        row.personal_id,
        row.rule,
        row.contact or "",
    )


def _options(rows: Sequence[WorklistRow]) -> WorklistOptions:
    by_rule = Counter(row.rule for row in rows)
    kinds = {row.kind for row in rows if row.kind is not None}
    staff = {(row.staff_pk, row.staff_name or "") for row in rows if row.staff_pk is not None}
    return WorklistOptions(
        rules=tuple(sorted(by_rule.items())),
        kinds=tuple(sorted(kinds)),
        staff=tuple(sorted(staff, key=lambda member: (member[1], member[0]))),
    )
