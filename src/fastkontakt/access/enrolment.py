"""Enrolling a second factor: the one-time enrolment code, then the TOTP device it unlocks.

A user without a confirmed code device has, after the password, only the setup page. That page
asks for an enrolment code that a system administrator issued to *this* user (``fastkontakt
enrolment-code USERNAME`` or the admin) and only then shows a TOTP key. So a password alone,
guessed or phished, cannot enrol the attacker's phone. Users whose region login checked a second
factor never need one (``access.middleware``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import EnrolmentCode, Role
from fastkontakt.domain.errors import DomainError, NotAllowed, NotFound

#: No 0/O or 1/I: the code is read off a screen or a phone call and typed by hand.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 60 bits
GROUP = 4
MAX_FAILURES = 5
#: After the enrolment code, this long to scan the key and give the app's first code.
SETUP_WINDOW = timedelta(hours=1)
_DUMMY_HASH = hashlib.sha256(b"no enrolment code").hexdigest()


class EnrolmentRefused(DomainError):
    """The enrolment code (or the first code from the app) was not accepted; says why, in
    Swedish, without telling whether a code exists for anyone else."""


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def enrolment_code_hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


@write_transaction()
def enrolment_code_issue(
    *, actor: Actor, username: str, replace_device: bool = False
) -> tuple[EnrolmentCode, str]:
    """Issue a new enrolment code for ``username``; return it and the code, shown this once.

    A signed-in actor must be a system administrator; a command-line actor (no user) is the
    server's operator. Any earlier unused code of the user stops working. A user who already has
    a confirmed device needs ``replace_device`` (a lost phone): the old devices are removed.
    """
    if actor.user_id is not None:
        require_role(actor, [Role.SYSTEM_ADMIN])
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise NotFound(f"Det finns ingen aktiv användare som heter {username}.")
    devices = TOTPDevice.objects.filter(user=user)
    if devices.filter(confirmed=True).exists() and not replace_device:
        raise NotAllowed(
            f"{username} har redan en kodapp; ange att den ska ersättas (--replace-device)."
        )
    devices.delete()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    now = timezone.now()
    code = _new_code()
    enrolment = EnrolmentCode.objects.create(
        user=user,
        code_hash=enrolment_code_hash(code),
        issued_by=actor.username,
        issued_at=now,
        expires_at=now + timedelta(hours=float(settings.FASTKONTAKT_ENROLMENT_CODE_HOURS)),
    )
    return enrolment, code


def enrolment_code_redeem(*, user_id: int, code: str) -> EnrolmentCode:
    """Use ``code`` for the user's enrolment; raise ``EnrolmentRefused`` if it does not hold.

    A wrong code counts against the user's open code, which dies after ``MAX_FAILURES``. The
    count is committed even though the call raises.
    """
    refused = "Registreringskoden stämmer inte eller har gått ut."
    too_many = "För många felaktiga försök: koden gäller inte längre."
    with write_transaction():
        if TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists():
            raise EnrolmentRefused("Du har redan en kodapp; logga in med en kod från den.")
        now = timezone.now()
        enrolment = (
            EnrolmentCode.objects.select_for_update()
            .filter(user_id=user_id, used_at__isnull=True)
            .first()
        )
        # Compared in constant time even when the user has no open code.
        expected = enrolment.code_hash if enrolment is not None else _DUMMY_HASH
        matches = hmac.compare_digest(enrolment_code_hash(code), expected)
        if enrolment is not None and enrolment.failures >= MAX_FAILURES:
            refused = too_many
        elif enrolment is not None and enrolment.expires_at > now:
            if matches:
                enrolment.used_at = now
                enrolment.save(update_fields=["used_at"])
                return enrolment
            enrolment.failures += 1
            enrolment.save(update_fields=["failures"])
            if enrolment.failures >= MAX_FAILURES:
                refused = too_many
    raise EnrolmentRefused(f"{refused} Be systemadministratören om en ny registreringskod.")


def _redeemed(*, user_id: int, enrolment_pk: int | None) -> bool:
    return (
        enrolment_pk is not None
        and EnrolmentCode.objects.filter(
            pk=enrolment_pk, user_id=user_id, used_at__gt=timezone.now() - SETUP_WINDOW
        ).exists()
    )


@write_transaction()
def totp_device_start(
    *, user_id: int, enrolment_pk: int | None, device_pk: int | None
) -> TOTPDevice:
    """The unconfirmed device whose key the setup page shows, once an enrolment code was used.

    ``enrolment_pk`` is the code this user redeemed in this session; ``device_pk`` a device the
    session already started (kept, so that reloading the page shows the same key).
    """
    if not _redeemed(user_id=user_id, enrolment_pk=enrolment_pk):
        raise NotAllowed("Ange registreringskoden först.")
    if TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists():
        raise NotAllowed("Du har redan en kodapp.")
    device = TOTPDevice.objects.filter(user_id=user_id, confirmed=False, pk=device_pk).first()
    if device is None:
        TOTPDevice.objects.filter(user_id=user_id, confirmed=False).delete()
        device = TOTPDevice.objects.create(user_id=user_id, name="app", confirmed=False)
    return device


def totp_device_confirm(
    *, user_id: int, enrolment_pk: int | None, device_pk: int, token: str
) -> TOTPDevice:
    """Confirm the started device with the first code from the app; it is then the user's
    second factor. A wrong code raises ``EnrolmentRefused`` (and counts in the device's
    throttling, which is committed)."""
    with write_transaction():
        if not _redeemed(user_id=user_id, enrolment_pk=enrolment_pk):
            raise NotAllowed("Ange registreringskoden först.")
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=user_id, confirmed=False, pk=device_pk)
            .first()
        )
        if device is None:
            raise NotAllowed("Starta om inställningen av kodappen.")
        verified = device.verify_token(token)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=user_id, confirmed=False).delete()
            return device
    raise EnrolmentRefused("Koden stämmer inte. Kontrollera klockan i telefonen.")
