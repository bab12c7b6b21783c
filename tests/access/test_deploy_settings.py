"""Production settings pass Django's deployment checklist with no warning at all."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "fastkontakt.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    # when
    result = _check_deploy(
        FASTKONTAKT_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="fastkontakt.region.se",
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_development_settings_do_not_pass_the_deployment_checklist() -> None:
    # when: the same check on the defaults (DEBUG, no HTTPS) must complain, or it checks nothing
    result = _check_deploy(FASTKONTAKT_ENV="development")

    # then
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


NO_SECRET_KEY = (
    "fastkontakt: Ange DJANGO_SECRET_KEY i produktion. / Set DJANGO_SECRET_KEY in production.\n"
)


def test_production_refuses_to_start_without_a_secret_key() -> None:
    # when
    result = _check_deploy(FASTKONTAKT_ENV="production")

    # then: one line, no traceback
    assert result.returncode == 1
    assert "Set DJANGO_SECRET_KEY in production." in result.stderr
    assert result.stderr == NO_SECRET_KEY
    assert result.stdout == ""


def test_every_command_says_the_secret_key_is_missing_in_one_line() -> None:
    # given
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["FASTKONTAKT_ENV"] = "production"

    # when
    results = [
        subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "fastkontakt.cli", *command],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        for command in (["export"], ["manage", "migrate"], ["demo-login", "--code"])
    ]

    # then
    assert [(r.returncode, r.stderr, r.stdout) for r in results] == [(1, NO_SECRET_KEY, "")] * 3
