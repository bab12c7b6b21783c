"""Window-envelope addressing, the fast omsorgskontakt letter, and consent to relatives' copies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.errors import InvalidInput, NotFound
from fastkontakt.domain.model import PostalAddress
from fastkontakt.letters import wording
from fastkontakt.letters.models import Letter, RelativeConsent
from fastkontakt.letters.services import (
    NO_CONSENT,
    letter_create,
    letter_create_for_handover,
    relative_consent_record,
    relative_consent_withdraw,
)
from fastkontakt.registry.models import Contact, Person, Staff, Unit
from fastkontakt.registry.services.contacts import contact_handover
from tests.access.helpers import make_user
from tests.factories import ContactFactory, PersonFactory, StaffFactory, StaffUnitFactory
from tests.letters.pdf import letter_text, pdf_text_in

HOME = PostalAddress(street="Storgatan 12", postal_code="972 31", city="Luleå", care_of="Eva Lind")


def _window(letter: Letter) -> str:
    letter.refresh_from_db()
    text = pdf_text_in(bytes(letter.pdf), left=19.5, top=50, width=90.5, height=45)
    return " ".join(text.split())


def _writes() -> list[tuple[str, str]]:
    return list(
        AccessLogEntry.objects.filter(action="write")
        .order_by("seq")
        .values_list("username", "what")
    )


@pytest.mark.django_db
def test_the_window_shows_the_units_return_address_and_the_persons_address(
    actor: Actor, contact: Contact, person: Person, unit: Unit
) -> None:
    # given
    unit.address_columns(PostalAddress(street="Box 815", postal_code="971 28", city="Luleå"))
    unit.save()
    person.address_columns(HOME)
    person.save()
    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    # then
    assert _window(letter) == (
        "Vårdcentralen Norr, Box 815, 971 28 LULEÅ Karin Lind c/o Eva Lind Storgatan 12 "
        "972 31 LULEÅ"
    )
    assert letter.without_address is False
    assert "Vårdcentralen Norr Box 815 971 28 LULEÅ Telefon 0920-123 45" in letter_text(letter)


@pytest.mark.django_db
def test_a_person_without_an_address_gets_a_letter_marked_in_the_window(
    actor: Actor, contact: Contact
) -> None:
    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    # then
    window = _window(letter)
    assert window.startswith("Vårdcentralen Norr Karin Lind")
    assert "ADRESS SAKNAS" in window.upper()
    assert wording.NO_ADDRESS_TEXT in window
    assert letter.without_address is True


@pytest.mark.django_db
def test_the_letter_and_the_list_name_the_writer_not_the_username(
    actor: Actor, contact: Contact
) -> None:
    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    # then
    assert (letter.created_by, letter.created_by_name) == ("anna", "Test Testsson")
    assert "Handläggare Test Testsson" in letter_text(letter)


@pytest.fixture
def home_care(person: Person) -> tuple[Unit, Staff, Actor]:
    unit = Unit.objects.create(
        hsa_id="SE2120002742-HT01", name="Hemtjänst Centrum", type="hemtjanst", phone="0920-455 00"
    )
    carer = StaffFactory(name="Maja Nilsson", profession="underskoterska", phone="")
    StaffUnitFactory(staff=carer, unit=unit)
    coordinator = actor_for_user(make_user("kim", [(Role.COORDINATOR, unit)]), request_id="k")
    return unit, carer, coordinator


@pytest.mark.django_db
def test_the_fast_omsorgskontakt_letter_explains_the_plan_and_the_difference(
    person: Person, home_care: tuple[Unit, Staff, Actor], today: date
) -> None:
    # given: Karin had Sofia as kontaktansvarig
    unit, carer, coordinator = home_care
    sofia = StaffFactory(name="Sofia Berg", profession="underskoterska")
    ContactFactory(
        person=person,
        staff=sofia,
        unit=unit,
        kind="kontaktansvarig",
        start=today - timedelta(days=400),
        end=today - timedelta(days=1),
    )
    fok = ContactFactory(
        person=person, staff=carer, unit=unit, kind="fast_omsorgskontakt", start=today
    )
    # when
    letter = letter_create(actor=coordinator, contact_pk=fok.pk)
    # then
    text = letter_text(letter)
    assert "Din genomförandeplan" in text
    assert wording.PLAN_PERSON.format(name="Maja Nilsson") in text
    assert "Skillnaden mot kontaktansvarig" in text
    assert wording.DIFFERENCE_HAD_PERSON.format(previous="Sofia Berg") in text
    for item in wording.DIFFERENCES_PERSON:
        assert f"{item}." in text


@pytest.mark.django_db
def test_without_a_kontaktansvarig_the_difference_is_told_in_general(
    person: Person, home_care: tuple[Unit, Staff, Actor], today: date
) -> None:
    # given
    unit, carer, coordinator = home_care
    fok = ContactFactory(
        person=person, staff=carer, unit=unit, kind="fast_omsorgskontakt", start=today
    )
    # when
    text = letter_text(letter_create(actor=coordinator, contact_pk=fok.pk))
    # then
    assert wording.DIFFERENCE_PERSON in text
    assert "som kontaktansvarig i hemtjänsten" not in text


@pytest.mark.django_db
def test_other_kinds_say_nothing_of_the_plan(actor: Actor, contact: Contact) -> None:
    # when
    text = letter_text(letter_create(actor=actor, contact_pk=contact.pk))
    # then
    assert "genomförandeplan" not in text
    assert "Skillnaden mot kontaktansvarig" not in text


# --- consent ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("consent_pk", [None, 999_999])
def test_a_relatives_copy_without_a_consent_is_refused_and_nothing_written(
    actor: Actor, contact: Contact, consent_pk: int | None
) -> None:
    # when
    with pytest.raises(InvalidInput) as refused:
        letter_create(
            actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=consent_pk
        )
    # then
    assert [p.message for p in refused.value.problems] == [NO_CONSENT]
    assert Letter.objects.count() == 0
    assert _writes() == []


@pytest.mark.django_db
def test_a_withdrawn_consent_or_another_persons_consent_gives_no_copy(
    actor: Actor, contact: Contact, consent: RelativeConsent, unit: Unit, today: date
) -> None:
    # given
    other = RelativeConsent.objects.create(
        person=PersonFactory(listed_at=unit),
        relative_name="Per Berg",
        given_on=today,
        method="muntligt",
        unit=unit,
        recorded_by="anna",
    )
    relative_consent_withdraw(actor=actor, consent_pk=consent.pk, withdrawn_on=today)
    # when / then
    for pk in (consent.pk, other.pk):
        with pytest.raises(InvalidInput):
            letter_create(actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=pk)
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_copy_goes_to_the_relative_the_consent_names_at_their_address(
    actor: Actor, contact: Contact, consent: RelativeConsent
) -> None:
    # when
    letter = letter_create(
        actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=consent.pk
    )
    # then
    assert letter.consent_id == consent.pk
    assert _window(letter) == "Vårdcentralen Norr Eva Lind Skeppsbrogatan 4 972 38 LULEÅ"


@pytest.mark.django_db
def test_a_consent_is_recorded_with_who_what_when_how_and_logged(
    actor: Actor, person: Person, unit: Unit, today: date
) -> None:
    # when
    consent = relative_consent_record(
        actor=actor,
        person_pk=person.pk,
        unit_pk=unit.pk,
        relative_name=" Eva Lind ",
        relationship="dotter",
        given_on=today,
        method="skriftligt",
        street="Skeppsbrogatan 4",
        postal_code="97238",
        city="Luleå",
    )
    # then
    consent.refresh_from_db()
    assert (consent.relative_name, consent.relationship, consent.given_on, consent.method) == (
        "Eva Lind",
        "dotter",
        today,
        "skriftligt",
    )
    assert (consent.recorded_by, consent.recorded_by_name, consent.unit_id) == (
        "anna",
        "Test Testsson",
        unit.pk,
    )
    assert consent.postal_address() == PostalAddress(
        street="Skeppsbrogatan 4", postal_code="972 38", city="Luleå"
    )
    assert _writes() == [("anna", "consent.record")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"relative_name": "  "}, "relative_name", "Ange den närståendes namn."),
        ({"method": "telepati"}, "method", "Välj hur personen lämnade samtycket."),
        ({"given_on": None}, "given_on", "Ange vilken dag personen lämnade samtycket."),
        (
            {"given_on": date(2999, 1, 1)},
            "given_on",
            "Datumet ligger i framtiden. Registrera samtycket när det är lämnat.",
        ),
        (
            {"postal_code": "123"},
            "postal_code",
            "Postnumret ska vara fem siffror, till exempel 972 31.",
        ),
        (
            {"relative_name": "Eva\u200b Lind"},
            "relative_name",
            "Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 4.",
        ),
    ],
)
def test_a_bad_consent_is_refused_in_swedish_and_nothing_saved(
    actor: Actor,
    person: Person,
    unit: Unit,
    today: date,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    # given
    values: dict[str, object] = {
        "relative_name": "Eva Lind",
        "relationship": "dotter",
        "given_on": today,
        "method": "muntligt",
        "street": "Skeppsbrogatan 4",
        "postal_code": "972 38",
        "city": "Luleå",
        **changes,
    }
    # when
    with pytest.raises(InvalidInput) as refused:
        relative_consent_record(actor=actor, person_pk=person.pk, unit_pk=unit.pk, **values)  # type: ignore[arg-type]
    # then
    assert [(p.path, p.message) for p in refused.value.problems] == [(field, message)]
    assert RelativeConsent.objects.count() == 0
    assert _writes() == []


@pytest.mark.django_db
def test_a_consent_for_a_person_outside_the_care_relationship_is_not_found_and_logged(
    actor: Actor, unit: Unit, today: date
) -> None:
    # given
    stranger = PersonFactory()
    # when
    with pytest.raises(NotFound):
        relative_consent_record(
            actor=actor,
            person_pk=stranger.pk,
            unit_pk=unit.pk,
            relative_name="Eva Lind",
            relationship="",
            given_on=today,
            method="muntligt",
        )
    # then
    assert RelativeConsent.objects.count() == 0
    assert list(AccessLogEntry.objects.values_list("action", "what")) == [
        ("denied", "consent.record")
    ]


@pytest.mark.django_db
def test_a_withdrawal_is_recorded_once(actor: Actor, consent: RelativeConsent, today: date) -> None:
    # when
    relative_consent_withdraw(actor=actor, consent_pk=consent.pk, withdrawn_on=today)
    with pytest.raises(InvalidInput) as again:
        relative_consent_withdraw(actor=actor, consent_pk=consent.pk, withdrawn_on=today)
    # then
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert again.value.problems[0].message == (
        f"Samtycket återkallades redan {wording.long_date(today)}."
    )
    assert _writes() == [("anna", "consent.withdraw")]


@pytest.mark.django_db
def test_a_handover_writes_copies_only_for_people_who_consented(
    nurse: Staff, person: Person, unit: Unit, today: date, consent: RelativeConsent
) -> None:
    # given: Bertil leaves; Karin has consented to copies to Eva, Olle to nobody
    head = actor_for_user(make_user("chef", [(Role.HEAD_OF_UNIT, unit)]), request_id="h")
    leaving = StaffFactory(name="Bertil Ek", profession="sjukskoterska")
    StaffUnitFactory(staff=leaving, unit=unit)
    olle = PersonFactory(name="Olle Berg", listed_at=unit)
    start = today - timedelta(days=60)
    karin = ContactFactory(person=person, staff=leaving, unit=unit, start=start)
    olles = ContactFactory(person=olle, staff=leaving, unit=unit, start=start)
    handover = contact_handover(
        actor=head,
        staff_pk=leaving.pk,
        reason="medarbetaren_slutar",
        effective=today,
        successors={karin.pk: nurse.pk, olles.pk: nurse.pk},
    )
    # when
    letters = letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=True)
    # then
    assert [(letter.person_id, letter.consent_id) for letter in letters] == [
        (person.pk, None),
        (person.pk, consent.pk),
        (olle.pk, None),
    ]
