"""The daily digest: who gets one, what it says, and sending it from the outbox.

Who: every active user with an e-mail address and a role at a unit (head of unit, unit
manager, coordinator, staff), in the hour they chose (``MailPreference``; the site's default
otherwise), unless they opted out, and only when there is work.

What: the overdue and due-soon findings of the unit's worklist (``compliance.worklists``, the
same rows the page shows), grouped by person, with a link to each person's page. A head of
unit, unit manager or coordinator gets the whole worklist of each unit they hold that role at;
staff get the rows that concern themselves. Nobody gets a row of a unit they do not work at,
and nothing is in the mail that the worklist page would not show them. The mail names people
by name only; no personnummer anywhere, and the subject line only counts. Each person in a
digest is logged in the access log as read by the recipient.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.accesslog import log_reads, log_record
from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import UNIT_ROLES, Account, Action, Basis, Membership, Role
from fastkontakt.compliance.worklists import WorklistRow, worklist_get
from fastkontakt.reminders.models import MailPreference, OutgoingMail

logger = logging.getLogger(__name__)

MANAGING_ROLES = frozenset({Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR})
MAX_SEND_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class DigestPerson:
    name: str
    url: str
    rows: list[WorklistRow]


@dataclass(frozen=True, slots=True)
class DigestUnit:
    name: str
    hsa_id: str
    worklist_url: str
    people: list[DigestPerson]


@dataclass(slots=True)
class Digest:
    units: list[DigestUnit] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(r.group == "overdue" for u in self.units for p in u.people for r in p.rows)

    @property
    def due_soon(self) -> int:
        return sum(r.group == "due_soon" for u in self.units for p in u.people for r in p.rows)

    @property
    def empty(self) -> bool:
        return not self.units


_Rows = dict[int, tuple[str, str, list[WorklistRow]]]


def _unit_rows(unit_pk: int, as_of: date, cache: _Rows) -> tuple[str, str, list[WorklistRow]]:
    if unit_pk not in cache:
        worklist = worklist_get(unit_pk=unit_pk, as_of=as_of, page_size=10**9)
        rows = [row for row in worklist.rows if row.group in ("overdue", "due_soon")]
        cache[unit_pk] = (worklist.unit_name, worklist.unit_id, rows)
    return cache[unit_pk]


def digest_build(*, user_pk: int, as_of: date, cache: _Rows | None = None) -> Digest:
    """The digest of one user on ``as_of`` (module docstring); ``cache`` shares the units'
    worklists between the users of one run."""
    cache = {} if cache is None else cache
    roles: dict[int, set[str]] = {}
    for role, unit_pk in Membership.objects.filter(
        user_id=user_pk, role__in=UNIT_ROLES, unit__isnull=False
    ).values_list("role", "unit_id"):
        roles.setdefault(unit_pk, set()).add(role)
    staff_pk = Account.objects.filter(user_id=user_pk).values_list("staff_id", flat=True).first()
    digest = Digest()
    for unit_pk in sorted(roles):
        name, hsa_id, rows = _unit_rows(unit_pk, as_of, cache)
        if not roles[unit_pk] & MANAGING_ROLES:
            rows = [row for row in rows if staff_pk is not None and row.staff_pk == staff_pk]
        people: dict[int, DigestPerson] = {}
        for row in rows:
            if row.person_pk not in people:
                url = settings.FASTKONTAKT_BASE_URL + reverse("web:person", args=[row.person_pk])
                people[row.person_pk] = DigestPerson(name=row.name, url=url, rows=[])
            people[row.person_pk].rows.append(row)
        if people:
            worklist_url = (
                settings.FASTKONTAKT_BASE_URL + reverse("web:worklist") + f"?unit={unit_pk}"
            )
            ordered = sorted(people.values(), key=lambda p: (p.name, p.url))
            digest.units.append(DigestUnit(name, hsa_id, worklist_url, ordered))
    return digest


def digest_subject(digest: Digest) -> str:
    # Counts only: a subject line is shown in lists, notifications and lock screens.
    return f"Fast kontakt: {digest.overdue} försenade och {digest.due_soon} som förfaller snart"


def _hour_of(preference: MailPreference | None) -> int | None:
    if preference is not None and preference.opted_out:
        return None
    if preference is not None and preference.hour is not None:
        return preference.hour
    return int(settings.FASTKONTAKT_DIGEST_DEFAULT_HOUR)


def digests_queue(*, slot: str) -> dict[str, int]:
    """Write the digests of the slot's hour (``2026-12-04T07``) to the outbox and queue their
    sending. Safe to run twice: a user's digest of a day is written once (``OutgoingMail.key``)."""
    as_of = date.fromisoformat(slot[:10])
    hour = int(slot[11:13])
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__role__in=UNIT_ROLES)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    preferences = {p.user_id: p for p in MailPreference.objects.all()}
    cache: _Rows = {}
    queued = 0
    for user in users:
        if _hour_of(preferences.get(user.pk)) != hour:
            continue
        key = f"digest:{user.pk}:{as_of.isoformat()}"
        if OutgoingMail.objects.filter(key=key).exists():
            continue
        digest = digest_build(user_pk=user.pk, as_of=as_of, cache=cache)
        if digest.empty:
            continue
        if _digest_store(user=user, key=key, digest=digest, as_of=as_of, slot=slot):
            queued += 1
    return {"queued": queued}


