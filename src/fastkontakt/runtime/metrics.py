"""Prometheus metrics.

Requests (by view and status) and their latency are counted in the web processes by
:class:`MetricsMiddleware`; under gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR``
(``fastkontakt serve`` does) so that every worker's counts are added up. Everything about the
queue, the mail and the schedule is read from the database when scraped, so that it is the same
whichever process answers and whatever process did the work.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from fastkontakt.compliance.models import FindingsRefresh

REQUESTS = Counter(
    "fastkontakt_http_requests_total", "HTTP requests by view and status", ["view", "status"]
)
LATENCY = Histogram(
    "fastkontakt_http_request_seconds",
    "Time to answer a request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route's name, never the path: paths carry ids.
        view = (match.view_name if match is not None else "") or "unmatched"
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        REQUESTS.labels(view=view, status=str(response.status_code)).inc()
        return response


def _age(moment: datetime | None, now: datetime) -> float:
    return (now - moment).total_seconds() if moment is not None else 0.0


class DatabaseCollector(Collector):
    """The queue, the mail and the schedule, read from the database at each scrape."""

    def collect(self):  # type: ignore[no-untyped-def]
        try:
            families = list(self._from_database())
        except DatabaseError:
            # Metrics still answer when the database does not: that is when they matter.
            yield GaugeMetricFamily("fastkontakt_database_up", "The database answers", value=0)
            return
        yield GaugeMetricFamily("fastkontakt_database_up", "The database answers", value=1)
        yield from families

    def _from_database(self) -> Iterator[GaugeMetricFamily]:
        from fastkontakt.reminders.models import OutgoingMail

        now = timezone.now()
        depth = GaugeMetricFamily(
            "fastkontakt_queue_jobs", "Jobs on the queue by status", labels=["status"]
        )
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by():
            depth.add_metric([row["status"]], row["n"])
        yield depth
        oldest = DBTaskResult.objects.ready().aggregate(m=Min("enqueued_at"))["m"]
        yield GaugeMetricFamily(
            "fastkontakt_queue_oldest_ready_seconds",
            "Age of the oldest job waiting to run",
            value=_age(oldest, now),
        )
        failures = GaugeMetricFamily(
            "fastkontakt_job_failures", "Jobs that failed for good, by task", labels=["task"]
        )
        failed = DBTaskResult.objects.failed().values("task_path").annotate(n=Count("id"))
        for path, n in failed.order_by().values_list("task_path", "n"):
            failures.add_metric([path], n)
        yield failures
        mail = GaugeMetricFamily("fastkontakt_mail", "Reminder mail by status", labels=["status"])
        for row in OutgoingMail.objects.values("status").annotate(n=Count("id")).order_by():
            mail.add_metric([row["status"]], row["n"])
        yield mail
        refreshed = (
            FindingsRefresh.objects.exclude(finished=None)
            .order_by("-finished")
            .values_list("finished", flat=True)
            .first()
        )
        yield GaugeMetricFamily(
            "fastkontakt_findings_age_seconds",
            "Time since the findings store was last refreshed for everyone",
            value=_age(refreshed, now),
        )


def metrics_text() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
