"""The care page's read: what it shows of one person and what its forms may offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.selectors import person_read
from fastkontakt.domain.model import REGION_OUTPATIENT
from fastkontakt.registry.models import (
    Contact,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    Sip,
    Staff,
    Unit,
)
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.registry.services.care.checks import (
    DECIDING_ROLES,
    MUNICIPAL_UNIT_TYPES,
    RECORDING_ROLES,
)


@dataclass(frozen=True, slots=True)
class CareOverview:
    """What the care page shows of one person, and what its forms may offer."""

    person: Person
    decisions: list[HomeCareDecision]
    """Newest first, with their units."""
    plan: ImplementationPlan | None
    revisions: list[PlanRevision]
    """Oldest first."""
    stays: list[InpatientStay]
    """Newest first, with their ward and outpatient unit."""
    sips: list[Sip]
    """Newest first, with their coordinators."""
    transfers: list[InformationTransfer]
    """Newest first."""
    deciding_units: list[Unit]
    """Home-care units where the actor may record a decision."""
    residence_units: list[Unit]
    """Municipal units with a care relationship where the actor may record the residence."""
    plan_units: list[Unit]
    """Units of the person's home-care decisions where the actor may record plan events."""
    recording_units: list[Unit]
    """The actor's units with a care relationship with the person: who a SIP or a transfer
    is recorded for."""
    wards: list[Unit]
    """Every inpatient unit (an outpatient unit records an admission at any ward)."""
    outpatient_units: list[Unit]
    """Every region-financed outpatient unit (where an admission notice can go)."""
    coordinator_choices: list[Staff]
    """Staff who may coordinate a SIP: those of the actor's units and the person's contacts."""


def care_overview_get(
    *, actor: Actor, person_pk: int, as_of: date | None = None, what: str = "care.page"
) -> CareOverview:
    """The person's home care, stays, SIPs and transfers; logs the read as ``what``.

    A fixed number of queries whatever the person's records, plus one per unit of the actor.
    Raises ``NotFound`` outside the actor's care relationships.
    """
    as_of = as_of or timezone.localdate()
    person = person_read(actor=actor, what=what, person_pk=person_pk, on=as_of)
    decisions = list(
        HomeCareDecision.objects.filter(person=person)
        .select_related("unit")
        .order_by("-start", "-pk")
    )
    plan = ImplementationPlan.objects.filter(person=person).first()
    revisions = list(plan.revisions.order_by("date", "pk")) if plan is not None else []
    actor_units = list(Unit.objects.filter(pk__in=actor.unit_pks).order_by("name", "pk"))
    deciding = actor.units_with_role(*DECIDING_ROLES)
    recording = actor.units_with_role(*RECORDING_ROLES)
    # One query per unit of the actor (a handful), through the one definition of a relationship.
    related_units = {
        u.pk
        for u in actor_units
        if Person.objects.filter(pk=person.pk).filter(care_relationship_q([u.pk], as_of)).exists()
    }
    decision_units = {d.unit_id for d in decisions}
    contact_staff = Contact.objects.filter(person=person).filter(
        Q(end__isnull=True) | Q(end__gte=as_of)
    )
    coordinators = (
        Staff.objects.filter(
            Q(workplaces__unit_id__in=sorted(recording)) | Q(pk__in=contact_staff.values("staff"))
        )
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gte=as_of))
        .distinct()
        .order_by("name", "pk")
    )
    region_units = list(
        Unit.objects.filter(type__in=["slutenvard", *sorted(REGION_OUTPATIENT)]).order_by(
            "name", "pk"
        )
    )
    return CareOverview(
        person=person,
        decisions=decisions,
        plan=plan,
        revisions=revisions,
        stays=list(
            InpatientStay.objects.filter(person=person)
            .select_related("unit", "outpatient_unit")
            .order_by("-admitted", "-pk")
        ),
        sips=list(
            Sip.objects.filter(person=person)
            .select_related("coordinator")
            .order_by("-created", "-pk")
        ),
        transfers=list(InformationTransfer.objects.filter(person=person).order_by("-date", "-pk")),
        deciding_units=[u for u in actor_units if u.pk in deciding and u.type == "hemtjanst"],
        residence_units=[
            u
            for u in actor_units
            if u.pk in deciding and u.pk in related_units and u.type in MUNICIPAL_UNIT_TYPES
        ],
        plan_units=[u for u in actor_units if u.pk in recording and u.pk in decision_units],
        recording_units=[u for u in actor_units if u.pk in recording and u.pk in related_units],
        wards=[u for u in region_units if u.type == "slutenvard"],
        outpatient_units=[u for u in region_units if u.type in REGION_OUTPATIENT],
        coordinator_choices=list(coordinators),
    )
