"""Who may do what where, and the log of every access to a person's data.

Roles are held per unit (a head of unit heads *that* unit); the log reviewer and the system
administrator act for the whole care provider and hold no unit. The access log is append-only:
PostgreSQL refuses updates and deletes with a trigger (migration 0002), and every entry carries
the hash of the one before it so that `fastkontakt accesslog verify` detects tampering.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.registry.models import PERSONAL_ID_LENGTH, Person, Staff, Unit


class Role(models.TextChoices):
    HEAD_OF_UNIT = "head_of_unit", _("verksamhetschef")
    UNIT_MANAGER = "unit_manager", _("vårdenhetschef")
    COORDINATOR = "coordinator", _("koordinator")
    STAFF = "staff", _("medarbetare")
    LOG_REVIEWER = "log_reviewer", _("logggranskare")
    SYSTEM_ADMIN = "system_admin", _("systemadministratör")


#: Roles held at a unit. Working at a unit is what gives a care relationship with its people.
UNIT_ROLES = frozenset({Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR, Role.STAFF})
#: Roles held for the whole care provider; they give no care relationship with anyone.
PROVIDER_ROLES = frozenset({Role.LOG_REVIEWER, Role.SYSTEM_ADMIN})


class Membership(models.Model):
    """A user's role at a unit (or, for provider-wide roles, with no unit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("användare"),
    )
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("enhet"),
    )

    class Meta:
        verbose_name = _("behörighet")
        verbose_name_plural = _("behörigheter")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="membership_unique_role_per_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_provider_role",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=sorted(UNIT_ROLES)) & Q(unit__isnull=False))
                | (Q(role__in=sorted(PROVIDER_ROLES)) & Q(unit__isnull=True)),
                name="membership_unit_roles_have_a_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.unit or ''}".strip()


class Account(models.Model):
    """What the system knows of a user beyond Django's account: who they are in the registry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account",
        verbose_name=_("användare"),
    )
    staff = models.OneToOneField(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("medarbetare"),
    )
    # The user's own personnummer, so that reading one's own record is flagged for review.
    personal_id = models.CharField(
        _("eget personnummer"), max_length=PERSONAL_ID_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("konto")
        verbose_name_plural = _("konton")

    def __str__(self) -> str:
        return str(self.user)


class EmergencyAccess(models.Model):
    """Nödåtkomst: a time-limited read of one person without a care relationship."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="emergency_accesses",
        verbose_name=_("användare"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("enhet")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    reason = models.TextField(_("skäl"))
    granted_at = models.DateTimeField(_("beviljad"))
    expires_at = models.DateTimeField(_("upphör"))

    class Meta:
        verbose_name = _("nödåtkomst")
        verbose_name_plural = _("nödåtkomster")
        indexes = [models.Index(fields=["user", "person", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="emergency_access_expires_after_granted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person_id} ({self.granted_at:%Y-%m-%d %H:%M})"


class EnrolmentCode(models.Model):
    """A one-time code that lets one user set up a second factor (a TOTP app).

    A password alone must not be enough to enrol a code device, or whoever learns a password of
    an account without one takes it over. A system administrator issues the code, it is shown
    once, and only its SHA-256 is kept; it expires, serves once, and dies after a few wrong
    tries (``access.enrolment``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolment_codes",
        verbose_name=_("användare"),
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(_("utfärdad av"), max_length=150)
    issued_at = models.DateTimeField(_("utfärdad"))
    expires_at = models.DateTimeField(_("upphör"))
    used_at = models.DateTimeField(_("använd"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("felaktiga försök"), default=0)

    class Meta:
        verbose_name = _("registreringskod")
        verbose_name_plural = _("registreringskoder")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="enrolment_code_expires_after_issued",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True),
                name="enrolment_code_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"


class Action(models.TextChoices):
    READ = "read", _("läsning")
    WRITE = "write", _("ändring")
    DENIED = "denied", _("nekad")


class Basis(models.TextChoices):
    CARE_RELATIONSHIP = "care_relationship", _("vårdrelation")
    EMERGENCY = "emergency", _("nödåtkomst")
    NONE = "none", _("ingen")
    LOG_REVIEW = "log_review", _("logggranskning")
    SYSTEM = "system", _("systemkörning")
    #: The person reads or writes their own data on the citizen pages (issue 16).
    OWN_DATA = "own_data", _("egen uppgift")
    #: A relative the person gave the right reads the person's data on the citizen pages.
    PROXY = "proxy", _("ombud (närstående)")


class AccessLogEntry(models.Model):
    """One read or write of one person's data (HSLF-FS 2016:40 4 kap. 9 §).

    No foreign keys: the log must outlive the accounts, units and people it names.
    """

    chain = models.SmallIntegerField(_("kedja"), default=0)
    seq = models.BigIntegerField(_("löpnummer i kedjan"))
    at = models.DateTimeField(_("tidpunkt (UTC)"))
    user_id = models.BigIntegerField(_("användar-id"), null=True)
    username = models.CharField(_("användare"), max_length=150)
    unit = models.CharField(_("enhet (HSA-id)"), max_length=64, blank=True)
    personal_id = models.CharField(_("personnummer"), max_length=PERSONAL_ID_LENGTH)
    action = models.CharField(_("åtgärd"), max_length=16, choices=Action.choices)
    what = models.CharField(_("vad"), max_length=64)
    basis = models.CharField(_("rättslig grund"), max_length=32, choices=Basis.choices)
    flags = models.CharField(_("flaggor"), max_length=128, blank=True)
    request_id = models.CharField(_("anrops-id"), max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        # No unique constraints: on PostgreSQL the table is partitioned by month, where a unique
        # index must include the partition key. The chain lock keeps numbers unique and
        # ``accesslog verify`` finds a number that is missing or repeated.
        indexes = [
            models.Index(fields=["chain", "seq"], name="accesslog_chain_seq"),
            models.Index(fields=["personal_id", "id"], name="accesslog_person_id"),
            models.Index(fields=["user_id", "id"], name="accesslog_user_id"),
            models.Index(fields=["flags"], name="accesslog_flags", condition=~Q(flags="")),
        ]

    def __str__(self) -> str:
        return f"#{self.chain}.{self.seq} {self.username} {self.action} {self.personal_id}"
