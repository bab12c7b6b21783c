"""``Task``: the engine's findings for a person, rules version 2 included."""

from __future__ import annotations

from datetime import date

import pytest

from fastkontakt.compliance.store import findings_refresh
from fastkontakt.registry.models import Contact, Person
from tests.fhir.conftest import Api, World, body


@pytest.mark.django_db
def test_the_new_rules_of_version_2_are_tasks(world: World, reader: Api, today: date) -> None:
    # given: recorded needs, and the only fast vårdkontakt ended yesterday
    Person.objects.filter(pk=world.patient.pk).update(needs=["samordningsbehov"])
    Contact.objects.filter(pk=world.fvk.pk).update(end=date.fromordinal(today.toordinal() - 1))

    findings_refresh(as_of=today)  # the rows above were written without the services

    # when
    bundle = body(reader.get("/fhir/Task", patient=f"Patient/{world.patient.pk}"))

    # then
    codes = [
        e["resource"]["code"]["coding"][0]["code"] for e in bundle.get("entry", [])
    ]
    assert "contact-needed" in codes
    (needed,) = [
        e["resource"] for e in bundle["entry"]
        if e["resource"]["code"]["coding"][0]["code"] == "contact-needed"
    ]
    assert "samordningsbehov men ingen fast vårdkontakt" in needed["description"]


@pytest.mark.django_db
def test_a_sip_coordinator_without_a_letter_is_a_task(
    world: World, reader: Api, today: date
) -> None:
    # given
    Contact.objects.filter(person=world.patient).update(informed=today)
    Contact.objects.create(
        external_id="sip-k1", person=world.patient, kind="sip_samordnare", staff=world.nurse,
        unit=world.centre, start=today,
    )

    findings_refresh(as_of=today)  # the rows above were written without the services

    # when
    bundle = body(reader.get("/fhir/Task", patient=f"Patient/{world.patient.pk}"))

    # then
    assert [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"]] == [
        "contact-informed"
    ]
