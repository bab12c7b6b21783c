"""``fastkontakt load``, ``export``, ``compliance --db`` and ``seed-demo`` against the registry."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.cli import main
from fastkontakt.domain.scenario import parse_scenario, scenario_to_json
from fastkontakt.registry.models import Person
from tests.conftest import RegistryState, row_counts

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.mark.django_db
def test_load_then_export_gives_the_canonical_file(tmp_path: Path) -> None:
    # given
    path = EXAMPLES / "03-home-care.json"
    # when
    load_code, load_output = run("load", str(path))
    export_code, exported = run("export")
    # then
    assert (load_code, export_code) == (0, 0)
    assert load_output.startswith("Inläst: 7 enheter, 9 medarbetare, 3 personer (3 nya)")
    canonical = scenario_to_json(parse_scenario(path.read_bytes()))
    del canonical["as_of"]  # the registry keeps no evaluation day
    assert json.loads(exported) == canonical
    # and the export loads back to the same registry
    out_file = tmp_path / "export.json"
    out_file.write_text(exported, "utf-8")
    assert run("load", str(out_file))[0] == 0
    assert json.loads(run("export")[1]) == canonical


@pytest.mark.django_db
def test_load_is_logged_as_the_operators_region_wide_load() -> None:
    # given
    path = EXAMPLES / "03-home-care.json"
    people = sorted(p.id for p in parse_scenario(path.read_bytes()).patients)
    # when
    code, _ = run("load", str(path))
    # then: one write entry per person in the file, on the basis of a system run
    assert code == 0
    entries = AccessLogEntry.objects.order_by("personal_id")
    assert [(e.personal_id, e.action, e.what, e.basis) for e in entries] == [
        (person, "write", "scenario.load", "system") for person in people
    ]
    assert all(e.username.startswith("cli:") for e in entries)


@pytest.mark.django_db
def test_compliance_db_gives_the_same_findings_as_the_file() -> None:
    # given
    names = ("01-life-threatening", "02-discharge", "03-home-care", "04-handover")
    for name in names:
        assert run("load", str(EXAMPLES / f"{name}.json"))[0] == 0
    for name in names:
        path = EXAMPLES / f"{name}.json"
        # when
        _, from_file = run("compliance", str(path), "--policy", "national", "--format", "json")
        _, from_db = run("compliance", "--db", "--as-of", "2026-11-22", "--policy", "national",
                         "--format", "json")
        # then the registry's findings for the file's people are exactly the file's
        file_findings = json.loads(from_file)["findings"]
        people = {p.id for p in parse_scenario(path.read_bytes()).patients}
        db_findings = [f for f in json.loads(from_db)["findings"] if f["patient"] in people]
        assert db_findings == file_findings
        assert file_findings


@pytest.mark.django_db
def test_an_invalid_file_is_not_loaded_at_all(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry_state: Callable[[], RegistryState],
) -> None:
    # given a registry with data and a file whose last patient is broken
    assert run("load", str(EXAMPLES / "01-life-threatening.json"))[0] == 0
    before = registry_state()
    document: dict[str, Any] = json.loads((EXAMPLES / "02-discharge.json").read_text("utf-8"))
    document["patients"][-1]["contacts"][0]["from"] = "2026-13-01"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), "utf-8")
    # when
    code, output = run("load", str(path))
    # then
    assert code == 2
    assert output == ""
    assert capsys.readouterr().err == (
        'patients[1].contacts[0].from: invalid date "2026-13-01" (expected YYYY-MM-DD)\n'
    )
    assert registry_state() == before


@pytest.mark.django_db
def test_seed_demo_fills_an_empty_registry_and_then_leaves_it_alone(
    registry_state: Callable[[], RegistryState],
) -> None:
    # when
    code, output = run("seed-demo", "--people", "150", "--as-of", "2026-11-22")
    # then
    assert code == 0
    assert Person.objects.count() == 150
    assert "150 personer (150 nya)" in output
    # and a second run on another day changes nothing
    before = registry_state()
    code, output = run("seed-demo", "--people", "150", "--as-of", "2026-11-23")
    assert code == 0
    assert output.startswith("Registret innehåller redan 150 personer")
    assert registry_state() == before


@pytest.mark.django_db
def test_seed_demo_replace_swaps_the_whole_registry(
    registry_state: Callable[[], RegistryState],
) -> None:
    # given
    assert run("load", str(EXAMPLES / "04-handover.json"))[0] == 0
    # when
    code, _ = run("seed-demo", "--people", "120", "--replace", "--as-of", "2026-11-22")
    # then
    assert code == 0
    assert Person.objects.count() == 120
    assert not Person.objects.filter(personal_id="194704111667").exists()
    assert row_counts(registry_state())["Person"] == 120


@pytest.mark.django_db
def test_compliance_db_defaults_to_the_region_policy() -> None:
    # given a file whose policy is gavleborg
    assert run("load", str(EXAMPLES / "04-handover.json"))[0] == 0
    # when
    _, output = run("compliance", "--db", "--as-of", "2026-11-22", "--format", "json")
    # then
    document = json.loads(output)
    assert document["policy"] == "gavleborg"
    assert "contact-eligible" in {f["rule"] for f in document["findings"]}
    assert date.fromisoformat(document["as_of"]) == date(2026, 11, 22)


def test_seed_demo_refuses_a_population_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code, _ = run("seed-demo", "--people", "0")
    # then
    assert code == 2
    assert capsys.readouterr().err == "--people must be at least 1\n"


@pytest.mark.django_db
def test_a_database_failure_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a registry whose tables are missing
    from django.db import OperationalError

    from fastkontakt.registry import selectors

    def missing_table() -> int:
        raise OperationalError("no such table: registry_person\nLINE 1: SELECT ...")

    monkeypatch.setattr(selectors, "person_count", missing_table)
    # when
    code, output = run("seed-demo", "--people", "10")
    # then
    assert code == 1
    assert output == ""
    assert capsys.readouterr().err == (
        "database: no such table: registry_person "
        "(is it reachable and migrated? fastkontakt manage migrate)\n"
    )
