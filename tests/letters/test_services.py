"""Writing letters and recording their delivery: what is stored, checked, refused and logged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.domain.errors import InvalidInput, NotAllowed, NotFound
from fastkontakt.letters import wording
from fastkontakt.letters.models import Letter, RelativeConsent
from fastkontakt.letters.services import letter_create, letter_create_for_handover, letter_deliver
from fastkontakt.registry.models import Contact, Handover, HandoverItem, Person, Staff, Unit
from fastkontakt.registry.services.contacts import contact_handover
from tests.access.helpers import make_user
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)
from tests.letters.pdf import letter_text


def _state() -> dict[str, Any]:
    """Everything these services may write: letters, their contacts, and informed dates."""
    return {
        "letters": list(
            Letter.objects.order_by("pk").values_list(
                "pk", "person_id", "contact_id", "recipient", "delivered_on", "delivery_method"
            )
        ),
        "named": list(
            Letter.contacts.through.objects.order_by("pk").values_list("letter_id", "contact_id")
        ),
        "informed": list(Contact.objects.order_by("pk").values_list("pk", "informed")),
    }


def _log() -> list[tuple[str, str, str, str]]:
    return list(
        AccessLogEntry.objects.order_by("seq").values_list("username", "action", "what", "unit")
    )


def _informed_findings(person: Person, on: date) -> list[tuple[str, str | None]]:
    return [
        (f.rule, f.contact)
        for f in findings_for_person(personal_id=person.personal_id, as_of=on)
        if f.rule == "contact-informed"
    ]


# --- letter_create ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_letter_keeps_its_pdf_who_wrote_it_and_what_it_is_about(
    actor: Actor, contact: Contact, person: Person, unit: Unit
) -> None:
    # given
    log_before = _log()

    # when
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # then
    letter.refresh_from_db()
    assert bytes(letter.pdf).startswith(b"%PDF-")
    assert (letter.person_id, letter.contact_id, letter.unit_id, letter.handover_item_id) == (
        person.pk,
        contact.pk,
        unit.pk,
        None,
    )
    assert list(letter.contacts.values_list("pk", flat=True)) == [contact.pk]
    assert (letter.recipient, letter.created_by) == ("person", "anna")
    assert (letter.delivered_on, letter.delivery_method, letter.delivered_by) == (None, "", "")
    assert _log()[len(log_before) :] == [
        ("anna", "read", "letter.create", unit.hsa_id),
        ("anna", "write", "letter.create", unit.hsa_id),
    ]


@pytest.mark.django_db
def test_the_stored_pdf_stays_as_sent_when_the_register_changes(
    actor: Actor, contact: Contact, nurse: Staff
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    nurse.name = "Anna Berg"
    nurse.save()

    # when
    text = letter_text(letter)

    # then
    assert "Anna Svensson är din fasta vårdkontakt." in text
    assert "Anna Berg" not in text


@pytest.mark.django_db
def test_an_unknown_recipient_is_refused_and_nothing_is_saved(
    actor: Actor, contact: Contact
) -> None:
    # given
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_create(actor=actor, contact_pk=contact.pk, recipient="granne")

    # then
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("recipient", "Välj mottagare: personen eller närstående.")
    ]
    assert _state() == before


@pytest.mark.django_db
def test_a_letter_about_an_ended_contact_is_refused(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given
    contact.end = date(2026, 1, 31) if today > date(2026, 1, 31) else today - timedelta(days=1)
    contact.start = contact.end - timedelta(days=30)
    contact.save()
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_create(actor=actor, contact_pk=contact.pk)

    # then
    assert [p.path for p in refused.value.problems] == ["contact"]
    assert refused.value.problems[0].message.startswith("Uppdraget avslutades ")
    assert _state() == before


@pytest.mark.django_db
def test_an_unknown_contact_is_not_found(actor: Actor, contact: Contact) -> None:
    # given
    before = _state()

    # when / then
    with pytest.raises(NotFound):
        letter_create(actor=actor, contact_pk=contact.pk + 1000)
    assert _state() == before


@pytest.mark.django_db
def test_a_person_outside_the_care_relationship_is_not_found_and_the_attempt_is_logged(
    actor: Actor, nurse: Staff, unit: Unit, today: date
) -> None:
    # given: the person's only contact with the unit ended a month ago; listed elsewhere
    stranger = PersonFactory(name="Olle Berg", listed_at=UnitFactory())
    ended = ContactFactory(
        person=stranger,
        staff=nurse,
        unit=unit,
        start=today - timedelta(days=90),
        end=today - timedelta(days=30),
    )
    before, log_before = _state(), _log()

    # when
    with pytest.raises(NotFound):
        letter_create(actor=actor, contact_pk=ended.pk)

    # then
    assert _state() == before
    assert _log()[len(log_before) :] == [("anna", "denied", "letter.create", "")]
    assert AccessLogEntry.objects.latest("seq").personal_id == stranger.personal_id


@pytest.mark.django_db
def test_a_user_without_a_role_at_the_contacts_unit_is_not_allowed(
    contact: Contact, person: Person
) -> None:
    # given: the user works where the person is listed, but the contact is at another unit
    assert person.listed_at is not None
    elsewhere = UnitFactory(name="Hemsjukvården")
    contact.unit = elsewhere
    contact.save()
    other = actor_for_user(make_user("berit", [(Role.STAFF, person.listed_at)]), request_id="r")
    provider_only = actor_for_user(make_user("logg", [(Role.LOG_REVIEWER, None)]), request_id="r")
    before, log_before = _state(), _log()

    # when / then
    with pytest.raises(NotAllowed):
        letter_create(actor=other, contact_pk=contact.pk)
    # a user with no care relationship is answered as for an unknown contact (and logged)
    with pytest.raises(NotFound):
        letter_create(actor=provider_only, contact_pk=contact.pk)
    assert _state() == before
    assert _log() == [
        *log_before,
        ("berit", "read", "letter.create", person.listed_at.hsa_id),
        ("logg", "denied", "letter.create", ""),
    ]


# --- letter_deliver --------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_sets_informed_and_the_contact_informed_finding_goes_away(
    actor: Actor, contact: Contact, person: Person, unit: Unit, today: date
) -> None:
    # given: appointed 20 days ago and not informed, so the finding is overdue
    contact.start = today - timedelta(days=20)
    contact.save()
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    assert _informed_findings(person, today) == [("contact-informed", contact.external_id)]
    log_before = _log()

    # when
    delivered = letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="post")

    # then
    contact.refresh_from_db()
    assert contact.informed == today
    assert (delivered.delivered_on, delivered.delivery_method, delivered.delivered_by) == (
        today,
        "post",
        "anna",
    )
    assert _informed_findings(person, today) == []
    assert _log()[len(log_before) :] == [
        ("anna", "read", "letter.deliver", unit.hsa_id),
        ("anna", "write", "letter.deliver", unit.hsa_id),
    ]


@pytest.mark.django_db
def test_an_earlier_informed_date_is_kept(actor: Actor, contact: Contact, today: date) -> None:
    # given
    contact.informed = today - timedelta(days=3)
    contact.save()
    letter = letter_create(actor=actor, contact_pk=contact.pk)

    # when
    letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="personligen")

    # then
    contact.refresh_from_db()
    assert contact.informed == today - timedelta(days=3)


@pytest.mark.django_db
def test_a_later_informed_date_moves_to_the_earlier_delivery(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given: a letter written five days ago, the contact recorded as informed today
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    Letter.objects.filter(pk=letter.pk).update(created_at=timezone.now() - timedelta(days=5))
    contact.informed = today
    contact.save()

    # when
    letter_deliver(
        actor=actor, letter_pk=letter.pk, delivered_on=today - timedelta(days=4), method="1177"
    )

    # then
    contact.refresh_from_db()
    assert contact.informed == today - timedelta(days=4)


@pytest.mark.django_db
def test_a_relatives_copy_is_recorded_but_does_not_inform_the_person(
    actor: Actor, contact: Contact, today: date, consent: RelativeConsent
) -> None:
    # given
    letter = letter_create(
        actor=actor, contact_pk=contact.pk, recipient="narstaende", consent_pk=consent.pk
    )

    # when
    delivered = letter_deliver(
        actor=actor, letter_pk=letter.pk, delivered_on=today, method="digital_brevlada"
    )

    # then
    contact.refresh_from_db()
    assert (delivered.delivered_on, delivered.delivery_method) == (today, "digital_brevlada")
    assert contact.informed is None


@pytest.mark.django_db
def test_a_delivery_in_the_future_is_refused_and_nothing_changes(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    before, log_before = _state(), _log()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_deliver(
            actor=actor, letter_pk=letter.pk, delivered_on=today + timedelta(days=1), method="post"
        )

    # then
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("delivered_on", "Datumet ligger i framtiden. Registrera brevet när det är skickat.")
    ]
    assert _state() == before
    assert [entry[1] for entry in _log()[len(log_before) :]] == ["read"]


@pytest.mark.django_db
def test_a_delivery_before_the_contact_starts_is_refused(
    actor: Actor, person: Person, nurse: Staff, unit: Unit, today: date
) -> None:
    # given: appointed ahead, starting in five days; the letter is written today
    ahead = ContactFactory(person=person, staff=nurse, unit=unit, start=today + timedelta(days=5))
    letter = letter_create(actor=actor, contact_pk=ahead.pk)
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="post")

    # then
    assert [p.path for p in refused.value.problems] == ["delivered_on"]
    assert refused.value.problems[0].message.startswith(
        "Uppdraget som fast vårdkontakt för Anna Svensson börjar "
    )
    assert _state() == before


@pytest.mark.django_db
def test_a_delivery_before_the_letter_was_written_is_refused(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_deliver(
            actor=actor, letter_pk=letter.pk, delivered_on=today - timedelta(days=1), method="post"
        )

    # then
    assert [p.path for p in refused.value.problems] == ["delivered_on"]
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delivered_on", "method", "paths"),
    [
        (None, "post", ["delivered_on"]),
        ("today", "brevduva", ["method"]),
        (None, "", ["method", "delivered_on"]),
    ],
)
def test_missing_or_unknown_values_are_refused(
    actor: Actor,
    contact: Contact,
    today: date,
    delivered_on: str | None,
    method: str,
    paths: list[str],
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_deliver(
            actor=actor,
            letter_pk=letter.pk,
            delivered_on=today if delivered_on == "today" else None,
            method=method,
        )

    # then
    assert [p.path for p in refused.value.problems] == paths
    assert _state() == before


@pytest.mark.django_db
def test_a_letter_is_delivered_once(actor: Actor, contact: Contact, today: date) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="post")
    before = _state()

    # when
    with pytest.raises(InvalidInput) as refused:
        letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="1177")

    # then
    assert [p.message for p in refused.value.problems] == [
        f"Brevet är redan registrerat som lämnat {wording.long_date(today)}."
    ]
    assert _state() == before


@pytest.mark.django_db
def test_delivery_needs_a_role_at_the_unit_and_a_care_relationship(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    outsider = actor_for_user(make_user("olle", [(Role.STAFF, UnitFactory())]), request_id="r")
    before = _state()

    # when / then
    with pytest.raises(NotFound):  # another unit's letter reads as an unknown one
        letter_deliver(actor=outsider, letter_pk=letter.pk, delivered_on=today, method="post")
    with pytest.raises(NotFound):
        letter_deliver(actor=actor, letter_pk=letter.pk + 1000, delivered_on=today, method="post")
    assert _state() == before


# --- letter_create_for_handover ------------------------------------------------------------------


@pytest.fixture
def head(unit: Unit) -> Actor:
    return actor_for_user(make_user("chef", [(Role.HEAD_OF_UNIT, unit)]), request_id="h")


@pytest.fixture
def leaving(unit: Unit) -> Staff:
    staff = StaffFactory(name="Bertil Ek", profession="sjukskoterska")
    StaffUnitFactory(staff=staff, unit=unit)
    return staff


@pytest.mark.django_db
def test_a_handover_gives_one_letter_per_person_naming_every_new_contact_and_the_previous(
    head: Actor,
    leaving: Staff,
    nurse: Staff,
    person: Person,
    unit: Unit,
    today: date,
    consent: RelativeConsent,
) -> None:
    # given: Bertil is Karin's fast vårdkontakt and behandlande roll, and Olle's fast vårdkontakt;
    # Karin has consented to copies to her daughter, Olle to his son
    olle = PersonFactory(name="Olle Berg", listed_at=unit)
    RelativeConsent.objects.create(
        person=olle,
        relative_name="Per Berg",
        given_on=today,
        method="skriftligt",
        unit=unit,
        recorded_by="chef",
    )
    start = today - timedelta(days=60)
    karin_fvk = ContactFactory(person=person, staff=leaving, unit=unit, start=start)
    karin_role = ContactFactory(
        person=person, staff=leaving, unit=unit, kind="behandlande_roll", start=start
    )
    olle_fvk = ContactFactory(person=olle, staff=leaving, unit=unit, start=start)
    handover = contact_handover(
        actor=head,
        staff_pk=leaving.pk,
        reason="medarbetaren_slutar",
        effective=today,
        successors={karin_fvk.pk: nurse.pk, karin_role.pk: nurse.pk, olle_fvk.pk: nurse.pk},
    )

    # when
    letters = letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=True)

    # then
    assert [(letter.person_id, letter.recipient) for letter in letters] == [
        (person.pk, "person"),
        (person.pk, "narstaende"),
        (olle.pk, "person"),
        (olle.pk, "narstaende"),
    ]
    karin_letter = letters[0]
    assert sorted(karin_letter.contacts.values_list("kind", flat=True)) == [
        "behandlande_roll",
        "fast_vardkontakt",
    ]
    assert karin_letter.contact_id == HandoverItem.objects.get(previous=karin_fvk).successor_id
    assert karin_letter.handover_item is not None
    assert karin_letter.handover_item.handover_id == handover.pk
    text = letter_text(karin_letter)
    yesterday = today - timedelta(days=1)
    assert "Du har fått nya fasta kontakter" in text
    assert "Anna Svensson är din fasta vårdkontakt." in text
    assert "Anna Svensson har en behandlande roll för dig." in text
    # the fast vårdkontakt first, as the glossary orders the kinds
    assert text.index("är din fasta vårdkontakt.") < text.index("har en behandlande roll för dig.")
    ended = wording.long_date(yesterday)
    assert f"Bertil Ek var din fasta vårdkontakt till och med {ended}." in text
    assert f"Bertil Ek hade en behandlande roll för dig till och med {ended}." in text
    relative_text = letter_text(letters[3])
    assert "Olle Berg har fått en ny fast vårdkontakt" in relative_text
    assert "Anna Svensson är Olle Bergs fasta vårdkontakt." in relative_text
    assert "Bertil Ek var Olle Bergs fasta vårdkontakt till och med" in relative_text


@pytest.mark.django_db
def test_asking_again_writes_only_the_missing_letters(
    head: Actor,
    leaving: Staff,
    nurse: Staff,
    person: Person,
    unit: Unit,
    today: date,
    consent: RelativeConsent,
) -> None:
    # given
    previous = ContactFactory(
        person=person, staff=leaving, unit=unit, start=today - timedelta(days=9)
    )
    handover = contact_handover(
        actor=head,
        staff_pk=leaving.pk,
        reason="lang_franvaro",
        effective=today,
        successors={previous.pk: nurse.pk},
    )
    first = letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=False)

    # when
    again = letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=False)
    with_relatives = letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=True)

    # then
    assert [letter.pk for letter in again] == [first[0].pk]
    assert [letter.pk for letter in with_relatives][0] == first[0].pk
    assert [letter.recipient for letter in with_relatives] == ["person", "narstaende"]
    assert Letter.objects.count() == 2


@pytest.mark.django_db
def test_handover_letters_are_refused_for_everyone_when_one_person_is_out_of_reach(
    head: Actor, leaving: Staff, nurse: Staff, person: Person, unit: Unit, today: date
) -> None:
    # given: Karin is within reach; Olle's old contact has ended and his new one starts later,
    # so on the day the letters are asked for the unit has no care relationship with him
    olle = PersonFactory(name="Olle Berg", listed_at=UnitFactory())
    handover = Handover.objects.create(
        staff=leaving, reason="lang_franvaro", effective=today, created_by="chef"
    )
    for who, start in ((person, today), (olle, today + timedelta(days=3))):
        previous = ContactFactory(
            person=who,
            staff=leaving,
            unit=unit,
            start=today - timedelta(days=30),
            end=today - timedelta(days=1),
        )
        successor = ContactFactory(
            person=who, staff=nurse, unit=unit, start=start, handover=handover
        )
        HandoverItem.objects.create(handover=handover, previous=previous, successor=successor)
    before, log_before = _state(), _log()

    # when
    with pytest.raises(NotFound):
        letter_create_for_handover(actor=head, handover_pk=handover.pk, relatives=True)

    # then
    assert _state() == before
    assert _log()[len(log_before) :] == [
        ("chef", "read", "letter.handover", unit.hsa_id),
        ("chef", "denied", "letter.handover", ""),
    ]


@pytest.mark.django_db
def test_handover_letters_need_a_role_at_the_unit_and_an_existing_handover(
    head: Actor, leaving: Staff, nurse: Staff, person: Person, unit: Unit, today: date
) -> None:
    # given
    previous = ContactFactory(
        person=person, staff=leaving, unit=unit, start=today - timedelta(days=9)
    )
    handover = contact_handover(
        actor=head,
        staff_pk=leaving.pk,
        reason="lang_franvaro",
        effective=today,
        successors={previous.pk: nurse.pk},
    )
    elsewhere = actor_for_user(make_user("ulla", [(Role.STAFF, UnitFactory())]), request_id="u")
    before = _state()

    # when / then
    with pytest.raises(NotFound):  # another unit's handover reads as an unknown one
        letter_create_for_handover(actor=elsewhere, handover_pk=handover.pk, relatives=False)
    with pytest.raises(NotFound):
        letter_create_for_handover(actor=head, handover_pk=handover.pk + 1000, relatives=False)
    assert _state() == before


@pytest.mark.django_db
def test_a_letter_outlives_its_contact_being_replaced_by_a_reload(
    actor: Actor, contact: Contact, today: date
) -> None:
    # given: a reload of the person from a scenario file replaces their contacts
    letter = letter_create(actor=actor, contact_pk=contact.pk)
    Contact.objects.filter(pk=contact.pk).delete()

    # when
    delivered = letter_deliver(actor=actor, letter_pk=letter.pk, delivered_on=today, method="post")

    # then
    delivered.refresh_from_db()
    assert (delivered.contact_id, list(delivered.contacts.all())) == (None, [])
    assert delivered.delivered_on == today
    assert "Anna Svensson är din fasta vårdkontakt." in letter_text(delivered)
