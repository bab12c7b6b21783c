"""The one date field of the pages: required means required, ISO dates only, and every refusal
names the field and what is wrong, with nothing saved."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import Role
from fastkontakt.planning import models as m
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.planning.services import MAX_ABSENCE_AHEAD_DAYS
from fastkontakt.registry.models import (
    Absence,
    Contact,
    Handover,
    HomeCareDecision,
    InformationTransfer,
    Staff,
    Unit,
)
from fastkontakt.web.forms import DateField, Form
from tests.access.helpers import make_user, signed_in
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)
from tests.planning.builders import World, build_world, hand_made_plan
from tests.planning.test_pages import SYSTEM


class _Dated(Form):
    day = DateField(label="Från och med")
    maybe = DateField(label="Till och med", required=False)


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _staff_at(unit: Unit, **fields: Any) -> Staff:
    staff = StaffFactory(**fields)
    StaffUnitFactory(staff=staff, unit=unit)
    return staff


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def centre() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr", type="primarvard")


@pytest.fixture
def manager(centre: Unit) -> Client:
    return signed_in(make_user("chef", [(Role.UNIT_MANAGER, centre)]))


# --- the field ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("2026-12-01", date(2026, 12, 1)), (" 2024-02-29 ", date(2024, 2, 29))],
)
def test_an_iso_date_is_read(sent: str, expected: date) -> None:
    # when
    form = _Dated({"day": sent})
    # then
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": expected, "maybe": None}


@pytest.mark.parametrize(
    ("sent", "error"),
    [
        ("", "Ange ett datum i fältet ”Från och med”."),
        ("   ", "Ange ett datum i fältet ”Från och med”."),
        (
            "12/2/2025",
            "”Från och med”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
            "(”12/2/2025” går inte att läsa som ett datum).",
        ),
        (
            "2025-2-1",
            "”Från och med”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
            "(”2025-2-1” går inte att läsa som ett datum).",
        ),
        (
            "1.2.2025",
            "”Från och med”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
            "(”1.2.2025” går inte att läsa som ett datum).",
        ),
        ("2026-02-30", "”Från och med”: 2026-02-30 finns inte i kalendern."),
        (
            "20260-01-01",
            "”Från och med”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
            "(”20260-01-01” går inte att läsa som ett datum).",
        ),
    ],
)
def test_anything_but_an_iso_date_is_refused_naming_the_field(sent: str, error: str) -> None:
    # when
    form = _Dated({"day": sent, "maybe": ""})
    # then
    assert not form.is_valid()
    assert form.errors == {"day": [error]}


def test_the_field_shows_the_browsers_date_picker_with_an_iso_value() -> None:
    # when
    html = str(_Dated(initial={"day": date(2026, 12, 1)})["day"])
    # then
    assert 'type="date"' in html
    assert 'value="2026-12-01"' in html
    assert "required" in html


# --- appoint (Utse) -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_appoint_form_shows_todays_start_date_in_the_field(
    centre: Unit, manager: Client, today: date
) -> None:
    # given
    person = PersonFactory(listed_at=centre)
    # when
    response = manager.get(reverse("web:appoint", args=[person.pk]), {"unit": centre.pk})
    # then the default is visible, in the field the user sends
    assert response.status_code == 200
    assert re.search(
        rf'<input type="date" name="start" value="{today.isoformat()}"[^>]*required',
        response.content.decode(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "error"),
    [
        ("", "Ange ett datum i fältet ”Från och med”."),
        ("12/2/2025", "”Från och med”: skriv datumet som år-månad-dag, till exempel 2026-12-01"),
    ],
)
def test_appointing_without_a_readable_start_date_is_refused_and_saves_nothing(
    centre: Unit, manager: Client, start: str, error: str
) -> None:
    # given
    person = PersonFactory(listed_at=centre)
    nurse = _staff_at(centre, name="Nora Sjö")

    # when
    response = manager.post(
        reverse("web:appoint", args=[person.pk]),
        {
            "unit": centre.pk,
            "kind": "fast_vardkontakt",
            "staff": nurse.pk,
            "start": start,
            "reason": "behov",
            "action": "save",
        },
    )

    # then
    assert response.status_code == 200
    assert error in _text(response)
    assert Contact.objects.count() == 0
    assert person.letters.count() == 0


# --- end, care page, letters ------------------------------------------------------------------


@pytest.mark.django_db
def test_ending_with_a_us_date_is_refused_and_changes_nothing(
    centre: Unit, manager: Client, today: date
) -> None:
    # given
    contact = ContactFactory(unit=centre, staff=_staff_at(centre), start=today - timedelta(10))
    # when
    response = manager.post(
        reverse("web:end", args=[contact.pk]), {"end": "12/2/2025", "end_reason": "behov_upphort"}
    )
    # then
    assert response.status_code == 200
    assert "”Sista dag”: skriv datumet som år-månad-dag" in _text(response)
    contact.refresh_from_db()
    assert (contact.end, contact.end_reason) == (None, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("effective", "error"),
    [
        ("", "Ange ett datum i fältet ”Gäller från”."),
        ("12/2/2025", "”Gäller från”: skriv datumet som år-månad-dag, till exempel 2026-12-01"),
    ],
)
def test_a_handover_without_a_readable_date_is_refused_and_saves_nothing(
    today: date, effective: str, error: str
) -> None:
    # given a leaving undersköterska with a customer, and a successor
    home_care = UnitFactory(type="hemtjanst")
    client = signed_in(make_user("samordnare", [(Role.COORDINATOR, home_care)]))
    leaving = _staff_at(
        home_care, profession="underskoterska", employment_end=today + timedelta(days=20)
    )
    successor = _staff_at(home_care, profession="underskoterska")
    person = PersonFactory()
    HomeCareDecision.objects.create(
        person=person, unit=home_care, start=today - timedelta(90), services=["omsorg"]
    )
    ContactFactory(
        person=person, unit=home_care, staff=leaving, kind="fast_omsorgskontakt",
        start=today - timedelta(80),
    )
    before = sorted(Contact.objects.values_list("pk", "staff_id", "end"))

    # when
    response = client.post(
        reverse("web:handover", args=[leaving.pk]),
        {
            "reason": "medarbetaren_slutar",
            "effective": effective,
            f"all-fast_omsorgskontakt-{home_care.pk}": successor.pk,
        },
    )

    # then
    assert response.status_code == 200
    assert error in _text(response)
    assert sorted(Contact.objects.values_list("pk", "staff_id", "end")) == before
    assert Handover.objects.count() == 0
    assert person.letters.count() == 0


@pytest.mark.django_db
def test_a_care_form_with_a_us_date_is_refused_and_saves_nothing(
    centre: Unit, manager: Client
) -> None:
    # given
    person = PersonFactory(listed_at=centre)
    # when
    response = manager.post(
        reverse("web:care_record", args=[person.pk, "informationsoverforing"]),
        {
            "informationsoverforing-unit": centre.pk,
            "informationsoverforing-recipient": "Särskilt boende Björken",
            "informationsoverforing-transferred": "12/2/2025",
            "informationsoverforing-consent": "ja",
        },
    )
    # then
    assert response.status_code == 200
    assert "”Datum”: skriv datumet som år-månad-dag" in _text(response)
    assert InformationTransfer.objects.count() == 0


# --- absence ----------------------------------------------------------------------------------


@pytest.fixture
def w() -> World:
    world = build_world()
    plan_store(actor=SYSTEM, unit=world.unit, plan=hand_made_plan(world))
    return world


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (
            "2020-01-01",
            "2020-01-05",
            "Frånvaron är redan över: sista dagen 2020-01-05 är före i dag ({today}). "
            "Registrera frånvaro som pågår eller kommer.",
        ),
        (
            "2031-03-01",
            "2031-03-05",
            "Första dagen 2031-03-01 ligger för långt fram: frånvaro registreras högst "
            "{ahead} dagar i förväg, senast {limit}.",
        ),
        (
            "12/2/2025",
            "2031-03-05",
            "”Första dagen”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
            "(”12/2/2025” går inte att läsa som ett datum).",
        ),
        ("", "", "Ange ett datum i fältet ”Första dagen”."),
    ],
)
def test_an_absence_in_the_past_far_ahead_or_unreadable_is_refused_and_starts_no_replanning(
    w: World,
    start: str,
    end: str,
    error: str,
    today: date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))
    limit = today + timedelta(days=MAX_ABSENCE_AHEAD_DAYS)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("web:planning_replan", args=[w.unit.pk]),
            {"action": "absence", "staff": w.anna.pk, "start": start, "end": end},
        )
    # then
    assert response.status_code == 400
    expected = error.format(today=today, ahead=MAX_ABSENCE_AHEAD_DAYS, limit=limit)
    assert expected in _text(response).replace("&quot;", '"')
    assert (Absence.objects.count(), m.PlanJob.objects.count(), len(callbacks)) == (0, 0, 0)
