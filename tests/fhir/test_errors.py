"""Every error is an OperationOutcome with the right status, never HTML or a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from fastkontakt.fhir.views import care_team
from tests.fhir.conftest import Api, World, body


@pytest.mark.parametrize(
    ("method", "path", "params", "status", "code"),
    [
        ("get", "/fhir/Nothing/1", {}, 404, "not-found"),
        ("get", "/fhir/", {}, 405, "not-supported"),
        ("get", "/fhir/CareTeam/abc", {}, 404, "not-found"),
        ("get", "/fhir/CareTeam", {"_count": "many"}, 400, "invalid"),
        ("get", "/fhir/CareTeam", {"_count": "-1"}, 400, "invalid"),
        ("get", "/fhir/CareTeam", {"date": "yesterday"}, 400, "invalid"),
        ("get", "/fhir/CareTeam", {"date": "2026-02-30"}, 400, "invalid"),
        ("get", "/fhir/CareTeam", {"patient": "Practitioner/1"}, 400, "invalid"),
        ("get", "/fhir/Task/1-zzz", {}, 404, "not-found"),
        ("get", "/fhir/PractitionerRole/1", {}, 404, "not-found"),
        ("get", "/fhir/CarePlan/gp-1", {}, 404, "not-found"),
        ("delete", "/fhir/CareTeam/1", {}, 405, "not-supported"),
    ],
)
def test_errors_are_operation_outcomes(
    reader: Api, method: str, path: str, params: dict[str, str], status: int, code: str
) -> None:
    # when
    if method == "get":
        response = reader.get(path, **params)
    else:
        response = getattr(reader.client, method)(
            path, headers={"Authorization": f"Bearer {reader.token}"}
        )
    # then
    outcome = body(response)
    assert response.status_code == status
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == code


def test_an_unexpected_error_is_a_500_outcome_without_a_traceback(
    reader: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    def broken(**_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(care_team, "care_team_get", broken)
    # when
    response = reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    # then
    assert response.status_code == 500
    assert body(response)["issue"][0]["code"] == "exception"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


def test_a_body_over_the_limit_is_413_and_writes_nothing(
    writer: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    from fastkontakt.fhir.views import rendering
    from fastkontakt.registry.models import Contact

    monkeypatch.setattr(rendering, "MAX_BODY_BYTES", 10)
    contacts = Contact.objects.count()
    # when
    response = writer.put(f"/fhir/CareTeam/{world.patient.pk}", {"resourceType": "CareTeam"})
    # then
    assert response.status_code == 413
    assert body(response)["issue"][0]["code"] == "too-costly"
    assert Contact.objects.count() == contacts
