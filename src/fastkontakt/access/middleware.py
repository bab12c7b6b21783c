"""Request ids for the access log, and the second factor every signed-in user must pass.

A user who signed in with a password but has not yet given a TOTP code is sent to the code page
(or, without a confirmed device, to the page that sets one up, which first asks for an enrolment
code from a system administrator: ``access.enrolment``) before anything else is served.
A user who signed in through the region's identity provider with multi-factor authentication
(the provider's ``acr``/``amr`` says so) has passed it there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

from fastkontakt.access.accesslog import access_scope

SESSION_MFA_BY_PROVIDER = "fastkontakt.mfa_by_provider"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def second_factor_not_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Mark a view that a signed-in user may reach before the second factor (the code page)."""
    view.second_factor_not_required = True  # type: ignore[attr-defined]
    return view


def has_second_factor(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_verified() or request.session.get(SESSION_MFA_BY_PROVIDER))


class AccessScopeMiddleware:
    """Each request is one action of the access log (``accesslog.access_scope``): its reads are
    logged once per person when the response is ready, before it leaves. If they cannot be
    logged, the response does not leave either (the error reaches the outage handling)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with access_scope():
            return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A caller's id is kept (to follow one request across systems) only if it looks like one.
        # runtime.logs.RequestContextMiddleware (outermost) gave it one already: the same id in
        # the log lines and the access log.
        given = request.headers.get("X-Request-ID", "")
        if not getattr(request, "request_id", ""):
            request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or getattr(
            view_func, "second_factor_not_required", False
        ):
            return None
        if has_second_factor(request):
            return None
        target = "web:otp_verify" if user_has_device(request.user) else "web:otp_setup"
        response = redirect(target)
        path = request.get_full_path()
        if url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
            response["Location"] += "?" + urlencode({"next": path})
        return response
