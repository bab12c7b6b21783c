"""Sending the outbox: one job per mail, tried again with back-off while the server refuses."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from fastkontakt.reminders.models import OutgoingMail
from fastkontakt.reminders.services import mail_deliver
from fastkontakt.runtime.queue import backoff_seconds


@task()
def deliver_mail(*, mail_pk: int) -> str:
    mail = mail_deliver(mail_pk=mail_pk)
    if mail.status == OutgoingMail.Status.QUEUED:
        later = timezone.now() + timedelta(seconds=backoff_seconds(mail.attempts) * 15)
        deliver_mail.using(run_after=later).enqueue(mail_pk=mail_pk)
    return str(mail.status)
