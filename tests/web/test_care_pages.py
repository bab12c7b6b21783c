"""The care page: home care, the plan, stays, SIPs and transfers, recorded from small forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.registry.models import (
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    Sip,
    Staff,
    Unit,
)
from tests.access.helpers import make_user, signed_in
from tests.conftest import RegistryState
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


@dataclass
class Place:
    home_care: Unit
    health_centre: Unit
    ward: Unit
    usk: Staff
    elsa: Person
    stranger: Person


@pytest.fixture
def place() -> Place:
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    health_centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    ward = UnitFactory(name="Medicinavdelning 3", type="slutenvard")
    usk = StaffFactory(name="Maja Undersköterska", profession="underskoterska", licensed=False)
    usk.units.add(home_care)
    elsa = PersonFactory(name="Elsa Ek", listed_at=health_centre)
    HomeCareDecision.objects.create(
        person=elsa, unit=home_care, start=days_ago(40), services=["personlig_omvardnad"]
    )
    stranger = PersonFactory(name="Olle Berg", listed_at=UnitFactory(name="Annan vårdcentral"))
    return Place(home_care, health_centre, ward, usk, elsa, stranger)


@pytest.fixture
def coordinator(place: Place) -> Client:
    user = make_user(
        "kim", [(Role.COORDINATOR, place.home_care), (Role.STAFF, place.health_centre)]
    )
    return signed_in(user)


def care_url(person: Person) -> str:
    return reverse("web:care", args=[person.pk])


def record_url(person: Person, slug: str, item: int | None = None) -> str:
    if item is None:
        return reverse("web:care_record", args=[person.pk, slug])
    return reverse("web:care_item", args=[person.pk, slug, item])


def writes() -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(action="write")
        .order_by("seq")
        .values_list("username", "unit", "what")
    )


def text(html: bytes) -> str:
    """The page's text with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


@pytest.mark.django_db
def test_the_care_page_shows_the_records_deadlines_and_forms(
    place: Place, coordinator: Client
) -> None:
    # given
    InformationTransfer.objects.create(
        person=place.elsa, recipient="Boendet Tallen", date=days_ago(2), consent=False
    )

    findings_refresh()  # the transfer above was made without the services

    # when
    response = coordinator.get(care_url(place.elsa))

    # then
    assert response.status_code == 200
    page = text(response.content)
    assert "Boende, hemtjänst, utskrivning och SIP" in page
    assert "Hemtjänst Centrum" in page
    assert "Personlig omvårdnad" in page
    assert "Genomförandeplan saknas" in page  # the deadline of plan-initial-update
    assert "Boendet Tallen" in page
    assert "Utan samtycke" in page
    html = response.content.decode()
    for slug in ("bistandsbeslut", "genomforandeplan", "inskrivning", "sip"):
        assert f'action="{record_url(place.elsa, slug)}"' in html
    assert 'hx-select="#hemtjanst"' in html
    assert 'href="/static/web/care.css"' in html
    read = AccessLogEntry.objects.get()
    assert (read.username, read.action, read.what) == ("kim", "read", "care.page")


@pytest.mark.django_db
def test_the_care_page_of_a_person_outside_the_relationship_is_404(
    place: Place, coordinator: Client
) -> None:
    # when
    response = coordinator.get(care_url(place.stranger))
    posted = coordinator.post(
        record_url(place.stranger, "informationsoverforing"),
        {
            "informationsoverforing-unit": place.health_centre.pk,
            "informationsoverforing-recipient": "Boendet",
            "informationsoverforing-transferred": days_ago(1).isoformat(),
            "informationsoverforing-consent": "ja",
        },
    )

    # then
    assert response.status_code == posted.status_code == 404
    assert "Olle Berg" not in response.content.decode()
    assert InformationTransfer.objects.count() == 0


