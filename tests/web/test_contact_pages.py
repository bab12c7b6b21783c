"""The worklist, the person page and the appoint, end and hand-over pages (Django client)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.letters.models import RelativeConsent
from fastkontakt.registry.models import (
    Contact,
    Handover,
    HomeCareDecision,
    Person,
    Staff,
    Unit,
)
from tests.access.helpers import make_user, signed_in
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)
from tests.screen_text import visible_text


def _staff_at(unit: Unit, **fields: Any) -> Staff:
    staff = StaffFactory(**fields)
    StaffUnitFactory(staff=staff, unit=unit)
    return staff


def _contacts() -> list[tuple[Any, ...]]:
    return sorted(
        Contact.objects.values_list("pk", "person_id", "kind", "staff_id", "start", "end")
    )


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def centre() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr", type="primarvard")


@pytest.fixture
def manager(centre: Unit) -> Client:
    return signed_in(make_user("chef", [(Role.UNIT_MANAGER, centre)]))


@pytest.mark.django_db
def test_the_worklist_groups_findings_counts_them_and_offers_the_resolving_workflow(
    centre: Unit, manager: Client, today: date
) -> None:
    # given: a person listed here who asked for a fast vårdkontakt 30 days ago
    person = PersonFactory(name="Greta Gran", listed_at=centre)
    person.contact_requests.create(kind="fast_vardkontakt", unit=centre, date=today - timedelta(30))

    findings_refresh()  # the data above was made without the services
    # when
    response = manager.get(reverse("web:worklist"), {"unit": centre.pk})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Greta Gran" in html
    assert 'data-rule="contact-on-request"' in html
    appoint = (
        reverse("web:appoint", args=[person.pk]) + f"?unit={centre.pk}&amp;kind=fast_vardkontakt"
    )
    assert appoint in html
    assert list(AccessLogEntry.objects.values_list("personal_id", "what")) == [
        (person.personal_id, "worklist")
    ]


@pytest.mark.django_db
def test_the_worklist_filters_by_rule(centre: Unit, manager: Client, today: date) -> None:
    # given
    asked = PersonFactory(name="Asked", listed_at=centre)
    asked.contact_requests.create(kind="fast_vardkontakt", unit=centre, date=today - timedelta(30))
    uninformed = PersonFactory(name="Uninformed", listed_at=centre)
    ContactFactory(
        person=uninformed, unit=centre, start=today - timedelta(60), staff=_staff_at(centre)
    )

    findings_refresh()  # the data above was made without the services
    # when
    response = manager.get(reverse("web:worklist"), {"unit": centre.pk, "rule": "contact-informed"})

    # then
    html = response.content.decode()
    assert "Uninformed" in html
    assert "Asked" not in html


@pytest.mark.django_db
def test_a_user_without_a_unit_role_gets_no_worklist() -> None:
    # given
    client = signed_in(make_user("reviewer", [(Role.LOG_REVIEWER, None)]))

    # when
    response = client.get(reverse("web:worklist"))

    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_person_page_shows_the_register_and_the_findings(
    centre: Unit, manager: Client, today: date
) -> None:
    # given
    person = PersonFactory(name="Elsa Ek", listed_at=centre, needs=["stort_omvardnadsbehov"])
    nurse = _staff_at(centre, name="Nora Sjö", phone="0920-123 45")
    ContactFactory(
        person=person,
        unit=centre,
        staff=nurse,
        start=today - timedelta(40),
        local_title="Patientansvarig sjuksköterska",
    )
    old = _staff_at(centre, name="Olle Förr")
    ContactFactory(
        person=person,
        unit=centre,
        staff=old,
        kind="behandlande_roll",
        start=today - timedelta(400),
        end=today - timedelta(41),
        end_reason="medarbetaren_slutar",
    )

    findings_refresh()  # the data above was made without the services
    # when
    response = manager.get(reverse("web:person", args=[person.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Nora Sjö",
        "0920-123 45",
        "Patientansvarig sjuksköterska",
        "Olle Förr",
        "Medarbetaren slutar",
        "stort omvårdnadsbehov",
        "Skriftlig information om fast kontakt",
    ):
        assert text in html, text
    assert "contact-informed" not in visible_text(html)


@pytest.mark.django_db
def test_appointing_through_the_page_saves_and_creates_a_letter(
    centre: Unit, manager: Client, today: date
) -> None:
    # given
    person = PersonFactory(listed_at=centre)
    nurse = _staff_at(centre, name="Nora Sjö")
    url = reverse("web:appoint", args=[person.pk])

    # when
    form = manager.get(url, {"unit": centre.pk, "kind": "fast_vardkontakt"})
    response = manager.post(
        url,
        {
            "unit": centre.pk,
            "kind": "fast_vardkontakt",
            "staff": nurse.pk,
            "start": today.isoformat(),
            "reason": "begaran",
            "agreed": "ja",
            "action": "save",
        },
    )

    # then
    assert form.status_code == 200
    assert "Nora Sjö" in form.content.decode()
    assert response.status_code == 302
    contact = Contact.objects.get(person=person)
    assert (contact.staff_id, contact.reason, contact.agreed_with_person) == (
        nurse.pk,
        "begaran",
        True,
    )
    assert person.letters.count() == 1


@pytest.mark.django_db
def test_a_rule_refusal_is_shown_and_nothing_is_saved(
    centre: Unit, manager: Client, today: date
) -> None:
    # given a life-threatening condition whose fast vårdkontakt is a licensed physician
    person = PersonFactory(listed_at=centre, life_threatening_since=today - timedelta(days=3))
    nurse = _staff_at(centre, name="Nora Sjö", profession="sjukskoterska")
    physician = _staff_at(centre, name="Leo Läk", profession="lakare", licensed=True)
    held = ContactFactory(
        person=person,
        kind="fast_vardkontakt",
        staff=physician,
        unit=centre,
        start=today - timedelta(days=3),
    )
    before = _contacts()

    # when
    response = manager.post(
        reverse("web:appoint", args=[person.pk]),
        {
            "unit": centre.pk,
            "kind": "fast_vardkontakt",
            "staff": nurse.pk,
            "start": today.isoformat(),
            "reason": "livshotande",
            "replaces": held.pk,
            "action": "save",
        },
    )

    # then: a nurse may not replace the physician
    html = response.content.decode()
    assert response.status_code == 200
    assert "Utnämningen kan inte sparas" in html
    assert "Läkare som fast vårdkontakt vid livshotande tillstånd" in html
    assert "legitimerad läkare" in html
    assert _contacts() == before


@pytest.mark.django_db
def test_the_appoint_page_is_404_outside_the_care_relationship(manager: Client) -> None:
    # given
    stranger = PersonFactory()

    # when
    response = manager.get(reverse("web:appoint", args=[stranger.pk]))

    # then
    assert response.status_code == 404


@pytest.mark.django_db
def test_staff_may_not_open_the_appoint_page(centre: Unit) -> None:
    # given
    person = PersonFactory(listed_at=centre)
    client = signed_in(make_user("personal", [(Role.STAFF, centre)]))

    # when
    response = client.get(reverse("web:appoint", args=[person.pk]))

    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_ending_through_the_page(centre: Unit, manager: Client, today: date) -> None:
    # given
    contact = ContactFactory(unit=centre, staff=_staff_at(centre), start=today - timedelta(10))
    url = reverse("web:end", args=[contact.pk])

    # when: no reason
    refused = manager.post(url, {"end": today.isoformat(), "end_reason": ""})

    # then
    assert refused.status_code == 200
    assert "Detta fält måste fyllas i." in refused.content.decode()
    contact.refresh_from_db()
    assert contact.end is None

    # when: with a reason
    done = manager.post(url, {"end": today.isoformat(), "end_reason": "behov_upphort"})

    # then
    assert done.status_code == 302
    contact.refresh_from_db()
    assert (contact.end, contact.end_reason) == (today, "behov_upphort")


@pytest.mark.django_db
def test_handover_in_bulk_with_one_choice_for_all(today: date) -> None:
    # given
    home_care = UnitFactory(type="hemtjanst", name="Hemtjänsten Öst")
    client = signed_in(make_user("samordnare", [(Role.COORDINATOR, home_care)]))
    leaving = _staff_at(
        home_care,
        name="Lena Slutar",
        profession="underskoterska",
        employment_end=today + timedelta(days=20),
    )
    successor = _staff_at(home_care, name="Anna Efter", profession="underskoterska")
    people = [PersonFactory(name=f"Kund {n}") for n in range(3)]
    for p in people:
        HomeCareDecision.objects.create(
            person=p, unit=home_care, start=today - timedelta(90), services=["omsorg"]
        )
        ContactFactory(
            person=p,
            unit=home_care,
            staff=leaving,
            kind="fast_omsorgskontakt",
            start=today - timedelta(80),
        )
    for p in people[:2]:
        RelativeConsent.objects.create(
            person=p,
            relative_name=f"Närstående till {p.name}",
            given_on=today,
            method="muntligt",
            unit=home_care,
            recorded_by="samordnare",
        )
    url = reverse("web:handover", args=[leaving.pk])

    # when
    page = client.get(url)
    response = client.post(
        url,
        {
            "reason": "medarbetaren_slutar",
            "effective": today.isoformat(),
            f"all-fast_omsorgskontakt-{home_care.pk}": successor.pk,
            "relatives": "on",
        },
    )

    # then
    assert page.status_code == 200
    assert "Kund 0" in page.content.decode()
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert handover.items.count() == 3
    assert set(Contact.objects.filter(end__isnull=True).values_list("staff_id", flat=True)) == {
        successor.pk
    }
    # one letter to each person and one to the relative of each who consented to copies
    assert [p.letters.count() for p in people] == [2, 2, 1]


@pytest.mark.django_db
def test_a_handover_of_one_contact_says_so_in_the_singular(today: date) -> None:
    # given: one contact to hand over, one letter (no relatives)
    home_care = UnitFactory(type="hemtjanst", name="Hemtjänsten Öst")
    client = signed_in(make_user("samordnare", [(Role.COORDINATOR, home_care)]))
    leaving = _staff_at(home_care, name="Lena Slutar", profession="underskoterska")
    successor = _staff_at(home_care, name="Anna Efter", profession="underskoterska")
    person = PersonFactory(name="Kund Ett")
    HomeCareDecision.objects.create(
        person=person, unit=home_care, start=today - timedelta(90), services=["omsorg"]
    )
    ContactFactory(
        person=person,
        unit=home_care,
        staff=leaving,
        kind="fast_omsorgskontakt",
        start=today - timedelta(80),
    )

    # when
    response = client.post(
        reverse("web:handover", args=[leaving.pk]),
        {
            "reason": "medarbetaren_slutar",
            "effective": today.isoformat(),
            f"all-fast_omsorgskontakt-{home_care.pk}": successor.pk,
        },
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert "1 uppdrag är överlämnat och 1 brev är skapat." in visible_text(
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_refused_handover_marks_the_contact_and_saves_nothing(today: date) -> None:
    # given
    home_care = UnitFactory(type="hemtjanst")
    client = signed_in(make_user("samordnare", [(Role.COORDINATOR, home_care)]))
    leaving = _staff_at(home_care, profession="underskoterska")
    nurse = _staff_at(home_care, profession="sjukskoterska", name="Sara Sjuksköterska")
    person = PersonFactory(name="Kund")
    HomeCareDecision.objects.create(
        person=person, unit=home_care, start=today - timedelta(90), services=["omsorg"]
    )
    contact = ContactFactory(
        person=person,
        unit=home_care,
        staff=leaving,
        kind="fast_omsorgskontakt",
        start=today - timedelta(80),
    )
    before = _contacts()

    # when
    response = client.post(
        reverse("web:handover", args=[leaving.pk]),
        {
            "reason": "lang_franvaro",
            "effective": today.isoformat(),
            f"successor-{contact.pk}": nurse.pk,
        },
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Överlämningen sparades inte" in html
    assert "Fast omsorgskontakt ska vara undersköterska" in html
    assert _contacts() == before
    assert not Handover.objects.exists()
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_request_to_the_unit_alone_puts_the_person_on_its_worklist(
    centre: Unit, manager: Client, today: date
) -> None:
    # given: someone listed elsewhere asks this centre for a fast vårdkontakt
    person = PersonFactory(name="Frida Fråga", listed_at=UnitFactory())
    person.contact_requests.create(kind="fast_vardkontakt", unit=centre, date=today - timedelta(30))

    findings_refresh()  # the data above was made without the services
    # when
    listed = manager.get(reverse("web:worklist"), {"unit": centre.pk})
    page = manager.get(reverse("web:appoint", args=[person.pk]), {"unit": centre.pk})

    # then
    assert "Frida Fråga" in listed.content.decode()
    assert page.status_code == 200


def test_a_refusal_goes_on_the_forms_fields_and_the_rest_to_the_page() -> None:
    from django import forms

    from fastkontakt.domain.errors import HandoverRefused, InvalidInput, Problem
    from fastkontakt.web.views.base import refusal_shown

    class EffectiveForm(forms.Form):
        effective = forms.DateField()

    form = EffectiveForm({"effective": "2026-12-01"})
    assert form.is_valid()
    rest = refusal_shown(
        form,
        HandoverRefused(
            [
                Problem("successors[3]", "Ingen legitimation.", "lakarkontakt-profession"),
                Problem("effective", "För långt bak i tiden."),
            ]
        ),
    )
    assert [p.path for p in rest] == ["successors[3]"]
    assert form.errors["effective"] == ["För långt bak i tiden."]
    other = EffectiveForm({"effective": "2026-12-01"})
    assert other.is_valid()
    assert refusal_shown(other, InvalidInput([Problem("__all__", "Försök igen.")])) == []
    assert other.non_field_errors() == ["Försök igen."]


def test_a_refusal_located_at_something_the_page_lists_is_returned_only_when_asked() -> None:
    from django import forms

    from fastkontakt.domain.errors import InvalidInput, Problem, contact_pk_of
    from fastkontakt.web.views.base import refusal_shown

    class EffectiveForm(forms.Form):
        effective = forms.DateField()

    refused = InvalidInput([Problem("successors[4]", "Välj en efterträdare.")])
    listed = EffectiveForm({"effective": "2026-12-01"})
    plain = EffectiveForm({"effective": "2026-12-01"})
    assert listed.is_valid()
    assert plain.is_valid()
    returned = refusal_shown(listed, refused, elsewhere=lambda p: contact_pk_of(p) is not None)
    assert [p.path for p in returned] == ["successors[4]"]
    assert refusal_shown(plain, refused) == []
    assert plain.non_field_errors() == ["Välj en efterträdare."]
