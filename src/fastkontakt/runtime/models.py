"""What the workers share besides the queue itself (``django_tasks_db.DBTaskResult``).

``WorkerLease``: each worker renews its row every few seconds; a running job whose worker's
lease has lapsed was left by a dead process and is put back on the queue (``runtime.worker``).

``ScheduleSlot``: one row per scheduled job and slot (``nightly-findings`` on 2026-12-04, say),
unique, inserted in the transaction that enqueues the slot's job: however many workers look at
the clock, exactly one of them enqueues it.

``JobEffect``: the once-only mark of a job whose work is not otherwise idempotent, written in
the transaction that does the work (``runtime.once``).
"""

from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "arbetsprocess"
        verbose_name_plural = "arbetsprocesser"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduleSlot(models.Model):
    name = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "schemalagd körning"
        verbose_name_plural = "schemalagda körningar"
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="scheduleslot_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"


class JobEffect(models.Model):
    key = models.CharField(max_length=200, unique=True)
    done_at = models.DateTimeField()

    class Meta:
        verbose_name = "utfört jobb"
        verbose_name_plural = "utförda jobb"

    def __str__(self) -> str:
        return self.key
