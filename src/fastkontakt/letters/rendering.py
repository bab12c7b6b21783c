"""A letter's content, its HTML (``letters/letter.html``) and its PDF (WeasyPrint).

:func:`letter_content` turns the registry rows into a frozen :class:`LetterContent` with the
facts the letter states; the wording lives in :mod:`.wording`, the layout in the template. The
PDF is produced once, when the letter is created, and stored: it is never rendered again.

WeasyPrint is given a fetcher that refuses every URL: the letter needs no image, stylesheet or
font from outside, and a name that somehow carried a URL must not make the server fetch it.
Each thread keeps one font configuration for all its letters, which spares reading the fonts
again for every letter (measure with ``bench/letters.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

from fastkontakt.domain.appointment import PROFESSION_LABEL
from fastkontakt.domain.model import PostalAddress
from fastkontakt.domain.postal import address_lines
from fastkontakt.letters import wording
from fastkontakt.registry.models import Contact, HandoverItem, Person

TEMPLATE = "letters/letter.html"


@dataclass(frozen=True, slots=True)
class PreviousHolder:
    name: str
    end: date | None


@dataclass(frozen=True, slots=True)
class ContactPart:
    kind: str
    name: str
    profession: str
    unit_name: str
    staff_phone: str
    unit_phone: str
    start: date
    end: date | None
    local_title: str
    coordinating: bool
    previous: PreviousHolder | None


@dataclass(frozen=True, slots=True)
class LetterContent:
    number: int
    on: date
    person_name: str
    personal_id: str
    """Empty in a relative's copy: they need the name, not the identity number."""
    to_relative: bool
    sender_name: str
    sender_phone: str
    contacts: tuple[ContactPart, ...]
    recipient_name: str = ""
    """Whom the envelope is for: the person, or the relative named in the consent."""
    address: PostalAddress | None = None
    """The recipient's postal address; None prints the window's request to address by hand."""
    sender_address: PostalAddress | None = None
    writer: str = ""
    """Who wrote the letter (full name), printed as "Handläggare"."""
    previous_kontaktansvarig: str = ""
    """The person's kontaktansvarig, if they had one: a fast omsorgskontakt letter names them."""

    @property
    def handover(self) -> bool:
        return any(part.previous is not None for part in self.contacts)


def _local_title(contact: Contact) -> str:
    """The contact's own local title, else the one title the unit declares for this kind."""
    if contact.local_title:
        return contact.local_title
    declared = {t.title for t in contact.unit.local_titles.all() if t.kind == contact.kind}
    return declared.pop() if len(declared) == 1 else ""


def _previous(contact: Contact) -> PreviousHolder | None:
    try:
        item = contact.taken_over
    except HandoverItem.DoesNotExist:
        return None
    return PreviousHolder(name=item.previous.staff.name, end=item.previous.end)


