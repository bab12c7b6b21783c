"""Signing in: password then TOTP, setting up TOTP, lockout, session expiry, logout."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.actors import system_actor
from fastkontakt.access.enrolment import enrolment_code_issue
from fastkontakt.access.models import Role
from tests.access.helpers import PASSWORD, current_code, device_for, make_user, signed_in
from tests.factories import UnitFactory


def _login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(reverse("web:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_pages_send_anonymous_users_to_the_login() -> None:
    # when
    response = Client().get(reverse("web:home"))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
def test_a_password_alone_does_not_open_the_pages() -> None:
    # given
    user = make_user("anna", [(Role.STAFF, UnitFactory())])
    device_for(user)
    client = Client()

    # when
    _login(client, "anna")
    response = client.get(reverse("web:home"))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:otp_verify"))


@pytest.mark.django_db
def test_password_and_code_open_the_pages() -> None:
    # given
    user = make_user("anna", [(Role.STAFF, UnitFactory())])
    device = device_for(user)
    client = Client()
    _login(client, "anna")

    # when
    response = client.post(reverse("web:otp_verify"), {"otp_token": current_code(device)})

    # then
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_swedish_message() -> None:
    # given
    user = make_user("anna")
    device = device_for(user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client = Client()
    _login(client, "anna")

    # when
    response = client.post(reverse("web:otp_verify"), {"otp_token": wrong})

    # then
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_a_user_without_a_device_sets_one_up_first() -> None:
    # given: the system administrator gave bertil an enrolment code
    make_user("bertil")
    _, enrolment_code = enrolment_code_issue(actor=system_actor("cli:root"), username="bertil")
    client = Client()
    _login(client, "bertil")

    # when
    asked = client.get(reverse("web:home"), follow=True)
    page = client.post(reverse("web:otp_setup"), {"enrolment_code": enrolment_code}, follow=True)

    # then
    assert asked.redirect_chain[-1][0].startswith(reverse("web:otp_setup"))
    assert 'name="enrolment_code"' in asked.content.decode()
    content = page.content.decode()
    assert "<svg" in content
    secret = re.search(r"<code>([A-Z2-7]+)</code>", content)
    assert secret is not None
    device = TOTPDevice.objects.get(user__username="bertil")
    assert device.confirmed is False

    # when: the code from the app proves the device works
    client.post(reverse("web:otp_setup"), {"otp_token": current_code(device)})

    # then
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password() -> None:
    # given
    make_user("cecilia")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "cecilia", "fel lösenord")

    # when
    response = _login(client, "cecilia")

    # then
    assert response.status_code == 429
    assert "tillfälligt låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_passwords_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    # given
    make_user("david")
    secret = "hemligt-lösenord-som-inte-får-loggas"
    caplog.set_level(logging.DEBUG)

    # when
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(Client(), "david", secret)

    # then
    assert caplog.records  # the failures were logged ...
    assert all(
        secret not in record.getMessage() for record in caplog.records
    )  # ... not the password


@pytest.mark.django_db
def test_logout_ends_the_session() -> None:
    # given
    client = signed_in(make_user("erik", [(Role.STAFF, UnitFactory())]))
    assert client.get(reverse("web:home")).status_code == 200

    # when
    client.post(reverse("web:logout"))

    # then
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_sessions_expire_when_idle_and_with_the_browser() -> None:
    # given
    client = signed_in(make_user("frida", [(Role.STAFF, UnitFactory())]))

    # when
    response = client.get(reverse("web:home"))

    # then
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True
    assert client.session.get_expiry_age() == 30 * 60


@pytest.mark.django_db
def test_the_admin_is_only_for_system_administrators_with_a_second_factor() -> None:
    # given
    unit = UnitFactory()
    admin_user = make_user("gun", [(Role.SYSTEM_ADMIN, None)])
    admin_user.is_staff = True
    admin_user.save()
    head = make_user("hans", [(Role.HEAD_OF_UNIT, unit)])
    head.is_staff = True
    head.save()

    # when
    for_admin = signed_in(admin_user).get(reverse("admin:index"))
    for_head = signed_in(head).get(reverse("admin:index"))

    # then
    assert for_admin.status_code == 200
    assert for_head.status_code == 302


@pytest.mark.django_db
def test_the_session_id_changes_after_the_password_and_again_after_the_code() -> None:
    # given: a visitor with a session before signing in
    user = make_user("ivar", [(Role.STAFF, UnitFactory())])
    device = device_for(user)
    client = Client()
    client.get(reverse("web:login"))
    client.session.save()
    anonymous = client.cookies[settings.SESSION_COOKIE_NAME].value

    # when
    _login(client, "ivar")
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("web:otp_verify"), {"otp_token": current_code(device)})
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value

    # then: three different ids, and the last one is the signed-in, verified session
    assert len({anonymous, after_password, after_code}) == 3
    assert client.get(reverse("web:home")).status_code == 200
