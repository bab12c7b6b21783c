"""The letter pages: list, write, open the PDF and record delivery, with access checked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.letters.models import Letter
from fastkontakt.letters.services import letter_create
from fastkontakt.registry.models import Contact, Person
from tests.access.helpers import make_user, signed_in, without_csrf
from tests.factories import PersonFactory, UnitFactory
from tests.letters.pdf import pdf_text


def _latest() -> tuple[str, str, str]:
    entry = AccessLogEntry.objects.latest("seq")
    return (entry.action, entry.what, entry.personal_id)


@pytest.mark.django_db
def test_the_letters_page_lists_current_contacts_with_buttons_and_logs_the_read(
    user: User, contact: Contact, person: Person
) -> None:
    # when
    response = signed_in(user).get(reverse("web:letters", args=[person.pk]))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brev till Karin Lind" in html
    assert "Anna Svensson" in html
    assert f'name="contact" value="{contact.pk}"' in html
    assert "Brev till personen" in html
    assert "Inga brev är skrivna till personen." in html
    assert _latest() == ("read", "letters.page", person.personal_id)


@pytest.mark.django_db
def test_a_contact_at_a_unit_where_the_user_has_no_role_gets_no_button(
    contact: Contact, person: Person
) -> None:
    # given: the user works where Karin is listed; the contact is elsewhere
    contact.unit = UnitFactory(name="Hemsjukvården")
    contact.save()
    user = make_user("berit", [(Role.STAFF, person.listed_at)])

    # when
    response = signed_in(user).get(reverse("web:letters", args=[person.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skrivs av enheten" in html
    assert f'name="contact" value="{contact.pk}"' not in html


@pytest.mark.django_db
def test_writing_a_letter_from_the_page(user: User, contact: Contact, person: Person) -> None:
    # when
    response = signed_in(user).post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "recipient": "person", "person": person.pk},
        follow=True,
    )

    # then
    letter = Letter.objects.get()
    assert response.redirect_chain == [(reverse("web:letters", args=[person.pk]), 302)]
    html = response.content.decode()
    assert f"Brev nr {letter.pk} är skrivet." in html
    assert reverse("web:letter_pdf", args=[letter.pk]) in html
    assert reverse("web:letter_deliver", args=[letter.pk]) in html


@pytest.mark.django_db
def test_a_refused_letter_shows_why_and_saves_nothing(
    user: User, contact: Contact, person: Person
) -> None:
    # when
    response = signed_in(user).post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "recipient": "granne", "person": person.pk},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert "Välj mottagare: personen eller närstående." in response.content.decode()
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_request_is_a_bad_request(user: User, contact: Contact) -> None:
    # when
    response = signed_in(user).post(reverse("web:letter_create"), {"contact": "x"})

    # then
    assert response.status_code == 400
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_user_without_a_unit_role_gets_404_as_for_an_unknown_contact_and_nothing_is_saved(
    contact: Contact, person: Person
) -> None:
    # given: a log reviewer works at no unit, so has no care relationship with the person
    reviewer = make_user("logg", [(Role.LOG_REVIEWER, None)])

    # when
    response = signed_in(reviewer).post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "recipient": "person", "person": person.pk},
    )

    # then
    unknown = signed_in(reviewer).post(
        reverse("web:letter_create"),
        {"contact": contact.pk + 1000, "recipient": "person", "person": person.pk},
    )
    assert response.status_code == 404
    assert without_csrf(response.content) == without_csrf(unknown.content)
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_someone_outside_the_care_relationship_is_404_on_every_page(
    actor: Actor, contact: Contact, person: Person
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    unit = UnitFactory()
    PersonFactory(listed_at=unit)
    outsider = signed_in(make_user("olle", [(Role.STAFF, unit)]))

    # when
    responses = [
        outsider.get(reverse("web:letters", args=[person.pk])),
        outsider.get(reverse("web:letter_pdf", args=[letter.pk])),
        outsider.get(reverse("web:letter_deliver", args=[letter.pk])),
    ]

    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    denied = AccessLogEntry.objects.filter(username="olle").values_list("action", "what")
    assert list(denied.order_by("seq")) == [
        ("denied", "letters.page"),
        ("denied", "letter.pdf"),
        ("denied", "letter.page"),
    ]


@pytest.mark.django_db
def test_the_pdf_is_served_inline_without_the_personnummer_and_its_reading_is_logged(
    user: User, actor: Actor, contact: Contact, person: Person
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    reads_before = AccessLogEntry.objects.filter(action="read", what="letter.pdf").count()

    # when
    response = signed_in(user).get(reverse("web:letter_pdf", args=[letter.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="brev-{letter.pk}.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert "Anna Svensson är din fasta vårdkontakt." in pdf_text(response.content)
    assert person.personal_id not in response.request["PATH_INFO"]
    assert all(person.personal_id not in value for value in response.headers.values())
    assert AccessLogEntry.objects.filter(action="read", what="letter.pdf").count() == (
        reads_before + 1
    )
    assert _latest() == ("read", "letter.pdf", person.personal_id)


@pytest.mark.django_db
def test_recording_a_delivery_from_the_page_sets_informed(
    user: User, actor: Actor, contact: Contact, person: Person, today: date
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    client = signed_in(user)
    form = client.get(reverse("web:letter_deliver", args=[letter.pk]))

    # when
    response = client.post(
        reverse("web:letter_deliver", args=[letter.pk]),
        {"delivered_on": today.isoformat(), "method": "personligen"},
        follow=True,
    )

    # then
    assert form.status_code == 200
    assert f'value="{today.isoformat()}"' in form.content.decode()
    assert response.redirect_chain == [(reverse("web:letters", args=[person.pk]), 302)]
    assert "Personen räknas som skriftligt informerad från den dagen." in (
        response.content.decode()
    )
    contact.refresh_from_db()
    assert contact.informed == today
    letter.refresh_from_db()
    assert (letter.delivered_on, letter.delivery_method, letter.delivered_by) == (
        today,
        "personligen",
        "anna",
    )


@pytest.mark.django_db
def test_a_delivery_in_the_future_is_shown_as_a_form_error_and_saves_nothing(
    user: User, actor: Actor, contact: Contact, today: date
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # when
    response = signed_in(user).post(
        reverse("web:letter_deliver", args=[letter.pk]),
        {"delivered_on": (today + timedelta(days=2)).isoformat(), "method": "post"},
    )

    # then
    assert response.status_code == 200
    assert "Datumet ligger i framtiden." in response.content.decode()
    letter.refresh_from_db()
    contact.refresh_from_db()
    assert (letter.delivered_on, contact.informed) == (None, None)
