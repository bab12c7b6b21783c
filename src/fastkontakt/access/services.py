"""Access services: emergency access, logging writes, and the demo accounts."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.accesslog import log_reads, log_record, log_writes, write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import (
    UNIT_ROLES,
    Account,
    Action,
    Basis,
    EmergencyAccess,
    Membership,
    Role,
)
from fastkontakt.access.selectors import persons_named_refused_log
from fastkontakt.domain.errors import DomainError, NotAllowed, NotFound, Problem
from fastkontakt.domain.identifiers import parse_personal_id
from fastkontakt.registry.models import Person, Staff, Unit

DEMO_USERNAME = "demo"
EMERGENCY_REASON_MIN_LENGTH = 10


class InvalidInput(DomainError):
    """A form's values do not hold; carries one problem per field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@write_transaction()
def emergency_access_grant(
    *, actor: Actor, personal_id: str, unit_pk: int, reason: str
) -> EmergencyAccess:
    """Nödåtkomst: let the actor read one person for a limited time, flagged for review.

    The actor must work at ``unit_pk``; the reason is required and kept for the log reviewer.
    """
    require_role(actor, sorted(UNIT_ROLES), unit_pk)
    if actor.user_id is None:
        raise NotAllowed("Nödåtkomst kräver en inloggad användare.")
    problems = []
    reason = reason.strip()
    if len(reason) < EMERGENCY_REASON_MIN_LENGTH:
        problems.append(
            Problem(
                "reason",
                f"Ange skälet till nödåtkomst (minst {EMERGENCY_REASON_MIN_LENGTH} tecken).",
            )
        )
    try:
        number = parse_personal_id(personal_id, today=timezone.localdate()).number
    except DomainError:
        problems.append(Problem("personal_id", "Ange ett giltigt personnummer."))
        number = ""
    if problems:
        raise InvalidInput(problems)
    person = Person.objects.filter(personal_id=number).first()
    if person is None:
        # Looking a number up is an attempt on that person, found or not: it leaves a trace.
        persons_named_refused_log(actor=actor, what="emergency_access", personal_ids=[number])
        raise NotFound("Det finns ingen person med det personnumret i registret.")
    now = timezone.now()
    minutes = int(settings.FASTKONTAKT_EMERGENCY_MINUTES)
    return EmergencyAccess.objects.create(
        user_id=int(actor.user_id),
        unit_id=unit_pk,
        person=person,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )


def person_write_log(*, actor: Actor, person: Person, unit: Unit, what: str) -> None:
    """Log a write of ``person``'s data made by ``actor`` on behalf of ``unit``.

    Services call this inside their write transaction, so a write that rolls back leaves no
    entry (``accesslog.write_transaction``).
    """
    log_writes(
        [
            log_record(
                actor,
                person.personal_id,
                action=Action.WRITE,
                what=what,
                basis=Basis.CARE_RELATIONSHIP,
                unit=unit.hsa_id,
            )
        ]
    )


def system_read_log(*, actor: Actor, personal_ids: list[str], what: str) -> None:
    """Log a command-line read (an export) of each person in ``personal_ids``."""
    log_reads(
        log_record(actor, personal_id, action=Action.READ, what=what, basis=Basis.SYSTEM)
        for personal_id in personal_ids
    )


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


def totp_secret(device: TOTPDevice) -> str:
    """The device key in base32, as authenticator apps take it."""
    return base64.b32encode(device.bin_key).decode()


def demo_totp_code() -> str:
    """The demo user's current TOTP code (development only: it defeats the second factor)."""
    if settings.PRODUCTION:
        raise NotAllowed("Engångskoder skrivs aldrig ut i produktion.")
    device = TOTPDevice.objects.filter(user__username=DEMO_USERNAME, confirmed=True).first()
    if device is None:
        raise NotFound("Demoanvändaren finns inte; kör fastkontakt demo-login först.")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"
