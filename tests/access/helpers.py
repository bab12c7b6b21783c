"""Building users with roles, and clients signed in with both factors."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.models import Account, Membership
from fastkontakt.registry.models import Staff, Unit

PASSWORD = "ett långt och hemligt lösenord"  # noqa: S105 - test data


def make_user(
    username: str,
    roles: list[tuple[str, Unit | None]] = (),  # type: ignore[assignment]
    *,
    name: str = "Test Testsson",
    staff: Staff | None = None,
    personal_id: str = "",
) -> User:
    first, _, last = name.rpartition(" ")
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last
    )
    Account.objects.create(user=user, staff=staff, personal_id=personal_id)
    for role, unit in roles:
        Membership.objects.create(user=user, role=role, unit=unit)
    return user


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})[0]


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in(user: User) -> Client:
    """A client signed in with password and second factor, without going through the forms."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()
    return client


def without_csrf(html: bytes) -> str:
    """The page without its CSRF tokens (the form field and htmx's header), which are random."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
