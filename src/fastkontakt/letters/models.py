"""Letters that tell a person (or a relative) in writing who their fixed contacts are.

A letter keeps the PDF exactly as it was produced: what was sent must stay what the record
shows, even when a name, a phone number or the wording changes later. Recording its delivery
is what sets ``Contact.informed`` (rule ``contact-informed``).

A letter names one or more contacts (a handover letter names every contact the person got from
the handover); ``contact`` is the first of them, ``contacts`` all of them. Both outlive the
contacts (``SET_NULL``, and the M2M rows go): reloading a person from a scenario file replaces
their contacts, and the letter with its PDF is still the record of what was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.domain import vocabulary
from fastkontakt.registry.models import (
    NAME_LENGTH,
    Contact,
    Handover,
    HandoverItem,
    Person,
    PostalAddressFields,
    Unit,
)


class Recipient(models.TextChoices):
    PERSON = "person", vocabulary.RECIPIENTS["person"]
    RELATIVE = "narstaende", vocabulary.RECIPIENTS["narstaende"]


class DeliveryMethod(models.TextChoices):
    # The names are the vocabulary's (domain/vocabulary.py), which the pages and exports use.
    POST = "post", vocabulary.DELIVERY_METHODS["post"]
    IN_PERSON = "personligen", vocabulary.DELIVERY_METHODS["personligen"]
    DIGITAL_MAILBOX = "digital_brevlada", vocabulary.DELIVERY_METHODS["digital_brevlada"]
    PORTAL_1177 = "1177", vocabulary.DELIVERY_METHODS["1177"]
    #: The person opened the letter on the citizen pages (/invanare/): never chosen by staff.
    DIGITAL = "digitalt", vocabulary.DELIVERY_METHODS["digitalt"]


USERNAME_LENGTH = 150


class ConsentMethod(models.TextChoices):
    """How the person said yes to a relative's copy."""

    ORAL = "muntligt", _("muntligt")
    WRITTEN = "skriftligt", _("skriftligt")
    DIGITAL = "digitalt", _("digitalt, till exempel via 1177")


class RelativeConsent(PostalAddressFields):
    """The person's consent that one named relative gets a copy of the letters about their
    fixed contacts: who gave it (the person), to which relative, on which day, how, and who
    recorded it on behalf of which unit. Only a consent that has not been withdrawn lets a
    relative's copy be written; the relative's postal address (optional) addresses it.

    A consent is never deleted or changed, only withdrawn: the letters written under it name
    it, and the record must show what it said when they were written.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="relative_consents",
        verbose_name=_("person"),
    )
    relative_name = models.CharField(_("närståendes namn"), max_length=NAME_LENGTH)
    relationship = models.CharField(_("relation till personen"), max_length=100, blank=True)
    given_on = models.DateField(_("samtycke lämnat"))
    method = models.CharField(
        _("hur samtycket lämnades"), max_length=16, choices=ConsentMethod.choices
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="relative_consents",
        verbose_name=_("registrerat för enhet"),
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    recorded_by = models.CharField(_("registrerat av"), max_length=USERNAME_LENGTH)
    recorded_by_name = models.CharField(
        _("registrerat av (namn)"), max_length=NAME_LENGTH, blank=True
    )
    withdrawn_on = models.DateField(_("återkallat"), null=True, blank=True)

    class Meta(PostalAddressFields.Meta):
        verbose_name = _("samtycke till kopia till närstående")
        verbose_name_plural = _("samtycken till kopia till närstående")
        constraints = [
            *PostalAddressFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="relativeconsent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        # No names: this shows up in logs and the admin's history.
        return f"samtycke {self.pk}"


class Letter(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="letters", verbose_name=_("person")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        related_name="letters",
        verbose_name=_("kontakt"),
        help_text=_("Den första kontakten brevet handlar om."),
    )
    contacts = models.ManyToManyField(
        Contact,
        related_name="named_in_letters",
        verbose_name=_("kontakter"),
        help_text=_("Alla kontakter brevet handlar om."),
    )
    # The unit that sends the letter: its role checks and log entries still hold when the
    # contacts it names have been replaced.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="letters", verbose_name=_("avsändande enhet")
    )
    handover_item = models.ForeignKey(
        HandoverItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("överlämning"),
    )
    recipient = models.CharField(
        _("mottagare"), max_length=16, choices=Recipient.choices, default=Recipient.PERSON
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    created_by = models.CharField(_("skapat av"), max_length=USERNAME_LENGTH)
    #: The writer's full name when the letter was written (the staff member's, else the
    #: account's); the list shows it, the username is for the access log.
    created_by_name = models.CharField(_("skrivet av"), max_length=NAME_LENGTH, blank=True)
    #: The person (or relative) had no postal address: the PDF's window says so in large type
    #: and the list asks for the address to be written by hand or the letter handed over.
    without_address = models.BooleanField(_("utan postadress"), default=False)
    consent = models.ForeignKey(
        RelativeConsent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("samtycke"),
        help_text=_("Samtycket som tillåter en kopia till närstående."),
    )
    pdf = models.BinaryField(_("brevet (PDF)"), editable=False)
    delivered_on = models.DateField(_("lämnat eller skickat"), null=True, blank=True)
    delivery_method = models.CharField(
        _("sätt"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivered_by = models.CharField(_("registrerat av"), max_length=USERNAME_LENGTH, blank=True)

    class Meta:
        verbose_name = _("brev")
        verbose_name_plural = _("brev")
        constraints = [
            # A delivery is a date, a method and who recorded it, or nothing at all.
            models.CheckConstraint(
                condition=(
                    Q(delivered_on__isnull=True, delivery_method="", delivered_by="")
                    | (Q(delivered_on__isnull=False) & ~Q(delivery_method="") & ~Q(delivered_by=""))
                ),
                name="letter_delivery_complete_or_absent",
            ),
            # A relative's copy written from now on names its consent (the service checks it);
            # copies written before consents were recorded have none, so the database can only
            # hold that a letter to the person names no consent.
            models.CheckConstraint(
                condition=~Q(recipient="person") | Q(consent__isnull=True),
                name="letter_to_person_has_no_consent",
            ),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="letter_person_created")]

    def __str__(self) -> str:
        # No personnummer and no name: this shows up in logs and the admin's history.
        return f"brev {self.pk}"


class LetterJob(models.Model):
    """The letters of a large handover, written by a worker (``letters.tasks``).

    Written in the handover's own transaction, so the duty to tell the people is stored with
    the handover itself; the page shows ``done`` of ``total`` while the worker writes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("skriver")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    handover = models.OneToOneField(
        Handover, on_delete=models.CASCADE, related_name="letter_job", verbose_name=_("överlämning")
    )
    relatives = models.BooleanField(_("även till anhöriga"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("personer"))
    done = models.PositiveIntegerField(_("klara"), default=0)
    letters = models.PositiveIntegerField(_("brev"), default=0)
    heartbeat_at = models.DateTimeField(_("senaste livstecken"), null=True, blank=True)
    message = models.CharField(_("meddelande"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("brevjobb")
        verbose_name_plural = _("brevjobb")

    def __str__(self) -> str:
        return f"{self.handover_id}: {self.done}/{self.total} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)
