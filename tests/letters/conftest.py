"""A health centre with a nurse who is a person's fast vårdkontakt, and a user who works there."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.domain.model import PostalAddress
from fastkontakt.letters.models import RelativeConsent
from fastkontakt.registry.models import Contact, Person, Staff, Unit
from tests.access.helpers import make_user
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def unit() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr", phone="0920-123 45")


@pytest.fixture
def nurse(unit: Unit) -> Staff:
    staff = StaffFactory(name="Anna Svensson", profession="sjukskoterska", phone="0920-123 46")
    StaffUnitFactory(staff=staff, unit=unit)
    return staff


@pytest.fixture
def person(unit: Unit) -> Person:
    return PersonFactory(name="Karin Lind", listed_at=unit)


@pytest.fixture
def contact(person: Person, nurse: Staff, unit: Unit, today: date) -> Contact:
    return ContactFactory(
        person=person,
        staff=nurse,
        unit=unit,
        kind="fast_vardkontakt",
        start=today - timedelta(days=10),
    )


@pytest.fixture
def user(unit: Unit) -> User:
    return make_user("anna", [(Role.STAFF, unit)])


@pytest.fixture
def actor(user: User) -> Actor:
    return actor_for_user(user, request_id="test-request")


@pytest.fixture
def consent(person: Person, unit: Unit, today: date) -> RelativeConsent:
    """Karin's consent that her daughter Eva gets copies, with Eva's postal address."""
    given = RelativeConsent(
        person=person,
        relative_name="Eva Lind",
        relationship="dotter",
        given_on=today - timedelta(days=2),
        method="muntligt",
        unit=unit,
        recorded_by="anna",
    )
    given.address_columns(
        PostalAddress(street="Skeppsbrogatan 4", postal_code="972 38", city="Luleå")
    )
    given.save()
    return given
