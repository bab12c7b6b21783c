"""The API's reads: people only through ``access.selectors`` (care relationship + access log).

Every function that returns a person's data goes through ``person_read`` (one person),
``persons_read`` (a page of people, each logged) or ``visible_persons`` (the people the actor
may search among); organisation data (units, staff, their roles) is not personal data of the
people in care and is read directly. The functions own their ``select_related``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry
from fastkontakt.access.selectors import (
    accesslog_list,
    log_review_read,
    person_read,
    persons_named_check,
    persons_named_read,
    persons_named_refused_log,
    persons_read,
    visible_persons,
)
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.compliance.worklists import worklist_get
from fastkontakt.domain.errors import NotFound
from fastkontakt.domain.rules.engine import Finding
from fastkontakt.fhir.mappers.codes import CONTACT_ROLE, COORDINATING, PERSON_SYSTEMS
from fastkontakt.fhir.search import DateRange, Page, Token
from fastkontakt.registry.models import (
    Contact,
    ImplementationPlan,
    InformationTransfer,
    Person,
    PlanRevision,
    Sip,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.runtime import clock

NOT_FOUND = "Resursen finns inte."
_T = TypeVar("_T")
_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True, slots=True)
class Found(Generic[_T]):
    """One page of a search: the total number of matches and this page's items."""

    total: int
    items: list[_T]


def _page(queryset: QuerySet[_M], page: Page) -> tuple[int, list[_M]]:
    items = list(queryset[page.offset : page.offset + page.count]) if page.count else []
    if page.offset == 0 and len(items) < page.count:
        # The whole result fits on the first page: its length is the total, and the COUNT
        # (as costly as the search itself) is spared, which is the common case of a search
        # by patient or identifier.
        return len(items), items
    return queryset.count(), items


def _named_numbers(tokens: Sequence[Token]) -> list[str]:
    # "19580709-5566" as people write it names the same person as the stored "195807095566"
    return [
        _without_hyphen(t.code) for t in tokens if t.system is None or t.system in PERSON_SYSTEMS
    ]


def _without_hyphen(code: str) -> str:
    if len(code) == 13 and code[8] == "-" and (code[:8] + code[9:]).isascii():
        return code[:8] + code[9:]
    return code


def _refused_log(
    actor: Actor, what: str, pks: Sequence[int] = (), identifiers: Sequence[Token] = ()
) -> None:
    """A search that names people logs each one the actor may not read (``access.selectors``)."""
    persons_named_refused_log(
        actor=actor, what=what, person_pks=pks, personal_ids=_named_numbers(identifiers)
    )


def _identifier_q(tokens: Sequence[Token], prefix: str = "") -> Q:
    """People with any of the personnummer/samordningsnummer ``tokens`` (OR, as FHIR's comma)."""
    matches = Q(pk__in=[])
    for number in _named_numbers(tokens):
        matches |= Q(**{f"{prefix}personal_id": number})
    return matches


# --- people ------------------------------------------------------------------------------------


def person_get(*, actor: Actor, person_pk: int, what: str) -> Person:
    return person_read(actor=actor, person_pk=person_pk, what=what)


def patient_search(
    *,
    actor: Actor,
    page: Page,
    ids: Sequence[int] = (),
    identifiers: Sequence[Token] = (),
    name: str = "",
) -> Found[Person]:
    _refused_log(actor, "fhir.Patient.search", ids, identifiers)
    people = visible_persons(actor)
    if ids:
        people = people.filter(pk__in=list(ids))
    if identifiers:
        people = people.filter(_identifier_q(identifiers))
    for word in name.split():
        people = people.filter(name__icontains=word)
    total, page_people = _page(people.order_by("pk"), page)
    return Found(total, persons_read(actor=actor, people=page_people, what="fhir.Patient.search"))


# --- care teams --------------------------------------------------------------------------------


def _contacts_of(person_pks: Sequence[int]) -> dict[int, list[Contact]]:
    grouped: dict[int, list[Contact]] = {pk: [] for pk in person_pks}
    contacts = (
        Contact.objects.filter(person_id__in=list(person_pks))
        .select_related("staff", "unit")
        .order_by("start", "pk")
    )
    for contact in contacts:
        grouped[contact.person_id].append(contact)
    return grouped


