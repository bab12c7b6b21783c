"""Files with characters or numbers no reader may take: exit 2, a located line, nothing written.

Before ADR 0009 these gave a traceback (lone surrogate, 5 000-digit number), a misleading
"is the database reachable" (NUL on PostgreSQL), or were loaded and checked as if fine (bidi
and zero-width characters; ``compliance`` exited 0 on all of them).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fastkontakt.cli import main
from fastkontakt.domain.planning.formats import instance_to_json
from fastkontakt.domain.planning.generator import generate
from tests.conftest import RegistryState

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
NAME = '"Erik Lantto"'  # patients[1].name of 02-discharge.json, as JSON

# (what is wrong, the JSON text put in place of patients[1].name, the error line)
BAD_NAMES = [
    (
        "lone surrogate",
        '"Erik\\ud800 Lantto"',
        "patients[1].name: Otillåtet tecken U+D800 (ensamt surrogattecken, ogiltig Unicode)"
        " på plats 5.",
    ),
    (
        "NUL",
        '"Erik\\u0000 Lantto"',
        "patients[1].name: Otillåtet tecken U+0000 (nolltecken) på plats 5.",
    ),
    ("5000-digit integer", "9" * 5000, "patients[1].name: expected a string"),
    (
        "bidi override",
        '"\\u202eErik Lantto"',
        "patients[1].name: Otillåtet tecken U+202E (osynligt styrtecken för textriktning)"
        " på plats 1.",
    ),
    (
        "bidi isolate",
        '"Erik \\u2067Lantto"',
        "patients[1].name: Otillåtet tecken U+2067 (osynligt styrtecken för textriktning)"
        " på plats 6.",
    ),
    (
        "zero-width space",
        '"Erik\\u200b Lantto"',
        "patients[1].name: Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 5.",
    ),
    (
        "byte-order mark inside",
        '"Erik Lantto\\ufeff"',
        "patients[1].name: Otillåtet tecken U+FEFF (osynligt tecken utan bredd) på plats 12.",
    ),
]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def bad_file(tmp_path: Path, name_json: str) -> Path:
    """02-discharge.json (ASCII JSON, escapes as written) with ``name_json`` as patients[1].name."""
    text = json.dumps(json.loads((EXAMPLES / "02-discharge.json").read_text("utf-8")))
    assert text.count(NAME) == 1
    path = tmp_path / "bad.json"
    path.write_text(text.replace(NAME, name_json), "ascii")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "name_json", "error"), BAD_NAMES, ids=[b[0] for b in BAD_NAMES])
def test_load_refuses_the_file_with_a_located_line_and_writes_nothing(
    what: str,
    name_json: str,
    error: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry_state: Callable[[], RegistryState],
) -> None:
    # given a registry holding another file's people, and a bad file
    assert run("load", str(EXAMPLES / "01-life-threatening.json"))[0] == 0
    path = bad_file(tmp_path, name_json)
    before = registry_state()
    capsys.readouterr()
    # when
    code, output = run("load", str(path))
    # then
    assert code == 2
    assert output == ""
    assert capsys.readouterr().err == error + "\n"
    assert registry_state() == before


@pytest.mark.parametrize(("what", "name_json", "error"), BAD_NAMES, ids=[b[0] for b in BAD_NAMES])
def test_compliance_refuses_the_file_with_a_located_line(
    what: str, name_json: str, error: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    path = bad_file(tmp_path, name_json)
    # when
    code, output = run("compliance", str(path), "--format", "json")
    # then
    assert code == 2
    assert output == ""
    assert capsys.readouterr().err == error + "\n"


def test_every_problem_of_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given several bad values at once, one of them a key no terminal could print as it is
    document = json.loads((EXAMPLES / "02-discharge.json").read_text("utf-8"))
    document["units"][0]["name"] = "Sunderby\u2066"
    document["staff"][0]["na\ud800me"] = "x"
    text = json.dumps(document).replace('"as_of": "2026-11-22"', '"as_of": ' + "1" * 5000)
    path = tmp_path / "bad.json"
    path.write_text(text, "ascii")
    # when
    code, _ = run("compliance", str(path))
    # then
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "as_of: expected a date as a string YYYY-MM-DD",
        "units[0].name: Otillåtet tecken U+2066 (osynligt styrtecken för textriktning)"
        " på plats 9.",
        'staff[0]["na\\ud800me"]: unknown key',
    ]


def test_plan_refuses_an_instance_file_with_a_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an instance whose first customer id has a bidi override and a duration of 5000 digits
    document = instance_to_json(generate(customers=2, staff=2, days=1, seed=1))
    document["customers"][0]["id"] = "k\u202e1"
    document["customers"][1]["visits"][0]["duration"] = "@@HUGE@@"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document).replace('"@@HUGE@@"', "7" * 5000), "ascii")
    out = tmp_path / "plan.json"
    # when
    code, output = run("plan", str(path), "--time-limit", "1", "--out", str(out))
    # then
    assert code == 2
    assert output == ""
    assert capsys.readouterr().err.splitlines() == [
        "customers[0].id: Otillåtet tecken U+202E (osynligt styrtecken för textriktning)"
        " på plats 2.",
        "customers[1].visits[0].duration: expected a whole number from 1 to 1440",
    ]
    assert not out.exists()
