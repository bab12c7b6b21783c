"""While an emergency access lasts, every page says so, with its end time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from fastkontakt.access.models import AccessLogEntry, EmergencyAccess, Role
from fastkontakt.registry.models import Person, Unit
from tests.access.helpers import make_user, signed_in
from tests.factories import PersonFactory, UnitFactory
from tests.screen_text import visible_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAGES = ("/", "/personer/", "/arbetslista/", "/arbetsbelastning/", "/nodatkomst/")


def _grant(user: User, unit: Unit, person: Person, *, granted: datetime, hours: int) -> None:
    EmergencyAccess.objects.create(
        user=user,
        unit=unit,
        person=person,
        reason="Medvetslös på akuten",
        granted_at=granted,
        expires_at=granted + timedelta(hours=hours),
    )


@pytest.mark.django_db
def test_every_page_shows_an_open_emergency_access_and_when_it_ends() -> None:
    # given
    unit = UnitFactory()
    user = make_user("sara", [(Role.STAFF, unit)])
    person = PersonFactory(name="Okänd Akutsson")
    now = timezone.now()
    _grant(user, unit, person, granted=now - timedelta(minutes=5), hours=2)
    ends = (now - timedelta(minutes=5) + timedelta(hours=2)).astimezone(STOCKHOLM)
    client = signed_in(user)
    before = AccessLogEntry.objects.count()

    # when
    texts = {page: visible_text(client.get(page).content.decode()) for page in PAGES}

    # then
    expected = f"Nödåtkomst pågår till {ends:%Y-%m-%d} kl. {ends:%H:%M}."
    assert {page: expected in text for page, text in texts.items()} == dict.fromkeys(PAGES, True)
    # the banner names nobody: showing the person on every page would read their data
    assert not any("Akutsson" in text for page, text in texts.items() if page == "/")
    assert AccessLogEntry.objects.count() == before


@pytest.mark.django_db
def test_no_banner_once_it_has_ended_nor_for_someone_elses() -> None:
    # given
    unit = UnitFactory()
    user = make_user("sara", [(Role.STAFF, unit)])
    colleague = make_user("olle", [(Role.STAFF, unit)])
    now = timezone.now()
    _grant(user, unit, PersonFactory(), granted=now - timedelta(hours=3), hours=2)
    _grant(colleague, unit, PersonFactory(), granted=now - timedelta(minutes=1), hours=2)

    # when
    text = visible_text(signed_in(user).get("/").content.decode())

    # then
    assert "Nödåtkomst pågår" not in text
