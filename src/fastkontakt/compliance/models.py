"""The findings store: every person's findings of the one rules engine, with their history.

A row is one finding of one person: while ``resolved_on`` is null it is current; when a refresh
no longer finds it, it is resolved on that day, by the action that wrote the person when known.
``overdue`` is not stored: it is ``due < today`` when read (ADR 0020).
"""

from __future__ import annotations

from django.db import models

from fastkontakt.registry.models import Person, Staff, Unit


class StoredFinding(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="stored_findings", verbose_name="person"
    )
    rule = models.CharField("regel", max_length=64)
    #: The engine's contact id (a contact's external id), "" when the finding names none.
    contact = models.CharField("kontakt", max_length=64, blank=True, default="")
    #: Tells apart findings of one rule about one contact (or none), in the engine's order.
    ordinal = models.PositiveSmallIntegerField("ordningsnummer", default=0)
    due = models.DateField("senast", null=True, blank=True)
    message = models.TextField("meddelande")
    source = models.TextField("källa")
    policy = models.CharField("regelverk", max_length=64)
    #: The contact kind and staff member the finding concerns (the worklist's attribution).
    kind = models.CharField("kontaktslag", max_length=40, blank=True, default="")
    staff = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="medarbetare",
    )
    #: Unit types every unit of which owns the fix, as ",type,type," ("" for none); the
    #: units that own it by name are :class:`FindingOwner` rows (``compliance.resolutions``).
    owner_types = models.CharField("ansvariga enhetstyper", max_length=200, blank=True, default="")
    first_seen = models.DateField("först funnen")
    resolved_on = models.DateField("åtgärdad", null=True, blank=True)
    #: What resolved it: the action that wrote the person ("contact.appoint"), or
    #: "findings.refresh" when the date moved on.
    resolved_by = models.CharField("åtgärdad genom", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "avvikelse"
        verbose_name_plural = "avvikelser"
        indexes = [
            models.Index(
                fields=["person", "rule"],
                condition=models.Q(resolved_on__isnull=True),
                name="finding_current_person",
            ),
            models.Index(
                fields=["rule", "due"],
                condition=models.Q(resolved_on__isnull=True),
                name="finding_current_rule_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} ({self.person_id})"


class FindingOwner(models.Model):
    """A unit that owns the fix of a current finding, with the contact its form is about."""

    finding = models.ForeignKey(
        StoredFinding, on_delete=models.CASCADE, related_name="owners", verbose_name="avvikelse"
    )
    unit = models.ForeignKey(
        Unit,
        to_field="hsa_id",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="enhet",
    )
    #: The engine's id of the contact the unit's form is about ("" for none).
    contact = models.CharField("kontakt", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "ansvarig enhet"
        verbose_name_plural = "ansvariga enheter"
        indexes = [models.Index(fields=["unit", "finding"], name="finding_owner_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} ({self.finding_id})"


class FindingsRefresh(models.Model):
    """One refresh of everyone's findings (the nightly job, a policy change, a load)."""

    as_of = models.DateField("per dag")
    policy = models.CharField("regelverk", max_length=64)
    started = models.DateTimeField("startad")
    finished = models.DateTimeField("klar", null=True, blank=True)
    people = models.PositiveIntegerField("personer", default=0)
    changed = models.PositiveIntegerField("ändrade avvikelser", default=0)

    class Meta:
        verbose_name = "omräkning av avvikelser"
        verbose_name_plural = "omräkningar av avvikelser"

    def __str__(self) -> str:
        return f"{self.as_of} ({self.people})"
