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

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.domain import vocabulary
from fastkontakt.registry.models import Contact, HandoverItem, Person, Unit


class Recipient(models.TextChoices):
    PERSON = "person", vocabulary.RECIPIENTS["person"]
    RELATIVE = "narstaende", vocabulary.RECIPIENTS["narstaende"]


class DeliveryMethod(models.TextChoices):
    # The names are the vocabulary's (domain/vocabulary.py), which the pages and exports use.
    POST = "post", vocabulary.DELIVERY_METHODS["post"]
    IN_PERSON = "personligen", vocabulary.DELIVERY_METHODS["personligen"]
    DIGITAL_MAILBOX = "digital_brevlada", vocabulary.DELIVERY_METHODS["digital_brevlada"]
    PORTAL_1177 = "1177", vocabulary.DELIVERY_METHODS["1177"]


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