def care_team_get(*, actor: Actor, person_pk: int) -> tuple[Person, list[Contact]]:
    person = person_read(actor=actor, person_pk=person_pk, what="fhir.CareTeam.read")
    return person, _contacts_of([person.pk])[person.pk]


@dataclass(frozen=True, slots=True)
class CareTeamQuery:
    """PCC-46: each field narrows the teams (comma-separated values within one are ORed)."""

    patients: Sequence[int] = ()
    identifiers: Sequence[Token] = ()
    participants: Sequence[tuple[int, int | None]] = ()
    """(staff pk, unit pk or None for any unit)."""
    roles: Sequence[Token] = ()
    status: Sequence[str] = ()
    dates: DateRange | None = None


def _current_contacts(on: date) -> QuerySet[Contact]:
    return Contact.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


def care_team_search(
    *, actor: Actor, query: CareTeamQuery, page: Page
) -> Found[tuple[Person, list[Contact]]]:
    what = "fhir.CareTeam.search"
    named = None
    if query.patients or query.identifiers:
        # A search by patient (PCC-46's usual one) checks the care relationship of the people
        # it names once, and searches among those the actor may read.
        named = persons_named_check(
            actor=actor,
            what=what,
            person_pks=query.patients,
            personal_ids=_named_numbers(query.identifiers),
        )
        people = Person.objects.filter(pk__in=named.pks)
    else:
        people = visible_persons(actor)
    if query.patients:
        people = people.filter(pk__in=list(query.patients))
    if query.identifiers:
        people = people.filter(_identifier_q(query.identifiers))
    if query.participants:
        members = Q(pk__in=[])
        for staff_pk, unit_pk in query.participants:
            members |= (
                Q(staff_id=staff_pk) if unit_pk is None else Q(staff_id=staff_pk, unit_id=unit_pk)
            )
        people = people.filter(pk__in=Contact.objects.filter(members).values("person_id"))
    if query.roles:
        roles = Q(pk__in=[])
        for token in query.roles:
            if token.system not in (None, CONTACT_ROLE):
                continue
            if token.code == COORDINATING:
                roles |= Q(kind="fast_vardkontakt", coordinating=True)
            else:
                roles |= Q(kind=token.code)
        people = people.filter(pk__in=Contact.objects.filter(roles).values("person_id"))
    if query.status:
        current = Q(pk__in=_current_contacts(clock.today()).values("person_id"))
        wanted = set(query.status)
        if wanted <= {"active"}:
            people = people.filter(current)
        elif wanted <= {"inactive"}:
            people = people.exclude(current)
        elif not wanted & {"active", "inactive"}:
            people = people.none()
    if query.dates is not None:
        overlapping = Contact.objects.all()
        if query.dates.end is not None:
            overlapping = overlapping.filter(start__lte=query.dates.end)
        if query.dates.start is not None:
            overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=query.dates.start))
        people = people.filter(pk__in=overlapping.values("person_id"))
    total, page_people = _page(people.order_by("pk"), page)
    readable = (
        persons_read(actor=actor, people=page_people, what=what)
        if named is None
        else persons_named_read(named=named, people=page_people)
    )
    contacts = _contacts_of([p.pk for p in readable])
    return Found(total, [(person, contacts[person.pk]) for person in readable])


# --- organisation: units, staff and their roles ------------------------------------------------


