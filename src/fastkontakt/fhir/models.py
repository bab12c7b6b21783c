"""API clients: the systems (regional EHRs, municipal systems, the patient portal) that call
the FHIR API, each with a token bound to one unit and a set of scopes.

A client writes only what its unit is responsible for, unless it is **region-wide**: then it
may load the region's directory (units, staff of any unit) and populations (ADR 0012). Only a
system administrator grants that, and the client records who did.

A client proves who it is with SMART Backend Services (ADR 0023): it signs a JWT with a
private key whose public half is registered here (``jwks``) and gets a short-lived access token
(``SmartAccessToken``). Static tokens (``fk1.``) are for development only: only a hash of each
token's secret is stored; the secret is shown once, when the client is created
(``fastkontakt api-client``).
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
    #: Empty when the client has no static token (always so in production).
    secret_hash = models.CharField(max_length=64, blank=True)
    #: The public keys (a JWK Set) the client signs its token requests with (SMART Backend
    #: Services, ADR 0023); empty when it has none.
    jwks = models.JSONField(_("publika nycklar (JWKS)"), default=dict, blank=True)
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
        """The scopes this request may use: an access token's grant when the client came with
        one (``with_grant``), else the registered ones (a static development token)."""
        granted: frozenset[str] | None = getattr(self, "_granted", None)
        return granted if granted is not None else frozenset(self.scopes.split())

    def with_grant(self, scopes: str) -> ApiClient:
        self._granted = frozenset(scopes.split())
        return self


class SmartAccessToken(models.Model):
    """An access token issued at the token endpoint: opaque, random (256 bits), stored as its
    SHA-256 and valid for a few minutes; it acts as its client with the granted scopes."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="access_tokens")
    scopes = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("åtkomsttoken")
        verbose_name_plural = _("åtkomsttoken")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.scopes}"


class SmartAssertionId(models.Model):
    """The ``jti`` of each accepted client assertion, kept until the assertion expires, so that
    the same assertion cannot buy a second token."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="assertion_ids")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("använt jti")
        verbose_name_plural = _("använda jti")
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="smart_jti_once_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.jti}"
