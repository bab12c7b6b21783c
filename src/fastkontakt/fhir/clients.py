"""API clients: creating them, checking their tokens, and the ``Actor`` each one acts as.

In production a client authenticates with SMART Backend Services (``fhir.smart``, ADR 0023)
and its access token's grant decides what it may do. A static token, for development and the
tests only (``FASTKONTAKT_STATIC_API_TOKENS``), is ``fk1.<client pk>.<secret>`` and carries the
client's registered scopes. The pk finds the client; the secret's SHA-256 is
compared with the stored one in constant time. A client acts as an ``Actor`` named
``api:<client name>`` with roles at its unit derived from its scopes, so every read goes
through the same care-relationship check and every write through the same services (and into
the same access log) as the pages. A region-wide client (ADR 0012) is granted by a system
administrator, named when it is created, and its actor carries ``region_wide``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Membership, Role
from fastkontakt.domain.errors import InvalidInput, NotFound, Problem
from fastkontakt.fhir.models import ApiClient
from fastkontakt.fhir.scopes import AUDIT, allows, permissions, scope_permission
from fastkontakt.fhir.smart import jwks_problems
from fastkontakt.registry.models import Unit

TOKEN_PREFIX = "fk1"  # noqa: S105 - the format marker of a token, not a secret
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
# Resource types a scope may name; AuditEvent only by name (``system/*.read`` does not cover it).
SCOPE_RESOURCES = (
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "CareTeam",
    "CarePlan",
    "Task",
    "Consent",
    "AuditEvent",
)
# Compared against when the client does not exist, so both answers take the same time.
_DUMMY_HASH = hashlib.sha256(b"no such client").hexdigest()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scope_problems(scopes: list[str]) -> list[Problem]:
    """Why ``scopes`` cannot be a client's allowed scopes: each is a SMART system scope, v2
    (``system/CareTeam.rs``) or v1 (``system/CareTeam.read``), of a resource the API serves;
    the access log (AuditEvent) can only be read."""
    problems = []
    for scope in scopes:
        parsed = scope_permission(scope)
        if parsed is None or parsed[0] not in ("*", *SCOPE_RESOURCES):
            problems.append(Problem("scope", f"okänd behörighet: {scope}"))
        elif parsed[0] == AUDIT and not parsed[1] <= {"r", "s"}:
            problems.append(Problem("scope", "åtkomstloggen kan bara läsas (AuditEvent.read)"))
    if not scopes:
        problems.append(Problem("scope", "ange minst en behörighet"))
    return problems


def _writes(scopes: frozenset[str] | list[str]) -> bool:
    granted = permissions(scopes)
    return any(letters & {"c", "u", "d"} for kind, letters in granted.items() if kind != AUDIT)


def _region_grant_problems(scopes: list[str], granted_by: str) -> list[Problem]:
    """Why ``granted_by`` cannot make a client region-wide: only an active system
    administrator can, and only for a client that may write."""
    problems = []
    if not _writes(scopes):
        problems.append(Problem("region", "en regionsomfattande klient behöver en skrivbehörighet"))
    user = get_user_model()._default_manager.filter(username=granted_by).first()
    if (
        not granted_by
        or user is None
        or not user.is_active
        or not Membership.objects.filter(user=user, role=Role.SYSTEM_ADMIN, unit=None).exists()
    ):
        problems.append(
            Problem(
                "granted_by",
                "regionsomfattande behörighet ges bara av en systemadministratör "
                "(--granted-by ANVÄNDARNAMN)",
            )
        )
    return problems


@write_transaction()
def api_client_create(
    *,
    name: str,
    unit_hsa_id: str,
    scopes: list[str],
    region: bool = False,
    granted_by: str = "",
    jwks: Any = None,
) -> tuple[ApiClient, str | None]:
    """Create a client; returns it and its static token, which is not stored and cannot be
    shown again (``None`` where static tokens are off, as in production).

    ``jwks``: the public keys it signs token requests with (SMART Backend Services);
    ``region``: the client may load the region's directory and populations (ADR 0012);
    ``granted_by`` must then be the username of an active system administrator.
    """
    problems = scope_problems(scopes)
    if jwks is not None:
        problems.extend(jwks_problems(jwks))
    elif not settings.FASTKONTAKT_STATIC_API_TOKENS:
        problems.append(Problem("jwks", "ange klientens publika nycklar (--jwks FIL)"))
    if region:
        problems.extend(_region_grant_problems(scopes, granted_by))
    elif granted_by:
        problems.append(Problem("granted_by", "--granted-by hör till --region"))
    if not _NAME.fullmatch(name):
        problems.append(
            Problem("name", "namnet ska vara 1-100 tecken a-z, 0-9, punkt, bindestreck eller _")
        )
    elif ApiClient.objects.filter(name=name).exists():
        problems.append(Problem("name", f"det finns redan en klient som heter {name}"))
    unit = Unit.objects.filter(hsa_id=unit_hsa_id).first()
    if unit is None:
        problems.append(Problem("unit", f"okänd enhet: {unit_hsa_id}"))
    if problems or unit is None:
        raise InvalidInput(problems)
    secret = secrets.token_urlsafe(32) if settings.FASTKONTAKT_STATIC_API_TOKENS else None
    client = ApiClient.objects.create(
        name=name,
        unit=unit,
        scopes=" ".join(sorted(set(scopes))),
        secret_hash=_hash(secret) if secret else "",
        jwks=jwks or {},
        region=region,
        region_granted_by=granted_by if region else "",
    )
    return client, f"{TOKEN_PREFIX}.{client.pk}.{secret}" if secret else None


def api_client_authenticate(*, token: str) -> ApiClient:
    """The active client holding the static ``token``; raises ``NotFound`` for any other token
    and for every static token where they are off (production)."""
    if not settings.FASTKONTAKT_STATIC_API_TOKENS:
        raise NotFound("Statiska token tas inte emot; hämta en åtkomsttoken (SMART).")
    prefix, _, rest = token.partition(".")
    pk_text, _, secret = rest.partition(".")
    client = None
    if prefix == TOKEN_PREFIX and pk_text.isascii() and pk_text.isdigit() and len(pk_text) < 19:
        client = ApiClient.objects.select_related("unit").filter(pk=int(pk_text)).first()
    expected = client.secret_hash if client is not None and client.secret_hash else _DUMMY_HASH
    matches = hmac.compare_digest(_hash(secret), expected)
    if client is None or not client.secret_hash or not matches or not client.active:
        raise NotFound("Okänd eller ogiltig token.")
    return client


def client_allows(client: ApiClient, resource: str, needed: str) -> bool:
    """Whether the client's scopes (its token's grant) allow ``needed``, SMART v2 letters
    (``r`` read, ``s`` search, ``c`` create, ``u`` update, ``d`` delete), on ``resource``."""
    return allows(permissions(client.scope_set), resource, needed)


def client_actor(client: ApiClient, *, request_id: str) -> Actor:
    """The actor the client acts as: roles at its unit that its scopes call for."""
    unit = client.unit_id
    memberships: set[tuple[str, int | None]] = set()
    granted = permissions(client.scope_set)
    if any(resource != AUDIT for resource in granted):
        # Working at the unit is what gives a care relationship with its people.
        memberships.add((Role.STAFF, unit))
    if _writes(client.scope_set):
        # The roles that write at the unit: appoint and end fixed contacts, keep its own data
        # and its staff. Which resources it may write at all is its scopes' business, checked
        # per resource before any service runs.
        memberships.update(
            (role, unit) for role in (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR)
        )
    if granted.get(AUDIT):
        memberships.add((Role.LOG_REVIEWER, None))
    return Actor(
        user_id=None,
        username=f"api:{client.name}",
        memberships=frozenset(memberships),
        request_id=request_id,
        unit_hsa_ids=((unit, client.unit.hsa_id),),
        region_wide=client.region,
    )
