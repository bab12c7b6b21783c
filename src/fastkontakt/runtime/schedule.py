"""The schedule, kept in code, and its exactly-once claim per slot.

Every worker looks at the clock every few seconds (:func:`schedule_tick`). For each entry it
works out the latest slot that is due (today's 02:30 once it has passed, else yesterday's; the
current hour for hourly entries) and tries to insert ``ScheduleSlot(name, slot)``: the unique
constraint lets exactly one insert through, and that worker enqueues the slot's job in the same
transaction. A slot missed while every worker was down runs when the first one comes back
(only the latest slot: a week's outage gives one nightly run, not seven).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from fastkontakt.runtime.models import ScheduleSlot

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    #: Dotted path of a task taking one keyword argument, ``slot``.
    task: str
    #: ``daily`` at ``at`` (local time), or ``hourly``.
    every: str
    at: time = time(0, 0)

    def slot(self, now: datetime) -> str:
        local = timezone.localtime(now)
        if self.every == "hourly":
            return local.strftime("%Y-%m-%dT%H")
        due = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        day = local.date() if local >= due else local.date() - timedelta(days=1)
        return day.isoformat()


SCHEDULE: tuple[Entry, ...] = (
    # Dates move: horizons, overdue deadlines, ages and absences that begin (issue 14's store
    # plugs in behind compliance.refresh).
    Entry("nightly-findings", "fastkontakt.runtime.tasks.nightly_findings", "daily", time(2, 30)),
    # Each user's digest goes out in the hour they chose (reminders.services).
    Entry("reminder-digests", "fastkontakt.runtime.tasks.reminder_digests", "hourly"),
    Entry("clean-up", "fastkontakt.runtime.tasks.clean_up", "daily", time(3, 15)),
)


def schedule_tick(
    *, worker_id: str, now: datetime | None = None, entries: tuple[Entry, ...] = SCHEDULE
) -> list[str]:
    """Claim and enqueue every due slot nobody claimed yet; returns the ``name/slot`` claimed."""
    moment = now or timezone.now()
    claimed = []
    for entry in entries:
        slot = entry.slot(moment)
        if ScheduleSlot.objects.filter(name=entry.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                row = ScheduleSlot.objects.create(
                    name=entry.name, slot=slot, claimed_at=moment, claimed_by=worker_id
                )
                result = import_string(entry.task).enqueue(slot=slot)
                row.task_result_id = str(result.id)
                row.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker claimed it first
        logger.info("schedule: %s %s enqueued as job %s", entry.name, slot, row.task_result_id)
        claimed.append(f"{entry.name}/{slot}")
    return claimed
