"""Fixtures of the FHIR API tests: units, staff and people, API clients and their tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from fastkontakt.access.models import Membership, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.fhir.clients import api_client_create
from fastkontakt.registry.models import Contact, Person, Staff, StaffUnit, Unit
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory
from tests.fhir.validation import assert_valid_response

FHIR_JSON = "application/fhir+json"


@dataclass
class Api:
    """A test client calling the API with one token."""

    token: str | None
    client: Client

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = {"Accept": FHIR_JSON, **extra}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(headers or {}))

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.put(
            path, data, content_type=FHIR_JSON, headers=self._headers(headers or {})
        )

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(
            path, data, content_type=FHIR_JSON, headers=self._headers(headers or {})
        )

    def post_form(self, path: str, form: dict[str, str]) -> Any:
        return self.client.post(path, form, headers=self._headers({}))


#: Paths under /fhir/ whose body is not FHIR: the OpenAPI description, and SMART's OAuth 2.0
#: token endpoint and well-known document (ADR 0023).
NOT_FHIR = frozenset(
    {"/fhir/openapi.json", "/fhir/auth/token", "/fhir/.well-known/smart-configuration"}
)


@pytest.fixture(autouse=True)
def _every_response_is_valid_fhir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every body the API answers in these tests, whichever way a test calls it, is checked
    against the official FHIR R4 JSON schema and the R4B models (``tests/fhir/validation.py``)."""
    request = Client.request

    def checked(self: Client, **environ: Any) -> Any:
        response = request(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/fhir/") and path not in NOT_FHIR:
            assert_valid_response(response, f"{environ.get('REQUEST_METHOD')} {path}")
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@dataclass
class World:
    """A health centre and a home-care unit, their staff, and people in and out of care."""

    centre: Unit
    home_care: Unit
    other: Unit
    nurse: Staff
    doctor: Staff
    assistant: Staff
    carer: Staff
    stranger_staff: Staff
    patient: Person
    outsider: Person
    fvk: Contact
    flk: Contact


@pytest.fixture
def world(db: None, today: date) -> World:
    centre = UnitFactory(name="Vårdcentralen Norrby", type="primarvard")
    home_care = UnitFactory(name="Hemtjänsten Norrby", type="hemtjanst")
    other = UnitFactory(name="Vårdcentralen Söder", type="primarvard")
    nurse = StaffFactory(name="Sara Sjöström", profession="sjukskoterska")
    doctor = StaffFactory(name="Lars Läkare", profession="lakare")
    assistant = StaffFactory(name="Anna Undersköterska", profession="underskoterska")
    carer = StaffFactory(name="Vera Vårdbiträde", profession="vardbitrade", licensed=False)
    stranger_staff = StaffFactory(name="Sven Söder", profession="lakare")
    for staff, unit in (
        (nurse, centre),
        (doctor, centre),
        (assistant, home_care),
        (carer, home_care),
        (stranger_staff, other),
    ):
        StaffUnit.objects.create(staff=staff, unit=unit)
    patient = PersonFactory(name="Greta Gustafsson", listed_at=centre)
    outsider = PersonFactory(name="Olle Utanför", listed_at=other)
    start = today - timedelta(days=30)
    fvk = ContactFactory(
        person=patient,
        kind="fast_vardkontakt",
        staff=nurse,
        unit=centre,
        start=start,
        coordinating=True,
    )
    flk = ContactFactory(
        person=patient, kind="fast_lakarkontakt", staff=doctor, unit=centre, start=start
    )
    ContactFactory(
        person=outsider, kind="fast_lakarkontakt", staff=stranger_staff, unit=other, start=start
    )
    findings_refresh(as_of=today)  # made with factories, not the services
    return World(
        centre,
        home_care,
        other,
        nurse,
        doctor,
        assistant,
        carer,
        stranger_staff,
        patient,
        outsider,
        fvk,
        flk,
    )


@pytest.fixture
def api_for(db: None) -> Callable[..., Api]:
    """``api_for(unit, "system/*.read", ...)``: a client with those scopes at the unit
    (``region=True, granted_by=...``: region-wide, granted by that system administrator)."""
    made = 0

    def make(unit: Unit, *scopes: str, region: bool = False, granted_by: str = "") -> Api:
        nonlocal made
        made += 1
        _, token = api_client_create(
            name=f"system-{made}",
            unit_hsa_id=unit.hsa_id,
            scopes=list(scopes),
            region=region,
            granted_by=granted_by,
        )
        return Api(token=token, client=Client())

    return make


@pytest.fixture
def system_admin(db: None) -> Any:
    """A user holding the system administrator's role."""
    user = get_user_model().objects.create_user(username="admin-anna")
    Membership.objects.create(user=user, role=Role.SYSTEM_ADMIN)
    return user


@pytest.fixture
def region_importer(world: World, api_for: Callable[..., Api], system_admin: Any) -> Api:
    """A region-wide client (bound to the health centre) that a system administrator granted."""
    return api_for(
        world.centre, "system/*.read", "system/*.write", region=True,
        granted_by=system_admin.username,
    )


@pytest.fixture
def reader(world: World, api_for: Callable[..., Api]) -> Api:
    return api_for(world.centre, "system/*.read")


@pytest.fixture
def writer(world: World, api_for: Callable[..., Api]) -> Api:
    return api_for(world.centre, "system/*.read", "system/CareTeam.write")


def body(response: Any) -> Any:
    assert response["Content-Type"] == FHIR_JSON, response.content[:300]
    return json.loads(response.content)
