"""What the citizen pages write: sessions, relatives' rights, requests and choices, and the
digital delivery of a letter the person opens.

Registry data is written through the registry's and the letters' services (the request and
the delivery), in their write transaction, so the findings store and the access log follow;
every write about a person is logged with the citizen's own basis (``own_data``, ``proxy``).
A relative acting for a person may only read: asking, choosing, giving rights and the
access-log extract are the person's own.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from fastkontakt.access.accesslog import log_reads, log_writes, write_transaction
from fastkontakt.access.models import Action
from fastkontakt.citizen.models import CitizenSession, PhysicianChoice, ProxyGrant
from fastkontakt.citizen.oidc import SignInRefused
from fastkontakt.citizen.selectors import (
    UNKNOWN,
    Citizen,
    request_units,
    selectable_physicians,
    session_of,
)
from fastkontakt.domain.errors import InvalidInput, NotAllowed, NotFound, Problem
from fastkontakt.domain.identifiers import is_personal_id
from fastkontakt.domain.text import text_normalised, text_problem
from fastkontakt.letters.models import Letter
from fastkontakt.letters.services import letter_deliver_digitally
from fastkontakt.registry.models import NAME_LENGTH, ContactRequest, Person
from fastkontakt.registry.services.requests import contact_request_create
from fastkontakt.runtime import clock

ONLY_THE_PERSON = "Det här kan bara personen själv göra."


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- sessions --------------------------------------------------------------------------------


def citizen_session_start(*, personal_id: str) -> str:
    """Sign in the one the provider vouched for; return the session's secret key (the cookie).

    A personnummer the registry knows shows that person; one it does not know may still sign
    in if someone gave them the right to see their data (a relative). Anyone else is refused,
    and nothing is stored.
    """
    person = Person.objects.filter(personal_id=personal_id).first()
    if person is None and not ProxyGrant.objects.filter(
        relative_personal_id=personal_id, withdrawn_at__isnull=True
    ).exists():
        raise SignInRefused(
            "Vi har inga uppgifter om dig. Här ser du dina fasta kontakter när en vårdenhet "
            "eller hemtjänsten har registrerat dem."
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    CitizenSession.objects.create(
        key_hash=_hash(key),
        personal_id=personal_id,
        acting_for=person,
        created_at=now,
        last_seen_at=now,
    )
    return key


def citizen_session_get(*, key: str, request_id: str) -> Citizen | None:
    """The signed-in citizen of the cookie ``key``, or None (unknown, ended or idle 15
    minutes: then it is ended). Each use keeps it alive."""
    if not key:
        return None
    session = session_of(key_hash=_hash(key))
    if session is None:
        return None
    now = timezone.now()
    if now - session.last_seen_at > timedelta(minutes=settings.FASTKONTAKT_CITIZEN_IDLE_MINUTES):
        session.ended_at = now
        session.save(update_fields=["ended_at"])
        return None
    grant = session.grant
    if grant is not None and grant.withdrawn_at is not None:
        # The right was taken back while the relative was signed in: they see nobody.
        session.grant, session.acting_for = None, None
        grant = None
    session.last_seen_at = now
    session.save(update_fields=["last_seen_at", "grant", "acting_for"])
    own = Person.objects.filter(personal_id=session.personal_id).values_list("pk", flat=True)
    return Citizen(
        session_pk=session.pk,
        personal_id=session.personal_id,
        person=session.acting_for,
        grant=grant,
        request_id=request_id,
        own_person_pk=own.first(),
    )


def citizen_session_end(*, key: str) -> None:
    CitizenSession.objects.filter(key_hash=_hash(key), ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def citizen_switch(*, citizen: Citizen, person_pk: int) -> Person:
    """Show ``person_pk``: one's own data, or that of someone who gave the right (the use of
    the right is logged). Anyone else answers ``NotFound``."""
    if person_pk == citizen.own_person_pk:
        person = Person.objects.get(pk=person_pk)
        CitizenSession.objects.filter(pk=citizen.session_pk).update(acting_for=person, grant=None)
        return person
    grant = (
        ProxyGrant.objects.filter(
            person_id=person_pk,
            relative_personal_id=citizen.personal_id,
            withdrawn_at__isnull=True,
        )
        .select_related("person")
        .first()
    )
    if grant is None:
        raise NotFound(UNKNOWN)
    CitizenSession.objects.filter(pk=citizen.session_pk).update(
        acting_for=grant.person, grant=grant
    )
    shown = Citizen(
        session_pk=citizen.session_pk,
        personal_id=citizen.personal_id,
        person=grant.person,
        grant=grant,
        request_id=citizen.request_id,
        own_person_pk=citizen.own_person_pk,
    )
    log_reads([shown.record("citizen.proxy.switch")])
    return grant.person


def _own(citizen: Citizen) -> Person:
    if citizen.person is None:
        raise NotFound(UNKNOWN)
    if citizen.as_relative:
        raise NotAllowed(ONLY_THE_PERSON)
    return citizen.person


# --- relatives -------------------------------------------------------------------------------


def proxy_grant(*, citizen: Citizen, relative_personal_id: str, relative_name: str) -> ProxyGrant:
    """Give a relative the right to see the person's contacts and letters."""
    person = _own(citizen)
    number = "".join(ch for ch in relative_personal_id if ch.isdigit())
    name = text_normalised(relative_name).strip()
    problems = []
    if not is_personal_id(number):
        problems.append(
            Problem("relative_personal_id", "Skriv ett giltigt personnummer med 12 siffror.")
        )
    elif number == person.personal_id:
        problems.append(Problem("relative_personal_id", "Skriv den närståendes personnummer."))
    name_problem = text_problem(name)
    if not name.strip():
        problems.append(Problem("relative_name", "Skriv den närståendes namn."))
    elif name_problem:
        problems.append(Problem("relative_name", name_problem))
    elif len(name) > NAME_LENGTH:
        problems.append(Problem("relative_name", f"Skriv högst {NAME_LENGTH} tecken."))
    if problems:
        raise InvalidInput(problems)
    try:
        with write_transaction():
            grant = ProxyGrant.objects.create(
                person=person,
                relative_personal_id=number,
                relative_name=name,
                granted_at=timezone.now(),
            )
            log_writes([citizen.record("citizen.proxy.grant", action=Action.WRITE)])
    except IntegrityError as error:
        raise InvalidInput(
            [Problem("relative_personal_id", "Den närstående har redan rätt att se.")]
        ) from error
    return grant


