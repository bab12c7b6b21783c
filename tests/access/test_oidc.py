"""Login through the region's OpenID Connect provider, against a stub provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fastkontakt.access.models import Account, Role
from tests.access.helpers import make_user
from tests.factories import StaffFactory, UnitFactory
from tests.oidc_stub import CLIENT_ID, StubProvider

HSA_ID = "SE2321000032-s9001"


@pytest.fixture
def provider(settings: Any) -> Iterator[StubProvider]:
    stub = StubProvider()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"  # noqa: S105 - test data
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{stub.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{stub.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{stub.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{stub.url}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "fastkontakt.access.oidc.RegionOIDCBackend",
    ]
    yield stub
    stub.server.shutdown()


def _sign_in(client: Client, provider: StubProvider) -> None:
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert location.netloc == urlparse(provider.url).netloc
    query = parse_qs(location.query)
    provider.nonce = query["nonce"][0]
    client.get(
        reverse("oidc_authentication_callback"), {"code": "the-code", "state": query["state"][0]}
    )


@pytest.mark.django_db
def test_the_login_page_offers_the_provider_when_configured(provider: StubProvider) -> None:
    assert "regionens inloggning" in Client().get(reverse("web:login")).content.decode()


@pytest.mark.django_db
def test_a_known_staff_member_signs_in_and_mfa_at_the_provider_counts(
    provider: StubProvider,
) -> None:
    # given
    unit = UnitFactory()
    staff = StaffFactory(hsa_id=HSA_ID)
    user = make_user("kalle", [(Role.STAFF, unit)], staff=staff)
    provider.claims = {"sub": "user-1", "hsa_id": HSA_ID}
    provider.id_token_extra = {"amr": ["pwd", "mfa"]}
    client = Client()

    # when
    _sign_in(client, provider)

    # then
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_without_mfa_at_the_provider_a_totp_code_is_still_asked_for(provider: StubProvider) -> None:
    # given
    staff = StaffFactory(hsa_id=HSA_ID)
    provider.claims = {"sub": "user-1", "hsa_id": HSA_ID}
    provider.id_token_extra = {"amr": ["pwd"]}
    client = Client()

    # when
    _sign_in(client, provider)
    response = client.get(reverse("web:home"))

    # then: the first login created the account, linked to the staff member, with no roles
    account = Account.objects.get(staff=staff)
    assert account.user.memberships.count() == 0
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:otp_setup"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "user-1", "hsa_id": "SE2321000032-okand"},
        {"sub": "user-1"},
        {"sub": "user-1", "hsa_id": "inte-ett-hsa-id"},
    ],
    ids=["unknown-staff", "no-hsa-id", "malformed-hsa-id"],
)
def test_people_the_registry_does_not_know_as_staff_are_refused(
    provider: StubProvider, claims: dict[str, str]
) -> None:
    # given
    StaffFactory(hsa_id=HSA_ID)
    provider.claims = claims
    provider.id_token_extra = {"amr": ["mfa"]}
    client = Client()

    # when
    _sign_in(client, provider)

    # then
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302
    assert Account.objects.count() == 0


@pytest.mark.django_db
def test_a_token_signed_by_someone_else_is_refused(provider: StubProvider) -> None:
    # given
    make_user("kalle", staff=StaffFactory(hsa_id=HSA_ID))
    provider.claims = {"sub": "user-1", "hsa_id": HSA_ID}
    genuine = provider.key
    provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = provider.id_token()
    provider.key = genuine
    provider.id_token = lambda: forged  # type: ignore[method-assign]
    client = Client()

    # when
    _sign_in(client, provider)

    # then
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/oidc/authenticate/", "/oidc/callback/"])
def test_the_oidc_routes_are_off_without_a_provider(path: str) -> None:
    # given: no provider configured (the default)
    assert settings.OIDC_ENABLED is False

    # when
    response = Client().get(path, {"code": "the-code", "state": "s"})

    # then
    assert response.status_code == 404
    assert "regionens inloggning" not in Client().get(reverse("web:login")).content.decode()
