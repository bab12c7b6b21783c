"""``/health/live``, ``/health/ready`` and ``/metrics`` for the load balancer and monitoring.

``live`` answers 200 as long as the process answers (no database). ``ready`` checks that the
database answers, that every migration is applied and that the queue's table can be read, and
answers 503 with the failing check as JSON otherwise: a load balancer stops sending requests to
a process that cannot serve them. ``metrics`` is Prometheus' text format, for the configured
addresses connecting directly (not through a proxy) or with the bearer token.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from fastkontakt.runtime.metrics import metrics_text

_migrated = False


def _migrations_pending() -> int:
    global _migrated
    if _migrated:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    # Once applied, they stay applied for this process's code.
    _migrated = pending == 0
    return pending


@require_GET
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def ready(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"fel: {type(error).__name__}"
        return _not_ready(checks, "Databasen svarar inte.")
    try:
        pending = _migrations_pending()
    except DatabaseError as error:
        checks["migrations"] = f"fel: {type(error).__name__}"
        return _not_ready(checks, "Migreringarna kunde inte läsas.")
    checks["migrations"] = "ok" if pending == 0 else f"{pending} ej körda"
    if pending:
        return _not_ready(checks, "Databasen är inte migrerad.")
    try:
        DBTaskResult.objects.ready().exists()
        checks["queue"] = "ok"
    except DatabaseError as error:
        checks["queue"] = f"fel: {type(error).__name__}"
        return _not_ready(checks, "Jobbkön kan inte läsas.")
    return JsonResponse({"status": "ok", "checks": checks})


def _not_ready(checks: dict[str, str], reason: str) -> HttpResponse:
    response = JsonResponse(
        {"status": "unavailable", "reason": reason, "checks": checks}, status=503
    )
    response["Retry-After"] = str(settings.FASTKONTAKT_RETRY_AFTER_SECONDS)
    return response


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.FASTKONTAKT_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # Through a proxy every request comes from the proxy's address: then only the token.
    if "X-Forwarded-For" in request.headers:
        return False
    return request.META.get("REMOTE_ADDR", "") in settings.FASTKONTAKT_METRICS_ADDRESSES


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("Ingen behörighet.\n", status=403, content_type="text/plain")
    body, content_type = metrics_text()
    return HttpResponse(body, content_type=content_type)
