"""``fastkontakt compliance FILE``: output formats, exit statuses and error lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from fastkontakt.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_json_output_matches_expected_file() -> None:
    # given
    path = EXAMPLES / "04-handover.json"
    expected = json.loads((EXAMPLES / "04-handover.expected.json").read_text("utf-8"))
    # when
    code, output = run("compliance", str(path), "--format", "json")
    # then
    document = json.loads(output)
    assert code == 0
    assert (document["as_of"], document["policy"]) == ("2026-11-22", "gavleborg")
    assert [{k: f[k] for k in ("rule", "patient", "contact", "due", "overdue")}
            for f in document["findings"]] == expected["findings"]
    assert all(f["message"] and f["source"] for f in document["findings"])


def test_options_override_the_file_defaults() -> None:
    # given a file whose policy is gavleborg
    path = EXAMPLES / "04-handover.json"
    # when
    code, output = run("compliance", str(path), "--policy", "national", "--as-of", "2026-12-20",
                       "--format", "json")
    # then contact-eligible is gone and the due dates are judged on the new day
    document = json.loads(output)
    assert code == 0
    assert (document["as_of"], document["policy"]) == ("2026-12-20", "national")
    rules = [(f["rule"], f["contact"], f["overdue"]) for f in document["findings"]]
    assert rules == [
        ("contact-vacancy", "k8", True),
        ("contact-vacancy", "k7", True),
        ("one-coordinator", None, False),
        ("sip-coordinator", None, False),
    ]


def test_text_format_is_a_table_with_a_summary() -> None:
    # when
    code, output = run("compliance", str(EXAMPLES / "01-life-threatening.json"),
                       "--format", "text")
    # then
    lines = output.splitlines()
    assert code == 0
    assert lines[0] == "Regelkontroll 2026-11-22, policy norrbotten: 2 fynd"
    assert lines[1].split()[:4] == ["Person", "Regel", "Kontakt", "Senast"]
    assert lines[2].split()[:4] == ["194807024262", "contact-informed", "k3", "2026-11-29"]
    assert "FÖRSENAD" in lines[3]


def test_invalid_file_prints_one_line_per_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    document = json.loads((EXAMPLES / "02-discharge.json").read_text("utf-8"))
    document["patients"][1]["contacts"][0]["staff"] = "SE-NOBODY"
    document["patients"][0]["id"] = "193912301186"
    document["units"][0]["colour"] = "blå"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), "utf-8")
    # when
    code, output = run("compliance", str(path))
    # then
    errors = capsys.readouterr().err.splitlines()
    assert code == 2
    assert output == ""
    assert len(errors) == 3
    assert errors[0].startswith("units[0].colour: ")
    assert errors[1].startswith("patients[0].id: ")
    assert errors[2] == 'patients[1].contacts[0].staff: unknown staff id "SE-NOBODY"'


@pytest.mark.parametrize(
    ("content", "first_error"),
    [
        pytest.param(b"{not json", "$: "),
        pytest.param(b"[]", "$: "),
        pytest.param(b'{"format": "fastkontakt-scenario/2"}', "format: "),
    ],
)
def test_garbage_is_answered_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, first_error: str
) -> None:
    # given
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    # when
    code, output = run("compliance", str(path))
    # then
    err = capsys.readouterr().err
    assert code == 2
    assert output == ""
    assert err.startswith(first_error)
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code, _ = run("compliance", str(tmp_path / "nope.json"))
    # then
    assert code == 2
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'nope.json'}: cannot read")


def test_bad_as_of_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    with pytest.raises(SystemExit) as exit_info:
        run("compliance", str(EXAMPLES / "01-life-threatening.json"), "--as-of", "2026-02-30")
    # then
    assert exit_info.value.code == 2
    assert "invalid date '2026-02-30'" in capsys.readouterr().err
