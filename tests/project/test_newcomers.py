"""What a newcomer runs first: the SQLite file's place and the port of `make run`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FASTKONTAKT = Path(sys.executable).parent / "fastkontakt"


def _env_without_database() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "FASTKONTAKT_DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }


def test_a_command_run_from_another_folder_uses_the_projects_sqlite_file(tmp_path: Path) -> None:
    # given a folder outside the project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['NAME'])"
    )
    # when the settings are read from there
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env={**_env_without_database(), "DJANGO_SETTINGS_MODULE": "fastkontakt.settings"},
    )
    # then the database is the project's, and nothing was created in that folder
    assert result.stdout.splitlines()[-1] == str(ROOT / "var" / "fastkontakt.sqlite3")
    assert list(elsewhere.iterdir()) == []


def test_the_fastkontakt_command_from_another_folder_reaches_the_projects_database(
    tmp_path: Path,
) -> None:
    # given the project's database (migrated by `make run`, or migrated here)
    subprocess.run(  # noqa: S603 - our own command
        [str(FASTKONTAKT), "manage", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env=_env_without_database(),
        capture_output=True,
    )
    # when a command that reads the registry runs from another folder
    result = subprocess.run(  # noqa: S603 - our own command
        [str(FASTKONTAKT), "compliance", "--db", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=_env_without_database(),
    )
    # then it answers from that database instead of creating an empty one there
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8123", "8123")])
def test_make_run_serves_on_port(port: str | None, expected: str) -> None:
    # given / when: what `make run` would run (-n prints without running)
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    if port is not None:
        env["PORT"] = port
    make = shutil.which("make") or "make"
    result = subprocess.run(  # noqa: S603 - make itself, our own Makefile
        [make, "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    )
    # then the server and the printed address use that port
    assert f"fastkontakt run --port {expected}" in result.stdout
    assert f"http://127.0.0.1:{expected}/" in result.stdout
