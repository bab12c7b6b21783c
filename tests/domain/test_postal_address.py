"""Postal addresses in scenario files: optional keys of a unit and a patient (an addition)."""

from __future__ import annotations

import json

import pytest

from fastkontakt.domain.errors import InvalidScenario, Problem
from fastkontakt.domain.model import PostalAddress
from fastkontakt.domain.postal import address_lines, postal_code_normalised
from fastkontakt.domain.scenario import parse_scenario, scenario_from_json, scenario_to_json
from tests.domain.test_scenario import minimal

ADDRESS = {"care_of": None, "street": "Storgatan 12", "postal_code": "972 31", "city": "Luleå"}


def test_a_file_without_addresses_still_loads_with_none() -> None:
    # when
    scenario = scenario_from_json(minimal())
    # then
    assert scenario.units[0].address is None
    assert scenario.patients[0].address is None


def test_addresses_of_a_unit_and_a_patient_are_read_and_written_back() -> None:
    # given
    document = minimal()
    document["units"][0]["address"] = {
        "street": "Box 1234",
        "postal_code": "98131",
        "city": "Kiruna",
    }
    document["patients"][0]["address"] = {
        "care_of": "Anna Palo",
        "street": "Högalidsgatan 7 lgh 1102",
        "postal_code": "981 32",
        "city": "Kiruna",
    }
    # when
    scenario = scenario_from_json(document)
    canonical = scenario_to_json(scenario)
    # then
    assert scenario.units[0].address == PostalAddress(
        street="Box 1234", postal_code="981 31", city="Kiruna"
    )
    assert scenario.patients[0].address == PostalAddress(
        street="Högalidsgatan 7 lgh 1102", postal_code="981 32", city="Kiruna", care_of="Anna Palo"
    )
    assert canonical["units"][0]["address"] == {
        "care_of": None,
        "street": "Box 1234",
        "postal_code": "981 31",
        "city": "Kiruna",
    }
    assert canonical["patients"][0]["address"]["care_of"] == "Anna Palo"
    assert parse_scenario(json.dumps(canonical, ensure_ascii=False)) == scenario


def test_an_address_may_be_null() -> None:
    # given
    document = minimal()
    document["patients"][0]["address"] = None
    # when
    scenario = scenario_from_json(document)
    # then
    assert scenario.patients[0].address is None
    assert scenario_to_json(scenario)["patients"][0]["address"] is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"postal_code": "097 31"},
            Problem(
                "patients[0].address.postal_code",
                'invalid postcode "097 31" (expected NNN NN, e.g. 972 31)',
            ),
        ),
        (
            {"postal_code": "9723"},
            Problem(
                "patients[0].address.postal_code",
                'invalid postcode "9723" (expected NNN NN, e.g. 972 31)',
            ),
        ),
        (
            {"postal_code": "９７２３１"},
            Problem(
                "patients[0].address.postal_code",
                'invalid postcode "９７２３１" (expected NNN NN, e.g. 972 31)',
            ),
        ),
        ({"street": ""}, Problem("patients[0].address.street", "expected a non-empty string")),
        ({"city": 7}, Problem("patients[0].address.city", "expected a string")),
        ({"country": "SE"}, Problem("patients[0].address.country", "unknown key")),
    ],
)
def test_a_bad_address_is_a_located_problem(change: dict[str, object], expected: Problem) -> None:
    # given
    document = minimal()
    document["patients"][0]["address"] = {**ADDRESS, **change}
    # when
    with pytest.raises(InvalidScenario) as raised:
        scenario_from_json(document)
    # then
    assert raised.value.problems == [expected]


def test_an_address_needs_street_postcode_and_town() -> None:
    # given
    document = minimal()
    document["units"][0]["address"] = {"care_of": "Vårdcentralen"}
    # when
    with pytest.raises(InvalidScenario) as raised:
        scenario_from_json(document)
    # then
    assert raised.value.problems == [
        Problem("units[0].address.street", "required"),
        Problem("units[0].address.postal_code", "required"),
        Problem("units[0].address.city", "required"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("97231", "972 31"),
        ("972 31", "972 31"),
        (" 972 31 ", "972 31"),
        ("972  31", None),
        ("072 31", None),
        ("97231a", None),
        ("", None),
        ("٩٧٢٣١", None),
    ],
)
def test_postal_code_normalised(text: str, expected: str | None) -> None:
    assert postal_code_normalised(text) == expected


def test_the_address_block_has_the_town_in_capitals_after_two_spaces() -> None:
    # given
    address = PostalAddress(
        street="Storgatan 12", postal_code="972 31", city="Luleå", care_of="Anna Lind"
    )
    # when
    lines = address_lines("Karin Lind", address)
    # then
    assert lines == ("Karin Lind", "c/o Anna Lind", "Storgatan 12", "972 31  LULEÅ")
