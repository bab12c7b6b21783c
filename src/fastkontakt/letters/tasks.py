"""The queue's task for a large handover's letters (``services.letterjob_run``)."""

from __future__ import annotations

from django_tasks import task

from fastkontakt.letters.services import letterjob_run


@task()
def handover_letters(*, job_pk: int) -> int:
    return letterjob_run(job_pk=job_pk).letters
