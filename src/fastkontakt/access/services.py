"""Access services: emergency access, logging writes, and the demo accounts."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.accesslog import log_reads, log_record, log_writes, write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import (
    UNIT_ROLES,
    Action,
    Basis,
    EmergencyAccess,
)
from fastkontakt.access.selectors import persons_named_refused_log
from fastkontakt.domain.errors import DomainError, InvalidInput, NotAllowed, NotFound, Problem
from fastkontakt.domain.identifiers import parse_personal_id
from fastkontakt.registry.models import Person, Unit

EMERGENCY_REASON_MIN_LENGTH = 10


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


def totp_secret(device: TOTPDevice) -> str:
    """The device key in base32, as authenticator apps take it."""
    return base64.b32encode(device.bin_key).decode()
