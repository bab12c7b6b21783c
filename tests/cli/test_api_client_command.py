"""``fastkontakt api-client``: only a system administrator grants a region-wide client; a client
is registered with its public keys (``--jwks``) for SMART Backend Services."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from joserfc.jwk import ECKey

from fastkontakt.access.models import Membership, Role
from fastkontakt.cli import main
from fastkontakt.fhir.models import ApiClient
from fastkontakt.registry.models import Unit
from tests.factories import UnitFactory


@pytest.fixture
def unit(db: None) -> Unit:
    unit: Unit = UnitFactory()
    return unit


def _user(username: str, *roles: tuple[str, Unit | None], active: bool = True) -> None:
    user = get_user_model().objects.create_user(username=username, is_active=active)
    for role, at in roles:
        Membership.objects.create(user=user, role=role, unit=at)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_a_system_administrator_grants_a_region_wide_client(unit: Unit) -> None:
    # given
    _user("admin-anna", (Role.SYSTEM_ADMIN, None))
    # when
    code, output = run(
        "api-client", "regionen", "--unit", unit.hsa_id, "--scope", "system/*.write",
        "--region", "--granted-by", "admin-anna",
    )
    # then
    assert code == 0
    client = ApiClient.objects.get(name="regionen")
    assert (client.region, client.region_granted_by) == (True, "admin-anna")
    assert "regionsomfattande, given av admin-anna" in output


@pytest.mark.parametrize(
    ("granted_by", "make"),
    [
        pytest.param([], None, id="nobody-named"),
        pytest.param(["--granted-by", "ingen-alls"], None, id="no-such-user"),
        pytest.param(["--granted-by", "chefen"], ("chefen", Role.HEAD_OF_UNIT), id="head-of-unit"),
        pytest.param(["--granted-by", "granskaren"], ("granskaren", Role.LOG_REVIEWER),
                     id="log-reviewer"),
        pytest.param(["--granted-by", "slutat"], ("slutat", Role.SYSTEM_ADMIN),
                     id="inactive-system-administrator"),
    ],
)
def test_no_one_else_can_grant_a_region_wide_client(
    unit: Unit,
    granted_by: list[str],
    make: tuple[str, str] | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given
    if make is not None:
        username, role = make
        _user(username, (role, None if role != Role.HEAD_OF_UNIT else unit),
              active=username != "slutat")
    # when
    code, output = run(
        "api-client", "regionen", "--unit", unit.hsa_id, "--scope", "system/*.write",
        "--region", *granted_by,
    )
    # then
    assert (code, output) == (2, "")
    assert "bara av en systemadministratör" in capsys.readouterr().err
    assert not ApiClient.objects.exists()


def test_a_region_wide_client_must_be_able_to_write(
    unit: Unit, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    _user("admin-anna", (Role.SYSTEM_ADMIN, None))
    # when
    code, _ = run(
        "api-client", "regionen", "--unit", unit.hsa_id, "--scope", "system/*.read",
        "--region", "--granted-by", "admin-anna",
    )
    # then
    assert code == 2
    assert "skrivbehörighet" in capsys.readouterr().err
    assert not ApiClient.objects.exists()


def test_granted_by_belongs_to_region(unit: Unit, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    _user("admin-anna", (Role.SYSTEM_ADMIN, None))
    # when
    code, _ = run(
        "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/*.write",
        "--granted-by", "admin-anna",
    )
    # then
    assert code == 2
    assert "--region" in capsys.readouterr().err
    assert not ApiClient.objects.exists()


def test_a_client_is_bound_to_its_unit_unless_made_region_wide(unit: Unit) -> None:
    # when
    code, output = run(
        "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/*.write"
    )
    # then
    assert code == 0
    client = ApiClient.objects.get(name="journalen")
    assert (client.region, client.region_granted_by) == (False, "")
    assert "regionsomfattande" not in output


# -- SMART Backend Services: registering a client's public keys (ADR 0023) ---------------------


def _key_file(tmp_path: Path, *, private: bool = False) -> tuple[Path, ECKey]:
    key = ECKey.generate_key("P-384", auto_kid=True)
    path = tmp_path / "nycklar.json"
    path.write_text(json.dumps({"keys": [key.as_dict(private=private)]}))
    return path, key


def test_a_client_is_registered_with_its_public_keys(unit: Unit, tmp_path: Path) -> None:
    # given
    path, key = _key_file(tmp_path)
    # when
    with override_settings(FASTKONTAKT_STATIC_API_TOKENS=False):
        code, output = run(
            "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/CareTeam.rs",
            "--scope", "system/Patient.read", "--jwks", str(path),
        )
    # then: its keys and scopes are stored, and no static token is made or shown
    assert code == 0
    client = ApiClient.objects.get(name="journalen")
    assert client.jwks == {"keys": [key.as_dict(private=False)]}
    assert client.scopes == "system/CareTeam.rs system/Patient.read"
    assert client.secret_hash == ""
    assert output == (
        f"API-klient journalen (enhet {unit.hsa_id}, system/CareTeam.rs system/Patient.read).\n"
        "client_id för SMART Backend Services: journalen (1 publik nyckel).\n"
    )


def test_in_development_a_client_with_keys_also_gets_a_static_token(
    unit: Unit, tmp_path: Path
) -> None:
    path, _ = _key_file(tmp_path)
    code, output = run(
        "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/*.rs",
        "--jwks", str(path),
    )
    assert code == 0
    assert "bara för utveckling" in output
    assert output.rstrip().rsplit("\n", 1)[-1].startswith("fk1.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "kan inte läsas", id="missing-file"),
        pytest.param("{inte json", "inte giltig JSON", id="not-json"),
        pytest.param("private", "privata delar", id="private-key"),
        pytest.param('{"keys": []}', "JWK Set", id="no-keys"),
    ],
)
def test_a_client_is_not_registered_with_bad_keys(
    unit: Unit, tmp_path: Path, content: str | None, message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given
    path = tmp_path / "nycklar.json"
    if content == "private":
        path, _ = _key_file(tmp_path, private=True)
    elif content is not None:
        path.write_text(content)
    # when
    code, output = run(
        "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/*.rs",
        "--jwks", str(path),
    )
    # then
    assert (code, output) == (2, "")
    assert message in capsys.readouterr().err
    assert not ApiClient.objects.exists()


def test_without_static_tokens_a_client_needs_keys(
    unit: Unit, capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(FASTKONTAKT_STATIC_API_TOKENS=False):
        code, output = run(
            "api-client", "journalen", "--unit", unit.hsa_id, "--scope", "system/*.rs"
        )
    assert (code, output) == (2, "")
    assert "--jwks" in capsys.readouterr().err
    assert not ApiClient.objects.exists()
