"""Signing in (password, then a TOTP code), setting up the code, signing out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.enrolment import (
    EnrolmentRefused,
    enrolment_code_redeem,
    totp_device_confirm,
    totp_device_start,
)
from fastkontakt.access.middleware import has_second_factor, second_factor_not_required
from fastkontakt.access.services import totp_secret
from fastkontakt.domain.errors import NotAllowed
from fastkontakt.web.forms import Form

SESSION_SETUP_DEVICE = "fastkontakt.otp_setup_device"
SESSION_ENROLMENT = "fastkontakt.enrolment_code"


class TokenForm(Form):
    otp_token = forms.RegexField(
        label="Engångskod",
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": "Koden är sex siffror.", "required": "Ange koden."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def token(self) -> str:
        return str(self.cleaned_data["otp_token"]).strip()


class EnrolmentCodeForm(Form):
    enrolment_code = forms.CharField(
        label="Registreringskod",
        max_length=32,
        error_messages={"required": "Ange registreringskoden."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )

    def code(self) -> str:
        return str(self.cleaned_data["enrolment_code"])


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context


login_view = second_factor_not_required(LoginView.as_view())


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    # A new session id for the new privilege, as Django's login() gives one after the password:
    # an id seen before the code (fixed by an attacker, or read off the wire) opens nothing.
    request.session.cycle_key()


@second_factor_not_required
@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if has_second_factor(request):
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect("web:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error(None, "För många felaktiga koder. Vänta en stund och försök igen.")
                break
            if device.verify_token(form.token()):
                _second_factor_passed(request, device)
                return redirect(_next_url(request))
        else:
            form.add_error("otp_token", "Koden stämmer inte. Ta en ny kod från appen.")
    return render(request, "web/otp_verify.html", {"form": form, "next": _next_url(request)})


def _user_id(request: HttpRequest) -> int:
    # These pages are for signed-in users only (LoginRequiredMiddleware sees to that).
    return int(request.user.pk)  # type: ignore[arg-type]


def _enrol(request: HttpRequest) -> HttpResponse:
    """The setup page's first step: the enrolment code a system administrator issued."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolment_code_redeem(user_id=_user_id(request), code=form.code())
        except EnrolmentRefused as refused:
            form.add_error("enrolment_code", str(refused))
        else:
            request.session[SESSION_ENROLMENT] = enrolment.pk
            target = reverse("web:otp_setup")
            next_url = _next_url(request)
            return redirect(f"{target}?{urlencode({'next': next_url})}")
    return render(request, "web/otp_enrol.html", {"form": form, "next": _next_url(request)})


@second_factor_not_required
@sensitive_post_parameters("otp_token", "enrolment_code")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """A user without a confirmed device sets one up: first the enrolment code, then scan the
    key and prove the app works. Nothing of the key shows before the enrolment code."""
    if user_has_device(request.user):
        return redirect("web:otp_verify")
    enrolment_pk = request.session.get(SESSION_ENROLMENT)
    try:
        device = totp_device_start(
            user_id=_user_id(request),
            enrolment_pk=enrolment_pk,
            device_pk=request.session.get(SESSION_SETUP_DEVICE),
        )
    except NotAllowed:
        request.session.pop(SESSION_ENROLMENT, None)
        request.session.pop(SESSION_SETUP_DEVICE, None)
        return _enrol(request)
    request.session[SESSION_SETUP_DEVICE] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(
                user_id=_user_id(request),
                enrolment_pk=enrolment_pk,
                device_pk=device.pk,
                token=form.token(),
            )
        except EnrolmentRefused as refused:
            form.add_error("otp_token", str(refused))
        else:
            request.session.pop(SESSION_ENROLMENT, None)
            request.session.pop(SESSION_SETUP_DEVICE, None)
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    context = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": totp_secret(device),
        "next": _next_url(request),
    }
    return render(request, "web/otp_setup.html", context)


logout_view = second_factor_not_required(auth_views.LogoutView.as_view())
