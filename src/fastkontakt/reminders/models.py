"""Each user's choice of hour for the digest, and the outbox of mail to send.

A mail is written to ``OutgoingMail`` before anything is sent, and stays there: ``sent``, or
``queued`` with its attempts and last error while the SMTP server refuses, or ``failed`` after
the last attempt (counted in /metrics and shown in the admin). Nothing is lost silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        verbose_name=_("användare"),
    )
    #: Local hour of the day (0-23); the site's default when null.
    hour = models.PositiveSmallIntegerField(_("timme"), null=True, blank=True)
    opted_out = models.BooleanField(_("inga påminnelser"), default=False)

    class Meta:
        verbose_name = _("påminnelseinställning")
        verbose_name_plural = _("påminnelseinställningar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hour__isnull=True) | models.Q(hour__lte=23),
                name="mailpreference_hour_0_23",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {'av' if self.opted_out else self.hour}"


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        SENT = "sent", _("skickat")
        FAILED = "failed", _("misslyckades")

    #: What the mail is, once: ``digest:<user>:<date>``. A second run finds it and sends nothing.
    key = models.CharField(_("nyckel"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("mottagare"),
    )
    to = models.EmailField(_("till"))
    subject = models.CharField(_("ämne"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
