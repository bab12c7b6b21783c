"""``fastkontakt plan`` and ``fastkontakt plan-report``: files in, files out, no database."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fastkontakt.cli import main
from fastkontakt.domain.planning import check_plan
from fastkontakt.domain.planning.formats import instance_to_json, parse_plan
from fastkontakt.domain.planning.generator import generate


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "instance.json"
    document = instance_to_json(generate(customers=10, staff=5, days=3, seed=5))
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_plan_writes_a_valid_plan_and_the_report_reads_it(
    instance_file: Path, tmp_path: Path
) -> None:
    # given
    out = tmp_path / "plan.json"
    # when
    code, output = run("plan", str(instance_file), "--days", "2", "--time-limit", "2",
                       "--out", str(out))
    report_code, report = run("plan-report", str(out))
    # then
    plan = parse_plan(out.read_bytes())
    assert code == report_code == 0
    assert output.startswith(f"Planerat: {len(plan.visits)} besök, {len(plan.unplanned)} oplan")
    assert output.endswith(f"-> {out}\n")
    assert plan.instance.days == 2
    assert {plan.instance.visit_by_id[p.visit].day.isoformat() for p in plan.visits} == {
        "2026-11-23", "2026-11-24"
    }
    assert check_plan(plan) == []
    lines = report.splitlines()
    assert lines[0] == (
        f"Plan 2026-11-23 + 2 dagar: {len(plan.visits)} besök planerade, "
        f"{len(plan.unplanned)} oplanerade, restid {plan.travel_minutes()} min"
    )
    assert lines[1].startswith("Kunder i indikatorn (65+, minst två besök/dag 07-22): ")
    assert lines[2].startswith("Median olika personal: ")
    assert lines[3].startswith("Andel besök av fast omsorgskontakt: median ")


def test_plan_report_as_json(instance_file: Path, tmp_path: Path) -> None:
    # given
    out = tmp_path / "plan.json"
    run("plan", str(instance_file), "--time-limit", "2", "--travel-only", "--out", str(out))
    # when
    code, output = run("plan-report", str(out), "--format", "json")
    # then
    document = json.loads(output)
    plan = parse_plan(out.read_bytes())
    assert code == 0
    assert plan.stats["mode"] == "travel-only"
    assert document["travel_minutes"] == plan.travel_minutes()
    assert document["planned_visits"] == len(plan.visits)
    assert document["unplanned_visits"] == len(plan.unplanned)
    assert [c["customer"] for c in document["customers"]] == [
        c.id for c in plan.instance.customers
    ]


def test_invalid_instance_one_line_per_problem_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    document = instance_to_json(generate(customers=3, staff=2, days=1, seed=1))
    document["days"] = 0
    document["customers"][1]["visits"][0]["duration"] = -5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), "utf-8")
    out = tmp_path / "plan.json"
    # when
    code, output = run("plan", str(path), "--time-limit", "1", "--out", str(out))
    # then
    errors = capsys.readouterr().err.splitlines()
    assert code == 2
    assert output == ""
    assert errors == [
        "days: expected a whole number from 1 to 366",
        "customers[1].visits[0].duration: expected a whole number from 1 to 1440",
    ]
    assert not out.exists()


def test_plan_report_rejects_a_plan_that_breaks_a_rule(
    instance_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a plan whose first visit is moved before its window
    out = tmp_path / "plan.json"
    run("plan", str(instance_file), "--days", "1", "--time-limit", "1", "--out", str(out))
    document = json.loads(out.read_text("utf-8"))
    document["visits"][0]["start"] = "05:00"
    out.write_text(json.dumps(document), "utf-8")
    # when
    code, output = run("plan-report", str(out))
    # then
    errors = capsys.readouterr().err.splitlines()
    assert code == 2
    assert output == ""
    assert errors[0].startswith("visits[0].start: ")
    assert " börjar 05:00, utanför fönstret " in errors[0]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (("--time-limit", "0"), "--time-limit must be more than 0 seconds"),
        (("--days", "0"), "--days must be at least 1"),
    ],
)
def test_bad_options_exit_2(
    instance_file: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], error: str
) -> None:
    # when
    code, output = run("plan", str(instance_file), *argv)
    # then
    assert code == 2
    assert output == ""
    assert capsys.readouterr().err.splitlines() == [error]


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code, _ = run("plan-report", str(tmp_path / "nope.json"))
    # then
    assert code == 2
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'nope.json'}: cannot read")


def test_planning_commands_do_not_start_django(instance_file: Path, tmp_path: Path) -> None:
    # given a fresh interpreter (the test process has Django loaded by pytest-django)
    out = tmp_path / "plan.json"
    script = (
        "import sys\n"
        "from fastkontakt.cli import main\n"
        f"codes = [main(['plan', {str(instance_file)!r}, '--days', '1', '--time-limit', '1',"
        f" '--out', {str(out)!r}]), main(['plan-report', {str(out)!r}])]\n"
        "print(codes, 'django' in sys.modules)\n"
    )
    # when
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    # then
    assert result.stdout.splitlines()[-1] == "[0, 0] False"


def test_the_report_says_why_a_visit_is_unplanned_and_what_would_make_room(
    tmp_path: Path,
) -> None:
    # given one member and two customers whose visits must both start at 08:00
    from tests.domain.planning.builders import customer, demand, instance, member, shifts

    crowded = instance(
        (
            customer("k1", demand("a", ("08:00", "08:00"), 30)),
            customer("k2", demand("b", ("08:00", "08:00"), 30)),
        ),
        (member("A", shifts(range(1), pause=None)),),
    )
    source, planned = tmp_path / "instance.json", tmp_path / "plan.json"
    source.write_text(json.dumps(instance_to_json(crowded)), "utf-8")
    run("plan", str(source), "--time-limit", "1", "--out", str(planned))
    # when
    code, text = run("plan-report", str(planned))
    json_code, document = run("plan-report", str(planned), "--format", "json")
    # then
    (left,) = parse_plan(planned.read_bytes()).unplanned
    assert code == json_code == 0
    assert "Ej planerade besök:\n" in text
    assert f"  {left}: Alla behöriga som arbetar då (A) är upptagna" in text
    assert "    Förslag: Vidga fönstret med 30 minuter, så kan A komma kl. 07:30.\n" in text
    (unplanned,) = json.loads(document)["unplanned"]
    assert unplanned["visit"] == left
    assert unplanned["reason"] == "peak"
    assert unplanned["proposals"] == [
        {"kind": "widen-window", "staff": ["A"], "minutes": 30, "start": 450}
    ]
