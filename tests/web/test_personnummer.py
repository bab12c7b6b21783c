"""Personnummer are shown as people write them and found however they are written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fastkontakt.access.models import Role
from tests.access.helpers import make_user, signed_in
from tests.factories import ContactFactory, PersonFactory, UnitFactory
from tests.screen_text import screen_text_problems, visible_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written", ["195807095566", "19580709-5566", "580709-5566", "5807095566"]
)
def test_a_search_finds_the_person_however_the_number_is_written(written: str) -> None:
    # given
    unit = UnitFactory()
    person = PersonFactory(name="Greta Gran", personal_id="195807095566")
    ContactFactory(person=person, unit=unit)
    client = signed_in(make_user("sara", [(Role.STAFF, unit)]))

    # when
    response = client.post(reverse("web:search"), {"q": written})

    # then: found, and shown with its hyphen
    text = visible_text(response.content.decode())
    assert "Greta Gran 19580709-5566" in text
    assert screen_text_problems(text) == []


@pytest.mark.django_db
def test_the_person_page_shows_a_samordningsnummer_with_its_hyphen() -> None:
    # given
    unit = UnitFactory()
    person = PersonFactory(name="Ny Person", personal_id="195807695563")
    ContactFactory(person=person, unit=unit)
    client = signed_in(make_user("sara", [(Role.STAFF, unit)]))

    # when
    text = visible_text(client.get(reverse("web:person", args=[person.pk])).content.decode())

    # then
    assert "Ny Person 19580769-5563" in text
    assert "195807695563" not in text
