"""The registry's admin pages render, in Swedish (registry.admin)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from fastkontakt.registry.models import Person
from tests.factories import ContactFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_name", [m._meta.model_name for m in apps.get_app_config("registry").get_models()]
)
def test_every_registry_list_renders(admin_client: Client, model_name: str) -> None:
    # given
    ContactFactory()

    # when
    response = admin_client.get(reverse(f"admin:registry_{model_name}_changelist"))

    # then
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_persons_page_shows_the_contacts_inline(admin_client: Client) -> None:
    # given
    contact = ContactFactory(external_id="k77", local_title="kontaktsjuksköterska")
    person: Person = contact.person

    # when
    response = admin_client.get(reverse("admin:registry_person_change", args=[person.pk]))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert "Fasta kontakter" in content
    assert "kontaktsjuksköterska" in content


@pytest.mark.django_db
def test_people_are_found_by_personnummer(admin_client: Client) -> None:
    # given
    contact = ContactFactory()
    personal_id = contact.person.personal_id

    # when
    response = admin_client.get(reverse("admin:registry_person_changelist"), {"q": personal_id})

    # then
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
