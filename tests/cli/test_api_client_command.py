"""``fastkontakt api-client --region``: only a system administrator grants a region-wide client."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

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
