"""Login lockout (django-axes): per username and per (username, address), never per address
alone, with the client address taken only from trusted proxies (issue 11, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fastkontakt.access.models import Role
from tests.access.helpers import PASSWORD, make_user
from tests.factories import UnitFactory

ATTACKER = "198.51.100.7"


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("web:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_a_flood_of_made_up_usernames_from_one_address_does_not_lock_out_a_real_user() -> None:
    # given: three times the limit of failures, each with a made-up username, from one address
    anna = make_user("anna", [(Role.STAFF, UnitFactory())])
    flood = 3 * settings.AXES_FAILURE_LIMIT
    for number in range(flood):
        refused = _login(Client(REMOTE_ADDR=ATTACKER), f"pahittad{number}", "gissning")
        assert refused.status_code == 200  # the form again, not a lockout

    # when: a real user signs in from that same address (one office behind one NAT)
    client = Client(REMOTE_ADDR=ATTACKER)
    response = _login(client, "anna")

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(anna.pk)  # signed in with the password
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).count() == flood


@pytest.mark.django_db
def test_a_real_username_is_locked_after_repeated_failures_even_from_many_addresses() -> None:
    # given: the limit of failures for one username, each from another address
    make_user("bertil")
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=f"192.0.2.{number + 1}"), "bertil", "fel lösenord")

    # when: the right password, from yet another address
    client = Client(REMOTE_ADDR="192.0.2.200")
    response = _login(client, "bertil")

    # then
    assert response.status_code == 429
    assert "tillfälligt låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_forwarded_for_header_is_ignored_without_trusted_proxies() -> None:
    # given
    assert settings.FASTKONTAKT_TRUSTED_PROXIES == 0
    client = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.99")

    # when
    _login(client, "carl", "fel")

    # then: the attempt is recorded against the address that connected, not the claimed one
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("carl", ATTACKER)
    ]


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_address_is_the_one_the_proxy_saw(settings: Any) -> None:
    # given: one proxy (10.0.0.2) that appends the address it saw; the client claimed another
    settings.FASTKONTAKT_TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.20")

    # when
    _login(client, "carl", "fel")

    # then
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.20"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "recorded"),
    [
        (2, "203.0.113.99, 198.51.100.20, 10.0.0.1", "198.51.100.20"),
        (1, "", "10.0.0.2"),  # the proxy added nothing: the connecting address
        (1, "inte-en-adress", "10.0.0.2"),  # garbage is not an address
        (2, "198.51.100.20", "198.51.100.20"),  # fewer hops than proxies: the first one
    ],
    ids=["two-proxies", "no-header", "garbage", "short-chain"],
)
def test_the_client_address_behind_trusted_proxies(
    settings: Any, proxies: int, forwarded_for: str, recorded: str
) -> None:
    # given
    settings.FASTKONTAKT_TRUSTED_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    client = Client(REMOTE_ADDR="10.0.0.2", **headers)

    # when
    _login(client, "carl", "fel")

    # then
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [recorded]
