"""Headers on every response, and a 503 for a page whose database is down or busy.

``SecurityHeadersMiddleware`` adds the Content-Security-Policy and Permissions-Policy of the
settings (Django 5.2 has no CSP of its own; ADR 0010 says why not django-csp).

A page view that finds the database down or busy answers 503, not 500.

This catches what a view raises (a write that waited too long for SQLite's lock, a connection
lost mid-request), even with ``DEBUG`` on. What the middleware before the view raises (reading
the session, say) never reaches ``process_exception``: ``urls.handler500`` answers those with
the same page. The FHIR API answers its own with an OperationOutcome (``fhir.outcomes``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fastkontakt.web.views.errors import DATABASE_UNAVAILABLE, database_unavailable

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.FASTKONTAKT_CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", settings.FASTKONTAKT_PERMISSIONS_POLICY)
        return response


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
