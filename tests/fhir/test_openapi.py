"""The OpenAPI description, checked by schemathesis against the running API: no 5xx, and every
response (status, content type, body) is what the description says.

Bounded and derandomized (a fixed number of examples per operation, the same each run), so
it belongs in ``make test``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fhir.conftest import Api, World

# Loaded from the running application, as a client would (no database needed for it).
schema = schemathesis.openapi.from_wsgi("/fhir/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Iterator[None]:
    # A bare WSGIHandler sends request_started/finished, whose close_old_connections would close
    # the connection holding the test's transaction on PostgreSQL (Django's test client
    # disconnects it for the same reason).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(world: World, api_for: Callable[..., Api]) -> str:
    client = api_for(
        world.centre, "system/*.read", "system/CareTeam.write", "system/AuditEvent.read"
    )
    assert client.token is not None
    return client.token


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_openapi_description(
    case: schemathesis.Case, token: str, isolated: Callable[..., object], today: date
) -> None:
    # given: every example against the same registry (each one's writes are undone)
    with isolated():  # type: ignore[attr-defined]
        # when
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        # then
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )
