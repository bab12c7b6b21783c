"""Loading a scenario file into the registry (``fastkontakt load``).

What :func:`scenario_load` does with a file:

- **One transaction, all or nothing.** The file is checked against the registry first; any
  problem raises :class:`RegistryConflict` listing every problem, and nothing is written. A
  failure half-way rolls the whole load back.
- **Units and staff are upserted by id** (the HSA-id). A staff member's units and absences are
  replaced by the file's.
- **Every patient in the file is upserted by personnummer** and its whole state (contacts,
  requests, inpatient stays, home-care decisions, implementation plan and revisions, SIPs,
  information transfers, visits) is **replaced** by the file's: the file is the truth about the
  people it names.
- **Anything not in the file is left untouched**: other people, units and staff. A file is
  checked exactly as ``fastkontakt compliance`` checks it, so it declares every unit and staff
  member it refers to.
- **Contact ids and SIP ids are global.** An id in the file that already belongs to another
  person in the registry is a conflict (an appointment never moves between people), even when
  that other person is in the file too.
- **The region policy** is set from the file when the file names one.
- **Idempotent**: loading the same file twice leaves the registry as loading it once.
- **Logged as the operator's**: given an ``actor`` (``fastkontakt load``: the system
  administrator's region-wide load, ADR 0012), every person in the file gets one write entry
  in the access log (``scenario.load``, basis ``system``) in the same transaction.

It is built for whole regions (hundreds of thousands of people, millions of rows): every read
and write is a bulk statement over a batch (upserts with ``INSERT … ON CONFLICT``, deletes by
``person_id IN (…)``), ids are mapped to primary keys once, and nothing is done per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from fastkontakt.access.accesslog import log_record, log_writes, write_affects, write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Action, Basis
from fastkontakt.domain import model as domain
from fastkontakt.domain.errors import InvalidScenario, Problem, Refusal
from fastkontakt.domain.model import Patient, Scenario
from fastkontakt.domain.postal import CARE_OF_LENGTH, CITY_LENGTH, STREET_LENGTH
from fastkontakt.domain.scenario import scenario_from_json, scenario_to_json
from fastkontakt.registry.models import (
    ADDRESS_COLUMNS,
    ID_LENGTH,
    NAME_LENGTH,
    Absence,
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    RegionSettings,
    Sip,
    Staff,
    StaffUnit,
    Unit,
    Visit,
)
from fastkontakt.registry.services.bulk import (
    BATCH_SIZE,
    LOOKUP_CHUNK,
    batches,
    insert,
    lookup,
    upsert,
)

__all__ = ["LoadSummary", "RegistryConflict", "scenario_load", "scenario_replace"]


class RegistryConflict(Refusal):
    """A scenario that cannot go into the registry as it stands; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What a load wrote."""

    units: int
    staff: int
    patients: int
    patients_created: int
    """Of ``patients``, how many were not in the registry before."""
    contacts: int
    dependent_rows: int
    """Every row written below the patients, contacts included."""


@write_transaction()
def scenario_load(*, scenario: Scenario, actor: Actor | None = None) -> LoadSummary:
    """Load ``scenario`` into the registry (semantics in the module docstring).

    Raises :class:`RegistryConflict` when the scenario is invalid or does not fit the registry.
    """
    problems = _scenario_problems(scenario)
    problems = problems or _length_problems(scenario) + _ownership_problems(scenario)
    if problems:
        raise RegistryConflict(problems)

    unit_pks = dict(
        upsert(
            Unit,
            (unit_row(u) for u in scenario.units),
            key="hsa_id",
            # The file's address replaces the stored one, as every other key of the file does.
            update_fields=["name", "type", *ADDRESS_COLUMNS],
        )
    )
    staff_pks = _load_staff(scenario, unit_pks)
    patients_created, dependent_rows, contacts = _load_patients(scenario, unit_pks, staff_pks)

    if scenario.policy is not None:
        RegionSettings.objects.update_or_create(
            id=RegionSettings.SINGLETON_PK, defaults={"policy": scenario.policy}
        )
    if actor is not None:
        log_writes(
            log_record(
                actor, patient.id, action=Action.WRITE, what="scenario.load", basis=Basis.SYSTEM
            )
            for patient in scenario.patients
        )
    # Units, staff and perhaps the policy changed: anyone's findings may have.
    write_affects(None, what="scenario.load")
    return LoadSummary(
        units=len(scenario.units),
        staff=len(scenario.staff),
        patients=len(scenario.patients),
        patients_created=patients_created,
        contacts=contacts,
        dependent_rows=dependent_rows,
    )


# --- checks before writing -------------------------------------------------------------------


def _scenario_problems(scenario: Scenario) -> list[Problem]:
    """The file checker's problems, so a Scenario built in code is held to the same format.

    Going through the canonical JSON form keeps one validator for files and for code.
    """
    try:
        scenario_from_json(scenario_to_json(scenario))
    except InvalidScenario as invalid:
        return invalid.problems
    return []


def _length_problems(scenario: Scenario) -> list[Problem]:
    """Values longer than their column: the format has no limits, the database has."""
    problems: list[Problem] = []

    def check(path: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            problems.append(Problem(path, f"longer than {limit} characters"))

    def check_address(path: str, address: domain.PostalAddress | None) -> None:
        if address is not None:
            check(f"{path}.care_of", address.care_of, CARE_OF_LENGTH)
            check(f"{path}.street", address.street, STREET_LENGTH)
            check(f"{path}.city", address.city, CITY_LENGTH)

    for i, unit in enumerate(scenario.units):
        check(f"units[{i}].id", unit.id, ID_LENGTH)
        check(f"units[{i}].name", unit.name, NAME_LENGTH)
        check_address(f"units[{i}].address", unit.address)
    for i, staff in enumerate(scenario.staff):
        check(f"staff[{i}].id", staff.id, ID_LENGTH)
        check(f"staff[{i}].name", staff.name, NAME_LENGTH)
    for i, patient in enumerate(scenario.patients):
        path = f"patients[{i}]"
        check(f"{path}.name", patient.name, NAME_LENGTH)
        check_address(f"{path}.address", patient.address)
        for j, contact in enumerate(patient.contacts):
            check(f"{path}.contacts[{j}].id", contact.id, ID_LENGTH)
            check(f"{path}.contacts[{j}].local_title", contact.local_title, NAME_LENGTH)
        for j, sip in enumerate(patient.sips):
            check(f"{path}.sips[{j}].id", sip.id, ID_LENGTH)
        for j, transfer in enumerate(patient.information_transfers):
            check(f"{path}.information_transfers[{j}].to", transfer.recipient, NAME_LENGTH)
    return problems


def _ownership_problems(scenario: Scenario) -> list[Problem]:
    """Contact and SIP ids of the file that the registry holds for somebody else."""
    problems: list[Problem] = []
    for model, attr in ((Contact, "contacts"), (Sip, "sips")):
        owners: dict[str, tuple[str, str]] = {}  # external id -> (patient id, path)
        for i, patient in enumerate(scenario.patients):
            for j, item in enumerate(getattr(patient, attr)):
                owners[item.id] = (patient.id, f"patients[{i}].{attr}[{j}].id")
        for chunk in batches(owners, LOOKUP_CHUNK):
            rows = model._default_manager.filter(external_id__in=chunk).values_list(
                "external_id", "person__personal_id"
            )
            for external_id, holder in rows:
                if owners[external_id][0] != holder:
                    problems.append(
                        Problem(
                            owners[external_id][1],
                            f'id "{external_id}" already belongs to another person ({holder})',
                        )
                    )
    problems.sort(key=lambda problem: problem.path)
    return problems


# --- writing ---------------------------------------------------------------------------------


def unit_row(unit: domain.Unit) -> Unit:
    """An unsaved unit row of a scenario's unit (shared with the population import)."""
    row = Unit(hsa_id=unit.id, name=unit.name, type=unit.type)
    row.address_columns(unit.address)
    return row


