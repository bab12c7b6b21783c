"""API clients: the systems (regional EHRs, municipal systems, the patient portal) that call
the FHIR API, each with a token bound to one unit and a set of scopes.

A client writes only what its unit is responsible for, unless it is **region-wide**: then it
may load the region's directory (units, staff of any unit) and populations (ADR 0012). Only a
system administrator grants that, and the client records who did.

Only a hash of each token's secret is stored; the secret is shown once, when the client is
created (``fastkontakt api-client``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.registry.models import Unit


class ApiClient(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("enhet")
    )
    #: Space-separated SMART scopes, e.g. ``system/CareTeam.read system/CareTeam.write``.
    scopes = models.CharField(_("behörigheter"), max_length=500)
    #: SHA-256 of the token's secret, hex. The secret is random (256 bits), so a plain hash is
    #: enough: there is nothing to guess that a slow hash would protect.
    secret_hash = models.CharField(max_length=64)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    region = models.BooleanField(_("regionsomfattande"), default=False)
    #: Username of the system administrator who granted ``region``; kept as text so that it
    #: outlives the account.
    region_granted_by = models.CharField(
        _("regionsbehörighet given av"), max_length=150, blank=True
    )

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        constraints = [
            models.CheckConstraint(
                condition=Q(region=False) | ~Q(region_granted_by=""),
                name="apiclient_region_names_who_granted_it",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
