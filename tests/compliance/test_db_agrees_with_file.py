"""The registry gives exactly the findings the engine gives for the file it was loaded from."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastkontakt.compliance.selectors import findings_for_person, findings_from_registry
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.domain.model import (
    Contact,
    InformationTransfer,
    Patient,
    Scenario,
    Staff,
    Unit,
)
from fastkontakt.domain.rules.engine import (
    POLICIES,
    Directory,
    Finding,
    evaluate,
    evaluate_patient,
    policy_named,
)
from fastkontakt.domain.scenario import parse_scenario
from fastkontakt.registry.models import Person
from fastkontakt.registry.services import scenario_load
from tests.strategies import as_of_dates, scenarios

Isolated = Callable[[], AbstractContextManager[None]]

AS_OF = date(2026, 11, 22)
UNIT = Unit(id="SE2321000032-vc1", name="Vårdcentralen Norr", type="primarvard")
NURSE = Staff(id="SE2321000032-ssk1", name="Sara Sjöberg", profession="sjukskoterska", units=())
PATIENT = Patient(
    id="194807024262",
    name="Gustav Gammal",
    contacts=(
        Contact(
            id="k1", kind="fast_vardkontakt", staff=NURSE.id, unit=UNIT.id, start=date(2026, 11, 1)
        ),
    ),
    information_transfers=(
        InformationTransfer(recipient="Boendet", date=date(2026, 10, 1), consent=False),
    ),
)
OTHER = Patient(id="195103142385", name="Greta Gran")


def _file_findings(scenario: Scenario, as_of: date, policy_name: str) -> list[Finding]:
    return list(
        evaluate(
            sorted(scenario.patients, key=lambda p: p.id),
            Directory.of(scenario.units, scenario.staff),
            as_of=as_of,
            policy=POLICIES[policy_name],
        )
    )


@pytest.mark.django_db(transaction=False)
@settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40
)
@given(scenario=scenarios(), as_of=as_of_dates, chunk_size=st.integers(1, 3))
def test_registry_findings_equal_the_files_findings(
    scenario: Scenario, as_of: date, chunk_size: int, isolated: Isolated
) -> None:
    with isolated():
        # given
        scenario_load(scenario=scenario)

        for policy_name, policy in POLICIES.items():
            # when
            from_registry = list(
                findings_from_registry(as_of=as_of, policy=policy, chunk_size=chunk_size)
            )

            # then
            assert from_registry == _file_findings(scenario, as_of, policy_name)
            # and the store, refreshed under that policy on that day, holds the same
            findings_refresh(as_of=as_of, policy=policy)
            directory = Directory.of(scenario.units, scenario.staff)
            for patient in scenario.patients:
                assert findings_for_person(
                    personal_id=patient.id, as_of=as_of
                ) == evaluate_patient(patient, directory, as_of=as_of, policy=policy)


@pytest.mark.django_db
def test_findings_from_registry_use_the_region_policy_by_default() -> None:
    # given
    scenario = Scenario(units=(UNIT,), staff=(NURSE,), patients=(PATIENT,), policy="gavleborg")
    scenario_load(scenario=scenario)

    # when
    findings = list(findings_from_registry(as_of=AS_OF))

    # then
    assert findings == _file_findings(scenario, AS_OF, "gavleborg")
    assert "contact-eligible" not in {f.rule for f in findings}  # the nurse is eligible


@pytest.mark.django_db
def test_findings_for_person_are_that_persons_findings_only() -> None:
    # given
    scenario = Scenario(units=(UNIT,), staff=(NURSE,), patients=(PATIENT, OTHER))
    scenario_load(scenario=scenario)

    # when
    findings = findings_for_person(personal_id=PATIENT.id, as_of=AS_OF)

    # then
    assert [(f.rule, f.patient, f.contact, f.due, f.overdue) for f in findings] == [
        ("contact-informed", PATIENT.id, "k1", date(2026, 11, 15), True),
        ("contact-staff-at-unit", PATIENT.id, "k1", None, False),
        ("transfer-consent", PATIENT.id, None, None, False),
    ]
    assert findings_for_person(personal_id=OTHER.id, as_of=AS_OF) == []


@pytest.mark.django_db
def test_findings_for_an_unknown_person_raise() -> None:
    with pytest.raises(Person.DoesNotExist):
        findings_for_person(personal_id=PATIENT.id, as_of=AS_OF)


EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in EXAMPLES.glob("*.json") if not p.name.endswith(".expected.json")),
    ids=lambda p: p.stem,
)
@pytest.mark.django_db
def test_each_example_from_the_registry_gives_its_expected_findings(path: Path) -> None:
    # given the example loaded into the registry
    scenario = parse_scenario(path.read_bytes())
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    assert scenario.as_of is not None
    assert scenario.policy is not None
    scenario_load(scenario=scenario)

    # when
    findings = findings_from_registry(as_of=scenario.as_of, policy=policy_named(scenario.policy))

    # then
    assert [
        {k: v for k, v in f.as_json().items() if k not in {"message", "source"}}
        for f in findings
    ] == expected["findings"]
