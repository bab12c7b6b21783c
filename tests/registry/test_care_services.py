"""Recording home care, discharge, SIPs and information transfers (registry.services.care)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.domain.errors import InvalidInput, NotAllowed, NotFound
from fastkontakt.registry.models import (
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    Sip,
    Staff,
    Unit,
)
from fastkontakt.registry.services.care import (
    care_overview_get,
    home_care_decision_record,
    home_care_no_contact_reason_record,
    implementation_plan_establish,
    implementation_plan_revise,
    implementation_plan_update_record,
    information_transfer_record,
    inpatient_stay_admit,
    inpatient_stay_discharge,
    inpatient_stay_notice_record,
    inpatient_stay_ready_record,
    sip_coordinator_set,
    sip_create,
    sip_invitation_record,
)
from tests.conftest import RegistryState
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory

TODAY = date(2026, 11, 22)
D = date.fromisoformat


def actor_with(*roles: tuple[str, Unit], name: str = "kim") -> Actor:
    units = {unit.pk: unit.hsa_id for _, unit in roles}
    return Actor(
        user_id=None,
        username=name,
        memberships=frozenset((role, unit.pk) for role, unit in roles),
        unit_hsa_ids=tuple(sorted(units.items(), key=lambda u: u[1])),
    )


@dataclass
class World:
    home_care: Unit
    health_centre: Unit
    other_centre: Unit
    ward: Unit
    usk: Staff
    nurse: Staff
    elsa: Person
    """Listed at the health centre; 86 years old."""
    stranger: Person
    coordinator: Actor
    """Coordinator at the home-care unit and staff at the health centre."""


@pytest.fixture
def world() -> World:
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    health_centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    other_centre = UnitFactory(name="Vårdcentralen Syd", type="primarvard")
    ward = UnitFactory(name="Medicinavdelning 3", type="slutenvard")
    usk = StaffFactory(name="Maja Undersköterska", profession="underskoterska", licensed=False)
    usk.units.add(home_care)
    nurse = StaffFactory(name="Karin Sköterska")
    nurse.units.add(health_centre)
    elsa = PersonFactory(name="Elsa Ek", listed_at=health_centre)
    stranger = PersonFactory(name="Olle Berg", listed_at=other_centre)
    coordinator = actor_with((Role.COORDINATOR, home_care), (Role.STAFF, health_centre))
    return World(
        home_care, health_centre, other_centre, ward, usk, nurse, elsa, stranger, coordinator
    )


def writes() -> list[tuple[str, str, str, str, str]]:
    """(username, unit HSA-id, personnummer, what, basis) of every logged write."""
    return list(
        AccessLogEntry.objects.filter(action="write")
        .order_by("seq")
        .values_list("username", "unit", "personal_id", "what", "basis")
    )


def problems(error: InvalidInput) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in error.problems]


def refused(
    call: Callable[[], object], registry_state: Callable[[], RegistryState]
) -> list[tuple[str, str]]:
    """Run a call that must be refused for bad input; check that nothing was saved or logged."""
    before, logged = registry_state(), writes()
    with pytest.raises(InvalidInput) as error:
        call()
    assert registry_state() == before
    assert writes() == logged
    return problems(error.value)


def decision(world: World, **fields: Any) -> HomeCareDecision:
    values: dict[str, Any] = {
        "person": world.elsa,
        "unit": world.home_care,
        "start": D("2026-10-01"),
        "services": ["personlig_omvardnad"],
    }
    return HomeCareDecision.objects.create(**{**values, **fields})


def omsorgskontakt(world: World) -> None:
    ContactFactory(
        person=world.elsa,
        kind="fast_omsorgskontakt",
        staff=world.usk,
        unit=world.home_care,
        start=D("2026-10-02"),
    )


# --- home-care decisions ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_home_care_decision_is_recorded_and_its_write_logged(world: World) -> None:
    # when
    recorded = home_care_decision_record(
        actor=world.coordinator,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        start=D("2026-11-01"),
        end=D("2027-04-30"),
        services=["inkop", "personlig_omvardnad", "dusch"],
        as_of=TODAY,
    )

    # then
    row = HomeCareDecision.objects.get()
    assert row.pk == recorded.pk
    assert (
        row.person_id,
        row.unit_id,
        row.start,
        row.end,
        row.services,
        row.no_contact_reason,
    ) == (
        world.elsa.pk,
        world.home_care.pk,
        D("2026-11-01"),
        D("2027-04-30"),
        ["personlig_omvardnad", "inkop", "dusch"],
        "",
    )
    assert writes() == [
        (
            "kim",
            world.home_care.hsa_id,
            world.elsa.personal_id,
            "home_care_decision.record",
            "care_relationship",
        )
    ]
    rules = [f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)]
    assert rules == ["home-care-contact", "plan-initial-update"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"services": []}, [("services", "Välj minst en beviljad insats.")]),
        ({"services": ["massage"]}, [("services", "Okända insatser: massage.")]),
        (
            {"end": D("2026-10-31")},
            [("end", "Slutdatum kan inte vara före startdatum.")],
        ),
        (
            {"start": D("2027-11-24")},
            [("start", "Startdatum får ligga högst ett år framåt i tiden.")],
        ),
        (
            {"no_contact_reason": " bara köp "},
            [("no_contact_reason", "Beskriv skälet med minst 10 tecken.")],
        ),
    ],
)
def test_a_bad_home_care_decision_is_refused_and_nothing_saved(
    world: World,
    registry_state: Callable[[], RegistryState],
    fields: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    # given
    values: dict[str, Any] = {
        "actor": world.coordinator,
        "person_pk": world.elsa.pk,
        "unit_pk": world.home_care.pk,
        "start": D("2026-11-01"),
        "services": ["personlig_omvardnad"],
        "as_of": TODAY,
    }

    # when
    found = refused(lambda: home_care_decision_record(**{**values, **fields}), registry_state)

    # then
    assert found == expected


@pytest.mark.django_db
def test_a_home_care_decision_must_be_at_a_home_care_unit_and_not_overlap_another(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    decision(world, end=D("2026-12-31"))
    actor = actor_with((Role.COORDINATOR, world.home_care), (Role.COORDINATOR, world.health_centre))

    def record(unit: Unit, start: date) -> object:
        return home_care_decision_record(
            actor=actor,
            person_pk=world.elsa.pk,
            unit_pk=unit.pk,
            start=start,
            services=["dusch"],
            as_of=TODAY,
        )

    # when
    wrong_unit = refused(lambda: record(world.health_centre, D("2027-01-01")), registry_state)
    overlapping = refused(lambda: record(world.home_care, D("2026-12-31")), registry_state)
    record(world.home_care, D("2027-01-01"))

    # then
    assert wrong_unit == [("unit", "Vårdcentralen Norr är inte en hemtjänstenhet.")]
    assert overlapping == [
        (
            "start",
            "Personen har redan ett biståndsbeslut vid Hemtjänst Centrum under en del av "
            "perioden (2026-10-01–2026-12-31).",
        )
    ]
    assert HomeCareDecision.objects.count() == 2


@pytest.mark.django_db
def test_recording_a_decision_needs_a_deciding_role_at_the_unit(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    staff_only = actor_with((Role.STAFF, world.home_care), (Role.STAFF, world.health_centre))
    before = registry_state()

    # when
    with pytest.raises(NotAllowed):
        home_care_decision_record(
            actor=staff_only,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            start=D("2026-11-01"),
            services=["dusch"],
            as_of=TODAY,
        )

    # then
    assert registry_state() == before
    assert writes() == []
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_recording_for_a_person_outside_the_care_relationship_is_not_found(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    before = registry_state()

    # when
    with pytest.raises(NotFound):
        home_care_decision_record(
            actor=world.coordinator,
            person_pk=world.stranger.pk,
            unit_pk=world.home_care.pk,
            start=D("2026-11-01"),
            services=["dusch"],
            as_of=TODAY,
        )

    # then
    assert registry_state() == before
    assert writes() == []
    denied = AccessLogEntry.objects.get()
    assert (denied.personal_id, denied.action, denied.flags) == (
        world.stranger.personal_id,
        "denied",
        "no_relationship",
    )


@pytest.mark.django_db
def test_a_documented_reason_ends_the_call_for_a_fast_omsorgskontakt(world: World) -> None:
    # given
    recorded = decision(world)

    # when
    home_care_no_contact_reason_record(
        actor=world.coordinator,
        person_pk=world.elsa.pk,
        decision_pk=recorded.pk,
        reason="  Klarar sig själv; insatsen är enbart tillsyn en gång i veckan. ",
        as_of=TODAY,
    )

    # then
    recorded.refresh_from_db()
    assert recorded.no_contact_reason == (
        "Klarar sig själv; insatsen är enbart tillsyn en gång i veckan."
    )
    assert writes() == [
        (
            "kim",
            world.home_care.hsa_id,
            world.elsa.personal_id,
            "home_care_decision.no_contact_reason",
            "care_relationship",
        )
    ]
    rules = [f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)]
    assert "home-care-contact" not in rules


@pytest.mark.django_db
def test_a_no_contact_reason_is_refused_when_short_already_there_or_a_contact_exists(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    documented = decision(world, no_contact_reason="Endast matdistribution i praktiken.")
    other_unit = UnitFactory(name="Hemtjänst Norr", type="hemtjanst")
    with_contact = decision(world, unit=other_unit)
    ContactFactory(person=world.elsa, kind="fast_omsorgskontakt", staff=world.usk, unit=other_unit)
    actor = actor_with((Role.COORDINATOR, world.home_care), (Role.COORDINATOR, other_unit))

    def record(pk: int, reason: str = "Behöver ingen fast omsorgskontakt.") -> object:
        return home_care_no_contact_reason_record(
            actor=actor, person_pk=world.elsa.pk, decision_pk=pk, reason=reason, as_of=TODAY
        )

    # when / then
    assert refused(lambda: record(documented.pk, "kort"), registry_state) == [
        ("reason", "Beskriv skälet med minst 10 tecken.")
    ]
    assert refused(lambda: record(documented.pk), registry_state) == [
        ("reason", "Ett skäl är redan dokumenterat för beslutet.")
    ]
    assert refused(lambda: record(with_contact.pk), registry_state) == [
        (
            "reason",
            "Personen har en fast omsorgskontakt vid enheten; avsluta uppdraget först om den "
            "inte behövs.",
        )
    ]
    assert refused(lambda: record(documented.pk + 1000), registry_state) == [
        ("decision", "Biståndsbeslutet finns inte hos personen.")
    ]


@pytest.mark.django_db
def test_a_no_contact_reason_needs_a_deciding_role_at_the_decisions_unit(world: World) -> None:
    # given
    recorded = decision(world)
    staff_only = actor_with((Role.STAFF, world.home_care))

    # when
    with pytest.raises(NotAllowed):
        home_care_no_contact_reason_record(
            actor=staff_only,
            person_pk=world.elsa.pk,
            decision_pk=recorded.pk,
            reason="Behöver ingen fast omsorgskontakt.",
            as_of=TODAY,
        )

    # then
    recorded.refresh_from_db()
    assert recorded.no_contact_reason == ""
    assert writes() == []


# --- the implementation plan -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_is_drawn_up_updated_by_the_omsorgskontakt_and_revised(world: World) -> None:
    # given
    decision(world)
    omsorgskontakt(world)
    usk = actor_with((Role.STAFF, world.home_care), name="maja")

    # when
    implementation_plan_establish(
        actor=usk,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        established=D("2026-10-01"),
        as_of=TODAY,
    )
    implementation_plan_update_record(
        actor=usk,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        updated=D("2026-10-12"),
        as_of=TODAY,
    )
    implementation_plan_revise(
        actor=usk,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        revised=D("2026-11-20"),
        as_of=TODAY,
    )

    # then
    plan = ImplementationPlan.objects.get()
    assert (plan.person_id, plan.established, plan.updated_by_contact) == (
        world.elsa.pk,
        D("2026-10-01"),
        D("2026-10-12"),
    )
    assert list(PlanRevision.objects.values_list("plan_id", "date")) == [(plan.pk, D("2026-11-20"))]
    assert [w[3] for w in writes()] == [
        "implementation_plan.establish",
        "implementation_plan.update",
        "implementation_plan.revise",
    ]
    assert {w[:3] for w in writes()} == {("maja", world.home_care.hsa_id, world.elsa.personal_id)}
    rules = [f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)]
    assert "plan-initial-update" not in rules


@pytest.mark.django_db
def test_a_plan_is_refused_in_the_future_without_a_decision_or_twice(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    def establish(day: date) -> object:
        return implementation_plan_establish(
            actor=world.coordinator,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            established=day,
            as_of=TODAY,
        )

    # when / then
    assert refused(lambda: establish(D("2026-11-23")), registry_state) == [
        (
            "established",
            "Datum för första mötet kan inte ligga i framtiden (i dag är det 2026-11-22).",
        )
    ]
    assert refused(lambda: establish(D("2026-10-01")), registry_state) == [
        ("unit", "Personen har inget biståndsbeslut vid Hemtjänst Centrum.")
    ]
    decision(world)
    assert refused(lambda: establish(D("2026-09-30")), registry_state) == [
        (
            "established",
            "Personen hade inget biståndsbeslut vid Hemtjänst Centrum den 2026-09-30; planen "
            "upprättas vid första mötet inom beslutet.",
        )
    ]
    establish(D("2026-10-01"))
    assert refused(lambda: establish(D("2026-10-02")), registry_state) == [
        (
            "established",
            "Personen har redan en genomförandeplan (upprättad 2026-10-01); registrera en "
            "revidering i stället.",
        )
    ]


@pytest.mark.django_db
def test_a_plan_update_needs_a_plan_a_later_date_and_a_fast_omsorgskontakt(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    decision(world)

    def update(day: date) -> object:
        return implementation_plan_update_record(
            actor=world.coordinator,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            updated=day,
            as_of=TODAY,
        )

    # when / then
    assert refused(lambda: update(D("2026-10-10")), registry_state) == [
        (
            "updated",
            "Personen har ingen genomförandeplan; registrera först planen från första mötet.",
        )
    ]
    ImplementationPlan.objects.create(person=world.elsa, established=D("2026-10-05"))
    assert refused(lambda: update(D("2026-10-04")), registry_state) == [
        ("updated", "Uppdateringen kan inte vara före planen upprättades (2026-10-05).")
    ]
    assert refused(lambda: update(D("2026-10-10")), registry_state) == [
        (
            "updated",
            "Personen hade ingen fast omsorgskontakt vid Hemtjänst Centrum den 2026-10-10; "
            "uppdateringen görs av den fasta omsorgskontakten.",
        )
    ]
    omsorgskontakt(world)
    assert refused(lambda: update(D("2026-11-23")), registry_state) == [
        (
            "updated",
            "Datum för uppdateringen kan inte ligga i framtiden (i dag är det 2026-11-22).",
        )
    ]
    update(D("2026-10-10"))
    assert refused(lambda: update(D("2026-10-11")), registry_state) == [
        (
            "updated",
            "Den fasta omsorgskontaktens uppdatering är redan registrerad (2026-10-10); "
            "registrera en revidering i stället.",
        )
    ]


@pytest.mark.django_db
def test_a_revision_must_follow_the_plan_and_the_latest_revision(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    decision(world)
    plan = ImplementationPlan.objects.create(person=world.elsa, established=D("2026-10-05"))
    PlanRevision.objects.create(plan=plan, date=D("2026-11-01"))

    def revise(day: date) -> object:
        return implementation_plan_revise(
            actor=world.coordinator,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            revised=day,
            as_of=TODAY,
        )

    # when / then
    assert refused(lambda: revise(D("2026-10-04")), registry_state) == [
        ("revised", "Revideringen kan inte vara före planen upprättades (2026-10-05).")
    ]
    assert refused(lambda: revise(D("2026-11-01")), registry_state) == [
        (
            "revised",
            "Senaste registrerade revidering är 2026-11-01; en ny revidering måste vara senare.",
        )
    ]
    assert refused(lambda: revise(D("2026-11-23")), registry_state) == [
        ("revised", "Datum för revideringen kan inte ligga i framtiden (i dag är det 2026-11-22).")
    ]


@pytest.mark.django_db
def test_plan_events_need_a_role_at_the_home_care_unit(world: World) -> None:
    # given
    decision(world)
    nurse = actor_with((Role.STAFF, world.health_centre))

    # when
    with pytest.raises(NotAllowed):
        implementation_plan_establish(
            actor=nurse,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            established=D("2026-10-01"),
            as_of=TODAY,
        )

    # then
    assert ImplementationPlan.objects.count() == 0
    assert writes() == []


# --- inpatient stays and discharge -----------------------------------------------------------


@pytest.mark.django_db
def test_an_admission_notice_ready_notice_and_discharge_are_recorded(world: World) -> None:
    # given: the health centre records the admission notice it received
    nurse = actor_with((Role.STAFF, world.health_centre), name="karin")

    # when
    stay = inpatient_stay_admit(
        actor=nurse,
        person_pk=world.elsa.pk,
        unit_pk=world.ward.pk,
        admitted=D("2026-11-10"),
        outpatient_unit_pk=world.health_centre.pk,
        needs_municipal_care=True,
        as_of=TODAY,
    )
    inpatient_stay_ready_record(
        actor=nurse, person_pk=world.elsa.pk, stay_pk=stay.pk, ready=D("2026-11-18"), as_of=TODAY
    )
    inpatient_stay_discharge(
        actor=nurse,
        person_pk=world.elsa.pk,
        stay_pk=stay.pk,
        discharged=D("2026-11-20"),
        as_of=TODAY,
    )

    # then
    row = InpatientStay.objects.get()
    assert (
        row.person_id,
        row.unit_id,
        row.admitted,
        row.outpatient_unit_id,
        row.needs_municipal_care,
        row.ready_for_discharge,
        row.discharged,
    ) == (
        world.elsa.pk,
        world.ward.pk,
        D("2026-11-10"),
        world.health_centre.pk,
        True,
        D("2026-11-18"),
        D("2026-11-20"),
    )
    assert writes() == [
        ("karin", world.health_centre.hsa_id, world.elsa.personal_id, what, "care_relationship")
        for what in ("inpatient_stay.admit", "inpatient_stay.ready", "inpatient_stay.discharge")
    ]
    rules = {f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)}
    assert {"discharge-contact", "discharge-sip-invitation"} <= rules


@pytest.mark.django_db
def test_the_admission_notice_is_recorded_on_a_stay_by_the_ward(world: World) -> None:
    # given
    stay = InpatientStay.objects.create(
        person=world.elsa, unit=world.ward, admitted=D("2026-11-10")
    )
    ward_nurse = actor_with((Role.STAFF, world.ward), name="sara")

    # when
    inpatient_stay_notice_record(
        actor=ward_nurse,
        person_pk=world.elsa.pk,
        stay_pk=stay.pk,
        outpatient_unit_pk=world.health_centre.pk,
        needs_municipal_care=True,
        as_of=TODAY,
    )

    # then
    stay.refresh_from_db()
    assert (stay.outpatient_unit_id, stay.needs_municipal_care) == (world.health_centre.pk, True)
    assert writes() == [
        (
            "sara",
            world.ward.hsa_id,
            world.elsa.personal_id,
            "inpatient_stay.notice",
            "care_relationship",
        )
    ]


@pytest.mark.django_db
def test_a_bad_admission_is_refused_and_nothing_saved(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    nurse = actor_with((Role.STAFF, world.health_centre), (Role.STAFF, world.ward))

    def admit(day: date, unit: Unit | None = None, outpatient: Unit | None = None) -> object:
        return inpatient_stay_admit(
            actor=nurse,
            person_pk=world.elsa.pk,
            unit_pk=(unit or world.ward).pk,
            admitted=day,
            outpatient_unit_pk=outpatient.pk if outpatient else None,
            as_of=TODAY,
        )

    # when / then
    assert refused(lambda: admit(D("2026-11-23")), registry_state) == [
        ("admitted", "Inskrivningsdatum kan inte ligga i framtiden (i dag är det 2026-11-22).")
    ]
    assert refused(lambda: admit(D("2026-11-10"), unit=world.health_centre), registry_state) == [
        ("unit", "Vårdcentralen Norr är inte en slutenvårdsenhet.")
    ]
    assert refused(lambda: admit(D("2026-11-10"), outpatient=world.home_care), registry_state) == [
        (
            "outpatient_unit",
            "Hemtjänst Centrum är inte en regionfinansierad öppenvårdsenhet (primärvård eller "
            "specialiserad öppenvård); inskrivningsmeddelandet går till en sådan.",
        )
    ]
    InpatientStay.objects.create(
        person=world.elsa, unit=world.ward, admitted=D("2026-09-01"), discharged=D("2026-09-10")
    )
    assert refused(lambda: admit(D("2026-09-10")), registry_state) == [
        ("admitted", "Datumet ligger inom ett tidigare vårdtillfälle (2026-09-01–2026-09-10).")
    ]
    InpatientStay.objects.create(person=world.elsa, unit=world.ward, admitted=D("2026-11-01"))
    assert refused(lambda: admit(D("2026-11-10")), registry_state) == [
        (
            "admitted",
            "Personen är redan inskriven i slutenvård sedan 2026-11-01; registrera "
            "utskrivningen först.",
        )
    ]


@pytest.mark.django_db
def test_an_admission_needs_a_role_at_the_ward_or_the_notified_unit(world: World) -> None:
    # given: staff at the health centre, recording a notice that went elsewhere
    nurse = actor_with((Role.STAFF, world.health_centre))

    # when
    with pytest.raises(NotAllowed):
        inpatient_stay_admit(
            actor=nurse,
            person_pk=world.elsa.pk,
            unit_pk=world.ward.pk,
            admitted=D("2026-11-10"),
            outpatient_unit_pk=world.other_centre.pk,
            as_of=TODAY,
        )

    # then
    assert InpatientStay.objects.count() == 0
    assert writes() == []


@pytest.mark.django_db
def test_ready_and_discharge_dates_must_fit_the_stay(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given: the ward's relationship ends at discharge; the health centre's (listing) stays
    ward_nurse = actor_with((Role.STAFF, world.ward), (Role.STAFF, world.health_centre))
    stay = InpatientStay.objects.create(
        person=world.elsa, unit=world.ward, admitted=D("2026-11-10"), ready_for_discharge=None
    )

    def ready(day: date) -> object:
        return inpatient_stay_ready_record(
            actor=ward_nurse, person_pk=world.elsa.pk, stay_pk=stay.pk, ready=day, as_of=TODAY
        )

    def discharge(day: date) -> object:
        return inpatient_stay_discharge(
            actor=ward_nurse,
            person_pk=world.elsa.pk,
            stay_pk=stay.pk,
            discharged=day,
            as_of=TODAY,
        )

    # when / then
    assert refused(lambda: ready(D("2026-11-09")), registry_state) == [
        ("ready", "Utskrivningsklar kan inte vara före inskrivningen (2026-11-10).")
    ]
    assert refused(lambda: ready(D("2026-11-23")), registry_state) == [
        (
            "ready",
            "Datum för utskrivningsklar kan inte ligga i framtiden (i dag är det 2026-11-22).",
        )
    ]
    assert refused(lambda: discharge(D("2026-11-09")), registry_state) == [
        ("discharged", "Utskrivningen kan inte vara före inskrivningen (2026-11-10).")
    ]
    InpatientStay.objects.filter(pk=stay.pk).update(ready_for_discharge=D("2026-11-15"))
    assert refused(lambda: discharge(D("2026-11-14")), registry_state) == [
        (
            "discharged",
            "Utskrivningen kan inte vara före beskedet om utskrivningsklar (2026-11-15).",
        )
    ]
    InpatientStay.objects.filter(pk=stay.pk).update(discharged=D("2026-11-16"))
    assert refused(lambda: discharge(D("2026-11-17")), registry_state) == [
        ("discharged", "Personen skrevs redan ut 2026-11-16.")
    ]
    assert refused(lambda: ready(D("2026-11-17")), registry_state) == [
        ("ready", "Utskrivningsklar kan inte vara efter utskrivningen (2026-11-16).")
    ]
    assert refused(
        lambda: inpatient_stay_discharge(
            actor=ward_nurse,
            person_pk=world.elsa.pk,
            stay_pk=stay.pk + 1000,
            discharged=D("2026-11-17"),
            as_of=TODAY,
        ),
        registry_state,
    ) == [("stay", "Vårdtillfället finns inte hos personen.")]


@pytest.mark.django_db
def test_stay_notices_need_a_role_at_the_ward_or_the_outpatient_unit(world: World) -> None:
    # given: the person is related to the home-care unit, not to the stay's units
    decision(world)
    stay = InpatientStay.objects.create(
        person=world.elsa, unit=world.ward, admitted=D("2026-11-10")
    )
    home_care_staff = actor_with((Role.STAFF, world.home_care))

    # when
    with pytest.raises(NotAllowed):
        inpatient_stay_ready_record(
            actor=home_care_staff,
            person_pk=world.elsa.pk,
            stay_pk=stay.pk,
            ready=D("2026-11-18"),
            as_of=TODAY,
        )

    # then
    stay.refresh_from_db()
    assert stay.ready_for_discharge is None
    assert writes() == []


# --- SIP -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sip_is_created_with_a_unique_generated_id_invitation_and_coordinator(
    world: World,
) -> None:
    # given
    nurse = actor_with((Role.STAFF, world.health_centre), name="karin")

    # when
    first = sip_create(
        actor=nurse,
        person_pk=world.elsa.pk,
        unit_pk=world.health_centre.pk,
        created=D("2026-11-19"),
        as_of=TODAY,
    )
    second = sip_create(
        actor=nurse,
        person_pk=world.elsa.pk,
        unit_pk=world.health_centre.pk,
        created=D("2026-11-20"),
        invited=D("2026-11-21"),
        coordinator_pk=world.nurse.pk,
        as_of=TODAY,
    )
    sip_invitation_record(
        actor=nurse,
        person_pk=world.elsa.pk,
        sip_pk=first.pk,
        unit_pk=world.health_centre.pk,
        invited=D("2026-11-20"),
        as_of=TODAY,
    )
    sip_coordinator_set(
        actor=nurse,
        person_pk=world.elsa.pk,
        sip_pk=first.pk,
        unit_pk=world.health_centre.pk,
        coordinator_pk=world.usk.pk,
        as_of=TODAY,
    )

    # then
    rows = list(
        Sip.objects.order_by("pk").values_list("external_id", "created", "invited", "coordinator")
    )
    assert [row[1:] for row in rows] == [
        (D("2026-11-19"), D("2026-11-20"), world.usk.pk),
        (D("2026-11-20"), D("2026-11-21"), world.nurse.pk),
    ]
    assert all(row[0].startswith("sip-") and len(row[0]) == 20 for row in rows)
    assert first.external_id != second.external_id
    assert [w[3] for w in writes()] == [
        "sip.create",
        "sip.create",
        "sip.invitation",
        "sip.coordinator",
    ]
    assert {w[1] for w in writes()} == {world.health_centre.hsa_id}
    rules = [f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)]
    assert "sip-coordinator" not in rules


@pytest.mark.django_db
def test_bad_sip_input_is_refused_and_nothing_saved(
    world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    nurse = actor_with((Role.STAFF, world.health_centre), (Role.STAFF, world.other_centre))
    leaver = StaffFactory(name="Per Slutat", employment_end=D("2026-11-01"))
    sip = Sip.objects.create(
        external_id="sip-1", person=world.elsa, created=D("2026-11-10"), invited=D("2026-11-12")
    )
    sip.coordinator = world.nurse
    sip.save()

    def create(**fields: Any) -> object:
        values: dict[str, Any] = {
            "actor": nurse,
            "person_pk": world.elsa.pk,
            "unit_pk": world.health_centre.pk,
            "created": D("2026-11-20"),
            "as_of": TODAY,
        }
        return sip_create(**{**values, **fields})

    # when / then
    assert refused(lambda: create(invited=D("2026-11-19")), registry_state) == [
        ("invited", "Kallelsen kan inte vara skickad före SIP:en inleddes.")
    ]
    assert refused(lambda: create(created=D("2026-11-23")), registry_state) == [
        (
            "created",
            "Datum då SIP:en inleddes kan inte ligga i framtiden (i dag är det 2026-11-22).",
        )
    ]
    assert refused(lambda: create(coordinator_pk=leaver.pk), registry_state) == [
        ("coordinator", "Per Slutat slutade 2026-11-01 och kan inte vara samordningsansvarig.")
    ]
    assert refused(lambda: create(unit_pk=world.other_centre.pk), registry_state) == [
        ("unit", "Vårdcentralen Syd har ingen vårdrelation med personen.")
    ]
    assert refused(
        lambda: sip_invitation_record(
            actor=nurse,
            person_pk=world.elsa.pk,
            sip_pk=sip.pk,
            unit_pk=world.health_centre.pk,
            invited=D("2026-11-12"),
            as_of=TODAY,
        ),
        registry_state,
    ) == [
        (
            "invited",
            "En kallelse är redan registrerad 2026-11-12; en ny kallelse måste vara senare.",
        )
    ]
    assert refused(
        lambda: sip_invitation_record(
            actor=nurse,
            person_pk=world.elsa.pk,
            sip_pk=sip.pk,
            unit_pk=world.health_centre.pk,
            invited=D("2026-11-09"),
            as_of=TODAY,
        ),
        registry_state,
    ) == [("invited", "Kallelsen kan inte vara skickad före SIP:en inleddes (2026-11-10).")]
    assert refused(
        lambda: sip_coordinator_set(
            actor=nurse,
            person_pk=world.elsa.pk,
            sip_pk=sip.pk,
            unit_pk=world.health_centre.pk,
            coordinator_pk=world.nurse.pk,
            as_of=TODAY,
        ),
        registry_state,
    ) == [("coordinator", "Karin Sköterska är redan samordningsansvarig.")]


@pytest.mark.django_db
def test_a_sip_needs_a_role_at_the_unit_it_is_recorded_for(world: World) -> None:
    # given: staff at the health centre, claiming the home-care unit
    nurse = actor_with((Role.STAFF, world.health_centre))

    # when
    with pytest.raises(NotAllowed):
        sip_create(
            actor=nurse,
            person_pk=world.elsa.pk,
            unit_pk=world.home_care.pk,
            created=D("2026-11-20"),
            as_of=TODAY,
        )

    # then
    assert Sip.objects.count() == 0
    assert writes() == []


# --- information transfers -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transfer_without_consent_is_recorded_and_becomes_a_finding(world: World) -> None:
    # given
    decision(world)

    # when
    information_transfer_record(
        actor=world.coordinator,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        recipient="  Särskilt boende Tallen ",
        transferred=D("2026-11-21"),
        consent=False,
        as_of=TODAY,
    )
    information_transfer_record(
        actor=world.coordinator,
        person_pk=world.elsa.pk,
        unit_pk=world.home_care.pk,
        recipient="Hemsjukvården",
        transferred=D("2026-11-22"),
        consent=True,
        as_of=TODAY,
    )

    # then
    assert list(
        InformationTransfer.objects.order_by("pk").values_list("recipient", "date", "consent")
    ) == [
        ("Särskilt boende Tallen", D("2026-11-21"), False),
        ("Hemsjukvården", D("2026-11-22"), True),
    ]
    assert [w[3] for w in writes()] == ["information_transfer.record"] * 2
    rules = [f.rule for f in findings_for_person(personal_id=world.elsa.personal_id, as_of=TODAY)]
    assert rules.count("transfer-consent") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"recipient": "   "}, [("recipient", "Ange mottagaren.")]),
        ({"recipient": "x" * 201}, [("recipient", "Högst 200 tecken.")]),
        (
            {"transferred": D("2026-11-23")},
            [
                (
                    "transferred",
                    "Datum för överföringen kan inte ligga i framtiden (i dag är det 2026-11-22).",
                )
            ],
        ),
    ],
)
def test_a_bad_transfer_is_refused_and_nothing_saved(
    world: World,
    registry_state: Callable[[], RegistryState],
    fields: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    # given
    values: dict[str, Any] = {
        "actor": world.coordinator,
        "person_pk": world.elsa.pk,
        "unit_pk": world.health_centre.pk,
        "recipient": "Boendet",
        "transferred": D("2026-11-20"),
        "consent": True,
        "as_of": TODAY,
    }

    # when / then
    assert refused(lambda: information_transfer_record(**{**values, **fields}), registry_state) == (
        expected
    )


@pytest.mark.django_db
def test_a_transfer_needs_a_role_at_the_unit(world: World) -> None:
    # given: a log reviewer has no unit role
    reviewer = Actor(
        user_id=None, username="rita", memberships=frozenset({(Role.LOG_REVIEWER, None)})
    )

    # when
    with pytest.raises(NotAllowed):
        information_transfer_record(
            actor=reviewer,
            person_pk=world.elsa.pk,
            unit_pk=world.health_centre.pk,
            recipient="Boendet",
            transferred=D("2026-11-20"),
            consent=True,
            as_of=TODAY,
        )

    # then
    assert InformationTransfer.objects.count() == 0
    assert AccessLogEntry.objects.count() == 0


# --- the page's read -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_lists_the_records_and_offers_the_actors_units(world: World) -> None:
    # given
    decision(world)
    InpatientStay.objects.create(person=world.elsa, unit=world.ward, admitted=D("2026-11-10"))

    # when
    overview = care_overview_get(actor=world.coordinator, person_pk=world.elsa.pk, as_of=TODAY)

    # then
    assert [d.unit.name for d in overview.decisions] == ["Hemtjänst Centrum"]
    assert [s.unit.name for s in overview.stays] == ["Medicinavdelning 3"]
    assert [u.name for u in overview.deciding_units] == ["Hemtjänst Centrum"]
    assert [u.name for u in overview.plan_units] == ["Hemtjänst Centrum"]
    assert [u.name for u in overview.recording_units] == ["Hemtjänst Centrum", "Vårdcentralen Norr"]
    assert [u.name for u in overview.wards] == ["Medicinavdelning 3"]
    assert [u.name for u in overview.outpatient_units] == [
        "Vårdcentralen Norr",
        "Vårdcentralen Syd",
    ]
    assert [s.name for s in overview.coordinator_choices] == [
        "Karin Sköterska",
        "Maja Undersköterska",
    ]
    read = AccessLogEntry.objects.get()
    assert (read.action, read.what, read.personal_id) == (
        "read",
        "care.page",
        world.elsa.personal_id,
    )


@pytest.mark.django_db
def test_the_overview_of_a_person_outside_the_relationship_is_not_found(world: World) -> None:
    # when / then
    with pytest.raises(NotFound):
        care_overview_get(actor=world.coordinator, person_pk=world.stranger.pk, as_of=TODAY)
