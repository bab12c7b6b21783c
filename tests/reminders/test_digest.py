"""The daily digest through a real SMTP server on loopback (aiosmtpd): the right items, grouped
by person, in Swedish text and HTML, nothing of another unit, no personnummer; and a failing
server leaves the mail queued for another attempt."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.registry.models import Staff as StaffRow
from fastkontakt.registry.models import Unit as UnitRow
from fastkontakt.reminders.models import OutgoingMail
from fastkontakt.reminders.services import digests_queue, mail_preference_set
from fastkontakt.runtime.worker import worker_run
from tests.access.helpers import make_user
from tests.compliance.test_worklists import NURSE, PEOPLE, VC1, VC2, load

SLOT = "2026-11-22T07"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[tuple[Inbox, int]]:
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.FASTKONTAKT_BASE_URL = "https://fastkontakt.region.se"
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _people_and_users() -> None:
    load()
    vc1, vc2 = UnitRow.objects.get(hsa_id=VC1.id), UnitRow.objects.get(hsa_id=VC2.id)
    chief = make_user("chefen", [(Role.UNIT_MANAGER, vc1)], name="Vera Chef")
    nurse = make_user("karin", [(Role.STAFF, vc1)], staff=StaffRow.objects.get(hsa_id=NURSE.id))
    other = make_user("syd", [(Role.UNIT_MANAGER, vc2)])
    for user in (chief, nurse, other):
        user.email = f"{user.username}@region.se"
        user.save()
    mail_preference_set(user_pk=other.pk, hour=9, opted_out=False)  # not this hour


def _run_queue() -> None:
    worker_run(batch=True, schedule=False, interval=0)


@pytest.mark.django_db
def test_the_digest_goes_out_with_the_units_work_and_nothing_else(
    smtp: tuple[Inbox, int], django_capture_on_commit_callbacks: Any
) -> None:
    # given people with findings at two health centres, a manager and a nurse at the first
    inbox, _ = smtp
    _people_and_users()

    # when the hour's digests are written and the queue is run
    with django_capture_on_commit_callbacks(execute=True):
        queued = digests_queue(slot=SLOT)
    _run_queue()

    # then the manager gets the unit's overdue and due-soon work, by person; the nurse her own
    assert queued == {"queued": 2}
    by_recipient = {m["To"].strip(): m for m in inbox.messages}
    assert sorted(by_recipient) == ["chefen@region.se", "karin@region.se"]
    chief = by_recipient["chefen@region.se"]
    assert chief["Subject"].strip() == "Fast kontakt: 1 försenade och 2 som förfaller snart"
    text = chief.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = chief.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "== Vårdcentralen Norr ==" in text
    assert text.index("Bertil Berg") < text.index("Cecilia Ek")
    assert "Försenad sedan 2026-11-15" in text
    assert "https://fastkontakt.region.se/personer/" in text
    assert '<a href="https://fastkontakt.region.se/personer/' in html
    assert "Cecilia Ek" in html
    # Anna's finding is a breach (no deadline): not in a digest of deadlines.
    for absent in ("Anna Andersson", "Fredrik Fors", "Vårdcentralen Syd", "Eva Ström"):
        assert (absent in text, absent in html) == (False, False)
    nurse_text = by_recipient["karin@region.se"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert ("Bertil Berg" in nurse_text, "Cecilia Ek" in nurse_text) == (True, False)
    # no personnummer anywhere in the mail
    for message in inbox.messages:
        raw = message.as_string()
        assert all(p.id not in raw and p.id[2:8] not in message["Subject"] for p in PEOPLE)
    # every person shown is logged as read by the recipient
    logged = sorted(AccessLogEntry.objects.values_list("username", "what").distinct())
    assert logged == [("chefen", "påminnelse via e-post"), ("karin", "påminnelse via e-post")]
    assert AccessLogEntry.objects.filter(username="chefen").count() == 2

    # when the job runs again in the same hour
    again = digests_queue(slot=SLOT)

    # then nothing more is sent
    assert again == {"queued": 0}
    assert OutgoingMail.objects.filter(status="sent").count() == 2


@pytest.mark.django_db
def test_an_opted_out_user_gets_nothing(
    smtp: tuple[Inbox, int], django_capture_on_commit_callbacks: Any
) -> None:
    inbox, _ = smtp
    _people_and_users()
    for user in get_user_model().objects.filter(username__in=["chefen", "karin"]):
        mail_preference_set(user_pk=user.pk, hour=7, opted_out=True)

    with django_capture_on_commit_callbacks(execute=True):
        queued = digests_queue(slot=SLOT)
    _run_queue()

    assert (queued, inbox.messages, OutgoingMail.objects.count()) == ({"queued": 0}, [], 0)


@pytest.mark.django_db
def test_a_failing_smtp_server_leaves_the_mail_queued_for_another_attempt(
    smtp: tuple[Inbox, int], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the mail server is down
    inbox, port = smtp
    settings.EMAIL_PORT = _free_port()
    _people_and_users()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        digests_queue(slot=SLOT)
    before = timezone.now()
    _run_queue()

    # then each mail is queued with its attempt and error, and a later attempt is on the queue
    mails = list(OutgoingMail.objects.order_by("to"))
    assert [(m.status, m.attempts) for m in mails] == [("queued", 1), ("queued", 1)]
    assert all("ConnectionRefusedError" in m.last_error for m in mails)
    retries = (
        DBTaskResult.objects.ready().count()
        + DBTaskResult.objects.filter(
            status="READY", run_after__gt=before + timedelta(seconds=10)
        ).count()
    )
    assert retries == 2
    assert inbox.messages == []

    # when the server is back and the retries are due
    settings.EMAIL_PORT = port
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    _run_queue()

    # then they go out, once
    assert sorted(m["To"].strip() for m in inbox.messages) == [
        "chefen@region.se",
        "karin@region.se",
    ]
    assert [m.status for m in OutgoingMail.objects.all()] == ["sent", "sent"]
