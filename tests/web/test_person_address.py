"""The person's postal address on the person page: shown, recorded, refused, logged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.registry.models import HomeCareDecision, Person
from tests.access.helpers import make_user, signed_in
from tests.factories import PersonFactory, UnitFactory
from tests.web.test_care_pages import Place, days_ago, text, writes

GOOD = {"care_of": "", "street": "Storgatan 12 lgh 1101", "postal_code": "97231", "city": "Luleå"}


def _url(person: Person) -> str:
    return reverse("web:person_address", args=[person.pk])


def _post(place: Place, **fields: str) -> dict[str, str]:
    return {"unit": str(place.home_care.pk), **GOOD, **fields}


def _address(person: Person) -> tuple[str, str, str, str]:
    person.refresh_from_db()
    return (person.address_care_of, person.address_street, person.postal_code, person.postal_town)


@pytest.fixture
def place() -> Place:
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    health_centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    ward = UnitFactory(name="Medicinavdelning 3", type="slutenvard")
    elsa = PersonFactory(name="Elsa Ek", listed_at=health_centre)
    HomeCareDecision.objects.create(
        person=elsa, unit=home_care, start=days_ago(40), services=["personlig_omvardnad"]
    )
    stranger = PersonFactory(name="Olle Berg", listed_at=UnitFactory(name="Annan vårdcentral"))
    return Place(home_care, health_centre, ward, None, elsa, stranger)  # type: ignore[arg-type]


@pytest.fixture
def carer(place: Place) -> Client:
    return signed_in(make_user("maja", [(Role.STAFF, place.home_care)]))


@pytest.mark.django_db
def test_a_person_without_an_address_is_marked_and_offered_the_form(
    place: Place, carer: Client
) -> None:
    # when
    response = carer.get(reverse("web:person", args=[place.elsa.pk]))
    # then
    page = text(response.content)
    assert "Ingen postadress är registrerad" in page
    assert f'action="{_url(place.elsa)}"' in response.content.decode()


@pytest.mark.django_db
def test_the_address_is_recorded_logged_and_shown(place: Place, carer: Client) -> None:
    # when
    response = carer.post(_url(place.elsa), _post(place, care_of="Anna Ek"))
    # then
    assert response.status_code == 302
    assert _address(place.elsa) == ("Anna Ek", "Storgatan 12 lgh 1101", "972 31", "Luleå")
    assert writes() == [("maja", place.home_care.hsa_id, "person.address")]
    page = text(carer.get(reverse("web:person", args=[place.elsa.pk])).content)
    assert "c/o Anna Ek Storgatan 12 lgh 1101 972 31 LULEÅ" in page


@pytest.mark.django_db
def test_every_field_empty_removes_the_address(place: Place, carer: Client) -> None:
    # given
    carer.post(_url(place.elsa), _post(place))
    # when
    carer.post(_url(place.elsa), _post(place, street="", postal_code="", city=""))
    # then
    assert _address(place.elsa) == ("", "", "", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"postal_code": "9723"}, "Postnumret ska vara fem siffror, till exempel 972 31."),
        ({"postal_code": ""}, "Ange postnummer."),
        ({"street": ""}, "Ange gatuadress eller box."),
        ({"city": ""}, "Ange postort."),
        ({"street": "Storgatan\u202e 12"}, "U+202E"),
        ({"care_of": "x" * 101}, "101"),
    ],
)
def test_a_bad_address_is_refused_with_its_reason_and_nothing_saved(
    place: Place, carer: Client, fields: dict[str, str], message: str
) -> None:
    # when
    response = carer.post(_url(place.elsa), _post(place, **fields))
    # then
    assert response.status_code == 200
    assert message in text(response.content)
    assert _address(place.elsa) == ("", "", "", "")
    assert writes() == []


@pytest.mark.django_db
def test_a_person_outside_the_care_relationship_is_404_and_nothing_saved(
    place: Place, carer: Client
) -> None:
    # when
    response = carer.post(_url(place.stranger), _post(place))
    # then
    assert response.status_code == 404
    assert _address(place.stranger) == ("", "", "", "")
    assert writes() == []
    assert AccessLogEntry.objects.filter(what="person.address", action="denied").count() == 1


@pytest.mark.django_db
def test_a_unit_the_user_does_not_work_at_is_refused(place: Place) -> None:
    # given: staff at the health centre, which the person is listed at, posting as home care
    client = signed_in(make_user("nils", [(Role.STAFF, place.health_centre)]))
    # when
    response = client.post(_url(place.elsa), _post(place))
    # then
    assert response.status_code in (200, 403)
    assert _address(place.elsa) == ("", "", "", "")
    assert writes() == []


@pytest.mark.django_db
def test_a_unit_without_a_care_relationship_is_refused(place: Place) -> None:
    # given: staff at the ward, which has no stay of Elsa's
    client = signed_in(make_user("vera", [(Role.STAFF, place.ward), (Role.STAFF, place.home_care)]))
    # when
    response = client.post(_url(place.elsa), {**_post(place), "unit": str(place.ward.pk)})
    # then
    assert response.status_code == 200
    assert "Medicinavdelning 3 har ingen vårdrelation med personen." in text(response.content)
    assert _address(place.elsa) == ("", "", "", "")
    assert writes() == []
