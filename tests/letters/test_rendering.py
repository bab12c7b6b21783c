"""What the letter says, read back from its PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fastkontakt.access.actors import Actor
from fastkontakt.domain.model import PostalAddress
from fastkontakt.letters import wording
from fastkontakt.letters.models import Letter, RelativeConsent
from fastkontakt.letters.rendering import ContactPart, LetterContent, letter_html, letter_pdf
from fastkontakt.letters.services import letter_create
from fastkontakt.registry.models import (
    Contact,
    Handover,
    HandoverItem,
    Person,
    Staff,
    Unit,
    UnitLocalTitle,
)
from tests.factories import ContactFactory, StaffFactory, StaffUnitFactory
from tests.letters.pdf import font_sizes_pt, letter_text, page_sizes_mm, pdf_text, pdf_text_in

KINDS = [
    "fast_vardkontakt",
    "fast_lakarkontakt",
    "fast_omsorgskontakt",
    "behandlande_roll",
    "sip_samordnare",
    "kontaktansvarig",
]


def _formatted(personal_id: str) -> str:
    return f"{personal_id[:8]}-{personal_id[8:]}"


def _window_text(letter: Letter) -> str:
    """The words inside the envelope's window: 20-110 mm from the left, 50-95 mm from the top
    of the first page."""
    return " ".join(
        pdf_text_in(bytes(letter.pdf), left=19.5, top=50, width=90.5, height=45).split()
    )


@pytest.mark.django_db
def test_the_letter_names_the_contact_role_profession_unit_phones_and_period(
    actor: Actor, contact: Contact, person: Person, today: date
) -> None:
    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    text = letter_text(letter)
    assert "Information om din fasta vårdkontakt" in text
    assert "Anna Svensson är din fasta vårdkontakt." in text
    assert "Roll Fast vårdkontakt" in text
    assert "Yrke Sjuksköterska" in text
    assert "Enhet Vårdcentralen Norr" in text
    assert (
        "Ring Anna Svensson på 0920-123 46. Du kan också ringa Vårdcentralen Norr på 0920-123 45."
        in text
    )
    assert f"Gäller Från och med {wording.long_date(contact.start)}" in text
    assert f"Datum {wording.long_date(today)}" in text
    assert f"Gäller Karin Lind Personnummer {_formatted(person.personal_id)}" in text
    assert "Handläggare Test Testsson" in text
    assert wording.KINDS["fast_vardkontakt"].meaning_person in text
    assert f"Brev nr {letter.pk}" in text


@pytest.mark.django_db
def test_a_local_title_comes_first_and_says_which_legal_role_it_is(
    actor: Actor, contact: Contact
) -> None:
    # given
    contact.local_title = "patientansvarig sjuksköterska"
    contact.save()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    assert "Roll Patientansvarig sjuksköterska – det är din fasta vårdkontakt" in letter_text(
        letter
    )


@pytest.mark.django_db
def test_without_its_own_title_the_contact_takes_the_one_title_the_unit_declares(
    actor: Actor, contact: Contact, unit: Unit
) -> None:
    # given
    UnitLocalTitle.objects.create(unit=unit, title="kontaktsjuksköterska", kind="fast_vardkontakt")
    UnitLocalTitle.objects.create(unit=unit, title="rehabkoordinator", kind="behandlande_roll")

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    assert "Roll Kontaktsjuksköterska – det är din fasta vårdkontakt" in letter_text(letter)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_explained_in_its_own_paragraph(
    kind: str, actor: Actor, person: Person, nurse: Staff, unit: Unit, today: date
) -> None:
    # given
    contact = ContactFactory(person=person, staff=nurse, unit=unit, kind=kind, start=today)

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    text = letter_text(letter)
    assert wording.KINDS[kind].meaning_person in text
    others = [k for k in KINDS if k != kind]
    assert [k for k in others if wording.KINDS[k].meaning_person in text] == []
    assert f"Anna Svensson {wording.KINDS[kind].predicate_person}." in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_relatives_copy_explains_each_kind_to_the_relative(
    kind: str,
    actor: Actor,
    person: Person,
    nurse: Staff,
    unit: Unit,
    today: date,
    consent: RelativeConsent,
) -> None:
    # given
    contact = ContactFactory(person=person, staff=nurse, unit=unit, kind=kind, start=today)

    # when
    letter = letter_create(
        actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=consent.pk
    )

    # then
    text = letter_text(letter)
    assert wording.KINDS[kind].meaning_relative in text
    assert wording.KINDS[kind].meaning_person not in text


@pytest.mark.django_db
def test_a_relatives_copy_is_addressed_to_them_and_leaves_out_the_personnummer(
    actor: Actor, contact: Contact, person: Person, consent: RelativeConsent
) -> None:
    # when
    letter = letter_create(
        actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=consent.pk
    )

    # then
    text = letter_text(letter)
    assert "Eva Lind Skeppsbrogatan 4 972 38 LULEÅ" in text
    assert "Du får det här brevet eftersom du är närstående till Karin Lind." in text
    assert "Anna Svensson är Karin Linds fasta vårdkontakt." in text
    assert "Gäller Karin Lind" in text
    assert "Personnummer" not in text
    assert person.personal_id not in text
    assert _formatted(person.personal_id) not in text


@pytest.mark.django_db
def test_the_personnummer_is_not_in_the_address_part_nor_the_pdf_metadata(
    actor: Actor, contact: Contact, person: Person
) -> None:
    # given
    person.address_columns(PostalAddress(street="Storgatan 12", postal_code="972 31", city="Luleå"))
    person.save()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then: the window (what the envelope shows) has the name and address and no personnummer
    window = _window_text(letter)
    assert window == "Vårdcentralen Norr Karin Lind Storgatan 12 972 31 LULEÅ"
    assert person.personal_id.encode() not in bytes(letter.pdf)
    assert _formatted(person.personal_id).encode() not in bytes(letter.pdf)


@pytest.mark.django_db
def test_with_only_the_units_phone_the_letter_says_to_ask_for_the_contact(
    actor: Actor, contact: Contact, nurse: Staff
) -> None:
    # given
    nurse.phone = ""
    nurse.save()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    text = letter_text(letter)
    assert "Ring Vårdcentralen Norr på 0920-123 45 och fråga efter Anna Svensson." in text
    assert "0920-123 46" not in text


@pytest.mark.django_db
def test_without_any_phone_the_letter_says_so_and_invents_none(
    actor: Actor, contact: Contact, nurse: Staff, unit: Unit
) -> None:
    # given
    nurse.phone = ""
    nurse.save()
    unit.phone = ""
    unit.save()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    text = letter_text(letter)
    assert (
        "Vi har inget telefonnummer till Anna Svensson eller Vårdcentralen Norr i vårt register. "
        "Ring enhetens växel och fråga efter Anna Svensson." in text
    )
    assert "Telefon" not in text


@pytest.mark.django_db
def test_a_coordinating_contact_gets_the_paragraph_on_coordination(
    actor: Actor, contact: Contact
) -> None:
    # given
    contact.coordinating = True
    contact.save()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    text = letter_text(letter)
    assert "Roll Fast vårdkontakt med samordningsansvar" in text
    assert wording.coordinating_text("Anna Svensson", to_relative=False) in text


@pytest.mark.django_db
def test_a_contact_from_a_handover_names_who_had_the_role_before(
    actor: Actor, person: Person, nurse: Staff, unit: Unit, today: date
) -> None:
    # given
    leaving = StaffFactory(name="Bertil Ek", profession="sjukskoterska")
    StaffUnitFactory(staff=leaving, unit=unit)
    previous = ContactFactory(
        person=person,
        staff=leaving,
        unit=unit,
        start=today - timedelta(days=100),
        end=today - timedelta(days=1),
    )
    handover = Handover.objects.create(
        staff=leaving, reason="medarbetaren_slutar", effective=today, created_by="chef"
    )
    successor = ContactFactory(
        person=person, staff=nurse, unit=unit, start=today, handover=handover
    )
    HandoverItem.objects.create(handover=handover, previous=previous, successor=successor)

    # when
    letter = letter_create(actor=actor, contact_pk=successor.pk)

    # then
    text = letter_text(letter)
    assert "Du har fått en ny fast vårdkontakt" in text
    assert "Anna Svensson är din fasta vårdkontakt." in text
    assert (
        f"Bertil Ek var din fasta vårdkontakt till och med "
        f"{wording.long_date(today - timedelta(days=1))}. Det uppdraget har upphört och "
        "Anna Svensson har tagit över." in text
    )


@pytest.mark.django_db
def test_the_letter_is_one_a4_page_with_no_type_smaller_than_11_points(
    actor: Actor, contact: Contact
) -> None:
    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    pdf = bytes(letter.pdf)
    assert page_sizes_mm(pdf) == [(210, 297)]
    sizes = font_sizes_pt(pdf)
    assert min(sizes) == 11.0
    assert max(sizes) == 18.0


def test_dates_and_names_read_as_swedish() -> None:
    assert wording.long_date(date(2026, 3, 1)) == "1 mars 2026"
    assert wording.long_date(date(2026, 12, 31)) == "31 december 2026"
    assert wording.genitive("Karin Lind") == "Karin Linds"
    assert wording.genitive("Lars Jonas") == "Lars Jonas"
    assert wording.personal_id_display("194001019808") == "19400101-9808"
    assert wording.past("är din fasta vårdkontakt") == "var din fasta vårdkontakt"
    assert wording.past("har en behandlande roll för dig") == "hade en behandlande roll för dig"


def test_names_are_escaped_in_the_html_and_nothing_is_fetched() -> None:
    # given
    content = LetterContent(
        number=7,
        on=date(2026, 3, 1),
        person_name='Karin <img src="http://127.0.0.1:9/x.png"> Lind',
        personal_id="194001019808",
        to_relative=False,
        sender_name="Vårdcentralen Norr",
        sender_phone="",
        contacts=(
            ContactPart(
                kind="fast_vardkontakt",
                name="Anna Svensson",
                profession="sjuksköterska",
                unit_name="Vårdcentralen Norr",
                staff_phone="",
                unit_phone="",
                start=date(2026, 3, 1),
                end=None,
                local_title="",
                coordinating=False,
                previous=None,
            ),
        ),
    )

    # when
    html = letter_html(content)
    text = pdf_text(letter_pdf(content))

    # then
    assert "<img" not in html
    assert "&lt;img" in html
    # The long name wraps where the column ends (which moves with the date's length), and the PDF
    # text breaks the line with a space there: compare without spaces.
    assert 'Karin<imgsrc="http://127.0.0.1:9/x.png">Lind' in "".join(text.split())
