"""Postal addresses of people and units: loaded from files, exported, kept by old files' loads."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import IntegrityError

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.model import PostalAddress
from fastkontakt.registry.models import Person, Unit
from fastkontakt.registry.selectors import person_get_snapshot, scenario_export
from fastkontakt.registry.services import RegistryConflict, scenario_load
from tests.registry.test_load_export import _example

HOME = PostalAddress(
    street="Storgatan 12 lgh 1101", postal_code="972 31", city="Luleå", care_of="Anna Lind"
)
OFFICE = PostalAddress(street="Box 815", postal_code="971 28", city="Luleå")


def _with_addresses():  # type: ignore[no-untyped-def]
    scenario = _example()
    units = (dataclasses.replace(scenario.units[0], address=OFFICE), *scenario.units[1:])
    patients = (dataclasses.replace(scenario.patients[0], address=HOME), *scenario.patients[1:])
    return dataclasses.replace(scenario, units=units, patients=patients)


@pytest.mark.django_db
def test_addresses_load_and_export_as_they_were() -> None:
    # given
    scenario = _with_addresses()
    # when
    scenario_load(scenario=scenario)
    exported = scenario_export(as_of=scenario.as_of)
    # then
    unit = next(u for u in exported.units if u.id == scenario.units[0].id)
    assert unit.address == OFFICE
    assert person_get_snapshot(personal_id=scenario.patients[0].id).address == HOME
    person = Person.objects.get(personal_id=scenario.patients[0].id)
    assert (person.address_care_of, person.address_street, person.postal_code) == (
        "Anna Lind",
        "Storgatan 12 lgh 1101",
        "972 31",
    )
    assert person.postal_town == "Luleå"


@pytest.mark.django_db
def test_an_old_file_without_addresses_loads_with_none_and_replaces_them() -> None:
    # given
    scenario_load(scenario=_with_addresses())
    # when: the file of the same people without the keys (load replaces each person, ADR 0002)
    scenario_load(scenario=_example())
    # then
    assert person_get_snapshot(personal_id=_example().patients[0].id).address is None
    assert Unit.objects.get(hsa_id=_example().units[0].id).postal_address() is None


@pytest.mark.django_db
def test_an_address_longer_than_its_column_is_refused_and_nothing_is_written() -> None:
    # given
    scenario = _with_addresses()
    long = dataclasses.replace(HOME, street="Storgatan " + "1" * 100)
    patients = (dataclasses.replace(scenario.patients[0], address=long), *scenario.patients[1:])
    # when
    with pytest.raises(RegistryConflict) as raised:
        scenario_load(scenario=dataclasses.replace(scenario, patients=patients))
    # then
    assert raised.value.problems == [
        Problem("patients[0].address.street", "longer than 100 characters")
    ]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_half_an_address() -> None:
    # given
    unit = Unit.objects.create(hsa_id="SE1", name="Enheten", type="primarvard")
    # when / then
    with pytest.raises(IntegrityError):
        Unit.objects.filter(pk=unit.pk).update(address_street="Storgatan 1")
