"""A person's postal address, recorded from the person page.

The letters go in window envelopes, so the address is what the envelope shows: a c/o line if
any, the street address, the postcode and the post town. Recorded on behalf of a unit with a
care relationship with the person, by anyone who works there (those who write the letters),
checked and logged like the other writes of a person's data (``services.care``): the input,
the role, the care relationship (a person outside it answers as one who does not exist), then
one transaction with the person's row locked that saves and logs the write.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.selectors import person_read
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.model import PostalAddress
from fastkontakt.domain.postal import (
    CARE_OF_LENGTH,
    CITY_LENGTH,
    POSTAL_CODE_MESSAGE,
    STREET_LENGTH,
    postal_code_normalised,
)
from fastkontakt.domain.text import text_normalised, text_problem
from fastkontakt.registry.models import ADDRESS_COLUMNS, Person, Unit
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.registry.services.care import RECORDING_ROLES

__all__ = ["address_checked", "address_units_get", "person_address_record"]


def _text(value: str, field: str, limit: int, problems: list[Problem]) -> str:
    refused = text_problem(value)
    if refused is not None:
        problems.append(Problem(field, refused))
        return ""
    value = text_normalised(value).strip()
    if len(value) > limit:
        problems.append(Problem(field, f"Högst {limit} tecken."))
    return value


def address_checked(
    *, care_of: str, street: str, postal_code: str, city: str
) -> PostalAddress | None:
    """The address the four fields make, None when all are empty; ``InvalidInput`` in Swedish
    for each field that is wrong."""
    problems: list[Problem] = []
    care_of = _text(care_of, "care_of", CARE_OF_LENGTH, problems)
    street = _text(street, "street", STREET_LENGTH, problems)
    city = _text(city, "city", CITY_LENGTH, problems)
    code_text = _text(postal_code, "postal_code", 20, problems)
    if problems:
        raise InvalidInput(problems)
    if not (care_of or street or code_text or city):
        return None
    if not street:
        problems.append(Problem("street", "Ange gatuadress eller box."))
    code = postal_code_normalised(code_text)
    if code is None:
        problems.append(
            Problem("postal_code", "Ange postnummer." if not code_text else POSTAL_CODE_MESSAGE)
        )
    if not city:
        problems.append(Problem("city", "Ange postort."))
    if problems:
        raise InvalidInput(problems)
    assert code is not None  # noqa: S101 - reported above
    return PostalAddress(street=street, postal_code=code, city=city, care_of=care_of or None)


def person_address_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    street: str,
    postal_code: str,
    city: str,
    care_of: str = "",
    as_of: date | None = None,
) -> Person:
    """Record (or, with every field empty, remove) the person's postal address on behalf of
    ``unit_pk``."""
    as_of = as_of or timezone.localdate()
    address = address_checked(care_of=care_of, street=street, postal_code=postal_code, city=city)
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise InvalidInput([Problem("unit", "Enheten finns inte.")])
    require_role(actor, RECORDING_ROLES, unit.pk)
    # Outside the transaction: a refused attempt stays in the access log.
    person = person_read(actor=actor, what="person.address", person_pk=person_pk, on=as_of)
    with write_transaction():
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").get()
        related = Person.objects.filter(pk=person.pk).filter(care_relationship_q([unit.pk], as_of))
        if not related.exists():
            raise InvalidInput(
                [Problem("unit", f"{unit.name} har ingen vårdrelation med personen.")]
            )
        person.address_columns(address)
        person.save(update_fields=list(ADDRESS_COLUMNS))
        person_write_log(actor=actor, person=person, unit=unit, what="person.address")
    return person


def address_units_get(*, actor: Actor, person: Person, on: date) -> list[Unit]:
    """The units on whose behalf the actor may record the person's address: where the actor
    works (``RECORDING_ROLES``) and the unit has a care relationship with the person."""
    mine = sorted(actor.units_with_role(*RECORDING_ROLES))
    related = Person.objects.filter(pk=person.pk)
    return [
        unit
        for unit in Unit.objects.filter(pk__in=mine).order_by("name")
        if related.filter(care_relationship_q([unit.pk], on)).exists()
    ]
