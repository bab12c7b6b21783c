"""SMART Backend Services (ADR 0023): the token endpoint, its refusals, the scopes every FHIR
interaction checks, the well-known document and the CapabilityStatement's oauth-uris."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.errors import InvalidInput
from fastkontakt.fhir.clients import api_client_create
from fastkontakt.fhir.models import ApiClient, SmartAccessToken, SmartAssertionId
from fastkontakt.registry.models import Contact
from tests.access.helpers import make_user, signed_in
from tests.database_faults import in_threads, shared_database
from tests.factories import UnitFactory
from tests.fhir.conftest import FHIR_JSON, World, body
from tests.screen_text import screen_text_problems, visible_text

TOKEN_URL = "http://testserver/fhir/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FORM = "application/x-www-form-urlencoded"
Key = RSAKey | ECKey

_RSA = RSAKey.generate_key(2048, auto_kid=True)
_EC = ECKey.generate_key("P-384", auto_kid=True)
_OTHER_RSA = RSAKey.generate_key(2048, parameters={"kid": _RSA.kid})
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # joserfc warns of the short key this test must refuse
    _SHORT_RSA = RSAKey.generate_key(1024)


def _jwks(*keys: Key) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def assertion(
    key: Key | OctKey,
    *,
    alg: str = "RS384",
    client_id: str = "ehr",
    kid: str | None = None,
    **overrides: Any,
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    header = {"alg": alg, "typ": "JWT", "kid": kid or key.kid or "k"}
    return jwt.encode(header, claims, key, algorithms=[alg])


def request_token(
    signed: str, scope: str = "system/*.rs", **overrides: str
) -> Any:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": signed,
        "scope": scope,
        **overrides,
    }
    return Client().post("/fhir/auth/token", urlencode(form), content_type=FORM)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": FHIR_JSON}


def token_for(key: Key, scope: str, *, alg: str = "RS384", client_id: str = "ehr") -> str:
    response = request_token(assertion(key, alg=alg, client_id=client_id), scope)
    assert response.status_code == 200, response.content
    token: str = json.loads(response.content)["access_token"]
    return token


@pytest.fixture
def register(world: World) -> Callable[..., ApiClient]:
    """``register(*scopes, keys=(...), name=...)``: a client at the health centre with those
    allowed scopes and public keys."""

    def make(*scopes: str, keys: tuple[Key, ...] = (_RSA, _EC), name: str = "ehr") -> ApiClient:
        client, _ = api_client_create(
            name=name, unit_hsa_id=world.centre.hsa_id, scopes=list(scopes), jwks=_jwks(*keys)
        )
        return client

    return make


def _oauth_error(response: Any) -> tuple[int, str]:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, json.loads(response.content)["error"]


# -- the round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "alg"), [(_RSA, "RS384"), (_EC, "ES384")], ids=["RS384", "ES384"])
def test_a_registered_client_gets_a_token_and_reads_a_care_team(
    world: World, register: Callable[..., ApiClient], key: Key, alg: str
) -> None:
    # given
    register("system/*.read", "system/CareTeam.write")
    # when
    response = request_token(assertion(key, alg=alg), "system/CareTeam.rs")
    # then: a short-lived bearer token, stored only as a hash, with the scope asked for
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    grant = json.loads(response.content)
    assert set(grant) == {"access_token", "token_type", "expires_in", "scope"}
    assert (grant["token_type"], grant["expires_in"], grant["scope"]) == (
        "bearer",
        300,
        "system/CareTeam.rs",
    )
    stored = SmartAccessToken.objects.get()
    assert grant["access_token"] not in (stored.token_hash, stored.scopes)
    assert timedelta(seconds=295) < stored.expires_at - timezone.now() <= timedelta(seconds=300)
    # and: the token reads the care team as the client's unit, through the access log
    read = Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(grant["access_token"]))
    assert read.status_code == 200, read.content
    assert body(read)["resourceType"] == "CareTeam"
    entry = AccessLogEntry.objects.filter(personal_id=world.patient.personal_id).get()
    assert (entry.username, entry.action) == ("api:ehr", "read")
    # and: outside the unit's care relationships, the same token finds nothing
    outside = Client().get(
        f"/fhir/CareTeam/{world.outsider.pk}", headers=bearer(grant["access_token"])
    )
    assert outside.status_code == 404


def test_a_client_id_in_the_form_must_be_the_assertions_issuer(
    register: Callable[..., ApiClient],
) -> None:
    # given
    register("system/*.read")
    register("system/*.read", name="other")
    # when
    agrees = request_token(assertion(_RSA), client_id="ehr")
    differs = request_token(assertion(_RSA), client_id="other")
    # then
    assert agrees.status_code == 200
    assert _oauth_error(differs) == (401, "invalid_client")


# -- refusals at the token endpoint --------------------------------------------------------------


def _none_signed() -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"iss": "ehr", "sub": "ehr", "aud": TOKEN_URL, "exp": int(time.time()) + 60}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({**claims, 'jti': 'n'})}."


def _tampered(signed: str) -> str:
    """The same assertion with its expiry changed after signing."""
    header, payload, signature = signed.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = claims["iss"] = "ehr"
    claims["exp"] += 1
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


REFUSED: list[Any] = [
    pytest.param(lambda: assertion(_RSA, alg="RS256"), "Algoritmen RS256", id="alg-RS256"),
    pytest.param(lambda: assertion(_RSA, alg="PS384"), "Algoritmen PS384", id="alg-PS384"),
    pytest.param(
        lambda: assertion(OctKey.import_key(secrets.token_bytes(48)), alg="HS384", kid=_RSA.kid),
        "Algoritmen HS384",
        id="alg-HS384",
    ),
    pytest.param(_none_signed, "Algoritmen none", id="alg-none"),
    pytest.param(lambda: assertion(_OTHER_RSA), "Signaturen", id="bad-signature"),
    pytest.param(lambda: _tampered(assertion(_RSA)), "Signaturen", id="payload-tampered"),
    pytest.param(lambda: assertion(_RSA, exp=int(time.time()) - 120), "gått ut", id="expired"),
    pytest.param(
        lambda: assertion(_RSA, exp=int(time.time()) + 600), "högst 300", id="exp-too-far-ahead"
    ),
    pytest.param(lambda: assertion(_RSA, exp=None), "exp saknas", id="no-exp"),
    pytest.param(lambda: assertion(_RSA, exp=float("nan")), "exp saknas", id="exp-NaN"),
    pytest.param(lambda: assertion(_RSA, exp="9999999999"), "exp saknas", id="exp-text"),
    pytest.param(lambda: assertion(_RSA, nbf=int(time.time()) + 120), "nbf", id="not-yet"),
    pytest.param(lambda: assertion(_RSA, aud="http://testserver/fhir/"), "aud", id="aud-wrong"),
    pytest.param(lambda: assertion(_RSA, sub="other"), "iss och sub", id="sub-not-iss"),
    pytest.param(lambda: assertion(_RSA, jti=None), "jti saknas", id="no-jti"),
    pytest.param(lambda: assertion(_RSA, client_id="unknown"), "Okänd klient", id="unknown"),
    pytest.param(lambda: "not.a.jwt", "inte en signerad JWT", id="garbage"),
]


@pytest.mark.parametrize(("make", "why"), REFUSED)
def test_the_token_endpoint_refuses_a_bad_assertion(
    register: Callable[..., ApiClient], make: Callable[[], str], why: str
) -> None:
    # given
    register("system/*.read")
    # when
    response = request_token(make())
    # then: 401 invalid_client saying why, no token and no jti stored
    assert _oauth_error(response) == (401, "invalid_client")
    assert why in json.loads(response.content)["error_description"]
    assert SmartAccessToken.objects.count() == 0
    assert SmartAssertionId.objects.count() == 0


def test_a_replayed_assertion_is_refused(register: Callable[..., ApiClient]) -> None:
    # given: an assertion that bought a token
    register("system/*.read")
    exp = int(time.time()) + 200
    signed = assertion(_RSA, exp=exp, jti="en-gang")
    assert request_token(signed).status_code == 200
    # and: its jti is kept in the database until the assertion has expired
    kept = SmartAssertionId.objects.get()
    assert (kept.client.name, kept.jti) == ("ehr", "en-gang")
    assert exp <= kept.expires_at.timestamp() <= exp + 30
    # when: the same assertion again
    again = request_token(signed)
    # then
    assert _oauth_error(again) == (401, "invalid_client")
    assert "jti" in json.loads(again.content)["error_description"]
    assert SmartAccessToken.objects.count() == 1


def test_the_same_jti_of_another_client_is_its_own(register: Callable[..., ApiClient]) -> None:
    # given
    register("system/*.read")
    register("system/*.read", name="other")
    # when
    first = request_token(assertion(_RSA, jti="same"))
    second = request_token(assertion(_RSA, client_id="other", jti="same"))
    # then
    assert (first.status_code, second.status_code) == (200, 200)


def test_an_inactive_client_gets_no_token_and_its_tokens_stop(
    world: World, register: Callable[..., ApiClient]
) -> None:
    # given
    client = register("system/*.read")
    token = token_for(_RSA, "system/*.rs")
    # when
    ApiClient.objects.filter(pk=client.pk).update(active=False)
    # then
    assert _oauth_error(request_token(assertion(_RSA))) == (401, "invalid_client")
    read = Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(token))
    assert read.status_code == 401


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        pytest.param({"grant_type": "password"}, (400, "unsupported_grant_type"), id="grant"),
        pytest.param({"grant_type": ""}, (400, "invalid_request"), id="no-grant"),
        pytest.param({"scope": ""}, (400, "invalid_request"), id="no-scope"),
        pytest.param({"client_assertion_type": "x"}, (401, "invalid_client"), id="type"),
        pytest.param({"scope": "system/Patient.cruds"}, (400, "invalid_scope"), id="not-allowed"),
        pytest.param({"scope": "patient/*.rs user/*.rs"}, (400, "invalid_scope"), id="not-system"),
        pytest.param({"scope": "system/CareTeam.sr"}, (400, "invalid_scope"), id="letters-order"),
    ],
)
def test_the_token_endpoint_refuses_a_bad_request(
    register: Callable[..., ApiClient], form: dict[str, str], expected: tuple[int, str]
) -> None:
    # given: a client allowed to read care teams only
    register("system/CareTeam.rs")
    # when
    response = request_token(assertion(_RSA), **form)
    # then: and the assertion is not used up
    assert _oauth_error(response) == expected
    assert SmartAccessToken.objects.count() == SmartAssertionId.objects.count() == 0


def test_the_token_endpoint_takes_only_a_posted_form(register: Callable[..., ApiClient]) -> None:
    # given
    register("system/*.read")
    signed = assertion(_RSA)
    # when
    got = Client().get("/fhir/auth/token")
    as_json = Client().post(
        "/fhir/auth/token",
        json.dumps({"grant_type": "client_credentials", "client_assertion": signed}),
        content_type="application/json",
    )
    # then
    assert (got.status_code, got["Allow"]) == (405, "POST")
    assert _oauth_error(as_json) == (400, "invalid_request")
    assert SmartAccessToken.objects.count() == 0


# -- scopes: the grant, and every interaction checked ------------------------------------------


@pytest.mark.parametrize(
    ("allowed", "requested", "granted"),
    [
        pytest.param(["system/*.read"], "system/CareTeam.read", "system/CareTeam.read", id="v1"),
        pytest.param(["system/CareTeam.rs"], "system/CareTeam.cruds", "system/CareTeam.rs",
                     id="cut-down"),
        pytest.param(["system/CareTeam.read"], "system/CareTeam.* system/Patient.rs",
                     "system/CareTeam.rs", id="v1-star-cut-down"),
        pytest.param(["system/CareTeam.rs", "system/Patient.r"], "system/*.rs",
                     "system/CareTeam.rs system/Patient.r", id="wildcard-to-named"),
        pytest.param(["system/*.read"], "system/*.rs system/AuditEvent.rs", "system/*.rs",
                     id="audit-only-by-name"),
        pytest.param(["system/*.cruds"], "system/Task.s system/Task.s", "system/Task.s",
                     id="duplicates"),
    ],
)
def test_the_granted_scope_is_what_was_asked_and_allowed(
    register: Callable[..., ApiClient], allowed: list[str], requested: str, granted: str
) -> None:
    # given
    register(*allowed)
    # when
    response = request_token(assertion(_RSA), requested)
    # then
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["scope"] == granted
    assert SmartAccessToken.objects.get().scopes == granted


def _put_same_team(world: World, token: str) -> Any:
    client = Client()
    team = client.get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(token))
    assert team.status_code == 200, team.content
    return client.put(
        f"/fhir/CareTeam/{world.patient.pk}",
        team.content,
        content_type=FHIR_JSON,
        headers=bearer(token),
    )


@pytest.mark.parametrize(
    ("scope", "read", "search", "update"),
    [
        pytest.param("system/CareTeam.rs", 200, 200, 403, id="v2-rs"),
        pytest.param("system/CareTeam.r", 200, 403, 403, id="v2-r"),
        pytest.param("system/CareTeam.s", 403, 200, 403, id="v2-s"),
        pytest.param("system/CareTeam.ru", 200, 403, 200, id="v2-ru"),
        pytest.param("system/CareTeam.read", 200, 200, 403, id="v1-read"),
        pytest.param("system/CareTeam.read system/CareTeam.write", 200, 200, 200, id="v1-rw"),
        pytest.param("system/CareTeam.*", 200, 200, 200, id="v1-star"),
        pytest.param("system/*.rs", 200, 200, 403, id="v2-wildcard"),
        pytest.param("system/Patient.rs", 403, 403, 403, id="other-type"),
    ],
)
def test_every_interaction_checks_the_tokens_scope(
    world: World,
    register: Callable[..., ApiClient],
    scope: str,
    read: int,
    search: int,
    update: int,
) -> None:
    # given: a client allowed everything, with a token for ``scope`` only
    register("system/*.cruds")
    token = token_for(_RSA, scope)
    full = token_for(_RSA, "system/CareTeam.r")
    contacts = list(Contact.objects.order_by("pk").values())
    # when
    got = Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(token))
    found = Client().get(f"/fhir/CareTeam?patient={world.patient.pk}", headers=bearer(token))
    team = Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(full)).content
    put = Client().put(
        f"/fhir/CareTeam/{world.patient.pk}", team, content_type=FHIR_JSON, headers=bearer(token)
    )
    # then
    assert (got.status_code, found.status_code, put.status_code) == (read, search, update)
    for refused in (r for r in (got, found, put) if r.status_code == 403):
        outcome = body(refused)
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == "forbidden"
    assert list(Contact.objects.order_by("pk").values()) == contacts


def test_a_read_token_cannot_write_and_nothing_changes(
    world: World, register: Callable[..., ApiClient]
) -> None:
    # given: a client allowed to write, with a token asked for reading only
    register("system/*.read", "system/*.write")
    token = token_for(_RSA, "system/*.rs")
    contacts = list(Contact.objects.order_by("pk").values())
    # when
    response = _put_same_team(world, token)
    # then
    assert response.status_code == 403
    assert "system/CareTeam.u" in body(response)["issue"][0]["diagnostics"]
    assert list(Contact.objects.order_by("pk").values()) == contacts


def test_an_expired_token_is_refused(world: World, register: Callable[..., ApiClient]) -> None:
    # given
    register("system/*.read")
    token = token_for(_RSA, "system/*.rs")
    path = f"/fhir/CareTeam/{world.patient.pk}"
    assert Client().get(path, headers=bearer(token)).status_code == 200
    # when: its five minutes have passed
    SmartAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(path, headers=bearer(token))
    # then
    assert response.status_code == 401
    assert body(response)["resourceType"] == "OperationOutcome"


def test_a_made_up_smart_token_is_refused(world: World, register: Callable[..., ApiClient]) -> None:
    # given
    register("system/*.read")
    token_for(_RSA, "system/*.rs")
    # when
    response = Client().get(
        f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(f"fks.{secrets.token_urlsafe(32)}")
    )
    # then
    assert response.status_code == 401


# -- static tokens are for development only -----------------------------------------------------


def test_static_tokens_are_refused_when_they_are_off(world: World) -> None:
    # given: a client with a static token, made where they are on (development, the tests)
    _, token = api_client_create(
        name="dev", unit_hsa_id=world.centre.hsa_id, scopes=["system/*.read"]
    )
    assert token is not None
    path = f"/fhir/CareTeam/{world.patient.pk}"
    assert Client().get(path, headers=bearer(token)).status_code == 200
    # when
    with override_settings(FASTKONTAKT_STATIC_API_TOKENS=False):
        response = Client().get(path, headers=bearer(token))
    # then
    assert response.status_code == 401


def test_without_static_tokens_a_client_needs_keys_and_gets_no_token(world: World) -> None:
    with override_settings(FASTKONTAKT_STATIC_API_TOKENS=False):
        # when
        with pytest.raises(InvalidInput) as refused:
            api_client_create(
                name="nokeys", unit_hsa_id=world.centre.hsa_id, scopes=["system/*.read"]
            )
        client, token = api_client_create(
            name="keys", unit_hsa_id=world.centre.hsa_id, scopes=["system/*.read"], jwks=_jwks(_EC)
        )
    # then
    assert [p.path for p in refused.value.problems] == ["jwks"]
    assert token is None
    assert client.secret_hash == ""
    assert list(ApiClient.objects.values_list("name", flat=True)) == ["keys"]


def test_production_refuses_static_tokens() -> None:
    # given
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        FASTKONTAKT_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="fastkontakt.region.se",
        FASTKONTAKT_STATIC_API_TOKENS="1",
    )
    # when
    result = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "fastkontakt.cli", "manage", "check"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    # then
    assert result.returncode != 0
    assert "Statiska API-token är bara för utveckling" in result.stderr


# -- registration: keys are checked --------------------------------------------------------------


@pytest.mark.parametrize(
    ("jwks", "path"),
    [
        pytest.param({"keys": []}, "jwks", id="empty"),
        pytest.param([], "jwks", id="not-a-set"),
        pytest.param({"keys": [_RSA.as_dict(private=True)]}, "jwks.keys[0]", id="private-rsa"),
        pytest.param({"keys": [_SHORT_RSA.as_dict(private=False)]}, "jwks.keys[0]", id="short"),
        pytest.param({"keys": [ECKey.generate_key("P-256").as_dict(private=False)]},
                     "jwks.keys[0]", id="p256"),
        pytest.param({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}, "jwks.keys[0]", id="symmetric"),
        pytest.param({"keys": [{"kty": "RSA", "n": "x"}]}, "jwks.keys[0]", id="broken"),
    ],
)
def test_a_client_is_registered_only_with_usable_public_keys(
    world: World, jwks: Any, path: str
) -> None:
    # when
    with pytest.raises(InvalidInput) as refused:
        api_client_create(name="ehr", unit_hsa_id=world.centre.hsa_id, scopes=["system/*.rs"],
                          jwks=jwks)
    # then
    assert [p.path for p in refused.value.problems] == [path]
    assert ApiClient.objects.count() == 0


@pytest.mark.parametrize(
    "scope",
    ["system/CareTeam.rs", "system/*.cruds", "system/CareTeam.read", "system/AuditEvent.rs"],
)
def test_v2_and_v1_scopes_can_be_allowed(world: World, scope: str) -> None:
    client, _ = api_client_create(
        name="ehr", unit_hsa_id=world.centre.hsa_id, scopes=[scope], jwks=_jwks(_RSA)
    )
    assert client.scopes == scope


@pytest.mark.parametrize(
    "scope", ["system/AuditEvent.cruds", "system/Unknown.rs", "system/CareTeam.sr", "patient/*.rs"]
)
def test_other_scopes_cannot_be_allowed(world: World, scope: str) -> None:
    with pytest.raises(InvalidInput):
        api_client_create(
            name="ehr", unit_hsa_id=world.centre.hsa_id, scopes=[scope], jwks=_jwks(_RSA)
        )
    assert ApiClient.objects.count() == 0


# -- discovery ---------------------------------------------------------------------------------


def test_the_smart_configuration_names_the_token_endpoint(db: None) -> None:
    # when
    response = Client().get("/fhir/.well-known/smart-configuration")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["token_endpoint"] == TOKEN_URL
    assert document["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert document["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
    assert document["grant_types_supported"] == ["client_credentials"]
    assert "system/*.rs" in document["scopes_supported"]
    assert set(document["capabilities"]) == {
        "client-confidential-asymmetric",
        "permission-v2",
        "permission-v1",
    }


def test_the_capability_statement_carries_the_oauth_uris(db: None) -> None:
    # when
    response = Client().get("/fhir/metadata", headers={"Accept": FHIR_JSON})
    # then
    security = body(response)["rest"][0]["security"]
    assert security["extension"] == [
        {
            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
            "extension": [{"url": "token", "valueUri": TOKEN_URL}],
        }
    ]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"


# -- the admin: a system administrator sees clients and switches them off ----------------------


def test_a_system_administrator_switches_a_client_off_in_the_admin(
    world: World, register: Callable[..., ApiClient]
) -> None:
    # given: a client holding a token, and a system administrator
    client = register("system/*.read")
    token = token_for(_RSA, "system/*.rs")
    admin_user = make_user("admin", [(Role.SYSTEM_ADMIN, None)])
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    browser = signed_in(admin_user)
    page = f"/admin/fhir/apiclient/{client.pk}/change/"
    # when
    listing = browser.get("/admin/fhir/apiclient/")
    change = browser.get(page)
    add = browser.get("/admin/fhir/apiclient/add/")
    saved = browser.post(page, {"active": ""})
    # then: Swedish pages, showing the keys but no hash; no adding; the token stops at once
    assert (listing.status_code, change.status_code, add.status_code) == (200, 200, 403)
    for shown in (listing, change):
        assert screen_text_problems(visible_text(shown.content.decode())) == []
        assert SmartAccessToken.objects.get().token_hash not in shown.content.decode()
    assert f"EC P-384 (kid {_EC.kid})" in visible_text(change.content.decode())
    assert saved.status_code == 302
    client.refresh_from_db()
    assert (client.active, client.scopes, client.jwks) == (False, "system/*.read", _jwks(_RSA, _EC))
    read = Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(token))
    assert read.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_an_assertion_sent_twice_at_once_buys_one_token(tmp_path: Path) -> None:
    # given: a client, and one assertion two requests carry at the same moment
    unit = UnitFactory()
    api_client_create(
        name="ehr", unit_hsa_id=unit.hsa_id, scopes=["system/*.read"], jwks=_jwks(_RSA)
    )
    signed = assertion(_RSA)
    barrier = threading.Barrier(2)

    def send() -> int:
        barrier.wait()
        status: int = request_token(signed).status_code
        return status

    # when
    with shared_database(tmp_path):
        statuses = in_threads(send, send)
        [tokens] = in_threads(SmartAccessToken.objects.count)
    # then: the database's unique jti lets exactly one through
    assert sorted(statuses) == [200, 401]
    assert tokens == 1


def _segments(parts: list[bytes]) -> str:
    return ".".join(base64.urlsafe_b64encode(p).rstrip(b"=").decode() for p in parts)


@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(st.text(st.characters(codec="ascii"), max_size=80), min_size=3, max_size=3).map(
            ".".join
        ),
        st.lists(st.binary(max_size=120), min_size=3, max_size=3).map(_segments),
    )
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_assertion_makes_the_token_endpoint_fail(
    register: Callable[..., ApiClient], text: str
) -> None:
    if not ApiClient.objects.exists():
        register("system/*.read")
    response = request_token(text)
    assert response.status_code in (400, 401)
    assert SmartAccessToken.objects.count() == 0


@pytest.mark.parametrize(
    ("scope", "status"),
    [
        pytest.param("system/CareTeam.rs system/CareTeam.u", 403, id="update-only"),
        pytest.param("system/CareTeam.rs system/CareTeam.cu", 200, id="create-and-update"),
        pytest.param("system/CareTeam.read system/CareTeam.write", 200, id="v1"),
    ],
)
def test_a_transaction_needs_create_and_update(
    world: World, register: Callable[..., ApiClient], scope: str, status: int
) -> None:
    # given: a token for ``scope`` and a transaction carrying the care team as it is
    register("system/*.cruds")
    token = token_for(_RSA, scope)
    team = json.loads(
        Client().get(f"/fhir/CareTeam/{world.patient.pk}", headers=bearer(token)).content
    )
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": team, "request": {"method": "PUT", "url": f"CareTeam/{team['id']}"}}
        ],
    }
    contacts = list(Contact.objects.order_by("pk").values())
    # when
    response = Client().post(
        "/fhir/", json.dumps(bundle), content_type=FHIR_JSON, headers=bearer(token)
    )
    # then
    assert response.status_code == status, response.content
    if status == 403:
        assert "system/CareTeam.cu" in body(response)["issue"][0]["diagnostics"]
    assert list(Contact.objects.order_by("pk").values()) == contacts
