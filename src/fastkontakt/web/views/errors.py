"""The pages' error answers, in Swedish whatever ``DEBUG`` says.

503 with ``Retry-After`` when the database is down or too busy: that page is rendered without
the request, so without context processors, as nothing on it may need the database (the
signed-in user, the session) that just failed. 400, 403, 404 and 500 use the project's
templates (``400.html`` ... ``500.html``); a refused CSRF check answers ``403_csrf.html``.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

#: Errors of a database that cannot answer now (down, restarting, locked), not of the query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("web/unavailable.html"), status=503)
    response["Retry-After"] = str(settings.FASTKONTAKT_RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500`` of the pages: 503 if the error was the database's, else Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("400.html"), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: Django's own page is English and, under DEBUG, technical."""
    return HttpResponse(render_to_string("403_csrf.html"), status=403)


def server_error_page(request: HttpRequest) -> HttpResponse:
    """The Swedish 500 page (Django's own under DEBUG is a traceback)."""
    return HttpResponse(render_to_string("500.html"), status=500)
