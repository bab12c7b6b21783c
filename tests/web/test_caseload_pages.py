"""Caseload pages: the unit's staff, local titles and selectable flags; a staff member's page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.registry.models import Person, Staff, Unit, UnitLocalTitle
from tests.access.helpers import make_user, signed_in
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory


@dataclass
class Centre:
    unit: Unit
    other: Unit
    nurse: Staff
    doctor: Staff


@pytest.fixture
def centre() -> Centre:
    unit = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    other = UnitFactory(name="Vårdcentralen Syd", type="primarvard")
    nurse = StaffFactory(name="Karin Sköterska")
    nurse.units.add(unit)
    doctor = StaffFactory(name="Per Läkare", profession="lakare", eligible=False)
    doctor.units.add(unit)
    outsider = StaffFactory(name="Olle Annanstans")
    outsider.units.add(other)
    since = timezone.localdate() - timedelta(days=20)
    for name in ("Anna Andersson", "Bertil Berg"):
        ContactFactory(
            person=PersonFactory(name=name), staff=nurse, unit=unit, start=since, informed=None
        )
    return Centre(unit, other, nurse, doctor)


def text(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def unit_url(centre: Centre) -> str:
    return reverse("web:caseload_unit", args=[centre.unit.pk])


@pytest.mark.django_db
def test_the_unit_page_lists_staff_selectability_and_caseload(centre: Centre) -> None:
    # given
    UnitLocalTitle.objects.create(unit=centre.unit, title="Vårdcoach")
    client = signed_in(make_user("lena", [(Role.UNIT_MANAGER, centre.unit)]))

    # when
    response = client.get(unit_url(centre))

    # then
    assert response.status_code == 200
    page = text(response.content)
    assert "2 medarbetare, varav 1 valbar som fast vårdkontakt." in page
    # the button's name begins with its visible text and names whom it is about (WCAG 2.5.3)
    assert "Karin Sköterska Sjuksköterska (leg.) Valbar Gör ej valbar : Karin Sköterska 2 2" in page
    assert "Per Läkare Läkare (leg.) Ej valbar Gör valbar : Per Läkare 0 0" in page
    assert "Olle Annanstans" not in page
    assert "Vårdcoach Fast vårdkontakt" in page
    # the unit manager sets selectable, but only the head of unit declares titles
    assert reverse("web:caseload_title_add", args=[centre.unit.pk]) not in response.content.decode()
    assert "Anna Andersson" not in page
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_unit_page_is_403_for_staff_and_other_units(centre: Centre) -> None:
    # given
    staff = signed_in(make_user("sara", [(Role.STAFF, centre.unit)]))
    elsewhere = signed_in(make_user("lena", [(Role.HEAD_OF_UNIT, centre.other)]))

    # when / then
    assert staff.get(unit_url(centre)).status_code == 403
    assert elsewhere.get(unit_url(centre)).status_code == 403
    missing = reverse("web:caseload_unit", args=[centre.unit.pk + 1000])
    assert elsewhere.get(missing).status_code == 404


@pytest.mark.django_db
def test_the_head_of_unit_adds_and_removes_a_local_title(centre: Centre) -> None:
    # given
    client = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, centre.unit)]))
    add = reverse("web:caseload_title_add", args=[centre.unit.pk])

    # when
    added = client.post(add, {"title": "  Kontakt sjuksköterska ", "kind": "fast_vardkontakt"})
    title = UnitLocalTitle.objects.get()
    duplicate = client.post(add, {"title": "kontakt SJUKSKÖTERSKA", "kind": "fast_vardkontakt"})
    htmx = client.post(
        add, {"title": "Kontaktläkare", "kind": "fast_lakarkontakt"}, headers={"HX-Request": "true"}
    )
    removed = client.post(reverse("web:caseload_title_remove", args=[centre.unit.pk, title.pk]))

    # then
    assert added.status_code == 302
    assert added["Location"] == unit_url(centre) + "#titlar"
    assert (title.title, title.kind) == ("Kontakt sjuksköterska", "fast_vardkontakt")
    assert duplicate.status_code == 200
    assert "Vårdcentralen Norr har redan titeln kontakt SJUKSKÖTERSKA." in text(duplicate.content)
    assert htmx.status_code == 200
    assert "Titeln Kontaktläkare är tillagd." in text(htmx.content)
    assert removed.status_code == 302
    assert list(UnitLocalTitle.objects.values_list("title", "kind")) == [
        ("Kontaktläkare", "fast_lakarkontakt")
    ]


@pytest.mark.django_db
def test_a_bad_or_unauthorised_title_is_refused_and_nothing_saved(centre: Centre) -> None:
    # given
    head = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, centre.unit)]))
    manager = signed_in(make_user("lena", [(Role.UNIT_MANAGER, centre.unit)]))
    add = reverse("web:caseload_title_add", args=[centre.unit.pk])

    # when
    short = head.post(add, {"title": "ab", "kind": "fast_vardkontakt"})
    wrong_kind = head.post(add, {"title": "Kontaktperson", "kind": "kontaktansvarig"})
    not_head = manager.post(add, {"title": "Kontaktperson", "kind": "fast_vardkontakt"})

    # then
    assert "Ange titeln (minst 3 tecken)." in text(short.content)
    assert wrong_kind.status_code == 200
    assert not_head.status_code == 403
    assert UnitLocalTitle.objects.count() == 0


@pytest.mark.django_db
def test_the_unit_manager_toggles_who_is_selectable(centre: Centre) -> None:
    # given
    client = signed_in(make_user("lena", [(Role.UNIT_MANAGER, centre.unit)]))
    coordinator = signed_in(make_user("kim", [(Role.COORDINATOR, centre.unit)]))
    toggle = reverse("web:caseload_eligible", args=[centre.unit.pk, centre.doctor.pk])

    # when
    refused = coordinator.post(toggle, {"eligible": "1"})
    made = client.post(toggle, {"eligible": "1"}, headers={"HX-Request": "true"})
    outsider = Staff.objects.get(name="Olle Annanstans")
    elsewhere = client.post(
        reverse("web:caseload_eligible", args=[centre.unit.pk, outsider.pk]), {"eligible": "0"}
    )

    # then
    assert refused.status_code == 403
    assert made.status_code == 200
    assert "Per Läkare är nu valbar som fast vårdkontakt." in text(made.content)
    assert elsewhere.status_code == 200
    assert "Medarbetaren arbetar inte vid Vårdcentralen Norr." in text(elsewhere.content)
    assert dict(Staff.objects.values_list("name", "eligible")) == {
        "Karin Sköterska": True,
        "Per Läkare": True,
        "Olle Annanstans": True,
    }


@pytest.mark.django_db
def test_the_staff_page_shows_contacts_and_deadlines_and_logs_the_people(centre: Centre) -> None:
    # given
    client = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, centre.unit)]))

    findings_refresh()  # the data above was made without the services
    # when
    response = client.get(reverse("web:caseload_staff", args=[centre.nurse.pk]))

    # then
    assert response.status_code == 200
    page = text(response.content)
    assert "Anna Andersson" in page
    assert "Bertil Berg" in page
    assert "Försenade (2)" in page
    assert "Fast vårdkontakt: 2" in page
    anna = Person.objects.get(name="Anna Andersson")
    # the letter that resolves "not told in writing", as on the unit's worklist
    assert f'href="{reverse("web:letters", args=[anna.pk])}">Skicka brev</a>' in (
        response.content.decode()
    )
    reads = list(
        AccessLogEntry.objects.filter(what="caseload.staff").values_list("username", "action")
    )
    assert reads == [("hugo", "read"), ("hugo", "read")]


@pytest.mark.django_db
def test_the_staff_page_is_for_the_staff_member_and_the_units_leaders(centre: Centre) -> None:
    # given
    herself = signed_in(make_user("karin", [(Role.STAFF, centre.unit)], staff=centre.nurse))
    colleague = signed_in(make_user("per", [(Role.STAFF, centre.unit)], staff=centre.doctor))
    url = reverse("web:caseload_staff", args=[centre.nurse.pk])

    # when / then
    assert herself.get(url).status_code == 200
    assert colleague.get(url).status_code == 403
    assert (
        herself.get(reverse("web:caseload_staff", args=[centre.nurse.pk + 1000])).status_code == 404
    )


@pytest.mark.django_db
def test_the_staff_page_says_whose_page_it_is(centre: Centre) -> None:
    # given
    herself = signed_in(make_user("karin", [(Role.STAFF, centre.unit)], staff=centre.nurse))
    head = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, centre.unit)], staff=centre.doctor))
    url = reverse("web:caseload_staff", args=[centre.nurse.pk])

    # when
    own = text(herself.get(url).content)
    other = text(head.get(url).content)

    # then
    assert "Mina kontakter och tidsfrister Karin Sköterska, sjuksköterska" in own
    assert "Kontakter och tidsfrister för Karin Sköterska Karin Sköterska" in other
    assert "Mina kontakter" not in other


@pytest.mark.django_db
def test_a_home_care_unit_counts_those_selectable_as_fast_omsorgskontakt() -> None:
    # given
    unit = UnitFactory(name="Hemtjänsten Öst", type="hemtjanst")
    for name in ("Ali Omsorg", "Bo Omsorg"):
        StaffFactory(name=name, profession="underskoterska").units.add(unit)
    client = signed_in(make_user("lena", [(Role.UNIT_MANAGER, unit)]))

    # when
    page = text(client.get(reverse("web:caseload_unit", args=[unit.pk])).content)

    # then
    assert "2 medarbetare, varav 2 valbara som fast omsorgskontakt." in page
    assert "valbara som fast vårdkontakt" not in page


@pytest.mark.django_db
def test_a_staff_member_who_has_left_is_told_in_the_past_tense(centre: Centre) -> None:
    # given
    today = timezone.localdate()
    centre.nurse.employment_end = today - timedelta(days=3)
    centre.nurse.save()
    centre.doctor.employment_end = today + timedelta(days=3)
    centre.doctor.save()
    client = signed_in(make_user("lena", [(Role.UNIT_MANAGER, centre.unit)]))

    # when
    page = text(client.get(unit_url(centre)).content)

    # then
    assert f"Karin Sköterska slutade {today - timedelta(days=3):%Y-%m-%d}" in page
    assert f"Per Läkare slutar {today + timedelta(days=3):%Y-%m-%d}" in page
