"""The pages' answer when the database is down or too busy: 503 with ``Retry-After``.

The page is rendered without the request, so without context processors: nothing on it may
need the database (the signed-in user, the session) that just failed.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
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