@pytest.mark.django_db
def test_a_decision_posted_without_javascript_is_saved_and_redirects_back(
    place: Place, coordinator: Client
) -> None:
    # given: the current decision ends; the next starts in a week
    HomeCareDecision.objects.update(end=days_ago(-6))
    start = days_ago(-7)

    # when
    response = coordinator.post(
        record_url(place.elsa, "bistandsbeslut"),
        {
            "bistandsbeslut-unit": place.home_care.pk,
            "bistandsbeslut-start": start.isoformat(),
            "bistandsbeslut-end": "",
            "bistandsbeslut-services": ["tvatt", "stadning"],
            "bistandsbeslut-no_contact_reason": "",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == care_url(place.elsa) + "#hemtjanst"
    latest = HomeCareDecision.objects.latest("pk")
    assert (latest.start, latest.services) == (start, ["tvatt", "stadning"])
    assert writes() == [("kim", place.home_care.hsa_id, "home_care_decision.record")]
    page = coordinator.get(response["Location"])
    assert "Biståndsbeslutet är registrerat." in text(page.content)


@pytest.mark.django_db
def test_an_htmx_post_answers_the_page_with_a_confirmation_in_its_section(
    place: Place, coordinator: Client
) -> None:
    # when
    response = coordinator.post(
        record_url(place.elsa, "genomforandeplan"),
        {
            "genomforandeplan-unit": place.home_care.pk,
            "genomforandeplan-established": days_ago(39).isoformat(),
        },
        headers={"HX-Request": "true"},
    )

    # then
    assert response.status_code == 200
    section = re.search(
        r'<section id="genomforandeplan".*?</section>', response.content.decode(), re.S
    )
    assert section is not None
    assert "Genomförandeplanen är registrerad." in section.group(0)
    assert ImplementationPlan.objects.get().established == days_ago(39)


@pytest.mark.django_db
def test_a_refused_form_shows_the_reason_on_the_page_and_saves_nothing(
    place: Place, coordinator: Client, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    before = registry_state()

    # when
    future = coordinator.post(
        record_url(place.elsa, "genomforandeplan"),
        {
            "genomforandeplan-unit": place.home_care.pk,
            "genomforandeplan-established": days_ago(-1).isoformat(),
        },
    )
    no_service = coordinator.post(
        record_url(place.elsa, "bistandsbeslut"),
        {
            "bistandsbeslut-unit": place.home_care.pk,
            "bistandsbeslut-start": days_ago(1).isoformat(),
        },
    )
    overlapping = coordinator.post(
        record_url(place.elsa, "bistandsbeslut"),
        {
            "bistandsbeslut-unit": place.home_care.pk,
            "bistandsbeslut-start": days_ago(1).isoformat(),
            "bistandsbeslut-services": ["dusch"],
        },
    )

    # then
    assert future.status_code == no_service.status_code == overlapping.status_code == 200
    assert "Datum för första mötet kan inte ligga i framtiden" in text(future.content)
    assert "Detta fält måste fyllas i." in text(no_service.content)
    assert "Personen har redan ett biståndsbeslut vid Hemtjänst Centrum" in text(
        overlapping.content
    )
    assert registry_state() == before
    assert writes() == []


@pytest.mark.django_db
def test_a_form_about_one_stay_is_posted_to_that_stay(place: Place) -> None:
    # given
    stay = InpatientStay.objects.create(person=place.elsa, unit=place.ward, admitted=days_ago(5))
    client = signed_in(make_user("sara", [(Role.STAFF, place.ward)]))

    # when
    page = client.get(care_url(place.elsa))
    ready = client.post(
        record_url(place.elsa, "utskrivningsklar", stay.pk),
        {f"utskrivningsklar-{stay.pk}-ready": days_ago(1).isoformat()},
    )
    too_early = client.post(
        record_url(place.elsa, "utskrivning", stay.pk),
        {f"utskrivning-{stay.pk}-discharged": days_ago(2).isoformat()},
    )

    # then
    assert f'action="{record_url(place.elsa, "utskrivningsklar", stay.pk)}"' in (
        page.content.decode()
    )
    assert ready.status_code == 302
    assert too_early.status_code == 200
    assert "Utskrivningen kan inte vara före beskedet om utskrivningsklar" in text(
        too_early.content
    )
    stay.refresh_from_db()
    assert (stay.ready_for_discharge, stay.discharged) == (days_ago(1), None)
    assert writes() == [("sara", place.ward.hsa_id, "inpatient_stay.ready")]


@pytest.mark.django_db
def test_a_unit_where_the_user_may_not_decide_is_neither_offered_nor_accepted(place: Place) -> None:
    # given: staff at the home-care unit may read, but not record decisions
    client = signed_in(make_user("maja", [(Role.STAFF, place.home_care)]))

    # when
    page = client.get(care_url(place.elsa))
    response = client.post(
        record_url(place.elsa, "bistandsbeslut"),
        {
            "bistandsbeslut-unit": place.home_care.pk,
            "bistandsbeslut-start": days_ago(1).isoformat(),
            "bistandsbeslut-services": ["dusch"],
        },
    )

    # then
    assert page.status_code == 200
    assert f'action="{record_url(place.elsa, "bistandsbeslut")}"' not in page.content.decode()
    assert response.status_code == 200  # the unit is not among the form's choices
    assert "Välj ett av alternativen i listan." in text(response.content)
    assert HomeCareDecision.objects.count() == 1
    assert writes() == []


@pytest.mark.django_db
def test_a_no_contact_reason_without_a_deciding_role_is_403(place: Place) -> None:
    # given
    decision = HomeCareDecision.objects.get()
    client = signed_in(make_user("maja", [(Role.STAFF, place.home_care)]))

    # when
    response = client.post(
        record_url(place.elsa, "obehovlig-omsorgskontakt", decision.pk),
        {f"obehovlig-omsorgskontakt-{decision.pk}-reason": "Behöver ingen fast kontakt alls."},
    )

    # then
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.no_contact_reason == ""
    assert writes() == []


@pytest.mark.django_db
def test_a_sip_and_a_transfer_are_recorded_from_the_page(place: Place, coordinator: Client) -> None:
    # given
    ContactFactory(
        person=place.elsa, kind="fast_omsorgskontakt", staff=place.usk, unit=place.home_care
    )

    # when
    sip = coordinator.post(
        record_url(place.elsa, "sip"),
        {
            "sip-unit": place.health_centre.pk,
            "sip-created": days_ago(3).isoformat(),
            "sip-invited": days_ago(2).isoformat(),
            "sip-coordinator": place.usk.pk,
        },
    )
    transfer = coordinator.post(
        record_url(place.elsa, "informationsoverforing"),
        {
            "informationsoverforing-unit": place.home_care.pk,
            "informationsoverforing-recipient": "Särskilt boende Tallen",
            "informationsoverforing-transferred": days_ago(1).isoformat(),
            "informationsoverforing-consent": "nej",
        },
    )

    # then
    assert sip.status_code == transfer.status_code == 302
    created = Sip.objects.get()
    assert (created.created, created.invited, created.coordinator_id) == (
        days_ago(3),
        days_ago(2),
        place.usk.pk,
    )
    assert list(InformationTransfer.objects.values_list("recipient", "consent")) == [
        ("Särskilt boende Tallen", False)
    ]
    assert writes() == [
        ("kim", place.health_centre.hsa_id, "sip.create"),
        ("kim", place.home_care.hsa_id, "information_transfer.record"),
    ]


@pytest.mark.django_db
def test_an_unknown_form_or_a_misplaced_item_is_404(place: Place, coordinator: Client) -> None:
    # when
    unknown = coordinator.post(record_url(place.elsa, "okand"), {})
    item_without_pk = coordinator.post(record_url(place.elsa, "utskrivning"), {})
    pk_on_a_plain_form = coordinator.post(record_url(place.elsa, "sip", 1), {})
    get = coordinator.get(record_url(place.elsa, "sip"))

    # then
    assert (unknown.status_code, item_without_pk.status_code) == (404, 404)
    assert pk_on_a_plain_form.status_code == 404
    assert get.status_code == 405


def residence_post(place: Place, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "boende-unit": place.home_care.pk,
        "boende-residence": "sarskilt_boende",
        "boende-residence_from": days_ago(3).isoformat(),
        "boende-no_contact_reason": "",
    }
    data.update({f"boende-{key}": value for key, value in fields.items()})
    return data


@pytest.mark.django_db
def test_the_residence_is_recorded_from_the_care_page_and_shown_on_the_person_page(
    place: Place, coordinator: Client
) -> None:
    # when
    response = coordinator.post(record_url(place.elsa, "boende"), residence_post(place))

    # then
    assert response.status_code == 302
    assert response["Location"] == care_url(place.elsa) + "#boende"
    place.elsa.refresh_from_db()
    assert (place.elsa.residence, place.elsa.residence_from,
            place.elsa.residence_no_contact_reason) == ("sarskilt_boende", days_ago(3), "")
    assert writes() == [("kim", place.home_care.hsa_id, "person.residence")]
    person_page = text(coordinator.get(reverse("web:person", args=[place.elsa.pk])).content)
    assert f"Särskilt boende sedan {days_ago(3).isoformat()}" in person_page
    care_page = text(coordinator.get(care_url(place.elsa)).content)
    assert "Personen bor i särskilt boende för äldre sedan" in care_page


@pytest.mark.django_db
def test_a_documented_reason_clears_the_residential_care_finding(
    place: Place, coordinator: Client
) -> None:
    # when
    coordinator.post(
        record_url(place.elsa, "boende"),
        residence_post(place, no_contact_reason="Vistas på korttidsboende i väntan på flytt."),
    )

    # then
    place.elsa.refresh_from_db()
    assert place.elsa.residence_no_contact_reason == "Vistas på korttidsboende i väntan på flytt."
    page = text(coordinator.get(care_url(place.elsa)).content)
    assert "Fast omsorgskontakt i särskilt boende behövs inte" in page
    assert "bor i särskilt boende för äldre" not in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param({"residence": "slott"}, "residence", "Välj ett av alternativen i listan.",
                     id="unknown-residence"),
        pytest.param({"residence": "ordinart", "no_contact_reason": "Vill inte ha någon alls."},
                     "no_contact_reason", "Skälet gäller bara den som bor i särskilt boende.",
                     id="reason-in-ordinary-housing"),
        pytest.param({"no_contact_reason": "Nej"}, "no_contact_reason",
                     "Beskriv skälet med minst 10 tecken.", id="reason-too-short"),
        pytest.param({"residence_from": days_ago(-400).isoformat()}, "residence_from",
                     "Inflyttningen får ligga högst ett år framåt i tiden.", id="far-future"),
    ],
)
@pytest.mark.django_db
def test_bad_residence_input_is_refused_with_its_reason_and_nothing_saved(
    place: Place, coordinator: Client, fields: dict[str, object], field: str, message: str
) -> None:
    # when
    response = coordinator.post(record_url(place.elsa, "boende"), residence_post(place, **fields))

    # then
    assert response.status_code == 200
    assert message in text(response.content)
    place.elsa.refresh_from_db()
    assert (place.elsa.residence, place.elsa.residence_from) == ("ordinart", None)
    assert writes() == []


@pytest.mark.django_db
def test_the_residence_form_is_offered_to_municipal_deciders_only(place: Place) -> None:
    # given a head of unit at the health centre (region) and staff at the home-care unit
    region = signed_in(make_user("vera", [(Role.HEAD_OF_UNIT, place.health_centre)]))
    staff = signed_in(make_user("maja", [(Role.STAFF, place.home_care)]))

    # when
    pages = [c.get(care_url(place.elsa)).content.decode() for c in (region, staff)]
    posted = region.post(
        record_url(place.elsa, "boende"), residence_post(place, unit=place.health_centre.pk)
    )

    # then
    assert all(record_url(place.elsa, "boende") not in page for page in pages)
    assert posted.status_code == 200
    assert "Välj ett av alternativen i listan." in text(posted.content)
    place.elsa.refresh_from_db()
    assert place.elsa.residence == "ordinart"
    assert writes() == []