def _person_row(patient: domain.Patient, unit_pks: Mapping[str, int]) -> Person:
    row = Person(
        personal_id=patient.id,
        name=patient.name,
        residence=patient.residence,
        residence_from=patient.residence_from,
        residence_no_contact_reason=patient.residence_no_contact_reason or "",
        home_health_care=patient.home_health_care,
        listed_at_id=None if patient.listed_at is None else unit_pks[patient.listed_at],
        life_threatening_since=patient.life_threatening_since,
        needs=list(patient.needs),
    )
    row.address_columns(patient.address)
    return row


def staff_rows(scenario: Scenario) -> Iterator[Staff]:
    """The scenario's staff as unsaved rows (shared with the population import)."""
    for s in scenario.staff:
        yield Staff(
            hsa_id=s.id,
            name=s.name,
            profession=s.profession,
            licensed=s.licensed,
            eligible=s.eligible,
            employment_end=s.employment_end,
        )


def _load_staff(scenario: Scenario, unit_pks: Mapping[str, int]) -> dict[str, int]:
    staff_pks = upsert(
        Staff,
        staff_rows(scenario),
        key="hsa_id",
        update_fields=["name", "profession", "licensed", "eligible", "employment_end"],
    )
    for chunk in batches(staff_pks.values(), LOOKUP_CHUNK):
        StaffUnit.objects.filter(staff_id__in=chunk).delete()
        Absence.objects.filter(staff_id__in=chunk).delete()
    insert(
        StaffUnit,
        (
            StaffUnit(staff_id=staff_pks[s.id], unit_id=unit_pks[unit_id])
            for s in scenario.staff
            for unit_id in s.units
        ),
    )
    insert(
        Absence,
        (
            Absence(staff_id=staff_pks[s.id], start=a.start, end=a.end)
            for s in scenario.staff
            for a in s.absences
        ),
    )
    return staff_pks


