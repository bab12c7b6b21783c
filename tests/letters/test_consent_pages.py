"""The letter list (writer by name, copies per consent) and the consent page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.letters.models import Letter, RelativeConsent
from fastkontakt.letters.services import NO_CONSENT
from fastkontakt.registry.models import Contact, Person, Unit
from tests.access.helpers import signed_in
from tests.factories import PersonFactory


def _text(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


@pytest.mark.django_db
def test_the_list_shows_who_wrote_each_letter_by_full_name(
    user: User, contact: Contact, person: Person
) -> None:
    # given
    client = signed_in(user)
    client.post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "recipient": "person", "person": person.pk},
    )
    # when
    page = _text(client.get(reverse("web:letters", args=[person.pk])).content)
    # then
    assert "Test Testsson" in page
    assert " anna " not in f" {page} "


@pytest.mark.django_db
def test_without_a_consent_there_is_no_copy_button_and_a_posted_copy_is_refused(
    user: User, contact: Contact, person: Person
) -> None:
    # given
    client = signed_in(user)
    # when
    page = client.get(reverse("web:letters", args=[person.pk])).content.decode()
    response = client.post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "recipient": "narstaende", "person": person.pk},
        follow=True,
    )
    # then
    assert "Kopia till" not in page
    assert reverse("web:consents", args=[person.pk]) in page
    assert NO_CONSENT in response.content.decode()
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_each_consent_gives_a_copy_button_that_writes_the_copy(
    user: User, contact: Contact, person: Person, consent: RelativeConsent
) -> None:
    # given
    client = signed_in(user)
    page = client.get(reverse("web:letters", args=[person.pk])).content.decode()
    # when
    client.post(
        reverse("web:letter_create"),
        {"contact": contact.pk, "consent": consent.pk, "person": person.pk},
    )
    # then
    assert f'name="consent" value="{consent.pk}"' in page
    assert "Kopia till Eva Lind" in page
    letter = Letter.objects.get()
    assert (letter.recipient, letter.consent_id) == ("narstaende", consent.pk)


@pytest.mark.django_db
def test_the_consent_page_records_a_consent_and_logs_it(
    user: User, person: Person, unit: Unit, today: date
) -> None:
    # given
    client = signed_in(user)
    # when
    response = client.post(
        reverse("web:consents", args=[person.pk]),
        {
            "unit": unit.pk,
            "relative_name": "Eva Lind",
            "relationship": "dotter",
            "given_on": today.isoformat(),
            "method": "muntligt",
            "street": "",
            "postal_code": "",
            "city": "",
        },
        follow=True,
    )
    # then
    consent = RelativeConsent.objects.get()
    assert (consent.person_id, consent.relative_name, consent.method) == (
        person.pk,
        "Eva Lind",
        "muntligt",
    )
    assert "Samtycket är registrerat. Eva Lind kan nu få en kopia av breven." in _text(
        response.content
    )
    assert AccessLogEntry.objects.filter(action="write", what="consent.record").count() == 1


@pytest.mark.django_db
def test_the_consent_page_refuses_missing_facts_in_swedish(
    user: User, person: Person, unit: Unit
) -> None:
    # when
    response = signed_in(user).post(
        reverse("web:consents", args=[person.pk]), {"unit": unit.pk, "given_on": "12/2/2025"}
    )
    # then
    page = _text(response.content)
    assert response.status_code == 200
    assert "Ange den närståendes namn." in page
    assert (
        "”Dag då personen lämnade samtycket”: skriv datumet som år-månad-dag, till exempel "
        "2026-12-01 (”12/2/2025” går inte att läsa som ett datum)." in page
    )
    assert "Välj ett av alternativen." in page
    assert RelativeConsent.objects.count() == 0


@pytest.mark.django_db
def test_the_consent_page_of_a_person_outside_the_care_relationship_is_404(user: User) -> None:
    # given
    stranger = PersonFactory()
    # when
    response = signed_in(user).get(reverse("web:consents", args=[stranger.pk]))
    # then
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_consent_is_withdrawn_from_the_page(
    user: User, person: Person, consent: RelativeConsent, today: date
) -> None:
    # when
    response = signed_in(user).post(
        reverse("web:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": today.isoformat()},
        follow=True,
    )
    # then
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert "Samtycket för Eva Lind är återkallat." in _text(response.content)