def proxy_withdraw(*, citizen: Citizen, grant_pk: int) -> ProxyGrant:
    """Take the right back; a grant of someone else answers ``NotFound``."""
    person = _own(citizen)
    with write_transaction():
        grant = (
            ProxyGrant.objects.select_for_update()
            .filter(pk=grant_pk, person=person, withdrawn_at__isnull=True)
            .first()
        )
        if grant is None:
            raise NotFound(UNKNOWN)
        grant.withdrawn_at = timezone.now()
        grant.save(update_fields=["withdrawn_at"])
        CitizenSession.objects.filter(grant=grant).update(grant=None, acting_for=None)
        log_writes([citizen.record("citizen.proxy.withdraw", action=Action.WRITE)])
    return grant


# --- ask and choose --------------------------------------------------------------------------


def request_contact(*, citizen: Citizen, unit_pk: int) -> ContactRequest:
    """Ask for a fast vårdkontakt at a unit with a care relationship with the person."""
    person = _own(citizen)
    offered = {u.pk: u for u in request_units(citizen, log=False)}
    if unit_pk not in offered:
        raise NotFound(UNKNOWN)
    unit = offered[unit_pk]
    log = citizen.record("citizen.request", action=Action.WRITE)
    return contact_request_create(
        person_pk=person.pk,
        kind="fast_vardkontakt",
        unit_pk=unit.pk,
        on=clock.today(),
        log=log,
    )


def physician_choose(*, citizen: Citizen, staff_pk: int) -> PhysicianChoice:
    """Choose a fast läkarkontakt among the selectable physicians of the listing centre: a
    request naming the physician, which the centre confirms by appointing."""
    person = _own(citizen)
    physicians = selectable_physicians(person, clock.today())
    if physicians.centre is None or staff_pk not in {pk for pk, _ in physicians.choices}:
        raise NotFound(UNKNOWN)
    with write_transaction():
        request = contact_request_create(
            person_pk=person.pk,
            kind="fast_lakarkontakt",
            unit_pk=physicians.centre.pk,
            on=clock.today(),
            log=citizen.record("citizen.physician", action=Action.WRITE),
            refuse_if_current=False,
        )
        return PhysicianChoice.objects.create(request=request, staff_id=staff_pk)


# --- letters ---------------------------------------------------------------------------------


def letter_opened(*, citizen: Citizen, letter: Letter) -> bool:
    """The person opened their letter: its first opening is its digital delivery. A relative
    opening it is not the person being told. True if the delivery was recorded now."""
    if citizen.as_relative or letter.delivered_on is not None:
        return False
    return letter_deliver_digitally(
        letter_pk=letter.pk,
        delivered_by=citizen.actor.username,
        log=citizen.record(
            "citizen.letter.delivered", action=Action.WRITE, unit=letter.unit.hsa_id
        ),
    )
