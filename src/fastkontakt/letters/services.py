"""Writing letters to people about their fixed contacts, and recording their delivery.

Each service checks in this order: the thing exists (``NotFound``), the person is within the
actor's care relationships (``person_read``, which logs the read or the refused attempt, and
answers a letter or contact of someone outside them exactly as one that does not exist), the
actor holds a role at the unit (``NotAllowed``), the input holds (``InvalidInput``, in Swedish);
only then does it write, in one transaction that also logs the write.

The log entry of a read or a refused attempt is kept by the action's access scope, not by the
transaction, so no refusal can roll it back (``access.accesslog``).

An appointment or a handover and the letters that tell the people about it are one write
(:func:`contact_appoint_with_letter`, :func:`contact_handover_with_letters`): a letter that cannot
be written leaves the appointment unsaved rather than untold.

Only a letter to the person sets ``Contact.informed`` when delivered: the law asks that the
person be informed; a relative's copy is a courtesy that does not replace it.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import LogRecord, access_scope, log_writes, write_transaction
from fastkontakt.access.actors import Actor, actor_for_user, require_role
from fastkontakt.access.selectors import person_read
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import InvalidInput, NotFound, Problem
from fastkontakt.domain.text import text_normalised, text_problem
from fastkontakt.letters import wording
from fastkontakt.letters.models import (
    ConsentMethod,
    DeliveryMethod,
    Letter,
    LetterJob,
    Recipient,
    RelativeConsent,
)
from fastkontakt.letters.rendering import letter_content, letter_pdf
from fastkontakt.letters.selectors import (
    LETTER_NOT_FOUND,
    LETTER_ROLES,
    contacts_for_letter,
    current_consents,
    previous_kontaktansvarig,
)
from fastkontakt.registry.models import NAME_LENGTH, Contact, Handover, HandoverItem, Person, Unit
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.registry.services.addresses import address_checked
from fastkontakt.registry.services.contacts import contact_appoint, contact_handover
from fastkontakt.runtime import clock

CONTACT_NOT_FOUND = "Uppdraget finns inte."
HANDOVER_NOT_FOUND = "Överlämningen finns inte."


def _recipient_checked(recipient: str) -> str:
    if recipient not in Recipient.values:
        raise InvalidInput([Problem("recipient", "Välj mottagare: personen eller närstående.")])
    return recipient


def _already_delivered(letter: Letter) -> Problem:
    assert letter.delivered_on is not None  # noqa: S101 - asked only of delivered letters
    return Problem(
        "delivered_on",
        f"Brevet är redan registrerat som lämnat {wording.long_date(letter.delivered_on)}.",
    )


def _write(
    *,
    actor: Actor,
    person: Person,
    contacts: Sequence[Contact],
    consent: RelativeConsent | None,
    handover_item: HandoverItem | None,
    what: str,
) -> Letter:
    """Store one letter with its PDF, to the person or (``consent``) to the relative the
    consent names; the caller holds the transaction."""
    unit = contacts[0].unit
    address = person.postal_address() if consent is None else consent.postal_address()
    writer = actor.full_name or actor.username
    letter = Letter.objects.create(
        person=person,
        contact=contacts[0],
        unit=unit,
        handover_item=handover_item,
        recipient=Recipient.PERSON if consent is None else Recipient.RELATIVE,
        consent=consent,
        created_by=actor.username,
        created_by_name=actor.full_name,
        without_address=address is None,
        pdf=b"",
    )
    letter.contacts.set(contacts)
    # The letter's number is printed on it, so the PDF is made once the row has its key.
    content = letter_content(
        number=letter.pk,
        on=timezone.localdate(letter.created_at),
        person=person,
        contacts=contacts,
        to_relative=consent is not None,
        recipient_name=person.name if consent is None else consent.relative_name,
        address=address,
        writer=writer if actor.full_name else "",
        previous_kontaktansvarig=previous_kontaktansvarig(person_pk=person.pk)
        if any(c.kind == "fast_omsorgskontakt" for c in contacts)
        else "",
    )
    letter.pdf = letter_pdf(content)
    letter.save(update_fields=["pdf"])
    person_write_log(actor=actor, person=person, unit=unit, what=what)
    return letter


NO_CONSENT = (
    "En kopia till närstående kräver att personen har samtyckt till det. Registrera samtycket "
    "under Samtycke till kopia först."
)


def _consent_checked(person: Person, consent_pk: int | None, today: date) -> RelativeConsent:
    """The consent a relative's copy is written under: the person's own, in force today."""
    consent = None
    if consent_pk is not None:
        consent = next(
            (c for c in current_consents(person_pk=person.pk, on=today) if c.pk == consent_pk),
            None,
        )
    if consent is None:
        raise InvalidInput([Problem("consent", NO_CONSENT)])
    return consent


def _taken_over(contact: Contact) -> HandoverItem | None:
    try:
        return contact.taken_over
    except HandoverItem.DoesNotExist:
        return None


def letter_create(
    *, actor: Actor, contact_pk: int, recipient: str = "person", consent_pk: int | None = None
) -> Letter:
    """A letter to the person (or, ``recipient="narstaende"``, a copy to the relative that the
    person's consent ``consent_pk`` names) about one contact.

    A contact that came from a handover names its predecessor too. A contact that has ended is
    refused: the letter would tell the person about a contact they no longer have. A relative's
    copy without a consent of the person's, in force today, is refused in Swedish.
    """
    chosen = _recipient_checked(recipient)
    row = Contact.objects.filter(pk=contact_pk).values_list("unit_id", "person_id").first()
    if row is None:
        raise NotFound(CONTACT_NOT_FOUND)
    unit_pk, person_pk = row
    person = person_read(actor=actor, person_pk=person_pk, what="letter.create")
    require_role(actor, LETTER_ROLES, unit_pk)
    (contact,) = contacts_for_letter(contact_pks=[contact_pk])
    today = clock.today()
    consent = None
    if chosen == Recipient.RELATIVE:
        consent = _consent_checked(person, consent_pk, today)
    if contact.end is not None and contact.end < today:
        raise InvalidInput(
            [
                Problem(
                    "contact",
                    f"Uppdraget avslutades {wording.long_date(contact.end)}. Ett brev om det "
                    "skulle ge personen fel besked.",
                )
            ]
        )
    with write_transaction():
        return _write(
            actor=actor,
            person=person,
            contacts=[contact],
            consent=consent,
            handover_item=_taken_over(contact),
            what="letter.create",
        )


def contact_appoint_with_letter(*, actor: Actor, **appointment: Any) -> tuple[Contact, Letter]:
    """Appoint (``contact_appoint`` with ``appointment``) and write the letter to the person."""
    with write_transaction():
        contact = contact_appoint(actor=actor, **appointment)
        return contact, letter_create(actor=actor, contact_pk=contact.pk)


def contact_handover_with_letters(
    *, actor: Actor, relatives: bool, **handover: Any
) -> tuple[Handover, list[Letter]]:
    """Hand over (``contact_handover`` with ``handover``) and write the letters to the people.

    A handover of more than ``FASTKONTAKT_HANDOVER_LETTERS_AT_ONCE`` people gets its letters
    from a worker instead (a ``LetterJob`` stored with the handover, queued after the commit),
    so that the page answers at once; the letters list returned is then empty.
    """
    with write_transaction():
        done = contact_handover(actor=actor, **handover)
        people = (
            HandoverItem.objects.filter(handover_id=done.pk)
            .values("successor__person_id")
            .distinct()
            .count()
        )
        if people <= settings.FASTKONTAKT_HANDOVER_LETTERS_AT_ONCE:
            letters = letter_create_for_handover(
                actor=actor, handover_pk=done.pk, relatives=relatives
            )
            return done, letters
        job = LetterJob.objects.create(
            handover=done,
            relatives=relatives,
            user_id=actor.user_id,
            total=people,
            message="I kö.",
        )
        transaction.on_commit(lambda: _letters_in_background(job.pk))
        return done, []


def _letters_in_background(job_pk: int) -> None:
    from fastkontakt.letters.tasks import handover_letters

    handover_letters.enqueue(job_pk=job_pk)


def letter_create_for_handover(
    *, actor: Actor, handover_pk: int, relatives: bool, person_pks: Set[int] | None = None
) -> list[Letter]:
    """One letter per person in the handover, naming every contact they got from it and who
    had each before; with ``relatives``, a copy to each relative the person has consented to
    (people without a consent get none: the person's own letter is what the law asks for).

    Safe to call again: letters already written for this handover are returned as they are,
    and only missing ones (say, the relatives' copies asked for later) are written. All or
    nothing: a person outside the actor's care relationships refuses the whole call.
    ``person_pks`` limits the call to those people (a worker writes a large handover's letters
    a part at a time).
    """
    if not Handover.objects.filter(pk=handover_pk).exists():
        raise NotFound(HANDOVER_NOT_FOUND)
    items = list(
        HandoverItem.objects.filter(handover_id=handover_pk)
        .select_related("successor")
        .order_by("pk")
    )
    by_person: dict[int, list[HandoverItem]] = {}
    for item in items:
        if person_pks is None or item.successor.person_id in person_pks:
            by_person.setdefault(item.successor.person_id, []).append(item)
    items = [item for person_items in by_person.values() for item in person_items]
    people = {
        pk: person_read(actor=actor, person_pk=pk, what="letter.handover") for pk in by_person
    }
    for unit_pk in sorted({item.successor.unit_id for item in items}):
        require_role(actor, LETTER_ROLES, unit_pk)
    ordered = contacts_for_letter(contact_pks=[item.successor_id for item in items])
    today = clock.today()
    existing = {
        (letter.person_id, letter.consent_id): letter
        for letter in Letter.objects.defer("pdf")
        .filter(handover_item__handover_id=handover_pk)
        .order_by("pk")
    }
    letters = []
    with write_transaction():
        for person_pk, person_items in by_person.items():
            successors = {item.successor_id for item in person_items}
            named = [c for c in ordered if c.pk in successors]
            copies: list[RelativeConsent | None] = [None]
            if relatives:
                copies += current_consents(person_pk=person_pk, on=today)
            for consent in copies:
                letter = existing.get((person_pk, consent.pk if consent else None))
                if letter is None:
                    letter = _write(
                        actor=actor,
                        person=people[person_pk],
                        contacts=named,
                        consent=consent,
                        handover_item=_taken_over(named[0]),
                        what="letter.handover",
                    )
                letters.append(letter)
    return letters


def _delivery_problems(
    letter: Letter,
    contacts: Sequence[Contact],
    delivered_on: date | None,
    method: str,
    today: date,
) -> list[Problem]:
    problems = []
    if method not in DeliveryMethod.values or method == DeliveryMethod.DIGITAL:
        problems.append(Problem("method", "Välj hur brevet lämnades eller skickades."))
    if letter.delivered_on is not None:
        problems.append(_already_delivered(letter))
    elif delivered_on is None:
        problems.append(Problem("delivered_on", "Ange vilken dag brevet lämnades eller skickades."))
    elif delivered_on > today:
        problems.append(
            Problem(
                "delivered_on", "Datumet ligger i framtiden. Registrera brevet när det är skickat."
            )
        )
    else:
        created = timezone.localdate(letter.created_at)
        if delivered_on < created:
            problems.append(
                Problem(
                    "delivered_on",
                    f"Brevet skrevs {wording.long_date(created)} och kan inte ha lämnats före det.",
                )
            )
        for contact in contacts:
            if delivered_on < contact.start:
                problems.append(
                    Problem(
                        "delivered_on",
                        f"Uppdraget som {wording.KINDS[contact.kind].label} för "
                        f"{contact.staff.name} börjar {wording.long_date(contact.start)}. Ange "
                        "ett datum från och med den dagen.",
                    )
                )
    return problems


def letter_deliver(
    *,
    actor: Actor,
    letter_pk: int,
    delivered_on: date | None,
    method: str,
    as_of: date | None = None,
) -> Letter:
    """Record when and how the letter reached its recipient.

    For a letter to the person, the contacts it names get ``informed`` set to that day, unless
    they already have an earlier one (the person was informed then; a later letter does not
    undo it). ``as_of`` is today unless given; the day cannot be later, nor before the letter
    was written or a contact it names started.
    """
    letter = Letter.objects.defer("pdf").filter(pk=letter_pk).first()
    if letter is None:
        raise NotFound(LETTER_NOT_FOUND)
    person = person_read(actor=actor, person_pk=letter.person_id, what="letter.deliver")
    contacts = list(letter.contacts.select_related("staff", "unit").order_by("kind", "pk"))
    for unit_pk in sorted({letter.unit_id} | {c.unit_id for c in contacts}):
        require_role(actor, LETTER_ROLES, unit_pk)
    problems = _delivery_problems(letter, contacts, delivered_on, method, as_of or clock.today())
    if problems:
        raise InvalidInput(problems)
    assert delivered_on is not None  # noqa: S101 - _delivery_problems refuses None
    with write_transaction():
        # Locked and read again: of two people recording the same delivery, one wins.
        locked = Letter.objects.select_for_update().defer("pdf").get(pk=letter.pk)
        if locked.delivered_on is not None:
            raise InvalidInput([_already_delivered(locked)])
        locked.delivered_on = delivered_on
        locked.delivery_method = method
        locked.delivered_by = actor.username
        locked.save(update_fields=["delivered_on", "delivery_method", "delivered_by"])
        if locked.recipient == Recipient.PERSON:
            for contact in Contact.objects.select_for_update().filter(
                pk__in=[c.pk for c in contacts]
            ):
                if contact.informed is None or delivered_on < contact.informed:
                    contact.informed = delivered_on
                    contact.save(update_fields=["informed"])
        person_write_log(actor=actor, person=person, unit=letter.unit, what="letter.deliver")
    return locked


def letter_deliver_digitally(*, letter_pk: int, delivered_by: str, log: LogRecord) -> bool:
    """Record that the person opened their letter on the citizen pages (``/invanare/``): the
    letter's digital delivery, today, with the method "digitalt" (issue 16).

    Only the first opening of a letter to the person counts; a relative's copy, or a letter
    already delivered some other way, is left as it is. As for :func:`letter_deliver`, the
    contacts it names get ``informed`` unless they have an earlier day, which clears their
    ``contact-informed`` finding (the findings store follows the write). The caller (the
    citizen pages) has checked that the letter is about the person who signed in; ``log`` is
    the access-log entry of the write, with the citizen's own basis. True if it recorded it.
    """
    today = clock.today()
    with write_transaction():
        locked = Letter.objects.select_for_update().defer("pdf").filter(pk=letter_pk).first()
        if (
            locked is None
            or locked.delivered_on is not None
            or locked.recipient != Recipient.PERSON
        ):
            return False
        locked.delivered_on = today
        locked.delivery_method = DeliveryMethod.DIGITAL
        locked.delivered_by = delivered_by
        locked.save(update_fields=["delivered_on", "delivery_method", "delivered_by"])
        for contact in Contact.objects.select_for_update().filter(
            pk__in=locked.contacts.values("pk")
        ):
            if contact.informed is None or today < contact.informed:
                contact.informed = today
                contact.save(update_fields=["informed"])
        log_writes([log])
    return True


# --- consent to relatives' copies ------------------------------------------------------------

RELATIONSHIP_LENGTH = 100
_CONSENT_NOT_FOUND = "Samtycket finns inte."


def relative_consent_record(  # noqa: PLR0913 - one keyword per fact of the consent
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    relative_name: str,
    relationship: str,
    given_on: date | None,
    method: str,
    care_of: str = "",
    street: str = "",
    postal_code: str = "",
    city: str = "",
    as_of: date | None = None,
) -> RelativeConsent:
    """Record that the person consents to a copy of their letters going to one relative: who
    (the relative's name, their relation, their postal address if the copy is to be posted),
    on which day and how the person said yes, on behalf of ``unit_pk``.

    Checked like every write of a person's data: the input (in Swedish, each field), the role
    at the unit, the person within the actor's care relationships (else as if not there), the
    unit's own care relationship with the person; then saved and logged in one transaction.
    """
    today = as_of or clock.today()
    problems: list[Problem] = []
    name = relative_name.strip()
    relation = relationship.strip()
    for field, value, limit in (
        ("relative_name", relative_name, NAME_LENGTH),
        ("relationship", relationship, RELATIONSHIP_LENGTH),
    ):
        refused = text_problem(value)
        if refused is not None:
            problems.append(Problem(field, refused))
        elif len(value.strip()) > limit:
            problems.append(Problem(field, f"Högst {limit} tecken."))
    if not name:
        problems.append(Problem("relative_name", "Ange den närståendes namn."))
    if method not in ConsentMethod.values:
        problems.append(Problem("method", "Välj hur personen lämnade samtycket."))
    if given_on is None:
        problems.append(Problem("given_on", "Ange vilken dag personen lämnade samtycket."))
    elif given_on > today:
        problems.append(
            Problem(
                "given_on", "Datumet ligger i framtiden. Registrera samtycket när det är lämnat."
            )
        )
    try:
        address = address_checked(
            care_of=care_of, street=street, postal_code=postal_code, city=city
        )
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
        address = None
    if problems:
        raise InvalidInput(problems)
    assert given_on is not None  # noqa: S101 - refused above
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise InvalidInput([Problem("unit", "Enheten finns inte.")])
    require_role(actor, LETTER_ROLES, unit.pk)
    person = person_read(actor=actor, person_pk=person_pk, what="consent.record", on=today)
    with write_transaction():
        related = Person.objects.filter(pk=person.pk).filter(care_relationship_q([unit.pk], today))
        if not related.exists():
            raise InvalidInput(
                [Problem("unit", f"{unit.name} har ingen vårdrelation med personen.")]
            )
        consent = RelativeConsent(
            person=person,
            relative_name=text_normalised(name),
            relationship=text_normalised(relation),
            given_on=given_on,
            method=method,
            unit=unit,
            recorded_by=actor.username,
            recorded_by_name=actor.full_name,
        )
        consent.address_columns(address)
        consent.save()
        person_write_log(actor=actor, person=person, unit=unit, what="consent.record")
    return consent


def relative_consent_withdraw(
    *, actor: Actor, consent_pk: int, withdrawn_on: date | None, as_of: date | None = None
) -> RelativeConsent:
    """Record that the person has withdrawn a consent: no copy is written under it from that
    day. The consent and the letters written under it stay as the record of what was sent."""
    today = as_of or clock.today()
    row = RelativeConsent.objects.filter(pk=consent_pk).values_list("person_id", "unit_id").first()
    if row is None:
        raise NotFound(_CONSENT_NOT_FOUND)
    person_pk, unit_pk = row
    person = person_read(actor=actor, person_pk=person_pk, what="consent.withdraw", on=today)
    require_role(actor, LETTER_ROLES, unit_pk)
    if withdrawn_on is None:
        raise InvalidInput([Problem("withdrawn_on", "Ange vilken dag samtycket återkallades.")])
    if withdrawn_on > today:
        raise InvalidInput([Problem("withdrawn_on", "Datumet ligger i framtiden.")])
    with write_transaction():
        consent = RelativeConsent.objects.select_for_update().get(pk=consent_pk)
        if consent.withdrawn_on is not None:
            raise InvalidInput(
                [
                    Problem(
                        "withdrawn_on",
                        f"Samtycket återkallades redan {wording.long_date(consent.withdrawn_on)}.",
                    )
                ]
            )
        if withdrawn_on < consent.given_on:
            raise InvalidInput(
                [
                    Problem(
                        "withdrawn_on",
                        f"Samtycket lämnades {wording.long_date(consent.given_on)} och kan inte "
                        "ha återkallats före det.",
                    )
                ]
            )
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        person_write_log(actor=actor, person=person, unit=consent.unit, what="consent.withdraw")
    return consent


# --- a large handover's letters, by a worker ---------------------------------------------------

LETTER_JOB_CHUNK = 25
# A running job without a sign of life for this long was left by a killed worker.
LETTER_JOB_RETAKE_AFTER = timedelta(seconds=60)


def letterjob_run(*, job_pk: int) -> LetterJob:
    """Write the letters of the job's handover, a part at a time, with progress; safe to run
    twice (letters already written are kept, as ``letter_create_for_handover`` does) and taken over
    from a worker that died. The letters are written as the user who made the handover."""
    now = timezone.now()
    claimed = (
        LetterJob.objects.filter(pk=job_pk)
        .filter(
            Q(status=LetterJob.Status.QUEUED)
            | Q(status=LetterJob.Status.RUNNING, heartbeat_at__lt=now - LETTER_JOB_RETAKE_AFTER)
        )
        .update(status=LetterJob.Status.RUNNING, heartbeat_at=now, message="Skriver breven.")
    )
    job = LetterJob.objects.get(pk=job_pk)
    if not claimed:
        return job
    try:
        if job.user_id is None:
            raise NotFound("Användaren som gjorde överlämningen finns inte längre.")
        user = get_user_model().objects.get(pk=job.user_id)
        actor = actor_for_user(user, request_id=f"letterjob-{job_pk}")
        person_pks = sorted(
            set(
                HandoverItem.objects.filter(handover_id=job.handover_id).values_list(
                    "successor__person_id", flat=True
                )
            )
        )
        letters = 0
        for start in range(0, len(person_pks), LETTER_JOB_CHUNK):
            chunk = set(person_pks[start : start + LETTER_JOB_CHUNK])
            with access_scope():
                letters += len(
                    letter_create_for_handover(
                        actor=actor,
                        handover_pk=job.handover_id,
                        relatives=job.relatives,
                        person_pks=chunk,
                    )
                )
            done = min(len(person_pks), start + LETTER_JOB_CHUNK)
            LetterJob.objects.filter(pk=job_pk).update(
                done=done,
                letters=letters,
                heartbeat_at=timezone.now(),
                message=f"{done} av {len(person_pks)} personer klara.",
            )
        LetterJob.objects.filter(pk=job_pk).update(
            status=LetterJob.Status.DONE, message=f"Klart: {letters} brev skrivna."
        )
    except (OperationalError, InterfaceError):
        # The queue tries the task again with back-off (runtime.queue); let it claim the job.
        LetterJob.objects.filter(pk=job_pk).update(status=LetterJob.Status.QUEUED)
        raise
    except Exception:
        LetterJob.objects.filter(pk=job_pk).update(
            status=LetterJob.Status.FAILED,
            message="Breven kunde inte skrivas klart. Överlämningen gäller; skriv de brev som "
            "saknas från personernas sidor eller kontakta systemförvaltningen.",
        )
        raise
    job.refresh_from_db()
    return job
