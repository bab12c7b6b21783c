"""``population_import``: the one write behind every population import, whoever calls it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, Membership, Role
from fastkontakt.domain import model as domain
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.registry.models import Person, Staff, StaffUnit, Unit
from fastkontakt.registry.services.population import (
    ImportForbidden,
    ImportRefused,
    PeopleAlreadyRegistered,
    population_import,
)
from tests.conftest import RegistryState
from tests.factories import PersonFactory, StaffFactory, UnitFactory

TODAY = date(2026, 11, 22)
NEW = make_personal_id(date(1951, 5, 6), 42)


@pytest.fixture
def centre(db: None) -> Unit:
    unit: Unit = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    return unit


@pytest.fixture
def nurse(centre: Unit) -> Staff:
    member: Staff = StaffFactory(name="Stina Sköterska", profession="sjukskoterska")
    StaffUnit.objects.create(staff=member, unit=centre)
    return member


def head_of(unit: Unit) -> Actor:
    """A signed-in head of unit: the service asks users the same as API clients."""
    user = get_user_model().objects.create_user(username=f"chef-{unit.pk}")
    Membership.objects.create(user=user, role=Role.HEAD_OF_UNIT, unit=unit)
    return actor_for_user(user, request_id="r1")


def region_actor(unit: Unit) -> Actor:
    return Actor(
        user_id=None,
        username="api:regionen",
        memberships=frozenset({(Role.STAFF, unit.pk)}),
        unit_hsa_ids=((unit.pk, unit.hsa_id),),
        region_wide=True,
    )


def person_with(nurse: Staff, unit: Unit, kind: str = "fast_vardkontakt") -> domain.Scenario:
    return domain.Scenario(
        units=(domain.Unit(unit.hsa_id, unit.name, "primarvard"),),
        staff=(domain.Staff(nurse.hsa_id, nurse.name, "sjukskoterska", (unit.hsa_id,),
                            licensed=True),),
        patients=(
            domain.Patient(
                id=NEW,
                name="Ny Person",
                listed_at=unit.hsa_id,
                contacts=(domain.Contact("k-ny", kind, nurse.hsa_id, unit.hsa_id, TODAY),),  # type: ignore[arg-type]
            ),
        ),
    )


def test_a_head_of_unit_imports_a_person_with_a_contact_there(centre: Unit, nurse: Staff) -> None:
    # when
    result = population_import(actor=head_of(centre), scenario=person_with(nurse, centre),
                               as_of=TODAY)
    # then
    person = Person.objects.get(personal_id=NEW)
    assert result.people == {NEW: person.pk}
    assert result.units[centre.hsa_id].created is False
    assert result.staff[nurse.hsa_id].created is False
    assert result.roles == {(nurse.hsa_id, centre.hsa_id): False}
    assert list(AccessLogEntry.objects.values_list("personal_id", "what", "basis")) == [
        (NEW, "population.import", "care_relationship")
    ]


def test_the_service_owns_its_transaction(centre: Unit, nurse: Staff) -> None:
    # given: a caller that opens its own transaction around the service
    actor = head_of(centre)
    # when / then
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        population_import(actor=actor, scenario=person_with(nurse, centre), as_of=TODAY)


def test_another_units_person_is_forbidden_by_the_service_itself(
    centre: Unit, nurse: Staff, registry_state: Callable[[], RegistryState]
) -> None:
    # given: a head of another unit, and no interface in between
    other = UnitFactory(name="Vårdcentralen Syd")
    before = registry_state()
    # when
    with pytest.raises(ImportForbidden) as refused:
        population_import(actor=head_of(other), scenario=person_with(nurse, centre),
                          as_of=TODAY)
    # then: each part named by the scenario's keys, when the caller gave no origin
    assert [p.path for p in refused.value.problems] == [
        f"units[{centre.hsa_id}]",
        f"staff[{nurse.hsa_id}]",
        f"staff[{nurse.hsa_id}].units[{centre.hsa_id}]",
        f"patients[{NEW}].contacts[k-ny]",
        f"patients[{NEW}]",
    ]
    assert registry_state() == before


def test_a_rule_refusal_names_the_origin_the_caller_gave(centre: Unit, nurse: Staff) -> None:
    # when
    with pytest.raises(ImportRefused) as refused:
        population_import(
            actor=head_of(centre),
            scenario=person_with(nurse, centre, kind="fast_lakarkontakt"),
            origin={("contact", NEW, "k-ny"): "Bundle.entry[3].resource.participant[0]"},
            as_of=TODAY,
        )
    # then
    assert refused.value.kind == "rule"
    assert [(p.path, p.rule) for p in refused.value.problems] == [
        ("Bundle.entry[3].resource.participant[0]", "lakarkontakt-profession")
    ]
    assert not Person.objects.filter(personal_id=NEW).exists()


def test_a_format_problem_is_located_at_its_origin(centre: Unit, nurse: Staff) -> None:
    # given: a personnummer whose check digit is wrong
    scenario = person_with(nurse, centre)
    bad = NEW[:-1] + str((int(NEW[-1]) + 1) % 10)
    patient = scenario.patients[0]
    scenario = domain.Scenario(
        units=scenario.units,
        staff=scenario.staff,
        patients=(domain.Patient(id=bad, name=patient.name, listed_at=patient.listed_at,
                                 contacts=patient.contacts),),
    )
    # when
    with pytest.raises(ImportRefused) as refused:
        population_import(actor=head_of(centre), scenario=scenario,
                          origin={("person", bad): "Bundle.entry[2]"}, as_of=TODAY)
    # then
    assert refused.value.kind == "invalid"
    assert [p.path for p in refused.value.problems] == ["Bundle.entry[2]"]
    assert refused.value.problems[0].message.startswith("id: ")


def test_an_import_does_not_set_the_regions_policy(centre: Unit, nurse: Staff) -> None:
    # given
    scenario = person_with(nurse, centre)
    scenario = domain.Scenario(units=scenario.units, policy="gavleborg")
    # when / then
    with pytest.raises(ImportRefused, match="policy"):
        population_import(actor=region_actor(centre), scenario=scenario, as_of=TODAY)


def test_a_refusal_for_people_already_registered_stays_logged(centre: Unit, nurse: Staff) -> None:
    # given
    PersonFactory(personal_id=NEW)
    # when
    with pytest.raises(PeopleAlreadyRegistered):
        population_import(actor=region_actor(centre), scenario=person_with(nurse, centre),
                          as_of=TODAY)
    # then: the attempt told that the person exists, so it is in the log, and nothing else
    assert list(AccessLogEntry.objects.values_list("personal_id", "action", "what")) == [
        (NEW, "denied", "population.import.region")
    ]


def test_a_region_load_keeps_what_the_scenario_does_not_carry(centre: Unit, nurse: Staff) -> None:
    # given: the nurse also works elsewhere, is away soon and leaves next year
    elsewhere = UnitFactory(name="Hemsjukvården", type="kommunal_hsv")
    StaffUnit.objects.create(staff=nurse, unit=elsewhere)
    nurse.absences.create(start=TODAY + timedelta(days=60), end=TODAY + timedelta(days=70))
    nurse.employment_end = TODAY + timedelta(days=400)
    nurse.save()
    scenario = person_with(nurse, centre)
    # when
    result = population_import(actor=region_actor(centre), scenario=scenario, as_of=TODAY)
    # then
    nurse.refresh_from_db()
    assert set(nurse.units.values_list("hsa_id", flat=True)) == {centre.hsa_id, elsewhere.hsa_id}
    assert nurse.absences.count() == 1
    assert nurse.employment_end == TODAY + timedelta(days=400)
    assert list(AccessLogEntry.objects.values_list("personal_id", "what", "basis", "unit")) == [
        (NEW, "population.import.region", "system", centre.hsa_id)
    ]
    assert result.people == {NEW: Person.objects.get(personal_id=NEW).pk}
