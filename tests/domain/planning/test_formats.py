"""Instance and plan files: round trips, and every problem of a bad file with its path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.planning.formats import (
    InvalidPlanningFile,
    instance_to_json,
    parse_instance,
    parse_plan,
    plan_to_json,
)
from fastkontakt.domain.planning.generator import generate
from tests.domain.planning.test_checker import valid_plan


def minimal() -> dict[str, Any]:
    return {
        "format": "fastkontakt-planning-instance/1",
        "start": "2026-11-23",
        "days": 2,
        "customers": [
            {
                "id": "k1",
                "location": {"lat": 65.59, "lon": 22.15},
                "born": "1940-05-01",
                "fast_omsorgskontakt": "s1",
                "visits": [
                    {"id": "morgon", "kind": "omsorg", "days": "daily",
                     "start_between": ["07:00", "09:00"], "duration": 30},
                    {"id": "dusch", "kind": "omsorg", "days": ["tue"],
                     "start_between": ["09:00", "12:00"], "duration": 45, "staff": 2,
                     "competences": ["underskoterska"]},
                ],
            }
        ],
        "staff": [
            {
                "id": "s1",
                "location": {"lat": 65.58, "lon": 22.15},
                "competences": ["underskoterska"],
                "delegations": ["insulin"],
                "shifts": [
                    {"date": "2026-11-23", "from": "07:00", "to": "16:00",
                     "breaks": [{"start_between": ["11:00", "12:30"], "minutes": 30}]}
                ],
                "absences": [{"from": "2026-11-24", "to": "2026-11-24"}],
            }
        ],
    }


def problems_of(document: Any) -> list[Problem]:
    with pytest.raises(InvalidPlanningFile) as raised:
        parse_instance(json.dumps(document))
    return raised.value.problems


def test_minimal_instance_is_read() -> None:
    # when
    instance = parse_instance(json.dumps(minimal()))
    # then
    assert [v.id for v in instance.visits] == [
        "k1/morgon/2026-11-23", "k1/morgon/2026-11-24", "k1/dusch/2026-11-24"
    ]
    dusch = instance.visit_by_id["k1/dusch/2026-11-24"]
    assert (dusch.earliest, dusch.latest, dusch.duration, dusch.staff_count) == (540, 720, 45, 2)
    assert instance.staff[0].absent_on(instance.dates[1]) is True
    assert instance.speed.kmh == 30


def test_generated_instance_round_trips() -> None:
    # given
    instance = generate(customers=12, staff=5, days=3, seed=4)
    # when
    again = parse_instance(json.dumps(instance_to_json(instance)))
    # then
    assert again == instance
    assert instance_to_json(again) == instance_to_json(instance)


def test_plan_round_trips_with_its_instance() -> None:
    # given
    plan = valid_plan()
    # when
    again = parse_plan(json.dumps(plan_to_json(plan)))
    # then
    assert again.instance == plan.instance
    assert (again.visits, again.breaks, again.unplanned) == (
        plan.visits, plan.breaks, plan.unplanned
    )


def test_every_problem_is_reported_with_its_path() -> None:
    # given
    document = minimal()
    document["days"] = 0
    customer = document["customers"][0]
    customer["fast_omsorgskontakt"] = "s9"
    customer["colour"] = "blå"
    morning = customer["visits"][0]
    morning["start_between"] = ["09:00", "07:00"]
    morning["duration"] = "30"
    customer["visits"][1]["days"] = ["tis"]
    customer["visits"][1]["staff"] = 3
    shift = document["staff"][0]["shifts"][0]
    shift["to"] = "06:00"
    del document["staff"][0]["location"]
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        Problem("days", "expected a whole number from 1 to 366"),
        Problem("staff[0].location", "required"),
        Problem("staff[0].shifts[0].to", "the shift must end after it starts (same day)"),
        Problem("customers[0].colour", "unknown key"),
        Problem("customers[0].fast_omsorgskontakt", "unknown staff id 's9'"),
        Problem("customers[0].visits[0].start_between[1]", "is before the earliest time"),
        Problem("customers[0].visits[0].duration", "expected a whole number from 1 to 1440"),
        Problem("customers[0].visits[1].days[0]",
                "expected one of: mon, tue, wed, thu, fri, sat, sun"),
        Problem("customers[0].visits[1].staff", "expected a whole number from 1 to 2"),
    ]


def test_bad_values_of_each_kind() -> None:
    # given
    document = minimal()
    document["format"] = "fastkontakt-scenario/1"
    document["start"] = "23/11/2026"
    document["customers"][0]["location"] = {"lat": 95, "lon": 22}
    document["customers"][0]["visits"][0]["kind"] = "natt"
    document["customers"][0]["visits"][1]["id"] = "morgon"
    document["staff"][0]["shifts"][0]["breaks"][0]["start_between"] = ["15:45", "15:50"]
    document["staff"][0]["absences"][0]["to"] = "2026-11-20"
    document["staff"].append(copy.deepcopy(document["staff"][0]))
    # when
    problems = problems_of(document)
    # then
    assert problems == [
        Problem("format", "expected 'fastkontakt-planning-instance/1'"),
        Problem("start", "expected a date YYYY-MM-DD"),
        Problem("staff[0].shifts[0].breaks[0].start_between", "the break must fit in the shift"),
        Problem("staff[0].absences[0].to", '"to" is before "from"'),
        Problem("staff[1].shifts[0].breaks[0].start_between", "the break must fit in the shift"),
        Problem("staff[1].absences[0].to", '"to" is before "from"'),
        Problem("staff[1].id", "duplicate id 's1' (also at staff[0])"),
        Problem("customers[0].location.lat", "expected a number from -90 to 90"),
        Problem("customers[0].visits[0].kind",
                "expected one of: omsorg, serviceinsats, matdistribution, larm"),
        Problem("customers[0].visits[1].id", "duplicate id 'morgon' (also at visits[0])"),
    ]


def test_not_json_is_one_problem() -> None:
    # when
    with pytest.raises(InvalidPlanningFile) as raised:
        parse_instance(b"{\"format\": ")
    # then
    assert [p.path for p in raised.value.problems] == ["$"]
    assert raised.value.problems[0].message == "invalid JSON: Expecting value (line 1, column 12)"


def test_plan_with_unknown_visits_and_bad_times() -> None:
    # given
    document = plan_to_json(valid_plan())
    document["visits"][0]["visit"] = "k9/morgon/2026-11-23"
    document["visits"][1]["start"] = "9:00"
    document["breaks"][0]["minutes"] = 0
    document["unplanned"] = ["nope"]
    document["instance"]["days"] = "1"
    # when
    with pytest.raises(InvalidPlanningFile) as raised:
        parse_plan(json.dumps(document))
    # then
    assert raised.value.problems == [
        Problem("instance.days", "expected a whole number from 1 to 366"),
        Problem("visits[1].start", "expected a time HH:MM (00:00-24:00)"),
        Problem("breaks[0].minutes", "expected a whole number from 1 to 1440"),
    ]


def test_a_missing_list_is_reported_once() -> None:
    # when
    problems = problems_of({"format": "fastkontakt-planning-instance/1", "start": "2026-11-23",
                            "days": 1})
    # then
    assert problems == [Problem("customers", "required"), Problem("staff", "required")]


def test_huge_numbers_and_refused_characters_are_located_problems() -> None:
    # given a 5 000-digit duration, a lone surrogate in a customer id and a NUL in a competence
    text = (
        json.dumps(minimal())
        .replace('"duration": 30', '"duration": ' + "9" * 5000)
        .replace('"id": "k1"', '"id": "k1\\ud800"')
        .replace('"insulin"', '"insu\\u0000lin"')
    )
    # when
    with pytest.raises(InvalidPlanningFile) as raised:
        parse_instance(text.encode("utf-8"))
    # then
    assert [str(p) for p in raised.value.problems] == [
        "staff[0].delegations[0]: Otillåtet tecken U+0000 (nolltecken) på plats 5.",
        "customers[0].id: Otillåtet tecken U+D800 (ensamt surrogattecken, ogiltig Unicode)"
        " på plats 3.",
        "customers[0].visits[0].duration: expected a whole number from 1 to 1440",
    ]