def unit_get(*, unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise NotFound(NOT_FOUND)
    return unit


def unit_search(*, page: Page, identifiers: Sequence[Token] = (), name: str = "") -> Found[Unit]:
    units = Unit.objects.all()
    if identifiers:
        units = units.filter(hsa_id__in=[t.code for t in identifiers])
    for word in name.split():
        units = units.filter(name__icontains=word)
    return Found(*_page(units.order_by("pk"), page))


def staff_get(*, staff_pk: int) -> Staff:
    staff = Staff.objects.filter(pk=staff_pk).first()
    if staff is None:
        raise NotFound(NOT_FOUND)
    return staff


def staff_search(*, page: Page, identifiers: Sequence[Token] = (), name: str = "") -> Found[Staff]:
    staff = Staff.objects.all()
    if identifiers:
        staff = staff.filter(hsa_id__in=[t.code for t in identifiers])
    for word in name.split():
        staff = staff.filter(name__icontains=word)
    return Found(*_page(staff.order_by("pk"), page))


def practitioner_role_get(*, staff_pk: int, unit_pk: int) -> tuple[Staff, Unit, bool]:
    """The staff member at the unit, and whether they work there now; a role exists where they
    work or where they hold (or held) a contact."""
    works_there = StaffUnit.objects.filter(staff_id=staff_pk, unit_id=unit_pk).exists()
    if not works_there and not Contact.objects.filter(staff_id=staff_pk, unit_id=unit_pk).exists():
        raise NotFound(NOT_FOUND)
    return staff_get(staff_pk=staff_pk), unit_get(unit_pk=unit_pk), works_there


def practitioner_roles_of(pairs: Sequence[tuple[int, int]]) -> list[tuple[Staff, Unit, bool]]:
    """The roles behind care team members (for ``_include``), in the order given."""
    wanted = list(dict.fromkeys(pairs))
    staff = Staff.objects.in_bulk([s for s, _ in wanted])
    units = Unit.objects.in_bulk([u for _, u in wanted])
    working = set(
        StaffUnit.objects.filter(staff_id__in=list(staff)).values_list("staff_id", "unit_id")
    )
    return [(staff[s], units[u], (s, u) in working) for s, u in wanted]


def practitioner_role_search(
    *, page: Page, practitioners: Sequence[int] = (), organizations: Sequence[int] = ()
) -> Found[StaffUnit]:
    roles = StaffUnit.objects.select_related("staff", "unit")
    if practitioners:
        roles = roles.filter(staff_id__in=list(practitioners))
    if organizations:
        roles = roles.filter(unit_id__in=list(organizations))
    return Found(*_page(roles.order_by("pk"), page))


# --- care plans and consents -------------------------------------------------------------------


def implementation_plan_get(
    *, actor: Actor, plan_pk: int
) -> tuple[ImplementationPlan, list[PlanRevision]]:
    plan = ImplementationPlan.objects.filter(pk=plan_pk).first()
    if plan is None:
        raise NotFound(NOT_FOUND)
    person_read(actor=actor, person_pk=plan.person_id, what="fhir.CarePlan.read")
    return plan, list(plan.revisions.order_by("pk"))


def sip_get(*, actor: Actor, sip_pk: int) -> Sip:
    sip = Sip.objects.filter(pk=sip_pk).first()
    if sip is None:
        raise NotFound(NOT_FOUND)
    person_read(actor=actor, person_pk=sip.person_id, what="fhir.CarePlan.read")
    return sip


def _people_in_scope(actor: Actor, patients: Sequence[int], what: str) -> QuerySet[Person]:
    _refused_log(actor, what, patients)
    people = visible_persons(actor)
    return people.filter(pk__in=list(patients)) if patients else people


CarePlanItem = tuple[ImplementationPlan, list[PlanRevision]] | Sip


def care_plan_search(
    *, actor: Actor, page: Page, patients: Sequence[int] = (), kinds: Sequence[str] = ()
) -> Found[CarePlanItem]:
    """Implementation plans first, then SIPs, each in pk order; ``kinds``: genomforandeplan/sip."""
    people = _people_in_scope(actor, patients, "fhir.CarePlan.search").values("pk")
    plans = ImplementationPlan.objects.filter(person_id__in=people).order_by("pk")
    sips = Sip.objects.filter(person_id__in=people).order_by("pk")
    if kinds and "genomforandeplan" not in kinds:
        plans = plans.none()
    if kinds and "sip" not in kinds:
        sips = sips.none()
    plan_count = plans.count()
    total = plan_count + sips.count()
    start, stop = page.offset, page.offset + page.count
    page_plans = list(plans[start:stop]) if start < plan_count and page.count else []
    sip_start = max(0, start - plan_count)
    page_sips = list(sips[sip_start : stop - plan_count]) if stop > plan_count else []
    owners = [p.person_id for p in page_plans] + [s.person_id for s in page_sips]
    readable = _read_owners(actor, owners, "fhir.CarePlan.search")
    revisions: dict[int, list[PlanRevision]] = {p.pk: [] for p in page_plans}
    for revision in PlanRevision.objects.filter(plan__in=page_plans).order_by("pk"):
        revisions[revision.plan_id].append(revision)
    items: list[CarePlanItem] = [
        (plan, revisions[plan.pk]) for plan in page_plans if plan.person_id in readable
    ]
    items.extend(sip for sip in page_sips if sip.person_id in readable)
    return Found(total, items)


def _read_owners(actor: Actor, person_pks: Sequence[int], what: str) -> set[int]:
    """Log a read of each person who owns something on the page; returns those readable."""
    people = list(Person.objects.filter(pk__in=set(person_pks)).order_by("pk"))
    return {p.pk for p in persons_read(actor=actor, people=people, what=what)}


def consent_get(*, actor: Actor, transfer_pk: int) -> InformationTransfer:
    transfer = InformationTransfer.objects.filter(pk=transfer_pk).first()
    if transfer is None:
        raise NotFound(NOT_FOUND)
    person_read(actor=actor, person_pk=transfer.person_id, what="fhir.Consent.read")
    return transfer


def consent_search(
    *, actor: Actor, page: Page, patients: Sequence[int] = ()
) -> Found[InformationTransfer]:
    people = _people_in_scope(actor, patients, "fhir.Consent.search").values("pk")
    transfers = InformationTransfer.objects.filter(person_id__in=people).order_by("pk")
    total, items = _page(transfers, page)
    readable = _read_owners(actor, [t.person_id for t in items], "fhir.Consent.search")
    return Found(total, [t for t in items if t.person_id in readable])


# --- tasks: the findings of the rules engine ---------------------------------------------------


def findings_of_person(*, actor: Actor, person_pk: int, what: str) -> list[Finding]:
    person = person_read(actor=actor, person_pk=person_pk, what=what)
    return findings_for_person(personal_id=person.personal_id, as_of=clock.today())


def unit_findings(
    *, actor: Actor, page: Page, rule: str | None = None
) -> Found[tuple[int, Finding]]:
    """The worklist of the actor's unit (the people with a care relationship with it)."""
    if not actor.unit_hsa_ids or page.count == 0:
        return Found(0, [])
    unit_pk = actor.unit_hsa_ids[0][0]
    # The worklist pages by page number; an offset that is not a multiple of the count starts
    # at the page holding it.
    worklist = worklist_get(
        unit_pk=unit_pk,
        as_of=clock.today(),
        rule=rule,
        page=page.offset // page.count + 1,
        page_size=page.count,
    )
    if page.offset >= worklist.total:
        return Found(worklist.total, [])
    readable = _read_owners(actor, [row.person_pk for row in worklist.rows], "fhir.Task.search")
    return Found(
        worklist.total,
        [
            (
                row.person_pk,
                Finding(
                    rule=row.rule,
                    patient=row.personal_id,
                    contact=row.contact,
                    due=row.due,
                    overdue=row.overdue,
                    message=row.message,
                    source=row.source,
                ),
            )
            for row in worklist.rows
            if row.person_pk in readable
        ],
    )


# --- the access log ----------------------------------------------------------------------------


def audit_event_get(*, actor: Actor, entry_id: int) -> AccessLogEntry:
    entry = AccessLogEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(NOT_FOUND)
    log_review_read(actor=actor, personal_ids=[entry.personal_id], what="fhir.AuditEvent.read")
    return entry


def audit_event_search(
    *,
    actor: Actor,
    page: Page,
    personal_id: str | None = None,
    username: str = "",
    dates: DateRange | None = None,
) -> Found[AccessLogEntry]:
    """``personal_id``: only entries about that person; "" (a person not in the registry) matches
    nothing."""
    if personal_id == "":
        return Found(0, [])
    entries = accesslog_list(
        personal_id=personal_id or "",
        username=username,
        since=dates.start if dates else None,
        until=dates.end if dates else None,
    )
    total, items = _page(entries, page)
    log_review_read(
        actor=actor, personal_ids=[e.personal_id for e in items], what="fhir.AuditEvent.search"
    )
    return Found(total, items)


def personal_id_of(*, person_pk: int) -> str:
    """For the log reviewer's search by patient: the number the log is kept under."""
    return Person.objects.filter(pk=person_pk).values_list("personal_id", flat=True).first() or ""
