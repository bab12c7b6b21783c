"""A transfer recorded without consent is resolved on the care page when the person consents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import Role
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.registry.models import HomeCareDecision, InformationTransfer
from tests.access.helpers import make_user, signed_in
from tests.factories import PersonFactory, UnitFactory


@pytest.mark.django_db
def test_consent_recorded_afterwards_resolves_the_transfer_finding() -> None:
    # given a transfer without consent, and staff of the home-care unit
    today = timezone.localdate()
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    person = PersonFactory(name="Elsa Ek")
    HomeCareDecision.objects.create(
        person=person, unit=home_care, start=today - timedelta(40), services=["inkop"]
    )
    transfer = InformationTransfer.objects.create(
        person=person, recipient="Björkens boende", date=today - timedelta(3), consent=False
    )
    client = signed_in(make_user("usk", [(Role.STAFF, home_care)]))
    page = client.get(reverse("web:care", args=[person.pk])).content.decode()
    url = reverse("web:care_item", args=[person.pk, "samtycke", transfer.pk])

    # when: without ticking the box, then ticking it
    refused = client.post(url, {f"samtycke-{transfer.pk}-unit": home_care.pk})
    transfer.refresh_from_db()
    consent_before = transfer.consent
    done = client.post(
        url,
        {f"samtycke-{transfer.pk}-unit": home_care.pk, f"samtycke-{transfer.pk}-consented": "on"},
    )

    # then
    assert url in page
    assert refused.status_code == 200
    assert consent_before is False
    assert done.status_code == 302
    transfer.refresh_from_db()
    assert transfer.consent is True
    rules = {f.rule for f in findings_for_person(personal_id=person.personal_id, as_of=today)}
    assert "transfer-consent" not in rules


@pytest.mark.django_db
def test_consent_to_another_persons_transfer_is_refused_and_changes_nothing() -> None:
    # given
    today = timezone.localdate()
    home_care = UnitFactory(type="hemtjanst")
    mine, other = PersonFactory(), PersonFactory()
    for person in (mine, other):
        HomeCareDecision.objects.create(
            person=person, unit=home_care, start=today - timedelta(40), services=["inkop"]
        )
    theirs = InformationTransfer.objects.create(
        person=other, recipient="Boendet", date=today, consent=False
    )
    client = signed_in(make_user("usk", [(Role.STAFF, home_care)]))

    # when
    response = client.post(
        reverse("web:care_item", args=[mine.pk, "samtycke", theirs.pk]),
        {f"samtycke-{theirs.pk}-unit": home_care.pk, f"samtycke-{theirs.pk}-consented": "on"},
    )

    # then
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.consent is False
