"""Appointing, ending and handing over contacts: rules refused before saving, nothing half-saved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.errors import (
    AppointmentRefused,
    HandoverRefused,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from fastkontakt.registry.models import (
    Contact,
    Handover,
    HandoverItem,
    HomeCareDecision,
    Person,
    Staff,
    Unit,
)
from fastkontakt.registry.selectors import scenario_export
from fastkontakt.registry.services import scenario_load
from fastkontakt.registry.services.contacts import (
    appointment_candidates,
    contact_appoint,
    contact_end,
    contact_handover,
    staff_caseload_counts,
)
from tests.access.helpers import make_user
from tests.factories import (
    ContactFactory,
    PersonFactory,
    StaffFactory,
    StaffUnitFactory,
    UnitFactory,
)

TODAY = date(2026, 11, 22)


def _staff_at(unit: Unit, **fields: Any) -> Staff:
    staff = StaffFactory(**fields)
    StaffUnitFactory(staff=staff, unit=unit)
    return staff


def _manager(unit: Unit, role: str = Role.UNIT_MANAGER) -> Actor:
    user = make_user(f"chef{unit.pk}{role}", [(role, unit)])
    return actor_for_user(user, request_id="req-1")


def _state() -> list[tuple[Any, ...]]:
    return sorted(
        Contact.objects.values_list(
            "pk",
            "person_id",
            "kind",
            "staff_id",
            "unit_id",
            "start",
            "end",
            "coordinating",
            "end_reason",
        )
    ) + [("handovers", Handover.objects.count(), HandoverItem.objects.count())]


def _writes() -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(action="write").values_list("personal_id", "what", "unit")
    )


@pytest.fixture
def health_centre() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr", type="primarvard")


@pytest.fixture
def person(health_centre: Unit) -> Person:
    return PersonFactory(name="Elsa Ek", listed_at=health_centre)


@pytest.mark.django_db
def test_appointing_a_fast_vardkontakt_saves_it_with_reason_and_logs_the_write(
    health_centre: Unit, person: Person
) -> None:
    # given
    nurse = _staff_at(health_centre, name="Nora Sjö", profession="sjukskoterska")
    actor = _manager(health_centre)

    # when
    contact = contact_appoint(
        actor=actor,
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=nurse.pk,
        unit_pk=health_centre.pk,
        start=TODAY,
        reason="begaran",
        agreed_with_person=True,
        local_title="Patientansvarig sjuksköterska",
        as_of=TODAY,
    )

    # then
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.person_id, saved.kind, saved.staff_id, saved.unit_id, saved.start, saved.end) == (
        person.pk,
        "fast_vardkontakt",
        nurse.pk,
        health_centre.pk,
        TODAY,
        None,
    )
    assert (saved.reason, saved.agreed_with_person, saved.local_title) == (
        "begaran",
        True,
        "Patientansvarig sjuksköterska",
    )
    assert saved.external_id.startswith("fk-")
    assert _writes() == [(person.personal_id, "contact.appoint", health_centre.hsa_id)]


@pytest.mark.django_db
def test_a_non_physician_may_not_replace_the_physician_when_the_condition_is_life_threatening(
    health_centre: Unit,
) -> None:
    # given a person with a life-threatening condition whose fast vårdkontakt is a physician
    person = PersonFactory(listed_at=health_centre, life_threatening_since=date(2026, 10, 1))
    physician = _staff_at(health_centre, name="Leo Läk", profession="lakare")
    Staff.objects.filter(pk=physician.pk).update(licensed=True)
    nurse = _staff_at(health_centre, name="Nora Sjö", profession="sjukskoterska")
    manager = _manager(health_centre)
    held = contact_appoint(
        actor=manager, person_pk=person.pk, kind="fast_vardkontakt",
        staff_pk=physician.pk, unit_pk=health_centre.pk, start=TODAY - timedelta(days=10),
        as_of=TODAY,
    )
    before = _state()
    writes = len(_writes())

    # when the nurse would replace the physician
    with pytest.raises(AppointmentRefused) as refused:
        contact_appoint(
            actor=manager,
            person_pk=person.pk,
            kind="fast_vardkontakt",
            staff_pk=nurse.pk,
            unit_pk=health_centre.pk,
            start=TODAY,
            replaces_pk=held.pk,
            as_of=TODAY,
        )

    # then
    assert [p.rule for p in refused.value.problems] == ["life-threatening-physician"]
    assert "legitimerad läkare" in refused.value.problems[0].message
    assert _state() == before
    assert len(_writes()) == writes


@pytest.mark.django_db
def test_a_nurse_may_be_added_while_the_physician_is_still_to_be_found(
    health_centre: Unit,
) -> None:
    # given a life-threatening condition and no fast vårdkontakt at all (the finding is there)
    person = PersonFactory(listed_at=health_centre, life_threatening_since=date(2026, 10, 1))
    nurse = _staff_at(health_centre, name="Nora Sjö", profession="sjukskoterska")

    # when the nurse is added: the addition makes nothing worse
    contact = contact_appoint(
        actor=_manager(health_centre),
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=nurse.pk,
        unit_pk=health_centre.pk,
        start=TODAY,
        as_of=TODAY,
    )

    # then it is saved
    assert Contact.objects.get(pk=contact.pk).staff_id == nurse.pk


@pytest.mark.django_db
def test_only_an_underskoterska_can_be_fast_omsorgskontakt() -> None:
    # given
    home_care = UnitFactory(type="hemtjanst")
    person = PersonFactory()
    HomeCareDecision.objects.create(
        person=person, unit=home_care, start=date(2026, 11, 1), services=["omsorg"]
    )
    nurse = _staff_at(home_care, profession="sjukskoterska")
    before = _state()

    # when
    with pytest.raises(AppointmentRefused) as refused:
        contact_appoint(
            actor=_manager(home_care, Role.COORDINATOR),
            person_pk=person.pk,
            kind="fast_omsorgskontakt",
            staff_pk=nurse.pk,
            unit_pk=home_care.pk,
            start=TODAY,
            as_of=TODAY,
        )

    # then
    assert [p.rule for p in refused.value.problems] == ["omsorgskontakt-profession"]
    assert _state() == before


@pytest.mark.django_db
def test_fast_lakarkontakt_must_be_a_physician_at_the_listed_health_centre(
    health_centre: Unit, person: Person
) -> None:
    # given
    other_centre = UnitFactory(type="primarvard")
    doctor_elsewhere = _staff_at(other_centre, profession="lakare")
    person.listed_at = health_centre
    person.save()
    nurse = _staff_at(health_centre, profession="sjukskoterska")
    # the person has a relationship with the other centre too, through an old-style contact
    ContactFactory(
        person=person, unit=other_centre, staff=doctor_elsewhere, kind="behandlande_roll"
    )
    before = _state()

    # when
    with pytest.raises(AppointmentRefused) as at_other:
        contact_appoint(
            actor=_manager(other_centre),
            person_pk=person.pk,
            kind="fast_lakarkontakt",
            staff_pk=doctor_elsewhere.pk,
            unit_pk=other_centre.pk,
            start=TODAY,
            as_of=TODAY,
        )
    with pytest.raises(AppointmentRefused) as not_physician:
        contact_appoint(
            actor=_manager(health_centre),
            person_pk=person.pk,
            kind="fast_lakarkontakt",
            staff_pk=nurse.pk,
            unit_pk=health_centre.pk,
            start=TODAY,
            as_of=TODAY,
        )

    # then
    assert [p.rule for p in at_other.value.problems] == ["lakarkontakt-listed-unit"]
    assert [p.rule for p in not_physician.value.problems] == ["lakarkontakt-profession"]
    assert _state() == before


@pytest.mark.django_db
def test_a_second_coordinating_contact_must_take_over_coordination_explicitly(
    health_centre: Unit, person: Person
) -> None:
    # given
    first = _staff_at(health_centre, name="Första")
    second = _staff_at(health_centre, name="Andra")
    actor = _manager(health_centre)
    old = contact_appoint(
        actor=actor,
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=first.pk,
        unit_pk=health_centre.pk,
        start=TODAY - timedelta(days=30),
        coordinating=True,
        as_of=TODAY,
    )
    before = _state()

    # when: a plain second coordinating contact
    with pytest.raises(AppointmentRefused) as refused:
        contact_appoint(
            actor=actor,
            person_pk=person.pk,
            kind="fast_vardkontakt",
            staff_pk=second.pk,
            unit_pk=health_centre.pk,
            start=TODAY,
            coordinating=True,
            as_of=TODAY,
        )

    # then
    assert [p.rule for p in refused.value.problems] == ["one-coordinator"]
    assert _state() == before

    # when: taking it over explicitly
    new = contact_appoint(
        actor=actor,
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=second.pk,
        unit_pk=health_centre.pk,
        start=TODAY,
        coordinating=True,
        takes_over_coordination_from_pk=old.pk,
        as_of=TODAY,
    )

    # then: the first keeps coordinating until yesterday and goes on without it from today
    old.refresh_from_db()
    assert (old.coordinating, old.end, old.end_reason) == (
        True, TODAY - timedelta(days=1), "samordning_overford"
    )
    continuation = Contact.objects.get(person=person, staff=first, start=TODAY)
    assert (continuation.coordinating, continuation.end, continuation.kind) == (
        False, None, "fast_vardkontakt"
    )
    assert Contact.objects.get(pk=new.pk).coordinating is True
    assert _coordinators_by_day(person, TODAY - timedelta(days=5), TODAY + timedelta(days=5)) == [
        1
    ] * 11


def _coordinators_by_day(person: Person, first: date, last: date) -> list[int]:
    """How many coordinating fast vårdkontakter the person has on each day."""
    contacts = list(Contact.objects.filter(person=person, kind="fast_vardkontakt",
                                           coordinating=True))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [
        sum(1 for c in contacts if c.start <= day and (c.end is None or day <= c.end))
        for day in days
    ]


@pytest.mark.django_db
def test_a_takeover_that_starts_later_moves_the_flag_on_its_date(
    health_centre: Unit, person: Person
) -> None:
    # given a coordinating contact, informed, and a takeover starting in ten days
    first = _staff_at(health_centre, name="Första")
    second = _staff_at(health_centre, name="Andra")
    actor = _manager(health_centre)
    old = contact_appoint(
        actor=actor, person_pk=person.pk, kind="fast_vardkontakt", staff_pk=first.pk,
        unit_pk=health_centre.pk, start=TODAY - timedelta(days=30), coordinating=True,
        as_of=TODAY,
    )
    Contact.objects.filter(pk=old.pk).update(informed=TODAY - timedelta(days=20))
    later = TODAY + timedelta(days=10)

    # when
    contact_appoint(
        actor=actor, person_pk=person.pk, kind="fast_vardkontakt", staff_pk=second.pk,
        unit_pk=health_centre.pk, start=later, coordinating=True,
        takes_over_coordination_from_pk=old.pk, as_of=TODAY,
    )

    # then: exactly one coordinates on every day, before and after the takeover
    assert _coordinators_by_day(person, TODAY - timedelta(days=30), later + timedelta(days=30)) \
        == [1] * 71
    # and the first holder stays the person's fast vårdkontakt, already informed
    held = Contact.objects.filter(person=person, staff=first).order_by("start")
    assert [(c.start, c.end, c.coordinating, c.informed) for c in held] == [
        (TODAY - timedelta(days=30), later - timedelta(days=1), True,
         TODAY - timedelta(days=20)),
        (later, None, False, TODAY - timedelta(days=20)),
    ]


@pytest.mark.django_db
def test_replacing_a_contact_ends_the_old_one_the_day_before(
    health_centre: Unit, person: Person
) -> None:
    # given
    first = _staff_at(health_centre)
    second = _staff_at(health_centre)
    actor = _manager(health_centre)
    old = contact_appoint(
        actor=actor,
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=first.pk,
        unit_pk=health_centre.pk,
        start=TODAY - timedelta(days=30),
        as_of=TODAY,
    )

    # when
    contact_appoint(
        actor=actor,
        person_pk=person.pk,
        kind="fast_vardkontakt",
        staff_pk=second.pk,
        unit_pk=health_centre.pk,
        start=TODAY,
        replaces_pk=old.pk,
        as_of=TODAY,
    )

    # then
    old.refresh_from_db()
    assert old.end == TODAY - timedelta(days=1)


@pytest.mark.django_db
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(
    health_centre: Unit, person: Person
) -> None:
    # given
    nurse = _staff_at(health_centre)
    before = _state()

    # when
    with pytest.raises(InvalidInput) as invalid:
        contact_appoint(
            actor=_manager(health_centre),
            person_pk=person.pk,
            kind="fast_kompis",
            staff_pk=nurse.pk,
            unit_pk=health_centre.pk,
            start=date(1999, 1, 1),
            reason="lust",
            local_title="x" * 201,
            as_of=TODAY,
        )

    # then
    assert sorted(p.path for p in invalid.value.problems) == [
        "kind",
        "local_title",
        "reason",
        "start",
    ]
    assert _state() == before


@pytest.mark.django_db
def test_unknown_staff_or_unit_is_invalid_input(health_centre: Unit, person: Person) -> None:
    # given
    actor = _manager(health_centre)

    # when / then
    with pytest.raises(InvalidInput, match="Medarbetaren finns inte"):
        contact_appoint(
            actor=actor,
            person_pk=person.pk,
            kind="fast_vardkontakt",
            staff_pk=999_999,
            unit_pk=health_centre.pk,
            start=TODAY,
            as_of=TODAY,
        )
    with pytest.raises(InvalidInput, match="Enheten finns inte"):
        contact_appoint(
            actor=actor,
            person_pk=person.pk,
            kind="fast_vardkontakt",
            staff_pk=1,
            unit_pk=999_999,
            start=TODAY,
            as_of=TODAY,
        )


@pytest.mark.django_db
def test_staff_without_a_managers_role_may_not_appoint(health_centre: Unit, person: Person) -> None:
    # given
    nurse = _staff_at(health_centre)
    staff_actor = _manager(health_centre, Role.STAFF)
    before = _state()

    # when / then
    with pytest.raises(NotAllowed):
        contact_appoint(
            actor=staff_actor,
            person_pk=person.pk,
            kind="fast_vardkontakt",
            staff_pk=nurse.pk,
            unit_pk=health_centre.pk,
            start=TODAY,
            as_of=TODAY,
        )
    assert _state() == before


@pytest.mark.django_db
def test_a_person_outside_the_care_relationship_is_not_found_and_the_attempt_logged(
    health_centre: Unit,
) -> None:
    # given
    stranger = PersonFactory()
    nurse = _staff_at(health_centre)
    before = _state()

    # when / then
    with pytest.raises(NotFound):
        contact_appoint(
            actor=_manager(health_centre),
            person_pk=stranger.pk,
            kind="fast_vardkontakt",
            staff_pk=nurse.pk,
            unit_pk=health_centre.pk,
            start=TODAY,
            as_of=TODAY,
        )
    assert _state() == before
    assert list(AccessLogEntry.objects.values_list("personal_id", "action", "what")) == [
        (stranger.personal_id, "denied", "contact.appoint")
    ]


@pytest.mark.django_db
def test_ending_a_contact_records_the_last_day_and_the_reason(
    health_centre: Unit, person: Person
) -> None:
    # given
    contact = ContactFactory(person=person, unit=health_centre, start=date(2026, 1, 1))

    # when
    contact_end(
        actor=_manager(health_centre),
        contact_pk=contact.pk,
        end=TODAY,
        end_reason="personens_onskan",
        as_of=TODAY,
    )

    # then
    contact.refresh_from_db()
    assert (contact.end, contact.end_reason) == (TODAY, "personens_onskan")
    assert _writes() == [(person.personal_id, "contact.end", health_centre.hsa_id)]


@pytest.mark.django_db
def test_ending_before_the_start_or_without_a_reason_is_refused(
    health_centre: Unit, person: Person
) -> None:
    # given
    contact = ContactFactory(person=person, unit=health_centre, start=date(2026, 6, 1))
    before = _state()

    # when
    with pytest.raises(InvalidInput) as invalid:
        contact_end(
            actor=_manager(health_centre),
            contact_pk=contact.pk,
            end=date(2026, 5, 31),
            end_reason="",
            as_of=TODAY,
        )

    # then
    assert sorted(p.path for p in invalid.value.problems) == ["end", "end_reason"]
    assert _state() == before


@pytest.mark.django_db
def test_handover_gives_every_contact_a_successor_in_one_go() -> None:
    # given
    home_care = UnitFactory(type="hemtjanst", name="Hemtjänsten Öst")
    leaving = _staff_at(home_care, name="Lena Slutar", profession="underskoterska")
    successor_a = _staff_at(home_care, name="Anna Efter", profession="underskoterska")
    successor_b = _staff_at(home_care, name="Bo Efter", profession="underskoterska")
    people = [PersonFactory(name=f"Kund {n}") for n in range(3)]
    contacts = [
        ContactFactory(person=p, unit=home_care, staff=leaving, kind="fast_omsorgskontakt")
        for p in people
    ]
    actor = _manager(home_care)
    effective = TODAY + timedelta(days=7)

    # when
    handover = contact_handover(
        actor=actor,
        staff_pk=leaving.pk,
        reason="medarbetaren_slutar",
        effective=effective,
        successors={
            contacts[0].pk: successor_a.pk,
            contacts[1].pk: successor_b.pk,
            contacts[2].pk: successor_a.pk,
        },
        as_of=TODAY,
    )

    # then
    items = list(handover.items.order_by("previous__person_id"))
    assert [(i.previous_id, i.successor.staff_id) for i in items] == [
        (contacts[0].pk, successor_a.pk),
        (contacts[1].pk, successor_b.pk),
        (contacts[2].pk, successor_a.pk),
    ]
    for contact in contacts:
        contact.refresh_from_db()
        assert (contact.end, contact.end_reason) == (
            effective - timedelta(days=1),
            "medarbetaren_slutar",
        )
    assert all(
        (i.successor.start, i.successor.reason, i.successor.handover_id)
        == (effective, "overlamning", handover.pk)
        for i in items
    )
    assert sorted(pid for pid, what, _ in _writes() if what == "contact.handover") == sorted(
        p.personal_id for p in people
    )


@pytest.mark.django_db
def test_a_handover_with_one_refused_successor_saves_nothing() -> None:
    # given
    home_care = UnitFactory(type="hemtjanst")
    leaving = _staff_at(home_care, profession="underskoterska")
    good = _staff_at(home_care, profession="underskoterska")
    nurse = _staff_at(home_care, profession="sjukskoterska")
    first, second = (
        ContactFactory(unit=home_care, staff=leaving, kind="fast_omsorgskontakt") for _ in range(2)
    )
    before = _state()

    # when
    with pytest.raises(HandoverRefused) as refused:
        contact_handover(
            actor=_manager(home_care),
            staff_pk=leaving.pk,
            reason="lang_franvaro",
            effective=TODAY,
            successors={first.pk: good.pk, second.pk: nurse.pk},
            as_of=TODAY,
        )

    # then
    assert {pk: [p.rule for p in found] for pk, found in refused.value.by_contact.items()} == {
        second.pk: ["omsorgskontakt-profession"]
    }
    assert _state() == before
    assert _writes() == []


@pytest.mark.django_db
def test_a_handover_of_someone_elses_contact_is_invalid() -> None:
    # given
    unit = UnitFactory()
    leaving = _staff_at(unit)
    other = ContactFactory(unit=unit)
    before = _state()

    # when / then
    with pytest.raises(InvalidInput, match="inte medarbetarens"):
        contact_handover(
            actor=_manager(unit),
            staff_pk=leaving.pk,
            reason="medarbetaren_slutar",
            effective=TODAY,
            successors={other.pk: _staff_at(unit).pk},
            as_of=TODAY,
        )
    assert _state() == before


@pytest.mark.django_db
def test_candidates_are_ranked_by_fit_with_staff_pks_and_refused_ones_last(
    health_centre: Unit, person: Person
) -> None:
    # given
    person.needs = ["stort_omvardnadsbehov"]
    person.save()
    specialist = _staff_at(health_centre, name="Sara Special", profession="specialistsjukskoterska")
    nurse = _staff_at(health_centre, name="Nils Vanlig", profession="sjukskoterska")
    busy = _staff_at(health_centre, name="Bea Upptagen", profession="sjukskoterska")
    not_eligible = _staff_at(health_centre, name="Ingen Valbar", eligible=False)
    for _ in range(3):
        ContactFactory(staff=busy, unit=health_centre)

    # when
    ranked = appointment_candidates(
        actor=_manager(health_centre),
        person_pk=person.pk,
        kind="fast_vardkontakt",
        unit_pk=health_centre.pk,
        as_of=TODAY,
    )

    # then
    assert [pk for pk, _ in ranked] == [specialist.pk, nurse.pk, busy.pk, not_eligible.pk]
    assert "stort omvårdnadsbehov" in ranked[0][1].reason
    assert ranked[2][1].fit.caseload == 3
    # the national policy has no register of selectable staff: ranked last, not refused
    assert ranked[-1][1].refused is False
    assert "inte valbar" in ranked[-1][1].reason


@pytest.mark.django_db
def test_caseload_counts_people_with_current_contacts_only() -> None:
    # given
    staff = StaffFactory()
    person = PersonFactory()
    ContactFactory(staff=staff, person=person, kind="fast_vardkontakt")
    ContactFactory(staff=staff, person=person, kind="behandlande_roll")
    ContactFactory(staff=staff, end=date(2026, 2, 1))
    ContactFactory(staff=staff, start=TODAY + timedelta(days=3))

    # when
    counts = staff_caseload_counts(on=TODAY, staff_pks=[staff.pk])

    # then
    assert counts == {staff.pk: 1}


@pytest.mark.django_db
def test_a_person_with_a_handover_can_be_reloaded_from_a_file() -> None:
    # given: a handover, then the registry exported as a scenario
    home_care = UnitFactory(type="hemtjanst")
    leaving = _staff_at(home_care, profession="underskoterska")
    successor = _staff_at(home_care, profession="underskoterska")
    contact = ContactFactory(unit=home_care, staff=leaving, kind="fast_omsorgskontakt")
    contact_handover(
        actor=_manager(home_care),
        staff_pk=leaving.pk,
        reason="medarbetaren_slutar",
        effective=TODAY,
        successors={contact.pk: successor.pk},
        as_of=TODAY,
    )
    exported = scenario_export(as_of=TODAY)

    # when: the file is loaded back (which replaces the person's contacts)
    scenario_load(scenario=exported)

    # then: the same contacts, and the handover record went with the replaced rows
    assert sorted(Contact.objects.values_list("staff_id", "start", "end")) == [
        (leaving.pk, contact.start, TODAY - timedelta(days=1)),
        (successor.pk, TODAY, None),
    ]
    assert HandoverItem.objects.count() == 0


@pytest.mark.django_db
def test_a_handover_to_an_unknown_successor_is_one_clear_problem() -> None:
    # given
    unit = UnitFactory()
    leaving = _staff_at(unit)
    contact = ContactFactory(unit=unit, staff=leaving)
    before = _state()

    # when
    with pytest.raises(InvalidInput) as invalid:
        contact_handover(
            actor=_manager(unit),
            staff_pk=leaving.pk,
            reason="medarbetaren_slutar",
            effective=TODAY,
            successors={contact.pk: 999_999},
            as_of=TODAY,
        )

    # then
    assert [(p.path, p.message) for p in invalid.value.problems] == [
        ("successors", "En vald efterträdare finns inte.")
    ]
    assert _state() == before


@pytest.mark.django_db
def test_a_handover_of_the_coordinating_contact_keeps_exactly_one_coordinator(
    health_centre: Unit, person: Person
) -> None:
    # given the coordinating fast vårdkontakt leaves in a week
    leaving = _staff_at(health_centre, name="Lämnar")
    successor = _staff_at(health_centre, name="Efterträder")
    actor = _manager(health_centre)
    held = contact_appoint(
        actor=actor, person_pk=person.pk, kind="fast_vardkontakt", staff_pk=leaving.pk,
        unit_pk=health_centre.pk, start=TODAY - timedelta(days=60), coordinating=True,
        as_of=TODAY,
    )
    effective = TODAY + timedelta(days=7)

    # when
    contact_handover(
        actor=actor, staff_pk=leaving.pk, reason="medarbetaren_slutar", effective=effective,
        successors={held.pk: successor.pk}, as_of=TODAY,
    )

    # then one coordinator on every day, and the successor holds it from the handover's date
    days = _coordinators_by_day(person, TODAY - timedelta(days=60), effective + timedelta(days=30))
    assert days == [1] * 98
    new = Contact.objects.get(person=person, staff=successor)
    assert (new.start, new.coordinating) == (effective, True)
