"""The demo login of ``make run``: a user who heads, manages and coordinates one unit of each
kind of the demo region, with a fresh password and second factor every time it is made, and
(development only) its current one-time code."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.models import Account, Membership, Role
from fastkontakt.access.services import totp_secret
from fastkontakt.domain.errors import NotAllowed, NotFound
from fastkontakt.registry.models import Staff, Unit

DEMO_USERNAME = "demo"


def _demo_units() -> list[Unit]:
    """The demo user's units: the busiest unit of each type, so every page has people on it."""
    chosen = []
    for unit_type in ("primarvard", "hemtjanst", "kommunal_hsv"):
        unit = Unit.objects.filter(type=unit_type).order_by("hsa_id").first()
        if unit is not None:
            chosen.append(unit)
    return chosen


@write_transaction()
def demo_user_ensure() -> tuple[str, str, str]:
    """Create or reset the demo user; return its name, a fresh password and its TOTP secret.

    The demo user heads, manages and coordinates a primary-care centre, a home-care unit and a
    municipal health-care unit of the demo region, reviews the log and administers the system.
    A new password and key every time means a demo database copied elsewhere carries no login.
    """
    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
    assert isinstance(user, AbstractUser)  # noqa: S101 - the project uses Django's user model
    user.first_name, user.last_name = "Demo", "Användare"
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    staff = Staff.objects.filter(account__isnull=True, units__type="primarvard").first()
    Account.objects.update_or_create(user=user, defaults={"staff": staff})
    Membership.objects.filter(user=user).delete()
    for unit in _demo_units():
        for role in (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR):
            Membership.objects.create(user=user, role=role, unit=unit)
    for role in (Role.LOG_REVIEWER, Role.SYSTEM_ADMIN):
        Membership.objects.create(user=user, role=role, unit=None)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return DEMO_USERNAME, password, totp_secret(device)


def demo_totp_code() -> str:
    """The demo user's current TOTP code (development only: it defeats the second factor)."""
    if settings.PRODUCTION:
        raise NotAllowed("Engångskoder skrivs aldrig ut i produktion.")
    device = TOTPDevice.objects.filter(user__username=DEMO_USERNAME, confirmed=True).first()
    if device is None:
        raise NotFound("Demoanvändaren finns inte; kör fastkontakt demo-login först.")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"

