"""Signing in with e-legitimation: OpenID Connect's authorization code flow against the
region's provider (``settings.FASTKONTAKT_CITIZEN_OIDC``), apart from the staff login.

The staff login (``access.oidc``, mozilla-django-oidc) is tied to Django's users and sessions;
a citizen is neither, so this is the small flow itself: a ``state`` and a ``nonce`` kept in a
signed cookie, the code exchanged at the token endpoint, the ID token's signature checked
against the provider's JWKS (PyJWT), its issuer, audience, expiry and nonce checked, and then
the two claims that matter: the personnummer (Swedish eID OIDC profile,
``FASTKONTAKT_CITIZEN_PERSONAL_ID_CLAIM``) and the assurance level (``acr``, one of
``FASTKONTAKT_CITIZEN_ACR_VALUES``: loa3 or higher). Anything else is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings

from fastkontakt.domain.errors import DomainError
from fastkontakt.domain.identifiers import is_personal_id

_TIMEOUT_SECONDS = 10


class SignInRefused(DomainError):
    """The provider's answer does not sign anyone in; the message is for the person."""


@dataclass(frozen=True, slots=True)
class Pending:
    """What the start of a sign-in keeps until the provider sends the person back."""

    state: str
    nonce: str


def configured() -> bool:
    conf = settings.FASTKONTAKT_CITIZEN_OIDC
    return bool(
        conf["client_id"]
        and conf["authorization_endpoint"]
        and conf["token_endpoint"]
        and conf["jwks_endpoint"]
    )


def authorization_url(*, redirect_uri: str) -> tuple[str, Pending]:
    """Where to send the person, and what to keep (in a signed cookie) until they return."""
    conf = settings.FASTKONTAKT_CITIZEN_OIDC
    pending = Pending(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24))
    query = urlencode(
        {
            "response_type": "code",
            "client_id": conf["client_id"],
            "redirect_uri": redirect_uri,
            "scope": conf["scopes"],
            "state": pending.state,
            "nonce": pending.nonce,
            "acr_values": " ".join(settings.FASTKONTAKT_CITIZEN_ACR_VALUES[:1]),
            "ui_locales": "sv",
        }
    )
    return f"{conf['authorization_endpoint']}?{query}", pending


def _id_token_claims(id_token: str, nonce: str) -> dict[str, Any]:
    conf = settings.FASTKONTAKT_CITIZEN_OIDC
    try:
        key = jwt.PyJWKClient(conf["jwks_endpoint"], timeout=_TIMEOUT_SECONDS)
        signing_key = key.get_signing_key_from_jwt(id_token)
        claims: dict[str, Any] = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=["RS256", "ES256", "PS256"],
            audience=conf["client_id"],
            issuer=conf["issuer"] or None,
            options={"require": ["exp", "iat", "sub", "aud"]},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
        raise SignInRefused("Inloggningen kunde inte kontrolleras. Försök igen.") from error
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInRefused("Inloggningen kunde inte kontrolleras. Försök igen.")
    return claims


def personal_id_of(claims: dict[str, Any]) -> str:
    """The personnummer the provider vouches for at loa3 or higher; else ``SignInRefused``."""
    acr = claims.get("acr")
    if acr not in settings.FASTKONTAKT_CITIZEN_ACR_VALUES:
        raise SignInRefused(
            "Inloggningen var inte tillräckligt säker. Logga in med BankID eller Freja+ "
            "(e-legitimation med tillitsnivå 3)."
        )
    number = claims.get(settings.FASTKONTAKT_CITIZEN_PERSONAL_ID_CLAIM)
    if not isinstance(number, str) or not is_personal_id(number):
        raise SignInRefused("Inloggningen gav inget personnummer som vi kan använda.")
    return number


def callback_personal_id(
    *, code: str, state: str, pending: Pending | None, redirect_uri: str
) -> str:
    """The personnummer of the person the provider sent back; ``SignInRefused`` otherwise."""
    if pending is None or not code or not secrets.compare_digest(state, pending.state):
        raise SignInRefused("Inloggningen hann gå ut eller startades inte här. Försök igen.")
    conf = settings.FASTKONTAKT_CITIZEN_OIDC
    try:
        answer = requests.post(
            conf["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": conf["client_id"],
                "client_secret": conf["client_secret"],
            },
            timeout=_TIMEOUT_SECONDS,
        )
        answer.raise_for_status()
        id_token = answer.json().get("id_token", "")
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("Inloggningstjänsten svarade inte. Försök igen om en stund.") from error
    if not isinstance(id_token, str) or not id_token:
        raise SignInRefused("Inloggningen kunde inte kontrolleras. Försök igen.")
    return personal_id_of(_id_token_claims(id_token, pending.nonce))
