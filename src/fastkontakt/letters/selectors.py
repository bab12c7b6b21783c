"""Reading letters and what they are written from.

Everything that shows a letter or its person goes through ``person_read``, which checks the
care relationship and logs the read; the lists leave the stored PDFs unread (``defer``), since
they can be many and only the download needs one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import UNIT_ROLES
from fastkontakt.access.selectors import person_read
from fastkontakt.domain.errors import NotFound
from fastkontakt.domain.model import CONTACT_KINDS
from fastkontakt.letters.models import Letter, LetterJob, RelativeConsent
from fastkontakt.registry.models import Contact, Person

LETTER_NOT_FOUND = "Brevet finns inte."
#: Who may write and deliver letters at a unit: everyone who works there.
LETTER_ROLES: tuple[str, ...] = tuple(sorted(UNIT_ROLES))


def contacts_for_letter(*, contact_pks: Collection[int]) -> list[Contact]:
    """The contacts a letter names, with everything the letter shows about them.

    Staff, unit, the unit's declared local titles and, for a contact that came from a handover,
    its predecessor: one query plus one for the titles. In the glossary's order of kinds (fast
    vårdkontakt first), then by start.
    """
    contacts = (
        Contact.objects.filter(pk__in=list(contact_pks))
        .select_related("staff", "unit", "taken_over__previous__staff")
        .prefetch_related("unit__local_titles")
    )
    return sorted(contacts, key=lambda c: (CONTACT_KINDS.index(c.kind), c.start, c.pk))


def previous_kontaktansvarig(*, person_pk: int) -> str:
    """The name of the person's latest kontaktansvarig, or "" when they never had one: a letter
    about a fast omsorgskontakt tells them how the new role differs from that one."""
    name = (
        Contact.objects.filter(person_id=person_pk, kind="kontaktansvarig")
        .order_by("-start", "-pk")
        .values_list("staff__name", flat=True)
        .first()
    )
    return name or ""


def current_consents(*, person_pk: int, on: date) -> list[RelativeConsent]:
    """The person's consents to relatives' copies that hold on ``on``, oldest first."""
    return list(
        RelativeConsent.objects.filter(person_id=person_pk, given_on__lte=on)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .order_by("given_on", "pk")
    )


def _letters() -> QuerySet[Letter]:
    named = Contact.objects.select_related("staff").order_by("kind", "pk")
    return (
        Letter.objects.defer("pdf")
        .select_related("consent")
        .prefetch_related(Prefetch("contacts", queryset=named))
    )


@dataclass(frozen=True, slots=True)
class LettersPage:
    person: Person
    letters: list[Letter]
    """Newest first."""
    contacts: list[Contact]
    """The person's current contacts (a letter about an ended one would tell them wrong)."""
    writable_unit_pks: frozenset[int]
    """Units where the actor may write letters: the contacts there get a button."""
    consents: list[RelativeConsent]
    """Consents to relatives' copies that hold today: each gives a copy button."""
    consents_all: list[RelativeConsent]
    """Every consent recorded, withdrawn ones too, newest first."""


def letters_page_get(*, actor: Actor, person_pk: int, on: date | None = None) -> LettersPage:
    """A person's letters and current contacts; logs the read (``NotFound`` when not allowed)."""
    on = on or timezone.localdate()
    person = person_read(actor=actor, person_pk=person_pk, what="letters.page", on=on)
    letters = list(_letters().filter(person=person).order_by("-created_at", "-pk"))
    contacts = list(
        Contact.objects.filter(person=person)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("staff", "unit")
        .order_by("kind", "start", "pk")
    )
    return LettersPage(
        person=person,
        letters=letters,
        contacts=contacts,
        writable_unit_pks=actor.units_with_role(*LETTER_ROLES),
        consents=current_consents(person_pk=person.pk, on=on),
        consents_all=list(
            RelativeConsent.objects.filter(person=person)
            .select_related("unit")
            .order_by("-given_on", "-pk")
        ),
    )


def letter_get(*, actor: Actor, letter_pk: int, what: str) -> Letter:
    """One letter (without its PDF) with its person and contacts; logs the read as ``what``."""
    letter = _letters().select_related("person", "unit").filter(pk=letter_pk).first()
    if letter is None:
        raise NotFound(LETTER_NOT_FOUND)
    person_read(actor=actor, person_pk=letter.person_id, what=what)
    return letter


@dataclass(frozen=True, slots=True)
class LetterFile:
    pk: int
    pdf: bytes


def letter_pdf_get(*, actor: Actor, letter_pk: int) -> LetterFile:
    """The PDF as it was sent; reading it is a read of the person's data and is logged."""
    person_pk = Letter.objects.filter(pk=letter_pk).values_list("person_id", flat=True).first()
    if person_pk is None:
        raise NotFound(LETTER_NOT_FOUND)
    person_read(actor=actor, person_pk=person_pk, what="letter.pdf")
    pdf = Letter.objects.filter(pk=letter_pk).values_list("pdf", flat=True).get()
    return LetterFile(pk=letter_pk, pdf=bytes(pdf))


def letter_job_of_handover(*, handover_pk: int) -> LetterJob | None:
    """The background job writing a handover's letters, if the letters are written that way."""
    return LetterJob.objects.filter(handover_id=handover_pk).first()
