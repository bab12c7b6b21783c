"""Reading, validating and writing scenario files (``spec/scenario.md``)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from fastkontakt.domain.errors import InvalidScenario, Problem
from fastkontakt.domain.model import (
    Absence,
    Contact,
    HomeCareDecision,
    InformationTransfer,
    Patient,
    Scenario,
    Staff,
    Unit,
    Visit,
)
from fastkontakt.domain.scenario import parse_scenario, scenario_from_json, scenario_to_json
from tests.strategies import scenarios, sorted_scenario

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
SCENARIOS = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.endswith(".expected.json"))

PERSON = "195103142385"
OTHER_PERSON = "194807024262"
UNIT = "SE2321000230-VC01"
STAFF = "SE2321000230-S001"
UNIT_TYPES = "slutenvard, specialistoppenvard, primarvard, kommunal_hsv, hemtjanst, socialtjanst"


def minimal() -> dict[str, Any]:
    """One unit, one staff member, one patient with one contact: the smallest useful file."""
    return {
        "format": "fastkontakt-scenario/1",
        "units": [{"id": UNIT, "name": "Hälsocentralen Kiruna", "type": "primarvard"}],
        "staff": [
            {"id": STAFF, "name": "Karin Björk", "profession": "sjukskoterska", "units": [UNIT]}
        ],
        "patients": [
            {
                "id": PERSON,
                "name": "Gunnar Palo",
                "contacts": [
                    {
                        "id": "k1",
                        "kind": "fast_vardkontakt",
                        "staff": STAFF,
                        "unit": UNIT,
                        "from": "2026-10-20",
                    }
                ],
            }
        ],
    }


def problems_of(document: object) -> list[str]:
    with pytest.raises(InvalidScenario) as caught:
        scenario_from_json(document)
    return [str(problem) for problem in caught.value.problems]


def problems_of_text(text: str | bytes) -> list[str]:
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text)
    return [str(problem) for problem in caught.value.problems]


def sorted_by_id(scenario: Scenario) -> Scenario:
    return Scenario(
        units=tuple(sorted(scenario.units, key=lambda u: u.id)),
        staff=tuple(sorted(scenario.staff, key=lambda s: s.id)),
        patients=tuple(sorted(scenario.patients, key=lambda p: p.id)),
        as_of=scenario.as_of,
        policy=scenario.policy,
    )


# --- valid files ---------------------------------------------------------------------------


def test_the_examples_are_there() -> None:
    assert [p.name for p in SCENARIOS] == [
        "01-life-threatening.json",
        "02-discharge.json",
        "03-home-care.json",
        "04-handover.json",
        "05-rules-v2.json",
    ]


@pytest.mark.parametrize(
    ("name", "policy", "counts"),
    [
        ("01-life-threatening.json", "norrbotten", (7, 9, 2)),
        ("02-discharge.json", "national", (7, 9, 2)),
        ("03-home-care.json", "national", (7, 9, 3)),
        ("04-handover.json", "gavleborg", (7, 10, 1)),
    ],
)
def test_every_example_parses(name: str, policy: str, counts: tuple[int, int, int]) -> None:
    # given
    text = (EXAMPLES / name).read_bytes()
    # when
    scenario = parse_scenario(text)
    # then
    assert scenario.as_of == date(2026, 11, 22)
    assert scenario.policy == policy
    assert (len(scenario.units), len(scenario.staff), len(scenario.patients)) == counts


def test_example_fields_are_read_into_the_model() -> None:
    # given
    text = (EXAMPLES / "01-life-threatening.json").read_bytes()
    # when
    scenario = parse_scenario(text)
    # then
    assert scenario.patients[0] == Patient(
        id="195103142385",
        name="Gunnar Palo",
        listed_at="SE2321000230-VC01",
        life_threatening_since=date(2026, 11, 2),
        contacts=(
            Contact(
                id="k1",
                kind="fast_vardkontakt",
                staff="SE2321000230-S002",
                unit="SE2321000230-ONK1",
                coordinating=True,
                start=date(2026, 10, 20),
                informed=date(2026, 10, 21),
                local_title="kontaktsjuksköterska",
            ),
        ),
    )
    assert scenario.staff[8] == Staff(
        id="SE2321000230-S003",
        name="Jonas Wikström",
        profession="sjukskoterska",
        licensed=True,
        units=("SE2120000000-HSV1",),
        absences=(Absence(start=date(2026, 11, 10), end=date(2027, 2, 10)),),
    )


def test_home_care_example_reads_visits_and_transfers() -> None:
    # given
    text = (EXAMPLES / "03-home-care.json").read_bytes()
    # when
    scenario = parse_scenario(text)
    # then
    aino, _, elsa = scenario.patients
    assert aino.home_care == (
        HomeCareDecision(
            unit="SE2120000000-HT01",
            start=date(2026, 5, 4),
            services=("personlig_omvardnad", "dusch", "inkop"),
        ),
    )
    assert aino.visits[0] == Visit(date=date(2026, 11, 9), staff="SE2321000230-U001", kind="omsorg")
    assert elsa.information_transfers == (
        InformationTransfer(
            recipient="Vårdboendet Solgården", date=date(2026, 11, 20), consent=False
        ),
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_round_trips_through_the_canonical_form(path: Path) -> None:
    # given
    scenario = parse_scenario(path.read_bytes())
    # when
    canonical = scenario_to_json(scenario)
    again = scenario_to_json(parse_scenario(json.dumps(canonical, ensure_ascii=False)))
    # then
    assert scenario_from_json(canonical) == sorted_by_id(scenario)
    assert again == canonical


@given(scenario=scenarios())
def test_any_valid_scenario_round_trips_through_json_text(scenario: Scenario) -> None:
    # when
    canonical = scenario_to_json(scenario)
    parsed = parse_scenario(json.dumps(canonical, ensure_ascii=False).encode("utf-8"))
    # then
    assert parsed == sorted_scenario(scenario)
    assert scenario_to_json(parsed) == canonical


def test_canonical_form_has_every_key_in_spec_order() -> None:
    # given
    document = minimal()
    document["as_of"] = "2026-11-22"
    document["staff"][0]["absences"] = [{"from": "2026-12-01", "to": "2026-12-24"}]
    patient = document["patients"][0]
    patient["requests"] = [{"kind": "fast_lakarkontakt", "unit": UNIT, "date": "2026-11-01"}]
    patient["inpatient_stays"] = [{"unit": UNIT, "admitted": "2026-11-02"}]
    patient["home_care"] = [{"unit": UNIT, "from": "2026-11-03", "services": ["inkop"]}]
    patient["implementation_plan"] = {"established": "2026-11-03"}
    patient["sips"] = [{"id": "s1", "created": "2026-11-04"}]
    patient["information_transfers"] = [{"to": "Solgården", "date": "2026-11-05", "consent": True}]
    patient["visits"] = [{"date": "2026-11-06", "staff": STAFF}]
    # when
    canonical = scenario_to_json(scenario_from_json(document))
    # then
    assert json.dumps(canonical, ensure_ascii=False) == json.dumps(
        {
            "format": "fastkontakt-scenario/1",
            "as_of": "2026-11-22",
            "units": [
                {"id": UNIT, "name": "Hälsocentralen Kiruna", "type": "primarvard", "address": None}
            ],
            "staff": [
                {
                    "id": STAFF,
                    "name": "Karin Björk",
                    "profession": "sjukskoterska",
                    "licensed": False,
                    "units": [UNIT],
                    "eligible": True,
                    "employment_end": None,
                    "absences": [{"from": "2026-12-01", "to": "2026-12-24"}],
                }
            ],
            "patients": [
                {
                    "id": PERSON,
                    "name": "Gunnar Palo",
                    "residence": "ordinart",
                    "residence_from": None,
                    "residence_no_contact_reason": None,
                    "home_health_care": False,
                    "listed_at": None,
                    "life_threatening_since": None,
                    "needs": [],
                    "contacts": [
                        {
                            "id": "k1",
                            "kind": "fast_vardkontakt",
                            "staff": STAFF,
                            "unit": UNIT,
                            "coordinating": False,
                            "from": "2026-10-20",
                            "to": None,
                            "informed": None,
                            "local_title": None,
                        }
                    ],
                    "requests": [{"kind": "fast_lakarkontakt", "unit": UNIT, "date": "2026-11-01"}],
                    "inpatient_stays": [
                        {
                            "unit": UNIT,
                            "admitted": "2026-11-02",
                            "outpatient_unit": None,
                            "needs_municipal_care": False,
                            "ready_for_discharge": None,
                            "discharged": None,
                        }
                    ],
                    "home_care": [
                        {
                            "unit": UNIT,
                            "from": "2026-11-03",
                            "to": None,
                            "services": ["inkop"],
                            "no_contact_reason": None,
                        }
                    ],
                    "implementation_plan": {
                        "established": "2026-11-03",
                        "updated_by_contact": None,
                        "revisions": [],
                    },
                    "sips": [
                        {"id": "s1", "created": "2026-11-04", "invited": None, "coordinator": None}
                    ],
                    "information_transfers": [
                        {"to": "Solgården", "date": "2026-11-05", "consent": True}
                    ],
                    "visits": [{"date": "2026-11-06", "staff": STAFF, "kind": "omsorg"}],
                    "address": None,
                }
            ],
        },
        ensure_ascii=False,
    )


def test_canonical_form_sorts_top_level_lists_by_id_and_keeps_nested_order() -> None:
    # given
    scenario = Scenario(
        units=(Unit("u2", "B", "primarvard"), Unit("u1", "A", "hemtjanst")),
        staff=(Staff("s2", "B", "lakare", ("u2", "u1")), Staff("s1", "A", "lakare", ())),
        patients=(Patient(OTHER_PERSON, "B"), Patient(PERSON, "A")),
    )
    # when
    canonical = scenario_to_json(scenario)
    # then
    assert list(canonical) == ["format", "units", "staff", "patients"]
    assert [u["id"] for u in canonical["units"]] == ["u1", "u2"]
    assert [s["id"] for s in canonical["staff"]] == ["s1", "s2"]
    assert canonical["staff"][1]["units"] == ["u2", "u1"]
    assert [p["id"] for p in canonical["patients"]] == [OTHER_PERSON, PERSON]
    assert scenario_from_json(canonical) == sorted_by_id(scenario)


def test_absent_optional_keys_take_their_defaults() -> None:
    # given
    document = {
        "format": "fastkontakt-scenario/1",
        "units": [{"id": UNIT, "name": "Hälsocentralen", "type": "primarvard"}],
        "staff": [{"id": STAFF, "name": "Karin", "profession": "lakare", "units": []}],
        "patients": [
            {"id": PERSON, "name": "Gunnar", "visits": [{"date": "2026-01-01", "staff": STAFF}]}
        ],
    }
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario == Scenario(
        units=(Unit(UNIT, "Hälsocentralen", "primarvard"),),
        staff=(
            Staff(STAFF, "Karin", "lakare", (), licensed=False, eligible=True, employment_end=None),
        ),
        patients=(
            Patient(
                PERSON,
                "Gunnar",
                residence="ordinart",
                home_health_care=False,
                visits=(Visit(date(2026, 1, 1), STAFF, kind="omsorg"),),
            ),
        ),
        as_of=None,
        policy=None,
    )


def test_only_the_format_is_required_at_the_top() -> None:
    # when
    scenario = parse_scenario('{"format": "fastkontakt-scenario/1"}')
    # then
    assert scenario == Scenario()
    assert scenario_to_json(scenario) == {
        "format": "fastkontakt-scenario/1",
        "units": [],
        "staff": [],
        "patients": [],
    }


def test_null_is_accepted_where_the_spec_allows_it() -> None:
    # given
    document = minimal()
    document["as_of"] = None
    document["policy"] = None
    document["staff"][0]["employment_end"] = None
    document["patients"][0].update(
        {"listed_at": None, "life_threatening_since": None, "implementation_plan": None}
    )
    document["patients"][0]["contacts"][0].update(
        {"to": None, "informed": None, "local_title": None}
    )
    document["patients"][0]["sips"] = [
        {"id": "s1", "created": "2026-01-01", "invited": None, "coordinator": None}
    ]
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.as_of is None
    assert scenario.policy is None
    assert scenario.patients[0].contacts[0].end is None
    assert scenario.patients[0].sips[0].coordinator is None


def test_references_may_point_forwards_in_the_file() -> None:
    # given: patients first, the staff and units they name last
    document = minimal()
    reordered = {
        "patients": document["patients"],
        "format": document["format"],
        "staff": document["staff"],
        "units": document["units"],
    }
    # when
    scenario = scenario_from_json(reordered)
    # then
    assert scenario.patients[0].contacts[0].staff == STAFF


def test_a_period_may_end_on_the_day_it_starts() -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"][0]["to"] = "2026-10-20"
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.patients[0].contacts[0].end == date(2026, 10, 20)


def test_samordningsnummer_is_a_valid_patient_id() -> None:
    # given
    document = minimal()
    document["patients"][0]["id"] = "195103742382"
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.patients[0].id == "195103742382"


def test_bytes_are_read_as_utf8_with_swedish_characters() -> None:
    # given
    text = json.dumps(minimal(), ensure_ascii=False).encode("utf-8")
    # when
    scenario = parse_scenario(text)
    # then
    assert scenario.units[0].name == "Hälsocentralen Kiruna"
    assert scenario.staff[0].name == "Karin Björk"


def test_bytes_with_a_byte_order_mark_are_read() -> None:
    # given
    text = b"\xef\xbb\xbf" + json.dumps(minimal(), ensure_ascii=False).encode("utf-8")
    # when
    scenario = parse_scenario(text)
    # then
    assert scenario.units[0].name == "Hälsocentralen Kiruna"


# --- problems ------------------------------------------------------------------------------


def test_invalid_json_is_one_problem_with_line_and_column() -> None:
    # when
    problems = problems_of_text('{\n "format": "fastkontakt-scenario/1",\n "units": [}\n')
    # then
    assert problems == ["$: invalid JSON: Expecting value (line 3, column 12)"]


def test_bytes_that_are_not_utf8_are_one_problem() -> None:
    # when
    problems = problems_of_text(b'{"format": "fastkontakt-scenario/1", "x": "\xe4"}')
    # then
    assert problems == ["$: invalid UTF-8 at byte 43"]


@pytest.mark.parametrize("text", ["[]", '"scenario"', "42", "null"])
def test_top_level_must_be_an_object(text: str) -> None:
    # when
    problems = problems_of_text(text)
    # then
    assert problems == ["$: expected an object"]


def test_format_is_required() -> None:
    # given
    document = minimal()
    del document["format"]
    # when
    problems = problems_of(document)
    # then
    assert problems == ["format: required"]


@pytest.mark.parametrize("value", ["fastkontakt-scenario/2", 1, None])
def test_format_must_be_version_1(value: object) -> None:
    # given
    document = minimal()
    document["format"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == ['format: expected "fastkontakt-scenario/1"']


def test_unknown_keys_are_errors_at_every_level() -> None:
    # given
    document = minimal()
    document["patient"] = []
    document["units"][0]["typ"] = "primarvard"
    document["patients"][0]["contacts"][0]["form"] = "2026-01-01"
    document["patients"][0]["needs "] = []
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        "units[0].typ: unknown key",
        "patients[0].contacts[0].form: unknown key",
        'patients[0]["needs "]: unknown key',
        "patient: unknown key",
    ]


def test_a_key_given_twice_in_one_object_is_an_error() -> None:
    # given
    text = json.dumps(minimal()).replace('"name": "Gunnar Palo"', '"name": "A", "name": "B"')
    # when
    problems = problems_of_text(text)
    # then
    assert problems == ["patients[0].name: duplicate key"]


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (lambda d: d["units"][0].pop("type"), "units[0].type: required"),
        (lambda d: d["staff"][0].pop("units"), "staff[0].units: required"),
        (lambda d: d["patients"][0].pop("name"), "patients[0].name: required"),
        (
            lambda d: d["patients"][0]["contacts"][0].pop("from"),
            "patients[0].contacts[0].from: required",
        ),
    ],
)
def test_required_keys_must_be_present(
    remove: Callable[[dict[str, Any]], object], expected: str
) -> None:
    # given
    document = minimal()
    remove(document)
    # when
    problems = problems_of(document)
    # then
    assert problems == [expected]


def test_home_care_services_are_required() -> None:
    # given
    document = minimal()
    document["patients"][0]["home_care"] = [{"unit": UNIT, "from": "2026-01-01"}]
    # when
    problems = problems_of(document)
    # then
    assert problems == ["patients[0].home_care[0].services: required"]


def test_absence_needs_both_ends() -> None:
    # given
    document = minimal()
    document["staff"][0]["absences"] = [{"from": "2026-01-01", "to": None}]
    # when
    problems = problems_of(document)
    # then
    assert problems == ["staff[0].absences[0].to: expected a date as a string YYYY-MM-DD"]


@pytest.mark.parametrize("value", ["true", 1, 0, None])
def test_booleans_must_be_json_booleans(value: object) -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"][0]["coordinating"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == ["patients[0].contacts[0].coordinating: expected true or false"]


@pytest.mark.parametrize("value", [42, None, ["Karin"], True])
def test_names_must_be_strings(value: object) -> None:
    # given
    document = minimal()
    document["staff"][0]["name"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == ["staff[0].name: expected a string"]


@pytest.mark.parametrize("value", ["", "   "])
def test_ids_and_names_must_not_be_empty(value: str) -> None:
    # given
    document = minimal()
    document["units"][0]["name"] = value
    document["patients"][0]["contacts"][0]["id"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        "units[0].name: expected a non-empty string",
        "patients[0].contacts[0].id: expected a non-empty string",
    ]


@pytest.mark.parametrize("value", [None, "k1", {"id": "k1"}])
def test_lists_must_be_lists(value: object) -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == ["patients[0].contacts: expected a list"]


def test_list_items_that_should_be_objects_must_be_objects() -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"] = ["k1"]
    document["patients"][0]["implementation_plan"] = "2026-01-01"
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        "patients[0].contacts[0]: expected an object",
        "patients[0].implementation_plan: expected an object",
    ]


def test_enum_values_must_be_allowed() -> None:
    # given
    document = minimal()
    document["policy"] = "skane"
    document["units"][0]["type"] = "vardcentral"
    document["patients"][0]["needs"] = ["samordningsbehov", "mat"]
    document["patients"][0]["visits"] = [{"date": "2026-01-01", "staff": STAFF, "kind": None}]
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        f"units[0].type: expected one of: {UNIT_TYPES}",
        "patients[0].needs[1]: expected one of: stort_omvardnadsbehov, "
        "instabilt_sjukdomsforlopp, stora_rehabiliteringsbehov, samordningsbehov",
        "patients[0].visits[0].kind: expected one of: omsorg, serviceinsats, matdistribution, larm",
        "policy: expected one of: national, norrbotten, gavleborg",
    ]


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-13-01", "20260101", "2026-1-01", "2026-01-01T00:00", "0000-01-01"]
)
def test_dates_must_be_real_days_written_yyyy_mm_dd(value: str) -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"][0]["from"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        f'patients[0].contacts[0].from: invalid date "{value}" (expected YYYY-MM-DD)'
    ]


def test_a_date_that_is_not_a_string_is_an_error() -> None:
    # given
    document = minimal()
    document["as_of"] = 20261122
    # when
    problems = problems_of(document)
    # then
    assert problems == ["as_of: expected a date as a string YYYY-MM-DD"]


def test_leap_day_is_a_valid_date() -> None:
    # given
    document = minimal()
    document["as_of"] = "2028-02-29"
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.as_of == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("195103142386", 'invalid personnummer "195103142386" (wrong check digit)'),
        ("195103742383", 'invalid samordningsnummer "195103742383" (wrong check digit)'),
        ("199902300000", 'invalid personnummer "199902300000" (no such date: 1999-02-30)'),
        ("5103142385", 'invalid personnummer "5103142385" (expected 12 digits YYYYMMDDNNNC)'),
        ("510314-2385", 'invalid personnummer "510314-2385" (expected 12 digits YYYYMMDDNNNC)'),
        (
            "19510314-2385",
            'invalid personnummer "19510314-2385" (expected 12 digits YYYYMMDDNNNC)',
        ),
        ("19510314238X", 'invalid personnummer "19510314238X" (expected 12 digits YYYYMMDDNNNC)'),
    ],
)
def test_patient_ids_must_be_valid_12_digit_numbers(value: str, expected: str) -> None:
    # given
    document = minimal()
    document["patients"][0]["id"] = value
    # when
    problems = problems_of(document)
    # then
    assert problems == [f"patients[0].id: {expected}"]


def test_patient_id_must_be_a_string() -> None:
    # given
    document = minimal()
    document["patients"][0]["id"] = 195103142385
    # when
    problems = problems_of(document)
    # then
    assert problems == ["patients[0].id: expected a string"]


def _with_everything(document: dict[str, Any]) -> dict[str, Any]:
    patient = document["patients"][0]
    patient["listed_at"] = UNIT
    patient["requests"] = [{"kind": "fast_vardkontakt", "unit": UNIT, "date": "2026-01-01"}]
    patient["inpatient_stays"] = [{"unit": UNIT, "admitted": "2026-01-01", "outpatient_unit": UNIT}]
    patient["home_care"] = [{"unit": UNIT, "from": "2026-01-01", "services": []}]
    patient["sips"] = [{"id": "s1", "created": "2026-01-01", "coordinator": STAFF}]
    patient["visits"] = [{"date": "2026-01-01", "staff": STAFF}]
    return document


def test_the_reference_fixture_is_valid() -> None:
    # when
    scenario = scenario_from_json(_with_everything(minimal()))
    # then
    assert scenario.patients[0].sips[0].coordinator == STAFF


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (("staff", 0, "units", 0), "unit"),
        (("patients", 0, "listed_at"), "unit"),
        (("patients", 0, "contacts", 0, "staff"), "staff"),
        (("patients", 0, "contacts", 0, "unit"), "unit"),
        (("patients", 0, "requests", 0, "unit"), "unit"),
        (("patients", 0, "inpatient_stays", 0, "unit"), "unit"),
        (("patients", 0, "inpatient_stays", 0, "outpatient_unit"), "unit"),
        (("patients", 0, "home_care", 0, "unit"), "unit"),
        (("patients", 0, "sips", 0, "coordinator"), "staff"),
        (("patients", 0, "visits", 0, "staff"), "staff"),
    ],
)
def test_references_must_name_a_unit_or_staff_member_of_the_scenario(
    path: tuple[str | int, ...], kind: str
) -> None:
    # given
    document = _with_everything(minimal())
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = "SE123"
    shown = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)[1:]
    # when
    problems = problems_of(document)
    # then
    assert problems == [f'{shown}: unknown {kind} id "SE123"']


def test_a_unit_id_does_not_name_a_staff_member() -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"][0]["staff"] = UNIT
    # when
    problems = problems_of(document)
    # then
    assert problems == [f'patients[0].contacts[0].staff: unknown staff id "{UNIT}"']


def test_duplicate_unit_and_staff_ids() -> None:
    # given
    document = minimal()
    document["units"].append({"id": UNIT, "name": "Again", "type": "hemtjanst"})
    document["staff"].append(copy.deepcopy(document["staff"][0]))
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        f'units[1].id: duplicate id "{UNIT}" (also at units[0])',
        f'staff[1].id: duplicate id "{STAFF}" (also at staff[0])',
    ]


def test_a_unit_and_a_staff_member_may_share_an_id() -> None:
    # given
    document = minimal()
    document["staff"][0]["id"] = UNIT
    document["patients"][0]["contacts"][0]["staff"] = UNIT
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.staff[0].id == UNIT


def test_duplicate_patient_ids() -> None:
    # given
    document = minimal()
    document["patients"].append({"id": PERSON, "name": "Someone else"})
    # when
    problems = problems_of(document)
    # then
    assert problems == [f'patients[1].id: duplicate id "{PERSON}" (also at patients[0])']


def test_contact_ids_are_unique_across_the_whole_scenario() -> None:
    # given
    document = minimal()
    contact = document["patients"][0]["contacts"][0]
    document["patients"][0]["contacts"] += [dict(contact, id="k2"), dict(contact, id="k3")]
    document["patients"].append({"id": OTHER_PERSON, "name": "Britt", "contacts": [contact]})
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        'patients[1].contacts[0].id: duplicate id "k1" (also at patients[0].contacts[0])'
    ]


def test_sip_ids_are_unique_across_the_whole_scenario() -> None:
    # given
    document = minimal()
    sip = {"id": "sip1", "created": "2026-01-01"}
    document["patients"][0]["sips"] = [sip]
    document["patients"].append({"id": OTHER_PERSON, "name": "Britt", "sips": [sip, sip]})
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        'patients[1].sips[0].id: duplicate id "sip1" (also at patients[0].sips[0])',
        'patients[1].sips[1].id: duplicate id "sip1" (also at patients[0].sips[0])',
    ]


def test_a_contact_and_a_sip_may_share_an_id() -> None:
    # given
    document = minimal()
    document["patients"][0]["sips"] = [{"id": "k1", "created": "2026-01-01"}]
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.patients[0].sips[0].id == "k1"


def test_contact_to_before_from() -> None:
    # given
    document = minimal()
    document["patients"][0]["contacts"][0].update({"from": "2026-02-01", "to": "2026-01-01"})
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        'patients[0].contacts[0].to: "to" (2026-01-01) is before "from" (2026-02-01)'
    ]


def test_home_care_to_before_from() -> None:
    # given
    document = minimal()
    document["patients"][0]["home_care"] = [
        {"unit": UNIT, "from": "2026-02-01", "to": "2026-01-31", "services": ["inkop"]}
    ]
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        'patients[0].home_care[0].to: "to" (2026-01-31) is before "from" (2026-02-01)'
    ]


def test_absence_to_before_from() -> None:
    # given
    document = minimal()
    document["staff"][0]["absences"] = [{"from": "2026-02-01", "to": "2025-02-01"}]
    # when
    problems = problems_of(document)
    # then
    assert problems == ['staff[0].absences[0].to: "to" (2025-02-01) is before "from" (2026-02-01)']


def test_several_problems_are_all_reported_in_document_order() -> None:
    # given
    document = minimal()
    document["units"][0]["type"] = "vc"
    document["staff"][0]["licensed"] = "ja"
    patient = document["patients"][0]
    patient["id"] = "195103142386"
    patient["contacts"][0].update({"staff": "nobody", "from": "2026-02-30"})
    patient["contacts"].append({"id": "k1", "kind": "fast_vardkontakt", "unit": UNIT})
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        f"units[0].type: expected one of: {UNIT_TYPES}",
        "staff[0].licensed: expected true or false",
        'patients[0].id: invalid personnummer "195103142386" (wrong check digit)',
        'patients[0].contacts[0].staff: unknown staff id "nobody"',
        'patients[0].contacts[0].from: invalid date "2026-02-30" (expected YYYY-MM-DD)',
        'patients[0].contacts[1].id: duplicate id "k1" (also at patients[0].contacts[0])',
        "patients[0].contacts[1].staff: required",
        "patients[0].contacts[1].from: required",
    ]


def test_the_error_carries_problems_and_a_readable_message() -> None:
    # given
    document = minimal()
    document["units"][0]["type"] = "vc"
    document["staff"][0]["licensed"] = "ja"
    # when
    with pytest.raises(InvalidScenario) as caught:
        scenario_from_json(document)
    # then
    assert caught.value.problems == [
        Problem("units[0].type", f"expected one of: {UNIT_TYPES}"),
        Problem("staff[0].licensed", "expected true or false"),
    ]
    assert str(caught.value) == (
        f"units[0].type: expected one of: {UNIT_TYPES}\nstaff[0].licensed: expected true or false"
    )


def test_validation_does_not_change_the_document() -> None:
    # given
    document = _with_everything(minimal())
    document["units"][0]["type"] = "vc"
    before = copy.deepcopy(document)
    # when
    problems_of(document)
    # then
    assert document == before


def test_a_unit_listed_twice_for_one_staff_member_is_a_problem() -> None:
    # given
    document = {
        "format": "fastkontakt-scenario/1",
        "units": [{"id": "U1", "name": "Hälsocentralen", "type": "primarvard"}],
        "staff": [{"id": "S1", "name": "Karin", "profession": "sjukskoterska",
                   "units": ["U1", "U1"]}],
    }
    # when
    with pytest.raises(InvalidScenario) as raised:
        scenario_from_json(document)
    # then
    assert [str(p) for p in raised.value.problems] == [
        "staff[0].units: a unit is listed more than once"
    ]


# --- text and numbers from outside (ADR 0009) ----------------------------------------------


def _with_escaped(path: tuple[str | int, ...], escaped_json: str) -> str:
    """The minimal file as ASCII JSON text with the value at ``path`` written as given."""
    document: Any = minimal()
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "@@VALUE@@"
    return json.dumps(document).replace('"@@VALUE@@"', escaped_json)


@pytest.mark.parametrize(
    ("path", "escaped", "expected"),
    [
        (
            ("patients", 0, "name"),
            '"Gunnar\\ud800"',
            "patients[0].name: Otillåtet tecken U+D800 (ensamt surrogattecken, ogiltig Unicode)"
            " på plats 7.",
        ),
        (
            ("patients", 0, "name"),
            '"Gun\\u0000nar"',
            "patients[0].name: Otillåtet tecken U+0000 (nolltecken) på plats 4.",
        ),
        (
            ("staff", 0, "name"),
            '"\\u202eKarin"',
            "staff[0].name: Otillåtet tecken U+202E (osynligt styrtecken för textriktning)"
            " på plats 1.",
        ),
        (
            ("units", 0, "name"),
            '"Kiruna\\u200b"',
            "units[0].name: Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 7.",
        ),
        (
            ("patients", 0, "contacts", 0, "local_title"),
            '"kontakt\\nsjuksköterska"',
            "patients[0].contacts[0].local_title: Otillåtet tecken U+000A (radbrytning)"
            " på plats 8.",
        ),
        (("patients", 0, "name"), "9" * 5000, "patients[0].name: expected a string"),
        (
            ("as_of",),
            "-" + "1" * 4301,
            "as_of: expected a date as a string YYYY-MM-DD",
        ),
    ],
)
def test_refused_characters_and_huge_numbers_are_located_problems(
    path: tuple[str | int, ...], escaped: str, expected: str
) -> None:
    # when
    problems = problems_of_text(_with_escaped(path, escaped))
    # then
    assert problems == [expected]


def test_a_refused_character_in_an_id_is_reported_where_it_is_and_where_it_is_used() -> None:
    # given the unit's id carries a bidi override, and the staff member's units name it so
    text = json.dumps(minimal()).replace(f'"{UNIT}"', f'"{UNIT}\\u202e"')
    # when
    problems = problems_of_text(text)
    # then
    bidi = "Otillåtet tecken U+202E (osynligt styrtecken för textriktning) på plats 18."
    assert problems == [
        f"units[0].id: {bidi}",
        f"staff[0].units[0]: {bidi}",
        f"patients[0].contacts[0].unit: {bidi}",
    ]


def test_quoted_values_and_odd_keys_show_refused_characters_escaped() -> None:
    # given a bad date and an unknown key, both with characters no terminal shows as they are
    document = minimal()
    document["patients"][0]["contacts"][0]["from"] = "2026\u202e-01-01\ud800"
    document["units"][0]["na\x00me"] = "x"
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        'units[0]["na\\u0000me"]: unknown key',
        'patients[0].contacts[0].from: invalid date "2026\\u202e-01-01\\ud800" (expected'
        " YYYY-MM-DD)",
    ]
    for problem in problems:
        problem.encode("utf-8")


def test_names_are_read_in_nfc_and_ids_still_match_their_references() -> None:
    # given "Björk" with a combining diaeresis, also in a unit id used as a reference
    text = (
        json.dumps(minimal(), ensure_ascii=False)
        .replace("Björk", "Bjo\u0308rk")
        .replace(UNIT, UNIT + "-Ö".replace("Ö", "O\u0308"))
    )
    # when
    scenario = parse_scenario(text)
    # then
    assert scenario.staff[0].name == "Karin Björk"
    assert scenario.units[0].id == UNIT + "-Ö"
    assert scenario.patients[0].contacts[0].unit == UNIT + "-Ö"
