"""The scheduled jobs: clean-up keeps what is still needed; the nightly job refreshes findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from fastkontakt.access.models import EmergencyAccess
from fastkontakt.compliance.models import FindingsRefresh, StoredFinding
from fastkontakt.registry.models import Person
from fastkontakt.runtime.tasks import clean_up, nightly_findings
from tests.access.helpers import make_user
from tests.compliance.test_worklists import load
from tests.factories import PersonFactory, UnitFactory


@pytest.mark.django_db
def test_clean_up_removes_expired_sessions_and_old_emergency_accesses_only(
    settings: object,
) -> None:
    # given
    now = timezone.now()
    for age in (-1, 1):
        session = SessionStore()
        session.create()
        Session.objects.filter(session_key=session.session_key).update(
            expire_date=now - timedelta(hours=age)
        )
    user, unit, person = make_user("anna"), UnitFactory(), PersonFactory()
    for days in (800, 10):
        granted = now - timedelta(days=days)
        EmergencyAccess.objects.create(
            user=user,
            unit=unit,
            person=person,
            reason="akut",
            granted_at=granted,
            expires_at=granted + timedelta(hours=2),
        )

    # when
    result = clean_up.call(slot="2026-12-04")

    # then
    assert result == {"sessions": 1, "emergency_accesses": 1, "job_results": 0}
    assert Session.objects.count() == 1
    assert EmergencyAccess.objects.get().granted_at > now - timedelta(days=11)


@pytest.mark.django_db
def test_the_nightly_job_refreshes_every_persons_findings_on_the_slots_date() -> None:
    # given: a load stores findings for the real today
    load()

    # when
    result = nightly_findings.call(slot="2026-11-22")

    # then: the store holds the engine's findings on the slot's date
    assert result["people"] == Person.objects.count()
    current = StoredFinding.objects.filter(resolved_on=None)
    assert current.count() == 11
    assert FindingsRefresh.objects.get().as_of == date(2026, 11, 22)
