"""A person's request for a fixed contact (rule ``contact-on-request``), made by the person.

A request of kind K at unit U on day d starts the unit's deadline of ``request_days`` (14) on
its worklist, until a contact of kind K at U answers it (``domain.rules.lag``). Until now
requests came only from scenario files; the citizen pages (``/invanare/``, issue 16) let the
person make one. The caller decides who may ask at which unit (a unit with a care relationship;
the listing health centre for a fast läkarkontakt) and passes the access-log entry of the
write, whose basis is the person's own; the findings store follows the write (ADR 0020).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from fastkontakt.access.accesslog import LogRecord, log_writes, write_transaction
from fastkontakt.domain import vocabulary
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.model import REQUEST_KINDS
from fastkontakt.registry.models import Contact, ContactRequest, Person, Unit

__all__ = ["contact_request_create", "contact_request_open"]


def contact_request_open(*, person_pk: int, kind: str, unit_pk: int) -> ContactRequest | None:
    """The person's request of ``kind`` at the unit that no contact answers yet, if any."""
    for request in ContactRequest.objects.filter(
        person_id=person_pk, kind=kind, unit_id=unit_pk
    ).order_by("pk"):
        answered = (
            Contact.objects.filter(person_id=person_pk, kind=kind, unit_id=unit_pk)
            .filter(Q(end__isnull=True) | Q(end__gte=request.date))
            .exists()
        )
        if not answered:
            return request
    return None


def contact_request_create(
    *,
    person_pk: int,
    kind: str,
    unit_pk: int,
    on: date,
    log: LogRecord,
    refuse_if_current: bool = True,
) -> ContactRequest:
    """Record that the person asks for a contact of ``kind`` at the unit on ``on``.

    Refused (``InvalidInput``, nothing written) when the kind is not one a person can ask for,
    the unit does not exist, a request of that kind at that unit is still unanswered, or the
    person already has a current contact of that kind there (unless ``refuse_if_current`` is
    False: a person choosing another physician as fast läkarkontakt asks for a change).
    """
    label = vocabulary.CONTACT_KINDS.get(kind, kind).lower()
    if kind not in REQUEST_KINDS:
        raise InvalidInput([Problem("kind", "Det går inte att be om den sortens kontakt.")])
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise InvalidInput([Problem("unit", "Enheten finns inte.")])
    with write_transaction():
        # Locked: two requests at once cannot both pass the check below.
        Person.objects.select_for_update().filter(pk=person_pk).get()
        if contact_request_open(person_pk=person_pk, kind=kind, unit_pk=unit_pk):
            raise InvalidInput(
                [Problem("unit", f"Du har redan bett om en {label} på {unit.name}.")]
            )
        current = (
            Contact.objects.filter(person_id=person_pk, kind=kind, unit_id=unit_pk, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on))
            .exists()
        )
        if current and refuse_if_current:
            raise InvalidInput([Problem("unit", f"Du har redan en {label} på {unit.name}.")])
        request = ContactRequest.objects.create(
            person_id=person_pk, kind=kind, unit=unit, date=on
        )
        log_writes([log])
    return request