def _load_patients(
    scenario: Scenario, unit_pks: Mapping[str, int], staff_pks: Mapping[str, int]
) -> tuple[int, int, int]:
    """Upsert the people and replace their state; returns (created, dependent rows, contacts)."""
    existing = lookup(Person, "personal_id", (p.id for p in scenario.patients))
    person_pks = upsert(
        Person,
        (_person_row(p, unit_pks) for p in scenario.patients),
        key="personal_id",
        update_fields=[
            "name",
            "residence",
            "residence_from",
            "residence_no_contact_reason",
            "home_health_care",
            "listed_at",
            "life_threatening_since",
            "needs",
            *ADDRESS_COLUMNS,
        ],
    )
    _delete_state(existing.values())

    people = [(p, person_pks[p.id]) for p in scenario.patients]
    unit = unit_pks.__getitem__
    member = staff_pks.__getitem__
    contacts = insert(
        Contact,
        (
            Contact(
                external_id=c.id,
                person_id=pk,
                kind=c.kind,
                staff_id=member(c.staff),
                unit_id=unit(c.unit),
                coordinating=c.coordinating,
                start=c.start,
                end=c.end,
                informed=c.informed,
                local_title=c.local_title or "",
            )
            for p, pk in people
            for c in p.contacts
        ),
    )
    rows = contacts
    rows += insert(
        ContactRequest,
        (
            ContactRequest(person_id=pk, kind=r.kind, unit_id=unit(r.unit), date=r.date)
            for p, pk in people
            for r in p.requests
        ),
    )
    rows += insert(
        InpatientStay,
        (
            InpatientStay(
                person_id=pk,
                unit_id=unit(s.unit),
                admitted=s.admitted,
                outpatient_unit_id=None if s.outpatient_unit is None else unit(s.outpatient_unit),
                needs_municipal_care=s.needs_municipal_care,
                ready_for_discharge=s.ready_for_discharge,
                discharged=s.discharged,
            )
            for p, pk in people
            for s in p.inpatient_stays
        ),
    )
    rows += insert(
        HomeCareDecision,
        (
            HomeCareDecision(
                person_id=pk,
                unit_id=unit(h.unit),
                start=h.start,
                end=h.end,
                services=list(h.services),
                no_contact_reason=h.no_contact_reason or "",
            )
            for p, pk in people
            for h in p.home_care
        ),
    )
    rows += _insert_plans(people)
    rows += insert(
        Sip,
        (
            Sip(
                external_id=s.id,
                person_id=pk,
                created=s.created,
                invited=s.invited,
                coordinator_id=None if s.coordinator is None else member(s.coordinator),
            )
            for p, pk in people
            for s in p.sips
        ),
    )
    rows += insert(
        InformationTransfer,
        (
            InformationTransfer(person_id=pk, recipient=t.recipient, date=t.date, consent=t.consent)
            for p, pk in people
            for t in p.information_transfers
        ),
    )
    rows += insert(
        Visit,
        (
            Visit(person_id=pk, staff_id=member(v.staff), date=v.date, kind=v.kind)
            for p, pk in people
            for v in p.visits
        ),
    )
    return len(people) - len(existing), rows, contacts


