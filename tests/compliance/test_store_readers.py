"""The readers of the findings store give the rows the rules engine gives (ADR 0020).

Worklists, caseloads, a person's findings and FHIR ``Task`` read the store; before the store
they ran the engine over the people they showed. On a demo region in which every rule is kept
and broken, each of them is compared here with the engine run as they used to run it: for every
unit (with and without the viewer's roles), every staff member and every person.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.compliance.caseloads import staff_caseload_get
from fastkontakt.compliance.resolutions import resolution_for
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.compliance.worklists import GROUPS, WorklistRow, worklist_get, worklist_rows
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.rules.engine import evaluate_patient
from fastkontakt.fhir.clients import api_client_create
from fastkontakt.registry.models import Contact, Person, Staff, Unit
from fastkontakt.registry.selectors import (
    care_relationship_q,
    directory_get,
    person_snapshot_list,
    region_policy_get,
)
from fastkontakt.registry.services import scenario_load
from tests.access.helpers import make_user

LEADING = frozenset({Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR})
STAFF_ONLY = frozenset({Role.STAFF})


def _engine_rows(where: Q, as_of: date) -> list[WorklistRow]:
    """The rows of the people ``where`` selects, as the engine gives them today."""
    people = person_snapshot_list(where=where)
    directory = directory_get()
    policy = region_policy_get()
    return [
        row
        for pk, patient in zip(people.person_pks, people.patients, strict=True)
        for row in worklist_rows(
            pk,
            patient,
            evaluate_patient(patient, directory, as_of=as_of, policy=policy),
            directory,
            people.staff_pks,
            as_of,
        )
    ]


def _worklist_order(row: WorklistRow) -> tuple[int, date, str, str, str]:
    # The order the worklist had when it ran the engine (a stable sort of the engine's rows).
    return (GROUPS.index(row.group), row.due or date.min, row.personal_id, row.rule,
            row.contact or "")  # fmt: skip


def _comparable(row: WorklistRow) -> tuple[object, ...]:
    return (
        row.group, row.person_pk, row.personal_id, row.name, row.rule, row.due, row.overdue,
        row.message, row.source, row.contact, row.kind, row.staff_pk, row.staff_name,
        sorted(row.owners.units.items()), sorted(row.owners.types),
    )  # fmt: skip


@pytest.fixture
def region(db: None) -> date:
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=160, seed=23, as_of=today))
    return today


def test_every_units_worklist_is_the_engines(region: date) -> None:
    units = list(Unit.objects.order_by("pk"))
    compared = 0
    for unit in units:
        everyone = sorted(
            (
                row
                for row in _engine_rows(care_relationship_q([unit.pk], region), region)
                if row.owners.owns(unit.hsa_id, unit.type)
            ),
            key=_worklist_order,
        )
        for roles in (None, LEADING, STAFF_ONLY):
            expected = [
                row
                for row in everyone
                if roles is None or resolution_for(row.rule, unit.type, roles) is not None
            ]
            # when
            worklist = worklist_get(unit_pk=unit.pk, as_of=region, roles=roles, page_size=10**6)

            # then
            assert [_comparable(r) for r in worklist.rows] == [_comparable(r) for r in expected]
            assert worklist.total == len(expected)
            assert worklist.counts == {g: sum(r.group == g for r in expected) for g in GROUPS}
            rules = sorted({r.rule for r in expected})
            assert worklist.options.rules == tuple(
                (rule, sum(r.rule == rule for r in expected)) for rule in rules
            )
            assert worklist.options.kinds == tuple(sorted({r.kind for r in expected if r.kind}))
            assert worklist.options.staff == tuple(
                sorted(
                    {(r.staff_pk, r.staff_name or "") for r in expected if r.staff_pk},
                    key=lambda s: (s[1], s[0]),
                )
            )
            compared += len(expected)
    assert compared > 100, "the demo region gives worklists work"


def test_filters_and_pages_cut_the_same_rows(region: date) -> None:
    # given: the unit with the longest worklist
    unit = max(
        Unit.objects.all(),
        key=lambda u: worklist_get(unit_pk=u.pk, as_of=region, page_size=1).total,
    )
    everything = worklist_get(unit_pk=unit.pk, as_of=region, page_size=10**6).rows
    rule = everything[0].rule
    staff_pk = next(r.staff_pk for r in everything if r.staff_pk is not None)

    # when
    by_rule = worklist_get(unit_pk=unit.pk, as_of=region, rule=rule, page_size=10**6).rows
    by_staff = worklist_get(unit_pk=unit.pk, as_of=region, staff_pk=staff_pk, page_size=10**6)
    pages = [
        worklist_get(unit_pk=unit.pk, as_of=region, page=n, page_size=7).rows
        for n in range(1, -(-len(everything) // 7) + 1)
    ]

    # then
    assert by_rule == [r for r in everything if r.rule == rule]
    assert by_staff.rows == [r for r in everything if r.staff_pk == staff_pk]
    assert [r for page in pages for r in page] == everything


def test_every_staff_members_deadlines_are_the_engines(region: date) -> None:
    everywhere = actor_for_user(
        make_user(
            "ledning",
            [(role, unit) for unit in Unit.objects.all() for role in LEADING],
        ),
        request_id="readers-1",
    )
    holders = Staff.objects.filter(pk__in=Contact.objects.values("staff_id")).order_by("pk")
    compared = 0
    for staff in holders:
        of_staff = Contact.objects.filter(
            Q(end__isnull=True) | Q(end__gte=region), staff=staff
        ).values("person_id")
        expected = sorted(
            (r for r in _engine_rows(Q(pk__in=of_staff), region) if r.staff_pk == staff.pk),
            key=lambda r: (
                GROUPS.index(r.group),
                r.due or date.min,
                r.name,
                r.rule,
                r.contact or "",
            ),  # fmt: skip
        )
        # when
        caseload = staff_caseload_get(actor=everywhere, staff_pk=staff.pk, as_of=region)

        # then
        assert [_comparable(r) for r in caseload.deadlines] == [_comparable(r) for r in expected]
        compared += len(expected)
    assert compared > 20


def test_every_persons_findings_are_the_engines(region: date) -> None:
    people = person_snapshot_list(where=Q())
    directory = directory_get()
    policy = region_policy_get()
    for patient in people.patients:
        assert findings_for_person(personal_id=patient.id, as_of=region) == evaluate_patient(
            patient, directory, as_of=region, policy=policy
        )


def test_fhir_tasks_of_a_unit_are_its_worklist(region: date) -> None:
    # given: the health centre with the most rows, and a system reading there
    centres = Unit.objects.filter(type="primarvard")
    unit = max(centres, key=lambda u: worklist_get(unit_pk=u.pk, as_of=region).total)
    expected = sorted(
        (
            row
            for row in _engine_rows(care_relationship_q([unit.pk], region), region)
            if row.owners.owns(unit.hsa_id, unit.type)
        ),
        key=_worklist_order,
    )
    _, token = api_client_create(name="lasare", unit_hsa_id=unit.hsa_id, scopes=["system/*.read"])

    # when
    response = Client().get(
        "/fhir/Task",
        {"_count": "200"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"},
    )

    # then
    bundle = response.json()
    assert bundle["total"] == len(expected) > 0
    got = [
        (
            e["resource"]["for"]["reference"],
            e["resource"]["code"]["coding"][0]["code"],
            e["resource"]["description"],
        )
        for e in bundle["entry"]
    ]
    pks = dict(Person.objects.values_list("personal_id", "pk"))
    assert got == [(f"Patient/{pks[r.personal_id]}", r.rule, r.message) for r in expected[:200]]
