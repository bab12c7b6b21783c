"""URLs of the FHIR API (mounted under ``/fhir/``).

The API authenticates systems by token, so its views are exempt from the pages' login, second
factor and CSRF. Whatever the API does not serve answers with an OperationOutcome: unknown
paths 404, methods a path does not support 405.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from fastkontakt.access.middleware import second_factor_not_required
from fastkontakt.fhir.api import api
from fastkontakt.fhir.outcomes import FHIR_JSON, Issue, not_found_response, outcome_response
from fastkontakt.fhir.views import smart

View = Callable[..., HttpResponseBase]


def _api_view(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != FHIR_JSON:
            allowed = response.get("Allow", "")
            return outcome_response(
                405,
                [Issue(code="not-supported", diagnostics=f"Metoden stöds inte här ({allowed}).")],
                {"Allow": allowed},
            )
        return response

    return login_not_required(second_factor_not_required(csrf_exempt(wrapped)))


def _unknown(request: HttpRequest, path: str) -> HttpResponse:
    return not_found_response(f"Okänd resurs eller operation: {path}")


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _, _ = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _api_view(pattern.callback)
        wrapped.append(pattern)
    return wrapped


app_name = "fhir"
_token = login_not_required(second_factor_not_required(csrf_exempt(smart.token)))
urlpatterns = [
    # SMART Backend Services (ADR 0023): OAuth 2.0, not FHIR, so outside the API's handlers.
    path("auth/token", _token, name="smart-token"),
    path(
        ".well-known/smart-configuration",
        login_not_required(second_factor_not_required(smart.configuration)),
        name="smart-configuration",
    ),
    *_patterns(),
    re_path(r"^(?P<path>.*)$", _api_view(_unknown)),
]
