"""The spec's example scenarios evaluate to exactly the findings in their ``.expected.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fastkontakt.domain.rules import Directory, evaluate, policy_named
from fastkontakt.domain.scenario import parse_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
SCENARIOS = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.endswith(".expected.json"))


def test_the_examples_are_there() -> None:
    assert [p.name for p in SCENARIOS] == [
        "01-life-threatening.json", "02-discharge.json", "03-home-care.json", "04-handover.json",
        "05-rules-v2.json",
    ]


def test_the_spec_examples_are_the_shared_ones() -> None:
    # given the copies of spec/examples beside docs/spec (01-04 come from the spec, 05 is ours)
    spec = Path(__file__).resolve().parents[3] / "docs" / "spec" / "rules.md"
    # then the rules page they belong to is version 2
    assert spec.read_text("utf-8").startswith("# The rule catalogue (version 2)")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_gives_expected_findings(path: Path) -> None:
    # given
    scenario = parse_scenario(path.read_bytes())
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    assert scenario.as_of is not None
    assert scenario.policy is not None
    # when
    findings = evaluate(
        sorted(scenario.patients, key=lambda p: p.id),
        Directory.of(scenario.units, scenario.staff),
        as_of=scenario.as_of,
        policy=policy_named(scenario.policy),
    )
    # then: the expected files list every key but message and source
    got = [
        {k: v for k, v in f.as_json().items() if k not in {"message", "source"}}
        for f in findings
    ]
    assert got == expected["findings"]
    assert (scenario.as_of.isoformat(), scenario.policy) == (expected["as_of"], expected["policy"])
