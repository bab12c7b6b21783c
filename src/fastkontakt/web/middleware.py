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
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver

from fastkontakt.web.views import errors
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


class SwedishErrorPagesMiddleware:
    """The project's Swedish 404, 400 and 500 pages under ``DEBUG`` too.

    With ``DEBUG`` off Django already answers with ``404.html`` and friends; with it on, it
    shows its English technical pages (the URL patterns, a traceback), which a user trying the
    demo must not read. A path that matches no pattern never reaches a view, so it is caught
    here before the view runs; what a view raises comes to :meth:`process_exception`. The
    traceback still goes to the log. The FHIR API answers its own errors as OperationOutcomes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and not _is_api(request):
            try:
                get_resolver().resolve(request.path_info)
            except Resolver404:
                # CommonMiddleware (outside this one) still redirects a path missing its slash.
                return errors.not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or _is_api(request):
            return None
        if isinstance(exception, Http404):
            return errors.not_found(request)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            logger.warning("Felaktig begäran %s: %s", request.path, exception)
            return errors.bad_request(request)
        if isinstance(exception, (*DATABASE_UNAVAILABLE, PermissionDenied)):
            return None  # DatabaseUnavailableMiddleware answers 503; handler403 is Swedish
        logger.error("Fel på %s", request.path, exc_info=exception)
        return errors.server_error_page(request)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/fhir/")
