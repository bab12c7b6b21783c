"""A page view that finds the database down or busy answers 503, not 500.

This catches what a view raises (a write that waited too long for SQLite's lock, a connection
lost mid-request), even with ``DEBUG`` on. What the middleware before the view raises (reading
the session, say) never reaches ``process_exception``: ``urls.handler500`` answers those with
the same page. The FHIR API answers its own with an OperationOutcome (``fhir.outcomes``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fastkontakt.web.views.errors import DATABASE_UNAVAILABLE, database_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE) or request.path.startswith("/fhir/"):
            return None
        logger.error(
            "Database unavailable: %s %s", request.method, request.path, exc_info=exception
        )
        return database_unavailable(request)
