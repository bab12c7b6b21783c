"""What a unit declares: local titles (head of unit) and selectable staff (head or manager)."""

from __future__ import annotations

import pytest

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Role
from fastkontakt.domain.errors import InvalidInput, NotAllowed
from fastkontakt.registry.models import Staff, Unit, UnitLocalTitle
from fastkontakt.registry.services.units import (
    staff_eligible_set,
    unit_local_title_add,
    unit_local_title_remove,
)
from tests.factories import StaffFactory, UnitFactory


def actor_with(role: str, unit: Unit) -> Actor:
    return Actor(user_id=None, username="hugo", memberships=frozenset({(role, unit.pk)}))


@pytest.fixture
def unit() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr")


@pytest.mark.django_db
def test_a_title_is_added_once_whatever_its_case_and_spacing(unit: Unit) -> None:
    # given
    head = actor_with(Role.HEAD_OF_UNIT, unit)
    unit_local_title_add(actor=head, unit_pk=unit.pk, title="  Omvårdnadsansvarig   sjuksköterska")

    # when
    with pytest.raises(InvalidInput) as error:
        unit_local_title_add(actor=head, unit_pk=unit.pk, title="OMVÅRDNADSANSVARIG sjuksköterska")

    # then
    assert [(p.path, p.message) for p in error.value.problems] == [
        ("title", "Vårdcentralen Norr har redan titeln OMVÅRDNADSANSVARIG sjuksköterska.")
    ]
    assert list(UnitLocalTitle.objects.values_list("title", "kind")) == [
        ("Omvårdnadsansvarig sjuksköterska", "fast_vardkontakt")
    ]


@pytest.mark.django_db
def test_bad_titles_and_other_roles_are_refused_and_nothing_saved(unit: Unit) -> None:
    # given
    head = actor_with(Role.HEAD_OF_UNIT, unit)
    manager = actor_with(Role.UNIT_MANAGER, unit)

    # when
    with pytest.raises(InvalidInput) as bad:
        unit_local_title_add(actor=head, unit_pk=unit.pk, title=" ", kind="kontaktansvarig")
    with pytest.raises(NotAllowed):
        unit_local_title_add(actor=manager, unit_pk=unit.pk, title="Vårdcoach")
    with pytest.raises(InvalidInput) as missing:
        unit_local_title_remove(actor=head, unit_pk=unit.pk, title_pk=1)

    # then
    assert [(p.path, p.message) for p in bad.value.problems] == [
        ("title", "Ange titeln (minst 3 tecken)."),
        ("kind", "Välj vilken roll titeln motsvarar."),
    ]
    assert [(p.path, p.message) for p in missing.value.problems] == [
        ("title", "Titeln finns inte vid enheten.")
    ]
    assert UnitLocalTitle.objects.count() == 0


@pytest.mark.django_db
def test_a_title_of_another_unit_is_not_removed(unit: Unit) -> None:
    # given
    other = UnitFactory()
    title = UnitLocalTitle.objects.create(unit=other, title="Vårdcoach")

    # when
    with pytest.raises(InvalidInput):
        unit_local_title_remove(
            actor=actor_with(Role.HEAD_OF_UNIT, unit), unit_pk=unit.pk, title_pk=title.pk
        )

    # then
    assert UnitLocalTitle.objects.get().pk == title.pk


@pytest.mark.django_db
def test_selectable_is_set_for_the_units_own_staff_by_its_head_or_manager(unit: Unit) -> None:
    # given
    nurse = StaffFactory(name="Karin Sköterska")
    nurse.units.add(unit)
    outsider = StaffFactory(name="Olle Annanstans")

    # when
    staff_eligible_set(
        actor=actor_with(Role.UNIT_MANAGER, unit),
        unit_pk=unit.pk,
        staff_pk=nurse.pk,
        eligible=False,
    )
    with pytest.raises(NotAllowed):
        staff_eligible_set(
            actor=actor_with(Role.COORDINATOR, unit),
            unit_pk=unit.pk,
            staff_pk=nurse.pk,
            eligible=True,
        )
    with pytest.raises(InvalidInput):
        staff_eligible_set(
            actor=actor_with(Role.HEAD_OF_UNIT, unit),
            unit_pk=unit.pk,
            staff_pk=outsider.pk,
            eligible=False,
        )

    # then
    assert dict(Staff.objects.values_list("name", "eligible")) == {
        "Karin Sköterska": False,
        "Olle Annanstans": True,
    }