def _delete_state(person_pks: Iterable[int]) -> None:
    """Delete everything below these people (the file replaces it)."""
    for chunk in batches(person_pks, LOOKUP_CHUNK):
        # Revisions first: then the plans' cascade finds nothing left to delete row by row.
        PlanRevision.objects.filter(plan__person_id__in=chunk).delete()
        ImplementationPlan.objects.filter(person_id__in=chunk).delete()
        Contact.objects.filter(person_id__in=chunk).delete()
        ContactRequest.objects.filter(person_id__in=chunk).delete()
        InpatientStay.objects.filter(person_id__in=chunk).delete()
        HomeCareDecision.objects.filter(person_id__in=chunk).delete()
        Sip.objects.filter(person_id__in=chunk).delete()
        InformationTransfer.objects.filter(person_id__in=chunk).delete()
        Visit.objects.filter(person_id__in=chunk).delete()


def _insert_plans(people: Sequence[tuple[Patient, int]]) -> int:
    """Plans and their revisions; a batch of plans first, since revisions need their keys."""
    with_plan = ((p.implementation_plan, pk) for p, pk in people if p.implementation_plan)
    rows = 0
    for batch in batches(with_plan, BATCH_SIZE):
        plans = [
            ImplementationPlan(
                person_id=pk,
                established=plan.established,
                updated_by_contact=plan.updated_by_contact,
            )
            for plan, pk in batch
        ]
        insert(ImplementationPlan, plans)
        rows += len(plans) + insert(
            PlanRevision,
            (
                PlanRevision(plan_id=row.pk, date=day)
                for (plan, _), row in zip(batch, plans, strict=True)
                for day in plan.revisions
            ),
        )
    return rows


# --- shared with the population import -----------------------------------------------------


def scenario_format_problems(scenario: Scenario) -> list[Problem]:
    """What the file checker and the columns refuse in ``scenario``; reads nothing stored."""
    return _scenario_problems(scenario) or _length_problems(scenario)


def people_load(
    *, patients: Sequence[Patient], unit_pks: Mapping[str, int], staff_pks: Mapping[str, int]
) -> tuple[int, int, int]:
    """Upsert ``patients`` and replace their state, as a load does; returns (created, dependent
    rows, contacts). The caller has checked them and holds the write transaction; ``unit_pks``
    and ``staff_pks`` hold every unit and staff member they name."""
    return _load_patients(Scenario(patients=tuple(patients)), unit_pks, staff_pks)


@write_transaction()
def scenario_replace(*, scenario: Scenario) -> LoadSummary:
    """Replace the whole registry by ``scenario`` in one transaction (``seed-demo --replace``)."""
    _registry_clear()
    return scenario_load(scenario=scenario)


def _registry_clear() -> None:
    # Children first: the registry protects units and staff that contacts point to.
    for model in (
        PlanRevision,
        ImplementationPlan,
        Visit,
        InformationTransfer,
        Sip,
        HomeCareDecision,
        InpatientStay,
        ContactRequest,
        Contact,
        Person,
        Absence,
        StaffUnit,
        Staff,
        Unit,
        RegionSettings,
    ):
        model._default_manager.all().delete()
