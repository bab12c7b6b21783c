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

from fastkontakt.registry.models import Contact, Handover, HandoverItem, Person, Unit


class Recipient(models.TextChoices):
    PERSON = "person", _("personen")
    RELATIVE = "narstaende", _("närstående")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("post")
    IN_PERSON = "personligen", _("lämnat personligen")
    DIGITAL_MAILBOX = "digital_brevlada", _("digital brevlåda")
    PORTAL_1177 = "1177", _("1177")


USERNAME_LENGTH = 150


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
