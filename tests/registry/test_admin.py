"""The registry's admin: organisation only, in Swedish, for system administrators."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from fastkontakt.access.models import Role
from fastkontakt.registry.models import Absence, RegionSettings, Staff, StaffUnit, Unit
from tests.access.helpers import make_user, signed_in
from tests.factories import ContactFactory

ORGANISATION = [Unit, Staff, StaffUnit, Absence, RegionSettings]


@pytest.fixture
def system_admin() -> Client:
    user = make_user("sysadmin", [(Role.SYSTEM_ADMIN, None)])
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return signed_in(user)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ORGANISATION, ids=lambda m: m.__name__)
def test_every_organisation_list_renders(system_admin: Client, model: type) -> None:
    # given
    ContactFactory()

    # when
    response = system_admin.get(reverse(f"admin:registry_{model._meta.model_name}_changelist"))

    # then
    assert response.status_code == 200


def test_no_person_data_is_in_the_admin() -> None:
    # then: every registry model in the admin is organisation, none holds people's data
    registered = {m for m in admin.site._registry if m._meta.app_label == "registry"}
    assert registered == set(ORGANISATION)
    with pytest.raises(NoReverseMatch):
        reverse("admin:registry_person_changelist")


@pytest.mark.django_db
def test_staff_are_found_by_hsa_id(system_admin: Client) -> None:
    # given
    contact = ContactFactory()
    hsa_id = contact.staff.hsa_id

    # when
    response = system_admin.get(reverse("admin:registry_staff_changelist"), {"q": hsa_id})

    # then
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
