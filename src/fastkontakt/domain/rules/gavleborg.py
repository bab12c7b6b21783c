"""Pack ``gavleborg``: Region Gävleborg's routine (fast vårdkontakt and behandlande roller).

Rule ids and sources (``spec/rules.md``):
- ``contact-eligible``: Region Gävleborgs rutin: medarbetare upplagda som valbara
"""

from __future__ import annotations

from collections.abc import Iterator

from fastkontakt.domain.calendar import current
from fastkontakt.domain.model import Patient
from fastkontakt.domain.rules.base import Context, Hit, Rule


def contact_eligible(patient: Patient, context: Context) -> Iterator[Hit]:
    for contact in patient.contacts:
        if contact.kind != "fast_vardkontakt" or not current(contact.end, context.as_of):
            continue
        staff = context.staff.get(contact.staff)
        if staff is not None and not staff.eligible:
            yield Hit(
                contact.id,
                None,
                f"{staff.name} är inte registrerad som valbar fast vårdkontakt.",
            )


RULES: tuple[Rule, ...] = (
    Rule("contact-eligible", "gavleborg", "contact",
         "Region Gävleborgs rutin: medarbetare upplagda som valbara", contact_eligible),
)
