"""A database that is down answers 503 with ``Retry-After`` as an OperationOutcome, whether the
API's own code or the middleware before it found it out (issue 11, item 8b)."""

from __future__ import annotations

from pathlib import Path

from fastkontakt.access.models import Role
from tests.access.helpers import make_user, signed_in
from tests.database_faults import database_unreachable, in_threads
from tests.factories import UnitFactory
from tests.fhir.conftest import Api, World, body

UNAVAILABLE = {
    "resourceType": "OperationOutcome",
    "issue": [
        {
            "severity": "error",
            "code": "transient",
            "diagnostics": "Databasen är inte tillgänglig just nu; försök igen om en stund.",
        }
    ],
}


def test_a_search_answers_503_when_the_database_is_down(
    reader: Api, world: World, tmp_path: Path
) -> None:
    # given
    reader.client.raise_request_exception = False

    # when: even the token cannot be checked
    with database_unreachable(tmp_path):
        [response] = in_threads(
            lambda: reader.get("/fhir/CareTeam", patient=f"Patient/{world.patient.pk}")
        )

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert body(response) == UNAVAILABLE


def test_a_failure_before_the_api_answers_503_as_an_outcome_too(
    db: None, tmp_path: Path
) -> None:
    # given: a browser with a session cookie calls the API, so the middleware reads the session
    client = signed_in(make_user("anna", [(Role.STAFF, UnitFactory())]))
    client.raise_request_exception = False

    # when
    with database_unreachable(tmp_path):
        [response] = in_threads(lambda: client.get("/fhir/metadata"))

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert body(response) == UNAVAILABLE
