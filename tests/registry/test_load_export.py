"""Loading scenario files into the registry and exporting them back again."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fastkontakt.domain.model import Contact, Patient, Scenario, Unit
from fastkontakt.domain.rules.engine import Directory
from fastkontakt.domain.scenario import parse_scenario, scenario_to_json
from fastkontakt.registry.models import Person, RegionSettings, Visit
from fastkontakt.registry.selectors import (
    directory_get,
    person_get_snapshot,
    person_rows_iter,
    region_policy_get,
    scenario_export,
)
from fastkontakt.registry.services import RegistryConflict, scenario_load
from fastkontakt.registry.services import scenario as services
from tests.conftest import RegistryState, row_counts
from tests.strategies import scenarios, sorted_scenario

StateOf = Callable[[], RegistryState]
Isolated = Callable[[], AbstractContextManager[None]]

U1 = "SE2321000032-vc1"
U2 = "SE2321000032-sjh"
U3 = "SE2120000829-ht1"
S1 = "SE2321000032-lak1"
S2 = "SE2321000032-ssk1"
S3 = "SE2120000829-usk1"

EXAMPLE = {
    "format": "fastkontakt-scenario/1",
    "as_of": "2026-11-22",
    "policy": "norrbotten",
    "units": [
        {"id": U3, "name": "Hemtjänst Centrum", "type": "hemtjanst"},
        {"id": U1, "name": "Vårdcentralen Norr", "type": "primarvard"},
        {"id": U2, "name": "Sjukhuset, medicin", "type": "slutenvard"},
    ],
    "staff": [
        {
            "id": S2,
            "name": "Sara Sjöberg",
            "profession": "sjukskoterska",
            "licensed": True,
            "units": [U2, U1],
            "absences": [
                {"from": "2026-12-01", "to": "2027-02-28"},
                {"from": "2026-10-01", "to": "2026-10-02"},
            ],
        },
        {"id": S1, "name": "Lars Läkare", "profession": "lakare", "licensed": True, "units": [U1]},
        {
            "id": S3,
            "name": "Ulla Usk",
            "profession": "underskoterska",
            "units": [U3],
            "eligible": False,
            "employment_end": "2026-12-31",
        },
    ],
    "patients": [
        {
            "id": "195103142385",
            "name": "Greta Gran",
            "residence": "ordinart",
            "listed_at": U1,
            "life_threatening_since": "2026-11-02",
            "needs": ["instabilt_sjukdomsforlopp", "samordningsbehov"],
            "contacts": [
                {
                    "id": "k2",
                    "kind": "fast_vardkontakt",
                    "staff": S2,
                    "unit": U1,
                    "coordinating": True,
                    "from": "2026-01-10",
                    "to": None,
                    "informed": None,
                    "local_title": "kontaktsjuksköterska",
                },
                {
                    "id": "k1",
                    "kind": "fast_lakarkontakt",
                    "staff": S1,
                    "unit": U1,
                    "from": "2025-05-01",
                    "to": "2026-06-30",
                    "informed": "2025-05-03",
                },
            ],
            "requests": [{"kind": "fast_lakarkontakt", "unit": U1, "date": "2026-11-10"}],
            "inpatient_stays": [
                {
                    "unit": U2,
                    "admitted": "2026-11-01",
                    "outpatient_unit": U1,
                    "needs_municipal_care": True,
                    "ready_for_discharge": "2026-11-18",
                    "discharged": None,
                }
            ],
            "sips": [{"id": "sip-1", "created": "2026-11-19", "invited": None, "coordinator": S2}],
        },
        {
            "id": "194807024262",
            "name": "Gustav Gammal",
            "residence": "sarskilt_boende",
            "home_health_care": True,
            "contacts": [
                {
                    "id": "k3",
                    "kind": "fast_omsorgskontakt",
                    "staff": S3,
                    "unit": U3,
                    "from": "2026-11-15",
                }
            ],
            "home_care": [
                {
                    "unit": U3,
                    "from": "2026-03-01",
                    "services": ["personlig_omvardnad", "dusch"],
                    "no_contact_reason": None,
                },
                {
                    "unit": U3,
                    "from": "2025-01-01",
                    "to": "2025-12-31",
                    "services": ["inkop"],
                    "no_contact_reason": "Endast inköp",
                },
            ],
            "implementation_plan": {
                "established": "2026-03-01",
                "updated_by_contact": "2026-03-10",
                "revisions": ["2026-09-01", "2026-06-01"],
            },
            "information_transfers": [
                {"to": "Särskilt boende Eken", "date": "2026-10-01", "consent": False}
            ],
            "visits": [
                {"date": "2026-11-20", "staff": S3, "kind": "omsorg"},
                {"date": "2026-11-19", "staff": S2},
                {"date": "2026-11-21", "staff": S3, "kind": "larm"},
            ],
        },
    ],
}
PATIENTS = ("194807024262", "195103142385")


def _example(**changes: Any) -> Scenario:
    return dataclasses.replace(parse_scenario(json.dumps(EXAMPLE)), **changes)


def _canonical(scenario: Scenario) -> dict[str, Any]:
    return scenario_to_json(scenario)


def _patient(scenario: Scenario, personal_id: str) -> Patient:
    return next(p for p in scenario.patients if p.id == personal_id)


# --- load and export ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_then_export_gives_the_file_in_canonical_form() -> None:
    # given
    scenario = _example()

    # when
    summary = scenario_load(scenario=scenario)
    exported = scenario_export(as_of=scenario.as_of)

    # then
    assert exported == sorted_scenario(scenario)
    assert _canonical(exported) == _canonical(scenario)
    assert summary == services.LoadSummary(
        units=3, staff=3, patients=2, patients_created=2, contacts=3, dependent_rows=15
    )


@pytest.mark.django_db
def test_nested_lists_keep_the_files_order() -> None:
    # given
    scenario = _example()

    # when
    scenario_load(scenario=scenario)

    # then
    greta = person_get_snapshot(personal_id="195103142385")
    gustav = person_get_snapshot(personal_id="194807024262")
    assert [c.id for c in greta.contacts] == ["k2", "k1"]
    assert gustav.implementation_plan is not None
    assert gustav.implementation_plan.revisions == (date(2026, 9, 1), date(2026, 6, 1))
    assert [v.date for v in gustav.visits] == [
        date(2026, 11, 20),
        date(2026, 11, 19),
        date(2026, 11, 21),
    ]
    assert directory_get().staff[S2].units == (U2, U1)


@pytest.mark.django_db
def test_loading_twice_is_idempotent(registry_state: StateOf) -> None:
    # given
    scenario = _example()
    scenario_load(scenario=scenario)
    before = registry_state()
    exported_before = scenario_export()

    # when
    summary = scenario_load(scenario=scenario)

    # then
    after = registry_state()
    assert row_counts(after) == row_counts(before)
    assert scenario_export() == exported_before
    assert summary.patients_created == 0


@pytest.mark.django_db
def test_a_file_without_policy_exports_without_policy_and_keeps_the_region_policy() -> None:
    # given
    scenario_load(scenario=_example(policy="gavleborg"))

    # when
    scenario_load(scenario=_example(policy=None))

    # then
    assert scenario_export().policy == "gavleborg"
    assert region_policy_get().name == "gavleborg"


@pytest.mark.django_db
def test_an_empty_registry_exports_no_policy_and_uses_the_national_one() -> None:
    # given
    scenario_load(scenario=_example(policy=None))

    # when
    exported = scenario_export()

    # then
    assert exported.policy is None
    assert RegionSettings.objects.count() == 0
    assert region_policy_get().name == "national"


@pytest.mark.django_db
def test_reloading_replaces_a_patients_state_and_leaves_others_alone() -> None:
    # given
    scenario_load(scenario=_example())
    greta = _patient(_example(), "195103142385")
    changed = dataclasses.replace(
        greta,
        name="Greta Ny",
        contacts=greta.contacts[1:],
        requests=(),
        inpatient_stays=(),
        sips=(),
    )

    # when
    summary = scenario_load(scenario=_example(patients=(changed,)))

    # then
    assert summary.patients_created == 0
    assert person_get_snapshot(personal_id="195103142385") == changed
    assert person_get_snapshot(personal_id="194807024262") == _patient(_example(), "194807024262")


@pytest.mark.django_db
def test_a_file_must_declare_the_units_and_staff_it_refers_to(registry_state: StateOf) -> None:
    # given units and staff already in the registry, and a file that only names them
    scenario_load(scenario=_example())
    before = registry_state()
    newcomer = Patient(
        id="194001019803",
        name="Ny Person",
        listed_at=U1,
        contacts=(
            Contact(id="k9", kind="fast_vardkontakt", staff=S1, unit=U1, start=date(2026, 1, 1)),
        ),
    )

    # when
    with pytest.raises(RegistryConflict) as raised:
        scenario_load(scenario=Scenario(patients=(newcomer,)))

    # then: the same rule as the file checker's; nothing is written
    assert [str(p) for p in raised.value.problems] == [
        f'patients[0].listed_at: unknown unit id "{U1}"',
        f'patients[0].contacts[0].staff: unknown staff id "{S1}"',
        f'patients[0].contacts[0].unit: unknown unit id "{U1}"',
    ]
    assert registry_state() == before


@pytest.mark.django_db
def test_staff_units_and_absences_are_replaced_by_the_files() -> None:
    # given
    scenario_load(scenario=_example())
    sara = directory_get().staff[S2]
    moved = dataclasses.replace(sara, units=(U1,), absences=())

    # when
    scenario_load(scenario=Scenario(units=_example().units, staff=(moved,)))

    # then
    assert directory_get().staff[S2] == moved
    assert directory_get().staff[S1] == next(s for s in _example().staff if s.id == S1)


# --- all or nothing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contact_id_of_another_person_is_a_conflict_and_nothing_is_written(
    registry_state: StateOf,
) -> None:
    # given
    scenario_load(scenario=_example())
    before = registry_state()
    thief = Patient(
        id="194001019803",
        name="Ny Person",
        contacts=(
            Contact(id="k1", kind="fast_vardkontakt", staff=S1, unit=U1, start=date(2026, 1, 1)),
        ),
    )
    renamed_unit = Unit(id=U1, name="Nytt namn", type="primarvard")

    # when
    with pytest.raises(RegistryConflict) as raised:
        scenario_load(
            scenario=Scenario(
                units=tuple(renamed_unit if u.id == U1 else u for u in _example().units),
                staff=_example().staff,
                patients=(thief,),
                policy="gavleborg",
            )
        )

    # then
    assert [str(p) for p in raised.value.problems] == [
        'patients[0].contacts[0].id: id "k1" already belongs to another person (195103142385)'
    ]
    assert registry_state() == before


@pytest.mark.django_db
def test_a_sip_id_of_another_person_is_a_conflict(registry_state: StateOf) -> None:
    # given
    scenario_load(scenario=_example())
    before = registry_state()
    gustav = _patient(_example(), "194807024262")
    stealing = dataclasses.replace(gustav, sips=_patient(_example(), "195103142385").sips)

    # when
    with pytest.raises(RegistryConflict) as raised:
        scenario_load(
            scenario=Scenario(units=_example().units, staff=_example().staff, patients=(stealing,))
        )

    # then
    assert [p.path for p in raised.value.problems] == ["patients[0].sips[0].id"]
    assert registry_state() == before


@pytest.mark.django_db
def test_unknown_references_and_bad_data_are_all_reported_and_nothing_is_written(
    registry_state: StateOf,
) -> None:
    # given
    before = registry_state()
    patient = Patient(
        id="194001019809",
        name="Fel",
        contacts=(
            Contact(
                id="k1",
                kind="fast_vardkontakt",
                staff="nobody",
                unit="nowhere",
                start=date(2026, 2, 1),
                end=date(2026, 1, 1),
            ),
        ),
    )

    # when
    with pytest.raises(RegistryConflict) as raised:
        scenario_load(scenario=Scenario(patients=(patient, patient)))

    # then
    # then: the file checker's own lines, so the command line reads the same either way
    assert sorted(str(p) for p in raised.value.problems) == [
        'patients[0].contacts[0].staff: unknown staff id "nobody"',
        'patients[0].contacts[0].to: "to" (2026-01-01) is before "from" (2026-02-01)',
        'patients[0].contacts[0].unit: unknown unit id "nowhere"',
        'patients[0].id: invalid personnummer "194001019809" (wrong check digit)',
        'patients[1].contacts[0].id: duplicate id "k1" (also at patients[0].contacts[0])',
        'patients[1].contacts[0].staff: unknown staff id "nobody"',
        'patients[1].contacts[0].to: "to" (2026-01-01) is before "from" (2026-02-01)',
        'patients[1].contacts[0].unit: unknown unit id "nowhere"',
        'patients[1].id: invalid personnummer "194001019809" (wrong check digit)',
    ]
    assert registry_state() == before


@pytest.mark.django_db
def test_a_failure_mid_load_leaves_the_registry_as_it_was(
    registry_state: StateOf, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    scenario_load(scenario=_example(policy="national"))
    before = registry_state()
    insert = services.insert

    def failing_insert(model: type[Any], objs: Any) -> int:
        if model is Visit:
            raise RuntimeError("disk full")
        return insert(model, objs)

    monkeypatch.setattr(services, "insert", failing_insert)
    newcomer = Patient(id="194001019803", name="Ny Person")

    # when
    with pytest.raises(RuntimeError, match="disk full"):
        scenario_load(
            scenario=_example(policy="gavleborg", patients=(*_example().patients, newcomer))
        )

    # then
    assert registry_state() == before


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_rows_are_read_in_chunks_ordered_by_personnummer() -> None:
    # given
    extra = tuple(
        Patient(id=pid, name="X") for pid in ("194001019803", "200001012384", "190001019819")
    )
    scenario_load(scenario=_example(patients=(*_example().patients, *extra)))

    # when
    chunks = list(person_rows_iter(chunk_size=2))

    # then
    assert [[row[1] for row in chunk.persons] for chunk in chunks] == [
        ["190001019819", "194001019803"],
        ["194807024262", "195103142385"],
        ["200001012384"],
    ]
    assert [c[1] for c in chunks[1].contacts[chunks[1].persons[1][0]]] == ["k2", "k1"]


@pytest.mark.django_db
def test_a_chunk_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        next(person_rows_iter(chunk_size=0))


@pytest.mark.django_db
def test_person_get_snapshot_of_an_unknown_person_raises() -> None:
    with pytest.raises(Person.DoesNotExist):
        person_get_snapshot(personal_id="194001019803")


@pytest.mark.django_db
def test_directory_holds_every_unit_and_staff_member() -> None:
    # given
    scenario = _example()
    scenario_load(scenario=scenario)

    # when
    directory = directory_get()

    # then
    assert directory == Directory.of(scenario.units, scenario.staff)


# --- properties --------------------------------------------------------------------------------


@pytest.mark.django_db
@settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30
)
@given(scenario=scenarios())
def test_generated_scenarios_round_trip_through_the_registry(
    scenario: Scenario, isolated: Isolated, registry_state: StateOf
) -> None:
    with isolated():
        # given
        assert parse_scenario(json.dumps(scenario_to_json(scenario))) == sorted_scenario(scenario)

        # when
        scenario_load(scenario=scenario)
        first = scenario_export(as_of=scenario.as_of)
        rows = registry_state()
        scenario_load(scenario=first)
        second = scenario_export(as_of=scenario.as_of)

        # then
        assert first == sorted_scenario(scenario)
        assert second == first
        assert row_counts(registry_state()) == row_counts(rows)
