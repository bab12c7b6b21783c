"""A large handover: the handover is saved at once, its letters are written by a worker with
progress, once however often the job runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.letters.models import Letter, LetterJob
from fastkontakt.letters.services import contact_handover_with_letters, letterjob_run
from fastkontakt.registry.models import Staff, Unit
from fastkontakt.runtime import worker as runtime_worker
from fastkontakt.runtime.worker import worker_run
from tests.access.helpers import make_user
from tests.factories import ContactFactory, PersonFactory, StaffFactory, StaffUnitFactory


@pytest.mark.django_db
def test_a_large_handovers_letters_are_written_by_a_worker_with_progress(
    unit: Unit,
    nurse: Staff,
    today: date,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a handover of more people than are written at once
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(runtime_worker, "close_old_connections", lambda: None)
    settings.FASTKONTAKT_HANDOVER_LETTERS_AT_ONCE = 2
    head = actor_for_user(make_user("chef", [(Role.HEAD_OF_UNIT, unit)]), request_id="h")
    leaving = StaffFactory(name="Bertil Ek", profession="sjukskoterska")
    StaffUnitFactory(staff=leaving, unit=unit)
    contacts = [
        ContactFactory(
            person=PersonFactory(listed_at=unit),
            staff=leaving,
            unit=unit,
            start=today - timedelta(days=30),
        )
        for _ in range(3)
    ]

    # when the handover is saved
    with django_capture_on_commit_callbacks(execute=True):
        done, letters = contact_handover_with_letters(
            actor=head,
            relatives=False,
            staff_pk=leaving.pk,
            reason="medarbetaren_slutar",
            effective=today,
            successors={c.pk: nurse.pk for c in contacts},
        )

    # then it answers without letters, with a queued job
    job = LetterJob.objects.get(handover=done)
    assert (letters, job.status, job.total, job.done, Letter.objects.count()) == (
        [],
        "queued",
        3,
        0,
        0,
    )
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_pk": job.pk}

    # when a worker runs it, and the job runs once more
    worker_run(batch=True, schedule=False, interval=0)
    again = letterjob_run(job_pk=job.pk)

    # then one letter per person, and the job shows it
    job.refresh_from_db()
    assert (job.status, job.done, job.letters, job.percent) == ("done", 3, 3, 100)
    assert again.letters == 3
    assert sorted(Letter.objects.values_list("person_id", flat=True)) == sorted(
        c.person_id for c in contacts
    )
