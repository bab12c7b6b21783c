"""The scheduled jobs and the queue's probe; thin: each calls one service.

Every job takes ids (or its schedule slot) and is safe to run twice.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from fastkontakt.access.models import EmergencyAccess
from fastkontakt.runtime.queue import once

logger = logging.getLogger(__name__)


@task()
def nightly_findings(*, slot: str) -> dict[str, int]:
    """Refresh every person's stored findings for the slot's date
    (``compliance.nightly.findings_nightly``, ADR 0020 and 0021)."""
    from fastkontakt.compliance.nightly import findings_nightly

    as_of = date.fromisoformat(slot)
    started = time.monotonic()
    result = findings_nightly(as_of=as_of)
    logger.info(
        "nightly findings %s: %s people, %s added, %s resolved, %s updated in %.1f s",
        slot,
        result["people"],
        result["added"],
        result["resolved"],
        result["updated"],
        time.monotonic() - started,
    )
    return result


@task()
def reminder_digests(*, slot: str) -> dict[str, int]:
    """Queue the digests of everyone whose chosen hour is the slot's (``2026-12-04T07``)."""
    from fastkontakt.reminders.services import digests_queue

    return digests_queue(slot=slot)


@task()
def clean_up(*, slot: str) -> dict[str, int]:
    """Expired sessions, emergency accesses past their review period (the access log keeps
    every read made under them), and the results of jobs that succeeded a week ago (failed
    ones stay for the operators)."""
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    keep = timedelta(days=settings.FASTKONTAKT_EMERGENCY_RETENTION_DAYS)
    grants, _ = EmergencyAccess.objects.filter(expires_at__lt=now - keep).delete()
    results, _ = (
        DBTaskResult.objects.successful().filter(finished_at__lt=now - timedelta(days=7)).delete()
    )
    return {"sessions": sessions, "emergency_accesses": grants, "job_results": results}


@task()
def probe(*, key: str, seconds: float = 0.0) -> bool:
    """A job whose work is only a mark (``JobEffect``) and a pause: the scale-out benchmark and
    the tests count how many times each ran to its end."""
    with once(f"probe:{key}") as first:
        if seconds:
            time.sleep(seconds)
        return first
