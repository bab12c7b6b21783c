"""The citizen pages: parse, call one service or selector, render.

A citizen session lives in its own cookie (``fk_invanare``, path ``/invanare/``), never in
Django's staff session: a staff login gives nothing here and a citizen login nothing on the
staff pages. Every view is public to Django's login (``login_not_required``) and checks the
citizen session itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fastkontakt.access.middleware import second_factor_not_required
from fastkontakt.citizen import oidc, selectors, services
from fastkontakt.citizen.selectors import Citizen
from fastkontakt.domain.errors import InvalidInput, NotAllowed, NotFound
from fastkontakt.letters.rendering import html_pdf
from fastkontakt.runtime import clock

COOKIE = "fk_invanare"
PENDING_COOKIE = "fk_invanare_oidc"
PATH = "/invanare/"
_PENDING_SALT = "fastkontakt.citizen.oidc"
_PENDING_SECONDS = 600


def _set_session_cookie(response: HttpResponse, key: str) -> None:
    response.set_cookie(
        COOKIE,
        key,
        path=PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_not_required(second_factor_not_required(view))  # type: ignore[return-value]


def citizen_page(
    *, person: bool = True
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page for a signed-in citizen (``person``: one who is shown someone's data)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            citizen = services.citizen_session_get(
                key=request.COOKIES.get(COOKIE, ""),
                request_id=getattr(request, "request_id", ""),
            )
            if citizen is None:
                return redirect("citizen:start")
            if person and citizen.person is None:
                return redirect("citizen:choose")
            request.citizen = citizen  # type: ignore[attr-defined]
            try:
                response = view(request, citizen, *args, **kwargs)
            except NotFound:
                # Another person's id answers exactly as an id that does not exist.
                response = render(
                    request, "citizen/not_found.html", _context(citizen), status=404
                )
            except NotAllowed as error:
                response = render(
                    request,
                    "citizen/not_allowed.html",
                    _context(citizen, message=str(error)),
                    status=403,
                )
            return _no_store(response)

        return _public(wrapped)

    return decorate


def _context(citizen: Citizen, **extra: Any) -> dict[str, Any]:
    return {"citizen": citizen, "shown": citizen.person, "today": clock.today(), **extra}


# --- signing in and out ----------------------------------------------------------------------


class DemoForm(forms.Form):
    personal_id = forms.CharField(label="Personnummer (12 siffror)", max_length=13)


def _demo_enabled() -> bool:
    return bool(
        settings.FASTKONTAKT_CITIZEN_DEMO_LOGIN and settings.DEBUG and not settings.PRODUCTION
    )


def _sign_in_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    demo = None
    if _demo_enabled():
        demo = DemoForm(initial={"personal_id": selectors.demo_personal_id()})
    return render(
        request,
        "citizen/sign_in.html",
        {"oidc": oidc.configured(), "demo": demo, "error": error},
        status=status,
    )


@_public
@require_http_methods(["GET"])
def start(request: HttpRequest) -> HttpResponse:
    citizen = services.citizen_session_get(
        key=request.COOKIES.get(COOKIE, ""), request_id=getattr(request, "request_id", "")
    )
    if citizen is None:
        return _no_store(_sign_in_page(request))
    if citizen.person is None:
        return redirect("citizen:choose")
    try:
        selectors.person_shown(citizen, what="citizen.overview")
    except NotFound:
        raise Http404 from None
    grants = selectors.grants_to_me(personal_id=citizen.personal_id)
    return _no_store(render(request, "citizen/start.html", _context(citizen, grants=grants)))


@_public
@require_http_methods(["GET"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    url, pending = oidc.authorization_url(
        redirect_uri=request.build_absolute_uri(reverse("citizen:callback"))
    )
    response = redirect(url)
    response.set_signed_cookie(
        PENDING_COOKIE,
        f"{pending.state} {pending.nonce}",
        salt=_PENDING_SALT,
        max_age=_PENDING_SECONDS,
        path=PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@_public
@require_http_methods(["GET"])
def callback(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    try:
        kept = request.get_signed_cookie(
            PENDING_COOKIE, salt=_PENDING_SALT, max_age=_PENDING_SECONDS
        )
        state, nonce = str(kept).split(" ", 1)
        pending: oidc.Pending | None = oidc.Pending(state=state, nonce=nonce)
    except (KeyError, signing.BadSignature, ValueError):
        pending = None
    try:
        personal_id = oidc.callback_personal_id(
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            pending=pending,
            redirect_uri=request.build_absolute_uri(reverse("citizen:callback")),
        )
        key = services.citizen_session_start(personal_id=personal_id)
        # A new sign-in ends the session this browser had, whoever it was.
        services.citizen_session_end(key=request.COOKIES.get(COOKIE, ""))
    except oidc.SignInRefused as refused:
        response = _sign_in_page(request, error=str(refused), status=403)
        response.delete_cookie(PENDING_COOKIE, path=PATH)
        return _no_store(response)
    response = redirect("citizen:start")
    response.delete_cookie(PENDING_COOKIE, path=PATH)
    _set_session_cookie(response, key)
    return response


@_public
@require_http_methods(["POST"])
def demo_sign_in(request: HttpRequest) -> HttpResponse:
    """The demo login of ``make run``: no e-legitimation, so never outside development."""
    if not _demo_enabled():
        raise Http404
    form = DemoForm(request.POST)
    number = "".join(ch for ch in form.data.get("personal_id", "") if ch.isdigit())
    try:
        key = services.citizen_session_start(personal_id=number)
        services.citizen_session_end(key=request.COOKIES.get(COOKIE, ""))
    except oidc.SignInRefused as refused:
        return _no_store(_sign_in_page(request, error=str(refused), status=403))
    response = redirect("citizen:start")
    _set_session_cookie(response, key)
    return response


@_public
@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    services.citizen_session_end(key=request.COOKIES.get(COOKIE, ""))
    response = redirect("citizen:start")
    response.delete_cookie(COOKIE, path=PATH)
    return response


@citizen_page(person=False)
@require_http_methods(["GET"])
def choose_person(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    grants = selectors.grants_to_me(personal_id=citizen.personal_id)
    return render(request, "citizen/choose.html", _context(citizen, grants=grants))


@citizen_page(person=False)
@require_http_methods(["POST"])
def switch(request: HttpRequest, citizen: Citizen, person_pk: int) -> HttpResponse:
    services.citizen_switch(citizen=citizen, person_pk=person_pk)
    return redirect("citizen:start")


# --- my contacts and letters -----------------------------------------------------------------


@citizen_page()
@require_http_methods(["GET"])
def contacts(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    mine = selectors.my_contacts(citizen)
    show_past = request.GET.get("tidigare") == "1"
    return render(
        request, "citizen/contacts.html", _context(citizen, mine=mine, show_past=show_past)
    )


@citizen_page()
@require_http_methods(["GET"])
def letters(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    found = selectors.my_letters(citizen)
    return render(request, "citizen/letters.html", _context(citizen, letters=found))


@citizen_page()
@require_http_methods(["GET"])
def letter(request: HttpRequest, citizen: Citizen, letter_pk: int) -> HttpResponse:
    found = selectors.my_letter(citizen, letter_pk=letter_pk, what="citizen.letter")
    if services.letter_opened(citizen=citizen, letter=found):
        found.refresh_from_db(fields=["delivered_on", "delivery_method", "delivered_by"])
    named = selectors.letter_cards(found)
    return render(
        request, "citizen/letter.html", _context(citizen, letter=found, cards=named)
    )


@citizen_page()
@require_http_methods(["GET"])
def letter_pdf(request: HttpRequest, citizen: Citizen, letter_pk: int) -> HttpResponse:
    found, pdf = selectors.my_letter_pdf(citizen, letter_pk=letter_pk)
    services.letter_opened(citizen=citizen, letter=found)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="brev-{letter_pk}.pdf"'
    return response


# --- ask and choose --------------------------------------------------------------------------


@citizen_page()
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if citizen.as_relative:
        raise NotAllowed(services.ONLY_THE_PERSON)
    errors: list[str] = []
    if request.method == "POST":
        unit = request.POST.get("unit", "")
        if not unit.isdigit():
            errors.append("Välj en mottagning.")
        else:
            try:
                services.request_contact(citizen=citizen, unit_pk=int(unit))
            except InvalidInput as invalid:
                errors += [p.message for p in invalid.problems]
            else:
                return redirect(reverse("citizen:ask") + "?skickad=1")
    units = selectors.request_units(citizen)
    return render(
        request,
        "citizen/ask.html",
        _context(
            citizen,
            units=units,
            offered=[u for u in units if not u.has_contact and not u.asked],
            requests=selectors.my_requests(citizen),
            errors=errors,
            sent=request.GET.get("skickad") == "1",
        ),
        status=400 if errors else 200,
    )


@citizen_page()
@require_http_methods(["GET", "POST"])
def physician(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if citizen.as_relative:
        raise NotAllowed(services.ONLY_THE_PERSON)
    errors: list[str] = []
    if request.method == "POST":
        chosen = request.POST.get("staff", "")
        if not chosen.isdigit():
            errors.append("Välj en läkare.")
        else:
            try:
                services.physician_choose(citizen=citizen, staff_pk=int(chosen))
            except InvalidInput as invalid:
                errors += [p.message for p in invalid.problems]
            else:
                return redirect(reverse("citizen:physician") + "?skickad=1")
    physicians = selectors.my_physicians(citizen)
    requests = [r for r in selectors.my_requests(citizen) if r.physician]
    return render(
        request,
        "citizen/physician.html",
        _context(
            citizen,
            physicians=physicians,
            requests=requests,
            errors=errors,
            sent=request.GET.get("skickad") == "1",
        ),
        status=400 if errors else 200,
    )


# --- relatives -------------------------------------------------------------------------------


class GrantForm(forms.Form):
    # Not required here: the service says what is missing, in plain Swedish.
    relative_name = forms.CharField(label="Den närståendes namn", required=False)
    relative_personal_id = forms.CharField(
        label="Den närståendes personnummer", help_text="12 siffror, ÅÅÅÅMMDDNNNN", required=False
    )


@citizen_page()
@require_http_methods(["GET", "POST"])
def relatives(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if citizen.as_relative:
        raise NotAllowed(services.ONLY_THE_PERSON)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proxy_grant(
                citizen=citizen,
                relative_personal_id=form.cleaned_data["relative_personal_id"],
                relative_name=form.cleaned_data["relative_name"],
            )
        except InvalidInput as invalid:
            for problem in invalid.problems:
                field = problem.path if problem.path in form.fields else None
                form.add_error(field, problem.message)
        else:
            return redirect(reverse("citizen:relatives") + "?klart=1")
    grants = selectors.my_grants(citizen)
    return render(
        request,
        "citizen/relatives.html",
        _context(
            citizen,
            form=form,
            active=[g for g in grants if g.withdrawn_at is None],
            withdrawn=[g for g in grants if g.withdrawn_at is not None],
            done=request.GET.get("klart") == "1",
        ),
        status=400 if form.errors else 200,
    )


@citizen_page()
@require_http_methods(["POST"])
def relative_withdraw(request: HttpRequest, citizen: Citizen, grant_pk: int) -> HttpResponse:
    services.proxy_withdraw(citizen=citizen, grant_pk=grant_pk)
    return redirect(reverse("citizen:relatives") + "?klart=1")


# --- who has read about me -------------------------------------------------------------------


@citizen_page()
@require_http_methods(["GET"])
def accesslog(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if citizen.as_relative:
        raise NotAllowed(services.ONLY_THE_PERSON)
    entries = selectors.who_has_read(citizen)
    return render(request, "citizen/accesslog.html", _context(citizen, entries=entries))


@citizen_page()
@require_http_methods(["GET"])
def accesslog_pdf(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if citizen.as_relative:
        raise NotAllowed(services.ONLY_THE_PERSON)
    entries = selectors.who_has_read(citizen, what="citizen.accesslog.pdf")
    html = render_to_string(
        "citizen/accesslog_pdf.html",
        _context(citizen, entries=entries, made=clock.today()),
    )
    response = HttpResponse(html_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="vem-har-last-om-mig.pdf"'
    return response
