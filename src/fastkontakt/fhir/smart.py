"""SMART Backend Services (ADR 0023): the token endpoint's work and the access tokens it issues.

A registered client (``ApiClient`` with a JWK Set) asks for a token with the OAuth 2.0
``client_credentials`` grant, authenticating with a JWT it signed (RFC 7523,
``private_key_jwt``) with RS384 or ES384. The assertion must name the client as ``iss`` and
``sub``, this server's token endpoint as ``aud``, expire within five minutes and carry a ``jti``
not seen before (kept in the database until the assertion expires). The token granted is opaque
and random, stored as its SHA-256, valid ``FASTKONTAKT_SMART_TOKEN_SECONDS`` (300) and carries
the requested scopes cut down to the client's allowed ones (``fhir.scopes.grant``). JOSE is
``joserfc``'s: nothing here parses or checks a signature itself.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey

from fastkontakt.domain.errors import NotFound, Problem
from fastkontakt.fhir.models import ApiClient, SmartAccessToken, SmartAssertionId
from fastkontakt.fhir.scopes import grant

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
GRANT_TYPE = "client_credentials"
ALGORITHMS = ("RS384", "ES384")
#: How far ahead an assertion may expire (SMART: "no more than five minutes in the future").
MAX_ASSERTION_SECONDS = 300
#: Clock difference tolerated between the client and this server.
CLOCK_SKEW_SECONDS = 30
#: The token endpoint, relative to the FHIR base (``/fhir/``).
TOKEN_PATH = "auth/token"  # noqa: S105 - a path, not a secret
TOKEN_PREFIX = "fks"  # noqa: S105 - the format marker of an access token, not a secret
_MIN_RSA_BITS = 2048


class OAuthError(Exception):
    """An error answer of the token endpoint (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def jwks_problems(jwks: Any) -> list[Problem]:
    """Why ``jwks`` cannot be a client's key set: it must be a JWK Set of public RSA (2048 bits
    or more) or P-384 EC keys, with no private parts."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        return [Problem("jwks", 'nycklarna ska vara en JWK Set ({"keys": [...]}), minst en')]
    problems = []
    for i, key in enumerate(jwks["keys"]):
        where = f"jwks.keys[{i}]"
        if not isinstance(key, dict):
            problems.append(Problem(where, "nyckeln ska vara ett JSON-objekt"))
            continue
        if any(part in key for part in ("d", "p", "q", "dp", "dq", "qi")):
            problems.append(Problem(where, "nyckeln har privata delar; registrera den publika"))
            continue
        try:
            with warnings.catch_warnings():
                # A short key is refused below, in Swedish; joserfc's warning would only repeat it.
                warnings.simplefilter("ignore")
                imported = KeySet.import_key_set({"keys": [key]}).keys[0]
        except (JoseError, ValueError, TypeError, KeyError):
            problems.append(Problem(where, "ogiltig nyckel"))
            continue
        if isinstance(imported, RSAKey):
            if imported.raw_value.key_size < _MIN_RSA_BITS:
                problems.append(Problem(where, f"RSA-nyckeln ska vara minst {_MIN_RSA_BITS} bitar"))
        elif not (isinstance(imported, ECKey) and key.get("crv") == "P-384"):
            problems.append(Problem(where, "nyckeln ska vara RSA (RS384) eller EC P-384 (ES384)"))
    return problems


def _invalid_client(description: str) -> OAuthError:
    return OAuthError("invalid_client", description, 401)


def _assertion_header(assertion: str) -> dict[str, Any]:
    try:
        header = jws.extract_compact(assertion.encode()).headers()
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise _invalid_client("client_assertion är inte en signerad JWT.") from None
    return dict(header)


def _unverified_issuer(assertion: str) -> str:
    try:
        issuer = json.loads(jws.extract_compact(assertion.encode()).payload).get("iss")
    except (JoseError, ValueError, TypeError, AttributeError, UnicodeError):
        raise _invalid_client("client_assertion saknar läsbara claims.") from None
    if not isinstance(issuer, str) or not issuer:
        raise _invalid_client("client_assertion saknar iss.")
    return issuer


def _verified_claims(assertion: str, client: ApiClient, alg: str) -> dict[str, Any]:
    try:
        keys = KeySet.import_key_set(client.jwks)
        token = jwt.decode(assertion, keys, algorithms=[alg])
    except JoseError:
        raise _invalid_client("Signaturen stämmer inte med klientens nycklar.") from None
    except (ValueError, TypeError, KeyError):
        raise _invalid_client("Klientens registrerade nycklar kan inte användas.") from None
    return dict(token.claims)


def _check_claims(
    claims: dict[str, Any], client: ApiClient, token_url: str, now: datetime
) -> datetime:
    """The assertion's expiry, when its claims hold; else ``invalid_client``."""
    if claims.get("iss") != client.name or claims.get("sub") != client.name:
        raise _invalid_client("iss och sub ska båda vara klientens id.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if token_url not in audiences:
        raise _invalid_client(f"aud ska vara token-adressen {token_url}.")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool) or not math.isfinite(exp):
        raise _invalid_client("exp saknas eller är inte ett tal.")
    stamp = now.timestamp()
    if exp <= stamp - CLOCK_SKEW_SECONDS:
        raise _invalid_client("client_assertion har gått ut (exp).")
    if exp > stamp + MAX_ASSERTION_SECONDS + CLOCK_SKEW_SECONDS:
        raise _invalid_client(f"exp får ligga högst {MAX_ASSERTION_SECONDS} sekunder fram.")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and nbf > stamp + CLOCK_SKEW_SECONDS:
        raise _invalid_client("client_assertion gäller inte ännu (nbf).")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= 255:
        raise _invalid_client("jti saknas eller är längre än 255 tecken.")
    return datetime.fromtimestamp(max(exp, stamp) + CLOCK_SKEW_SECONDS, tz=now.tzinfo)


@transaction.atomic
def smart_token_issue(
    *,
    grant_type: str,
    client_assertion_type: str,
    client_assertion: str,
    scope: str,
    client_id: str = "",
    token_url: str,
    now: datetime | None = None,
) -> IssuedToken:
    """Check a token request (SMART Backend Services) and issue an access token; raises
    ``OAuthError`` naming what does not hold, having stored nothing. The ``jti`` is recorded
    only once all else holds, so a refusal never uses up a client's assertion."""
    now = now or timezone.now()
    if not grant_type or not client_assertion_type or not client_assertion or not scope:
        missing = [
            name
            for name, value in (
                ("grant_type", grant_type),
                ("client_assertion_type", client_assertion_type),
                ("client_assertion", client_assertion),
                ("scope", scope),
            )
            if not value
        ]
        raise OAuthError("invalid_request", f"Saknar {', '.join(missing)}.")
    if grant_type != GRANT_TYPE:
        raise OAuthError("unsupported_grant_type", f"Bara grant_type={GRANT_TYPE} stöds.")
    if client_assertion_type != ASSERTION_TYPE:
        raise _invalid_client(f"client_assertion_type ska vara {ASSERTION_TYPE}.")
    header = _assertion_header(client_assertion)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise _invalid_client(f"Algoritmen {alg} tas inte emot; använd RS384 eller ES384.")
    issuer = _unverified_issuer(client_assertion)
    if client_id and client_id != issuer:
        raise _invalid_client("client_id är inte assertionens iss.")
    client = ApiClient.objects.filter(name=issuer, active=True).first()
    if client is None or not client.jwks:
        raise _invalid_client("Okänd klient eller klient utan registrerade nycklar.")
    claims = _verified_claims(client_assertion, client, alg)
    expires = _check_claims(claims, client, token_url, now)
    granted = grant(scope.split(), client.scope_set)
    if not granted:
        raise OAuthError("invalid_scope", "Klienten får ingen av de begärda behörigheterna.")
    SmartAssertionId.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SmartAssertionId.objects.create(client=client, jti=claims["jti"], expires_at=expires)
    except IntegrityError:
        raise _invalid_client("Assertionen har redan använts (jti).") from None
    seconds = settings.FASTKONTAKT_SMART_TOKEN_SECONDS
    token = f"{TOKEN_PREFIX}.{secrets.token_urlsafe(32)}"
    SmartAccessToken.objects.filter(expires_at__lt=now).delete()
    SmartAccessToken.objects.create(
        token_hash=_hash(token),
        client=client,
        scopes=" ".join(granted),
        expires_at=now + timedelta(seconds=seconds),
    )
    return IssuedToken(access_token=token, expires_in=seconds, scope=" ".join(granted))


def smart_token_authenticate(*, token: str, now: datetime | None = None) -> ApiClient:
    """The active client an unexpired access token was issued to, carrying the token's grant;
    raises ``NotFound`` for any other token."""
    now = now or timezone.now()
    found = (
        SmartAccessToken.objects.select_related("client__unit")
        .filter(token_hash=_hash(token), expires_at__gt=now, client__active=True)
        .first()
    )
    if found is None:
        raise NotFound("Okänd, ogiltig eller utgången token.")
    return found.client.with_grant(found.scopes)
