"""The citizen pages' own tables.

- :class:`CitizenSession`: a signed-in person (or relative), kept apart from staff sessions: its
  own cookie, its own table, nothing of Django's auth. Only the SHA-256 of the cookie's token
  is stored.
- :class:`ProxyGrant`: the person's right given to a relative to see their contacts and
  letters; never deleted, only withdrawn, so the record shows who could see what when.
- :class:`PhysicianChoice`: the physician a person chose as fast läkarkontakt, beside the
  request (``registry.ContactRequest``) that starts the centre's deadline.
- :class:`UnitOpeningHours`: a unit's opening hours, shown to the person when known.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.registry.models import (
    NAME_LENGTH,
    PERSONAL_ID_LENGTH,
    ContactRequest,
    Person,
    Staff,
    Unit,
)


class ProxyGrant(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="proxy_grants", verbose_name=_("person")
    )
    relative_personal_id = models.CharField(
        _("närståendes personnummer"), max_length=PERSONAL_ID_LENGTH
    )
    relative_name = models.CharField(_("närståendes namn"), max_length=NAME_LENGTH)
    granted_at = models.DateTimeField(_("gavs"))
    withdrawn_at = models.DateTimeField(_("återkallades"), null=True, blank=True)

    class Meta:
        verbose_name = _("närståendes rätt att se")
        verbose_name_plural = _("närståendes rätt att se")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative_personal_id"],
                condition=Q(withdrawn_at__isnull=True),
                name="proxygrant_one_open_per_relative",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("granted_at")),
                name="proxygrant_withdrawn_after_granted",
            ),
        ]
        indexes = [models.Index(fields=["relative_personal_id"], name="proxygrant_relative")]

    def __str__(self) -> str:
        # No names or numbers: this shows up in logs and the admin's history.
        return f"rätt {self.pk}"


class CitizenSession(models.Model):
    key_hash = models.CharField(max_length=64, unique=True)
    #: Who signed in (the e-legitimation's personnummer).
    personal_id = models.CharField(_("personnummer"), max_length=PERSONAL_ID_LENGTH)
    #: Whose data the session shows: the person themselves, or (``grant``) the person a
    #: relative switched to; None for a relative who has not chosen yet.
    acting_for = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visar"),
    )
    grant = models.ForeignKey(
        ProxyGrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("med rätt"),
    )
    created_at = models.DateTimeField(_("inloggad"))
    last_seen_at = models.DateTimeField(_("senast aktiv"))
    ended_at = models.DateTimeField(_("utloggad"), null=True, blank=True)

    class Meta:
        verbose_name = _("invånarsession")
        verbose_name_plural = _("invånarsessioner")

    def __str__(self) -> str:
        return f"session {self.pk}"


class PhysicianChoice(models.Model):
    request = models.OneToOneField(
        ContactRequest,
        on_delete=models.CASCADE,
        related_name="physician_choice",
        verbose_name=_("begäran"),
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("vald läkare")
    )

    class Meta:
        verbose_name = _("val av fast läkarkontakt")
        verbose_name_plural = _("val av fast läkarkontakt")

    def __str__(self) -> str:
        return f"val {self.pk}"


class UnitOpeningHours(models.Model):
    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("enhet")
    )
    hours = models.CharField(_("öppettider"), max_length=200)

    class Meta:
        verbose_name = _("öppettider")
        verbose_name_plural = _("öppettider")

    def __str__(self) -> str:
        return self.hours