def letter_content(  # noqa: PLR0913 - one keyword per fact the letter states
    *,
    number: int,
    on: date,
    person: Person,
    contacts: Sequence[Contact],
    to_relative: bool,
    recipient_name: str = "",
    address: PostalAddress | None = None,
    writer: str = "",
    previous_kontaktansvarig: str = "",
) -> LetterContent:
    """What the letter says; ``contacts`` as :func:`.selectors.contacts_for_letter` reads them
    (no query is made here). The first contact's unit sends the letter. ``recipient_name`` and
    ``address`` are the envelope's (the person's own unless ``to_relative``)."""
    sender = contacts[0].unit
    return LetterContent(
        recipient_name=recipient_name or person.name,
        address=address,
        sender_address=sender.postal_address(),
        writer=writer,
        previous_kontaktansvarig=previous_kontaktansvarig,
        number=number,
        on=on,
        person_name=person.name,
        personal_id="" if to_relative else person.personal_id,
        to_relative=to_relative,
        sender_name=sender.name,
        sender_phone=sender.phone,
        contacts=tuple(
            ContactPart(
                kind=contact.kind,
                name=contact.staff.name,
                profession=PROFESSION_LABEL[contact.staff.profession],
                unit_name=contact.unit.name,
                staff_phone=contact.staff.phone,
                unit_phone=contact.unit.phone,
                start=contact.start,
                end=contact.end,
                local_title=_local_title(contact),
                coordinating=contact.coordinating,
                previous=_previous(contact),
            )
            for contact in contacts
        ),
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _part_context(
    part: ContactPart, relative_of: str | None, previous_kontaktansvarig: str
) -> dict[str, Any]:
    to_relative = relative_of is not None
    return {
        "home_care": wording.home_care_sections(
            part.name, previous_kontaktansvarig, relative_of=relative_of
        )
        if part.kind == "fast_omsorgskontakt"
        else None,
        "lead": f"{part.name} {wording.predicate(part.kind, relative_of=relative_of)}.",
        "role": _capitalised(
            wording.role_line(
                part.kind, part.local_title, coordinating=part.coordinating, relative_of=relative_of
            )
        ),
        "profession": _capitalised(part.profession),
        "unit": part.unit_name,
        "reach": wording.how_to_reach(part.name, part.unit_name, part.staff_phone, part.unit_phone),
        "period": _capitalised(wording.period(part.start, part.end)),
        "previous": ""
        if part.previous is None
        else wording.previous_holder(
            part.previous.name, part.kind, part.previous.end, part.name, relative_of=relative_of
        ),
        "meaning": wording.meaning(part.kind, to_relative=to_relative),
        "coordinating": wording.coordinating_text(part.name, to_relative=to_relative)
        if part.coordinating
        else "",
    }


def letter_context(content: LetterContent) -> dict[str, Any]:
    """The template's context: every sentence already written, so the template only lays out."""
    relative_of = content.person_name if content.to_relative else None
    kinds = [part.kind for part in content.contacts]
    sender_lines = (
        address_lines(content.sender_name, content.sender_address)
        if content.sender_address
        else (content.sender_name,)
    )
    return {
        "number": content.number,
        "date": wording.long_date(content.on),
        "recipient_lines": address_lines(content.recipient_name, content.address)
        if content.address
        else (),
        "recipient": content.recipient_name,
        "no_address_title": wording.NO_ADDRESS_TITLE,
        "no_address_text": wording.NO_ADDRESS_TEXT,
        # The return address in the window: its parts kept whole, so it breaks at a comma.
        "return_address": sender_lines,
        "sender_lines": sender_lines,
        "writer": content.writer,
        "concerning": content.person_name,
        "personal_id": wording.personal_id_display(content.personal_id)
        if content.personal_id
        else "",
        "sender_name": content.sender_name,
        "sender_phone": content.sender_phone,
        "title": wording.title(kinds, handover=content.handover, relative_of=relative_of),
        "introduction": wording.introduction(handover=content.handover, relative_of=relative_of),
        "contacts": [
            _part_context(part, relative_of, content.previous_kontaktansvarig)
            for part in content.contacts
        ],
        "closing": wording.closing(content.sender_name, relative_of=relative_of),
    }


def letter_html(content: LetterContent) -> str:
    return render_to_string(TEMPLATE, letter_context(content))


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"letters fetch nothing from outside: {url[:40]}")


_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    # Per thread: WeasyPrint does not promise that one configuration may serve two threads.
    config: FontConfiguration | None = getattr(_per_thread, "fonts", None)
    if config is None:
        config = _per_thread.fonts = FontConfiguration()
    return config


def letter_pdf(content: LetterContent) -> bytes:
    """The letter as an A4 PDF."""
    document = HTML(string=letter_html(content), url_fetcher=_refuse_fetch)
    # Without a target, write_pdf returns the document's bytes.
    pdf: bytes = document.write_pdf(font_config=_font_config())
    return pdf


def html_pdf(html: str) -> bytes:
    """Any page of ours as an A4 PDF, with the letters' fetcher and fonts (the citizen's
    access-log extract uses it)."""
    document = HTML(string=html, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf(font_config=_font_config())
    return pdf
