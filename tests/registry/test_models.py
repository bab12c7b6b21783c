"""What the database itself refuses, whatever code writes to it (registry.models)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from fastkontakt.registry.models import Absence, Contact, Person, RegionSettings, Staff, Unit
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory


@pytest.mark.django_db
def test_a_contact_cannot_end_before_it_starts() -> None:
    # given
    contact = ContactFactory.build(person=PersonFactory(), staff=StaffFactory(), unit=UnitFactory())
    contact.start, contact.end = date(2026, 5, 2), date(2026, 5, 1)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        contact.save()
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_a_contact_may_end_on_its_first_day_or_be_open_ended() -> None:
    # given
    same_day = ContactFactory(start=date(2026, 5, 1), end=date(2026, 5, 1))
    open_ended = ContactFactory(start=date(2026, 5, 1), end=None)

    # then
    assert list(Contact.objects.order_by("pk").values_list("pk", flat=True)) == [
        same_day.pk,
        open_ended.pk,
    ]


@pytest.mark.django_db
def test_a_contact_always_names_a_staff_member() -> None:
    # given
    contact = ContactFactory.build(person=PersonFactory(), unit=UnitFactory(), staff=None)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        contact.save()
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_contact_ids_are_unique() -> None:
    # given
    ContactFactory(external_id="k1")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(external_id="k1")
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["k1"]


@pytest.mark.django_db
def test_hsa_ids_are_unique() -> None:
    # given
    UnitFactory(hsa_id="SE2321000032-vc1")
    StaffFactory(hsa_id="SE2321000032-ssk1")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(hsa_id="SE2321000032-vc1")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffFactory(hsa_id="SE2321000032-ssk1")
    assert Unit.objects.count() == 1
    assert Staff.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "personal_id", ["19480702426", "1948070242620", "19480702-426", "1948O7024262"]
)
def test_a_personal_id_is_twelve_digits(personal_id: str) -> None:
    # PostgreSQL refuses 13 characters by the column's length (DataError), SQLite by the check.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        PersonFactory(personal_id=personal_id)
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_an_absence_cannot_end_before_it_starts() -> None:
    # given
    staff = StaffFactory()

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(staff=staff, start=date(2026, 5, 2), end=date(2026, 5, 1))
    assert Absence.objects.count() == 0


@pytest.mark.django_db
def test_region_settings_have_a_single_row() -> None:
    # given
    RegionSettings.objects.create(policy="norrbotten")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionSettings.objects.create(id=2, policy="gavleborg")
    assert list(RegionSettings.objects.values_list("id", "policy")) == [(1, "norrbotten")]


@pytest.mark.django_db
def test_staff_holding_an_appointment_cannot_be_deleted() -> None:
    # given
    contact = ContactFactory()

    # when / then
    with pytest.raises(ProtectedError):
        contact.staff.delete()
    assert Staff.objects.filter(pk=contact.staff_id).exists()
