"""Tokens, scopes and the care relationship: who gets what from the API."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable

import pytest
from django.test import Client

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.cli import main
from fastkontakt.fhir.models import ApiClient
from tests.fhir.conftest import Api, World, body


def test_no_token_or_a_bad_token_is_401(world: World, reader: Api) -> None:
    path = f"/fhir/Patient/{world.patient.pk}"
    assert reader.token is not None
    client_pk = reader.token.split(".")[1]
    for token in (None, "nonsense", f"fk1.{client_pk}.wrong-secret", "fk1.999.x", "fk1.x.y"):
        # when
        response = Api(token=token, client=Client()).get(path)
        # then
        assert response.status_code == 401, token
        assert response["WWW-Authenticate"] == 'Bearer realm="fhir"'
        assert body(response)["issue"][0]["code"] == "login"


def test_an_inactive_client_is_401(world: World, reader: Api) -> None:
    # given
    ApiClient.objects.update(active=False)
    # when
    response = reader.get(f"/fhir/Patient/{world.patient.pk}")
    # then
    assert response.status_code == 401


def test_scopes_decide_the_resource_types(world: World, api_for: Callable[..., Api]) -> None:
    # given
    care_teams = api_for(world.centre, "system/CareTeam.read")
    # then
    assert care_teams.get(f"/fhir/CareTeam/{world.patient.pk}").status_code == 200
    assert care_teams.get(f"/fhir/Patient/{world.patient.pk}").status_code == 403
    assert care_teams.get("/fhir/Practitioner").status_code == 403


def test_the_access_log_needs_the_log_reviewer_scope(
    world: World, reader: Api, api_for: Callable[..., Api]
) -> None:
    # given
    reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    reviewer = api_for(world.centre, "system/AuditEvent.read")
    # when
    refused = reader.get("/fhir/AuditEvent")
    found = body(
        reviewer.get("/fhir/AuditEvent", **{"patient.identifier": world.patient.personal_id})
    )
    # then
    assert refused.status_code == 403
    assert found["total"] == 1
    event = found["entry"][0]["resource"]
    assert event["action"] == "R"
    assert event["entity"][0]["what"]["identifier"]["value"] == world.patient.personal_id
    assert body(reviewer.get(f"/fhir/AuditEvent/{event['id']}"))["id"] == event["id"]
    # the reviewer's reads are themselves logged, and the reviewer reads no patient data
    assert AccessLogEntry.objects.filter(basis="log_review").count() == 2
    assert reviewer.get(f"/fhir/CareTeam/{world.patient.pk}").status_code == 403


def test_people_outside_the_care_relationship_answer_exactly_as_unknown(
    world: World, reader: Api
) -> None:
    for kind in ("Patient", "CareTeam"):
        # when
        outside = reader.get(f"/fhir/{kind}/{world.outsider.pk}")
        unknown = reader.get(f"/fhir/{kind}/987654")
        # then
        assert outside.status_code == unknown.status_code == 404
        assert outside.content == unknown.content
    denied = AccessLogEntry.objects.filter(action="denied", personal_id=world.outsider.personal_id)
    assert denied.count() == 2


def test_search_by_identifier_finds_only_people_in_care(world: World, reader: Api) -> None:
    # when
    own = body(reader.get("/fhir/Patient", identifier=world.patient.personal_id))
    other = body(reader.get("/fhir/Patient", identifier=world.outsider.personal_id))
    by_post = body(
        reader.post_form(
            "/fhir/Patient/_search",
            {"identifier": f"urn:oid:1.2.752.129.2.1.3.1|{world.patient.personal_id}"},
        )
    )
    # then
    assert [e["resource"]["id"] for e in own["entry"]] == [str(world.patient.pk)]
    assert other["total"] == 0
    assert by_post["total"] == 1


def test_staff_and_units_are_found_by_hsa_id(world: World, reader: Api) -> None:
    # when
    staff = body(
        reader.get(
            "/fhir/Practitioner", identifier=f"urn:oid:1.2.752.29.4.19|{world.doctor.hsa_id}"
        )
    )
    unit = body(reader.get("/fhir/Organization", identifier=world.centre.hsa_id))
    # then
    assert [e["resource"]["id"] for e in staff["entry"]] == [str(world.doctor.pk)]
    assert [e["resource"]["name"] for e in unit["entry"]] == ["Vårdcentralen Norrby"]


def test_cli_creates_a_client_and_prints_its_token_once(world: World) -> None:
    # given
    out = io.StringIO()
    # when
    code = main(
        ["api-client", "journal", "--unit", world.centre.hsa_id, "--scope", "system/*.read"],
        out=out,
    )
    # then
    assert code == 0
    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="journal")
    assert client.scopes == "system/*.read"
    assert token not in json.dumps(list(ApiClient.objects.values()), default=str)
    assert client.secret_hash == hashlib.sha256(token.split(".", 2)[2].encode()).hexdigest()
    response = Api(token=token, client=Client()).get(f"/fhir/Patient/{world.patient.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scope", "system/Nothing.read"], "okänd behörighet"),
        (["--scope", "system/AuditEvent.write"], "AuditEvent.read"),
        (["--unit", "SE0000000000-nope", "--scope", "system/*.read"], "okänd enhet"),
    ],
)
def test_cli_refuses_bad_clients(
    world: World, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    if "--unit" not in arguments:
        arguments = [*arguments, "--unit", world.centre.hsa_id]
    # when
    code = main(["api-client", "x", *arguments], out=io.StringIO())
    # then
    assert code == 2
    assert message in capsys.readouterr().err
    assert not ApiClient.objects.exists()