def _digest_store(*, user: Any, key: str, digest: Digest, as_of: date, slot: str) -> bool:
    from fastkontakt.reminders.tasks import deliver_mail

    context = {
        "digest": digest,
        "as_of": as_of,
        "user": user,
        "settings_url": settings.FASTKONTAKT_BASE_URL + reverse("web:mail_settings"),
    }
    actor = actor_for_user(user, request_id=f"digest-{slot}")
    with transaction.atomic():
        mail, created = OutgoingMail.objects.get_or_create(
            key=key,
            defaults={
                "user": user,
                "to": user.email,
                "subject": digest_subject(digest),
                "body_text": render_to_string("reminders/digest.txt", context),
                "body_html": render_to_string("reminders/digest.html", context),
            },
        )
        if not created:
            return False
        log_reads(
            log_record(
                actor,
                row.personal_id,
                action=Action.READ,
                what="påminnelse via e-post",
                basis=Basis.CARE_RELATIONSHIP,
                unit=unit.hsa_id,
            )
            for unit in digest.units
            for person in unit.people
            for row in person.rows[:1]
        )
        transaction.on_commit(lambda: deliver_mail.enqueue(mail_pk=mail.pk))
    return True


def mail_deliver(*, mail_pk: int) -> OutgoingMail:
    """Send one mail of the outbox, once. A refusal or an unreachable server counts an attempt
    and leaves it ``queued`` (the caller tries again later) or, after the last, ``failed``."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail_pk)
        if mail.status != OutgoingMail.Status.QUEUED:
            return mail
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
        )
        message.attach_alternative(mail.body_html, "text/html")
        mail.attempts += 1
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            if mail.attempts >= MAX_SEND_ATTEMPTS:
                mail.status = OutgoingMail.Status.FAILED
                logger.error("mail %s failed for good after %s attempts", mail.pk, mail.attempts)
            else:
                logger.warning("mail %s: attempt %s failed: %s", mail.pk, mail.attempts, error)
        else:
            mail.status = OutgoingMail.Status.SENT
            mail.sent_at = timezone.now()
            mail.last_error = ""
        mail.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    return mail


def mail_preference_get(*, user_pk: int) -> tuple[int, bool]:
    """(hour, opted out) for the user's own page."""
    preference = MailPreference.objects.filter(user_id=user_pk).first()
    default = int(settings.FASTKONTAKT_DIGEST_DEFAULT_HOUR)
    if preference is None:
        return default, False
    return (preference.hour if preference.hour is not None else default), preference.opted_out


@transaction.atomic
def mail_preference_set(*, user_pk: int, hour: int, opted_out: bool) -> MailPreference:
    if not 0 <= hour <= 23:
        raise ValueError("hour must be 0-23")
    preference, _ = MailPreference.objects.update_or_create(
        user_id=user_pk, defaults={"hour": hour, "opted_out": opted_out}
    )
    return preference
