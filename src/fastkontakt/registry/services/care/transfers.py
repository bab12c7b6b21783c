"""Information transfers and the person's consent to them (``transfer-consent``).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import Problem
from fastkontakt.registry.models import (
    NAME_LENGTH,
    InformationTransfer,
)
from fastkontakt.registry.services.care.checks import (
    RECORDING_ROLES,
    not_future,
    person_lock,
    person_read_outside,
    raise_problems,
    refusal,
    require_related_to_unit,
    unit_checked,
)


def information_transfer_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    recipient: str,
    transferred: date,
    consent: bool,
    as_of: date | None = None,
) -> InformationTransfer:
    """Record information handed by ``unit_pk`` to ``recipient``, with or without the person's
    consent (without it, the transfer is a finding of ``transfer-consent``)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    recipient = recipient.strip()
    if not recipient:
        problems.append(Problem("recipient", "Ange mottagaren."))
    elif len(recipient) > NAME_LENGTH:
        problems.append(Problem("recipient", f"Högst {NAME_LENGTH} tecken."))
    not_future(transferred, as_of, "transferred", "Datum för överföringen", problems)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "information_transfer.record", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
        transfer = InformationTransfer.objects.create(
            person=person, recipient=recipient, date=transferred, consent=consent
        )
        person_write_log(actor=actor, person=person, unit=unit, what="information_transfer.record")
    return transfer


def information_transfer_consent_record(
    *, actor: Actor, person_pk: int, transfer_pk: int, unit_pk: int, as_of: date | None = None
) -> InformationTransfer:
    """Record, on behalf of ``unit_pk``, that the person has consented to a transfer that was
    recorded without consent (the finding of ``transfer-consent`` is then resolved).

    A transfer already recorded with consent is refused: nothing to change.
    """
    as_of = as_of or timezone.localdate()
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "information_transfer.consent", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
        transfer = InformationTransfer.objects.filter(pk=transfer_pk, person=person).first()
        if transfer is None:
            raise refusal("transfer", "Informationsöverföringen finns inte.")
        if transfer.consent:
            raise refusal("transfer", "Överföringen är redan registrerad med samtycke.")
        transfer.consent = True
        transfer.save(update_fields=["consent"])
        person_write_log(
            actor=actor, person=person, unit=unit, what="information_transfer.consent"
        )
    return transfer
