"""A small region for the citizen pages: a health centre where Anna is listed, with two
physicians, a hospital clinic where she has a fast vårdkontakt, and Bertil at another centre
(whose ids must never open anything of Anna's)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.citizen.models import UnitOpeningHours
from fastkontakt.citizen.services import citizen_session_start
from fastkontakt.citizen.views import COOKIE
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.letters.services import letter_create
from tests.access.helpers import make_user
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)
from tests.oidc_stub import StubProvider

CITIZEN_CLIENT_ID = "fastkontakt-invanare"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
RELATIVE_PNR = make_personal_id(date(1970, 5, 5), 123)


@dataclass
class Region:
    centre: Any
    clinic: Any
    other_centre: Any
    anna: Any
    bertil: Any
    doctor: Any
    doctor2: Any
    other_doctor: Any
    nurse: Any
    anna_contact: Any
    bertil_contact: Any
    staff_user: Any
    letter: Any
    bertil_letter: Any


@pytest.fixture
def region(db: None) -> Region:
    today = timezone.localdate()
    centre = UnitFactory(
        name="Vårdcentralen Solbacken",
        phone="0920-100 00",
        address_street="Storgatan 1",
        postal_code="972 31",
        postal_town="Luleå",
    )
    UnitOpeningHours.objects.create(unit=centre, hours="Vardagar 8–17")
    clinic = UnitFactory(name="Hjärtmottagningen", type="specialistoppenvard")
    other_centre = UnitFactory(name="Vårdcentralen Norr")
    anna = PersonFactory(name="Anna Andersson", listed_at=centre)
    bertil = PersonFactory(name="Bertil Berg", listed_at=other_centre)
    doctor = StaffFactory(name="Doktor Dahl", profession="lakare", phone="0920-111 11")
    doctor2 = StaffFactory(name="Doktor Ek", profession="lakare")
    other_doctor = StaffFactory(name="Doktor Fors", profession="lakare")
    nurse = StaffFactory(name="Sara Sjöström", phone="0920-222 22")
    for staff, unit in [
        (doctor, centre),
        (doctor2, centre),
        (other_doctor, other_centre),
        (nurse, centre),
        (nurse, clinic),
    ]:
        StaffUnitFactory(staff=staff, unit=unit)
    anna_contact = ContactFactory(
        person=anna, staff=nurse, unit=centre, start=today - timedelta(days=20)
    )
    ContactFactory(
        person=anna,
        staff=doctor2,
        unit=centre,
        kind="behandlande_roll",
        start=today - timedelta(days=400),
        end=today - timedelta(days=100),
    )
    bertil_contact = ContactFactory(
        person=bertil, staff=other_doctor, unit=other_centre, kind="fast_lakarkontakt",
        start=today - timedelta(days=5),
    )
    staff_user = make_user(
        "handlaggare",
        [(Role.HEAD_OF_UNIT, centre), (Role.HEAD_OF_UNIT, other_centre)],
        name="Hanna Handläggare",
    )
    actor = actor_for_user(staff_user, request_id="test")
    letter = letter_create(actor=actor, contact_pk=anna_contact.pk)
    bertil_letter = letter_create(actor=actor, contact_pk=bertil_contact.pk)
    return Region(
        centre=centre,
        clinic=clinic,
        other_centre=other_centre,
        anna=anna,
        bertil=bertil,
        doctor=doctor,
        doctor2=doctor2,
        other_doctor=other_doctor,
        nurse=nurse,
        anna_contact=anna_contact,
        bertil_contact=bertil_contact,
        staff_user=staff_user,
        letter=letter,
        bertil_letter=bertil_letter,
    )


def citizen_client(personal_id: str) -> Client:
    """A client signed in as ``personal_id`` on the citizen pages, without the provider."""
    client = Client()
    client.cookies[COOKIE] = citizen_session_start(personal_id=personal_id)
    return client


@pytest.fixture
def provider(settings: Any) -> Iterator[StubProvider]:
    stub = StubProvider(client_id=CITIZEN_CLIENT_ID)
    settings.FASTKONTAKT_CITIZEN_OIDC = {
        "client_id": CITIZEN_CLIENT_ID,
        "client_secret": "secret",
        "authorization_endpoint": f"{stub.url}/authorize",
        "token_endpoint": f"{stub.url}/token",
        "jwks_endpoint": f"{stub.url}/jwks",
        "issuer": stub.url,
        "scopes": "openid",
    }
    yield stub
    stub.server.shutdown()
