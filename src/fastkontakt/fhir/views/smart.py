"""SMART Backend Services endpoints (ADR 0023): ``POST /fhir/auth/token`` and
``GET /fhir/.well-known/smart-configuration``.

They speak OAuth 2.0 JSON, not FHIR: errors are RFC 6749 ``{"error", "error_description"}``
objects with 400 or 401, never an OperationOutcome. Plain Django views, mounted before the
FHIR API's own paths in ``fhir.urls``; no bearer token is needed to reach them.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from fastkontakt.fhir.scopes import AUDIT
from fastkontakt.fhir.smart import (
    ALGORITHMS,
    GRANT_TYPE,
    TOKEN_PATH,
    OAuthError,
    smart_token_issue,
)
from fastkontakt.fhir.views.rendering import base_url

_FORM = "application/x-www-form-urlencoded"
# What a client may ask for: the v2 and v1 forms, for every type and for the access log.
SCOPES_SUPPORTED = [
    "system/*.cruds",
    "system/*.rs",
    "system/*.read",
    "system/*.write",
    f"system/{AUDIT}.rs",
    f"system/{AUDIT}.read",
]


def _json(data: dict[str, Any], status: int = 200, *, no_store: bool = False) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )
    if no_store:
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
    return response


def _error(error: OAuthError) -> HttpResponse:
    return _json(
        {"error": error.error, "error_description": error.description},
        error.status,
        no_store=True,
    )


def token_url(request: HttpRequest) -> str:
    return f"{base_url(request)}{TOKEN_PATH}"


def token(request: HttpRequest) -> HttpResponse:
    """The token endpoint: client_credentials with a signed JWT client assertion."""
    if request.method != "POST":
        response = _error(OAuthError("invalid_request", "Token-adressen tar bara emot POST."))
        response.status_code = 405
        response["Allow"] = "POST"
        return response
    if request.content_type != _FORM:
        return _error(OAuthError("invalid_request", f"Skicka formuläret som {_FORM}."))
    form = request.POST
    try:
        issued = smart_token_issue(
            grant_type=form.get("grant_type", ""),
            client_assertion_type=form.get("client_assertion_type", ""),
            client_assertion=form.get("client_assertion", ""),
            scope=form.get("scope", ""),
            client_id=form.get("client_id", ""),
            token_url=token_url(request),
        )
    except OAuthError as error:
        return _error(error)
    return _json(
        {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        },
        no_store=True,
    )


def configuration(request: HttpRequest) -> HttpResponse:
    """``/.well-known/smart-configuration`` for backend services."""
    if request.method not in ("GET", "HEAD"):
        response = _json({"error": "invalid_request"}, 405)
        response["Allow"] = "GET, HEAD"
        return response
    return _json(
        {
            "token_endpoint": token_url(request),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
            "grant_types_supported": [GRANT_TYPE],
            "scopes_supported": SCOPES_SUPPORTED,
            "capabilities": [
                "client-confidential-asymmetric",
                "permission-v2",
                "permission-v1",
            ],
        }
    )
