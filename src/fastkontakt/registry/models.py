"""The registry: units, staff, people and everything about their fixed contacts.

The tables mirror the scenario model of ``domain/model.py`` (``spec/scenario.md``) one to one,
so a scenario file loads into them and exports from them without loss. Identifiers from the
outside world (HSA-id, personnummer, contact and SIP ids) are unique columns beside the
surrogate primary keys; nested lists (a person's contacts, a staff member's units, a plan's
revisions) keep their order through the ascending primary key, which is why the loader inserts
them in file order and the selectors read them ``order_by("pk")``.

Choices come from the domain's value tuples so the database and the rules can never disagree
about which values exist; the Swedish labels are for the admin and the pages.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.domain import vocabulary
from fastkontakt.domain.identifiers import is_personal_id, personal_id_display
from fastkontakt.domain.model import (
    CONTACT_KINDS,
    POLICY_NAMES,
    PROFESSIONS,
    REQUEST_KINDS,
    RESIDENCES,
    UNIT_TYPES,
    VISIT_KINDS,
    PostalAddress,
)
from fastkontakt.domain.postal import (
    CARE_OF_LENGTH,
    CITY_LENGTH,
    POSTAL_CODE_LENGTH,
    STREET_LENGTH,
)

# Lengths of the text columns; the loader checks them too, because SQLite does not.
ID_LENGTH = 64
NAME_LENGTH = 200
PERSONAL_ID_LENGTH = 12


def _choices(values: tuple[str, ...], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    # Indexing (not .get) makes a value added to the domain without a name fail at import.
    return [(value, labels[value]) for value in values]


# The Swedish names are the vocabulary's (domain/vocabulary.py), the one list pages share.
UNIT_TYPE_CHOICES = _choices(UNIT_TYPES, vocabulary.UNIT_TYPES)
PROFESSION_CHOICES = _choices(PROFESSIONS, vocabulary.PROFESSIONS)
CONTACT_KIND_CHOICES = _choices(CONTACT_KINDS, vocabulary.CONTACT_KINDS)
REQUEST_KIND_CHOICES = _choices(REQUEST_KINDS, vocabulary.CONTACT_KINDS)
RESIDENCE_CHOICES = _choices(RESIDENCES, vocabulary.RESIDENCES)
VISIT_KIND_CHOICES = _choices(VISIT_KINDS, vocabulary.VISIT_KINDS)
POLICY_CHOICES = _choices(POLICY_NAMES, vocabulary.POLICIES)
DEFAULT_POLICY = "national"

#: Why a contact was appointed (issue 3); empty for contacts loaded from files, which do not say.
APPOINTMENT_REASON_CHOICES = list(vocabulary.APPOINTMENT_REASONS.items())
#: ``samordning_overford`` is set by a takeover of coordination only (the holder continues
#: without it), never chosen.
END_REASON_CHOICES = list(vocabulary.END_REASONS.items())
HANDOVER_REASON_CHOICES = list(vocabulary.HANDOVER_REASONS.items())


def validate_personal_id(value: str) -> None:
    """Form-level check of the Luhn digit and the date (the database only checks the shape)."""
    if not is_personal_id(value):
        raise ValidationError(
            _("Ogiltigt personnummer eller samordningsnummer (12 siffror ÅÅÅÅMMDDNNNK)."),
            code="invalid_personal_id",
        )


def _period_constraint(name: str, *, open_ended: bool) -> models.CheckConstraint:
    condition = Q(end__gte=F("start"))
    if open_ended:
        condition |= Q(end__isnull=True)
    return models.CheckConstraint(condition=condition, name=name)


class PostalAddressFields(models.Model):
    """A Swedish postal address in four columns (``domain.model.PostalAddress``): all of
    street, postcode and post town, or none of them; a c/o line only with them."""

    address_care_of = models.CharField(_("c/o"), max_length=CARE_OF_LENGTH, blank=True)
    address_street = models.CharField(_("utdelningsadress"), max_length=STREET_LENGTH, blank=True)
    postal_code = models.CharField(
        _("postnummer"),
        max_length=POSTAL_CODE_LENGTH,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{2} [0-9]{2}$", _("Skriv postnumret NNN NN."))],
    )
    postal_town = models.CharField(_("postort"), max_length=CITY_LENGTH, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(address_street="", postal_code="", postal_town="", address_care_of="")
                | (~Q(address_street="") & ~Q(postal_code="") & ~Q(postal_town="")),
                name="%(class)s_address_complete_or_absent",
            ),
        ]

    def postal_address(self) -> PostalAddress | None:
        if not self.address_street:
            return None
        return PostalAddress(
            street=self.address_street,
            postal_code=self.postal_code,
            city=self.postal_town,
            care_of=self.address_care_of or None,
        )

    def address_columns(self, address: PostalAddress | None) -> None:
        """Set the four columns from ``address`` (None empties them)."""
        self.address_care_of = (address.care_of or "") if address else ""
        self.address_street = address.street if address else ""
        self.postal_code = address.postal_code if address else ""
        self.postal_town = address.city if address else ""


#: The columns of :class:`PostalAddressFields`, for ``update_fields`` and ``values_list``.
ADDRESS_COLUMNS = ("address_care_of", "address_street", "postal_code", "postal_town")


def address_of(care_of: str, street: str, postal_code: str, town: str) -> PostalAddress | None:
    """The domain address of the four columns as ``values_list`` reads them."""
    if not street:
        return None
    return PostalAddress(street=street, postal_code=postal_code, city=town, care_of=care_of or None)


class Unit(PostalAddressFields):
    hsa_id = models.CharField(_("HSA-id"), max_length=ID_LENGTH, unique=True)
    name = models.CharField(_("namn"), max_length=NAME_LENGTH)
    type = models.CharField(_("typ"), max_length=32, choices=UNIT_TYPE_CHOICES)
    # Not part of the scenario format; the letters and pages show it when it is known.
    phone = models.CharField(_("telefon"), max_length=32, blank=True)

    class Meta(PostalAddressFields.Meta):
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    hsa_id = models.CharField(_("HSA-id"), max_length=ID_LENGTH, unique=True)
    name = models.CharField(_("namn"), max_length=NAME_LENGTH)
    profession = models.CharField(_("yrke"), max_length=32, choices=PROFESSION_CHOICES)
    licensed = models.BooleanField(_("legitimerad"), default=False)
    eligible = models.BooleanField(_("valbar som fast vårdkontakt"), default=True)
    employment_end = models.DateField(_("anställningens sista dag"), null=True, blank=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    units = models.ManyToManyField(
        Unit, through="StaffUnit", related_name="staff", verbose_name=_("enheter")
    )

    class Meta:
        verbose_name = _("medarbetare")
        verbose_name_plural = _("medarbetare")

    def __str__(self) -> str:
        return self.name


class StaffUnit(models.Model):
    """Where a staff member works; an explicit table so the file's order of units survives."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="workplaces", verbose_name=_("medarbetare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="workplaces", verbose_name=_("enhet")
    )

    class Meta:
        verbose_name = _("arbetsplats")
        verbose_name_plural = _("arbetsplatser")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit"], name="staffunit_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.unit_id}"


class Absence(models.Model):
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="absences", verbose_name=_("medarbetare")
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"))

    class Meta:
        verbose_name = _("frånvaro")
        verbose_name_plural = _("frånvaroperioder")
        constraints = [_period_constraint("absence_end_not_before_start", open_ended=False)]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class Person(PostalAddressFields):
    """A patient or home-care customer, identified by personnummer or samordningsnummer."""

    personal_id = models.CharField(
        _("personnummer"),
        max_length=PERSONAL_ID_LENGTH,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{12}$"), validate_personal_id],
        help_text=_("12 siffror ÅÅÅÅMMDDNNNK; samordningsnummer har dag + 60."),
    )
    name = models.CharField(_("namn"), max_length=NAME_LENGTH)
    residence = models.CharField(
        _("boende"), max_length=32, choices=RESIDENCE_CHOICES, default="ordinart"
    )
    residence_from = models.DateField(_("bor där sedan"), null=True, blank=True)
    residence_no_contact_reason = models.TextField(
        _("skäl till att fast omsorgskontakt i särskilt boende inte behövs"), blank=True
    )
    home_health_care = models.BooleanField(_("inskriven i hemsjukvård"), default=False)
    listed_at = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_persons",
        verbose_name=_("listad vid"),
    )
    life_threatening_since = models.DateField(
        _("livshotande tillstånd sedan"), null=True, blank=True
    )
    needs = models.JSONField(_("behov"), default=list, blank=True)

    class Meta(PostalAddressFields.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            *PostalAddressFields.Meta.constraints,
            # Twelve ASCII digits also make the database's order of personal_id the same as
            # Python's under any collation, which the keyset pagination of the selectors needs.
            models.CheckConstraint(
                condition=Q(personal_id__regex=r"^[0-9]{12}$"), name="person_personal_id_12_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({personal_id_display(self.personal_id)})"


class Contact(models.Model):
    """One appointment of a fixed contact (or a related role), current or past."""

    external_id = models.CharField(_("id"), max_length=ID_LENGTH, unique=True)
    # Not indexed alone: the (person, kind) index below serves lookups by person as well.
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="contacts",
        db_index=False,
        verbose_name=_("person"),
    )
    kind = models.CharField(_("typ"), max_length=32, choices=CONTACT_KIND_CHOICES)
    # Always a named person, never a team (spec): NOT NULL, and staff with appointments stay.
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("medarbetare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("enhet")
    )
    coordinating = models.BooleanField(_("samordningsansvar"), default=False)
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"), null=True, blank=True)
    informed = models.DateField(_("skriftligt informerad"), null=True, blank=True)
    # Empty means "no local title"; the domain's None.
    local_title = models.CharField(_("lokal titel"), max_length=NAME_LENGTH, blank=True)
    # What the appointment workflow records; empty/None for contacts loaded from files.
    reason = models.CharField(
        _("skäl"), max_length=32, choices=APPOINTMENT_REASON_CHOICES, blank=True
    )
    agreed_with_person = models.BooleanField(_("överenskommet med personen"), null=True)
    end_reason = models.CharField(
        _("skäl till avslut"), max_length=32, choices=END_REASON_CHOICES, blank=True
    )
    handover = models.ForeignKey(
        "Handover",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="new_contacts",
        verbose_name=_("överlämning"),
    )

    class Meta:
        verbose_name = _("fast kontakt")
        verbose_name_plural = _("fasta kontakter")
        constraints = [_period_constraint("contact_end_not_before_start", open_ended=True)]
        indexes = [models.Index(fields=["person", "kind"], name="contact_person_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"


class Handover(models.Model):
    """A staff member's contacts handed over to successors when they leave or are away long.

    The new contacts point here (``Contact.handover``); each one's predecessor is recorded in
    :class:`HandoverItem`, which is what the letters to the people are written from.
    """

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("medarbetare")
    )
    reason = models.CharField(_("skäl"), max_length=32, choices=HANDOVER_REASON_CHOICES)
    effective = models.DateField(_("gäller från"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    created_by = models.CharField(_("registrerad av"), max_length=150)

    class Meta:
        verbose_name = _("överlämning")
        verbose_name_plural = _("överlämningar")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.effective}"


class HandoverItem(models.Model):
    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("överlämning")
    )
    # CASCADE: reloading a person from a file replaces their contacts (ADR 0002), and the
    # handover record goes with them; the letters keep their own copy of what was sent.
    previous = models.OneToOneField(
        Contact,
        on_delete=models.CASCADE,
        related_name="handed_over",
        verbose_name=_("tidigare uppdrag"),
    )
    successor = models.OneToOneField(
        Contact,
        on_delete=models.CASCADE,
        related_name="taken_over",
        verbose_name=_("nytt uppdrag"),
    )

    class Meta:
        verbose_name = _("överlämnat uppdrag")
        verbose_name_plural = _("överlämnade uppdrag")

    def __str__(self) -> str:
        return f"{self.previous_id} -> {self.successor_id}"


class UnitLocalTitle(models.Model):
    """A local title a unit declares equal to a legal role (e.g. "patientansvarig sjuksköterska"
    = fast vårdkontakt), so the pages and letters can say what it means."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="local_titles", verbose_name=_("enhet")
    )
    title = models.CharField(_("lokal titel"), max_length=NAME_LENGTH)
    kind = models.CharField(
        _("motsvarar"), max_length=32, choices=CONTACT_KIND_CHOICES, default="fast_vardkontakt"
    )

    class Meta:
        verbose_name = _("lokal titel")
        verbose_name_plural = _("lokala titlar")
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="unitlocaltitle_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class ContactRequest(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contact_requests", verbose_name=_("person")
    )
    kind = models.CharField(_("typ"), max_length=32, choices=REQUEST_KIND_CHOICES)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contact_requests", verbose_name=_("enhet")
    )
    date = models.DateField(_("datum"))

    class Meta:
        verbose_name = _("begäran om fast kontakt")
        verbose_name_plural = _("begäranden om fast kontakt")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class InpatientStay(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="inpatient_stays", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="inpatient_stays",
        verbose_name=_("slutenvårdsenhet"),
    )
    admitted = models.DateField(_("inskriven"))
    outpatient_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admission_notices",
        verbose_name=_("öppenvårdsenhet som fått inskrivningsmeddelande"),
    )
    needs_municipal_care = models.BooleanField(_("behöver kommunala insatser"), default=False)
    ready_for_discharge = models.DateField(_("utskrivningsklar"), null=True, blank=True)
    discharged = models.DateField(_("utskriven"), null=True, blank=True)

    class Meta:
        verbose_name = _("slutenvårdstillfälle")
        verbose_name_plural = _("slutenvårdstillfällen")

    def __str__(self) -> str:
        return f"{self.admitted}"


class HomeCareDecision(models.Model):
    """A biståndsbeslut: the municipality's decision granting home-care services."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="home_care_decisions",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="home_care_decisions",
        verbose_name=_("hemtjänstenhet"),
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"), null=True, blank=True)
    services = models.JSONField(_("insatser"), default=list)
    # Empty means no documented reason; the domain's None.
    no_contact_reason = models.TextField(
        _("skäl till att fast omsorgskontakt är obehövlig"), blank=True
    )

    class Meta:
        verbose_name = _("biståndsbeslut")
        verbose_name_plural = _("biståndsbeslut")
        constraints = [_period_constraint("homecare_end_not_before_start", open_ended=True)]

    def __str__(self) -> str:
        return f"{self.start}"


class ImplementationPlan(models.Model):
    """The current genomförandeplan of a home-care customer."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        related_name="implementation_plan",
        verbose_name=_("person"),
    )
    established = models.DateField(_("upprättad"))
    updated_by_contact = models.DateField(
        _("uppdaterad av fast omsorgskontakt"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("genomförandeplan")
        verbose_name_plural = _("genomförandeplaner")

    def __str__(self) -> str:
        return f"{self.established}"


class PlanRevision(models.Model):
    plan = models.ForeignKey(
        ImplementationPlan,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("genomförandeplan"),
    )
    date = models.DateField(_("datum"))

    class Meta:
        verbose_name = _("revidering")
        verbose_name_plural = _("revideringar")

    def __str__(self) -> str:
        return f"{self.date}"


class Sip(models.Model):
    """A samordnad individuell plan (SIP)."""

    external_id = models.CharField(_("id"), max_length=ID_LENGTH, unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="sips", verbose_name=_("person")
    )
    created = models.DateField(_("skapad"))
    invited = models.DateField(_("kallelse skickad"), null=True, blank=True)
    coordinator = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_sips",
        verbose_name=_("samordningsansvarig"),
    )

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIP:ar")

    def __str__(self) -> str:
        return self.external_id


class InformationTransfer(models.Model):
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="information_transfers",
        verbose_name=_("person"),
    )
    recipient = models.CharField(_("mottagare"), max_length=NAME_LENGTH)
    date = models.DateField(_("datum"))
    consent = models.BooleanField(_("samtycke"))

    class Meta:
        verbose_name = _("informationsöverföring")
        verbose_name_plural = _("informationsöverföringar")

    def __str__(self) -> str:
        return f"{self.recipient} {self.date}"


class Visit(models.Model):
    """A home-care visit carried out (the continuity rule counts them).

    Visits imported from a unit's time reporting (``registry.services.visits``) also carry
    their unit, start and end, and ``source_id``, a digest of the reported line: the same
    report imported twice writes nothing. Visits from scenario files have only a date.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="visits", verbose_name=_("person")
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="visits", verbose_name=_("medarbetare")
    )
    date = models.DateField(_("datum"))
    kind = models.CharField(_("typ"), max_length=32, choices=VISIT_KIND_CHOICES, default="omsorg")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("enhet"),
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("slut"), null=True, blank=True)
    source_id = models.CharField(_("id i tidrapporteringen"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("besök")
        verbose_name_plural = _("besök")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "source_id"],
                condition=~Q(source_id=""),
                name="visit_imported_once_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gt=F("start")),
                name="visit_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="visit_unit_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class RegionSettings(models.Model):
    """The region's own choices; one row (pk 1). No row means nothing chosen: defaults apply."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    policy = models.CharField(
        _("regelverk"), max_length=32, choices=POLICY_CHOICES, default=DEFAULT_POLICY
    )

    class Meta:
        verbose_name = _("regioninställningar")
        verbose_name_plural = _("regioninställningar")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="regionsettings_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Regioninställningar"))


class FeedRecord(models.Model):
    """What the registry last took from one record of a source system (issue 15, ADR 0024).

    One row per source record: its kind (the FHIR resource type it arrives as) and key (HSA-id,
    personnummer, ``staff HSA-id|unit HSA-id`` or the source's own identifier), the source's
    timestamp of the version applied and a hash of its content. A record arriving again with the
    same content, or with an older timestamp, changes nothing; ``target`` is the pk of what it
    wrote when the registry has no key of its own for it (a stay, a home-care decision).
    """

    kind = models.CharField(_("typ"), max_length=32)
    key = models.CharField(_("nyckel"), max_length=2 * ID_LENGTH + 1)
    source_updated = models.DateTimeField(_("källans tidpunkt"))
    digest = models.CharField(_("innehållets kontrollsumma"), max_length=64)
    #: The record disappeared from a full file and what it gave was ended.
    ended = models.BooleanField(_("avslutad"), default=False)
    target = models.BigIntegerField(_("registrets post"), null=True, blank=True)

    class Meta:
        verbose_name = _("källpost")
        verbose_name_plural = _("källposter")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="feedrecord_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
