"""The implementation plan: drawn up at the first meeting, updated by the fast omsorgskontakt
and revised (``plan-initial-update``, ``plan-revision``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import Problem
from fastkontakt.registry.models import (
    Contact,
    HomeCareDecision,
    ImplementationPlan,
    Person,
    PlanRevision,
)
from fastkontakt.registry.services.care.checks import (
    RECORDING_ROLES,
    not_future,
    person_lock,
    person_read_outside,
    raise_problems,
    refusal,
    require_home_care_at,
    unit_checked,
)


def _plan_of(person: Person, field: str) -> ImplementationPlan:
    plan = ImplementationPlan.objects.filter(person=person).first()
    if plan is None:
        raise refusal(
            field,
            "Personen har ingen genomförandeplan; registrera först planen från första mötet.",
        )
    return plan


def implementation_plan_establish(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    established: date,
    as_of: date | None = None,
) -> ImplementationPlan:
    """Record the first meeting: the genomförandeplan drawn up with the customer that day."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    not_future(established, as_of, "established", "Datum för första mötet", problems)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "implementation_plan.establish", as_of)
    with write_transaction():
        person_lock(person)
        require_home_care_at(person, unit)
        existing = ImplementationPlan.objects.filter(person=person).first()
        if existing is not None:
            raise refusal(
                "established",
                f"Personen har redan en genomförandeplan (upprättad {existing.established}); "
                "registrera en revidering i stället.",
            )
        active = HomeCareDecision.objects.filter(person=person, unit=unit, start__lte=established)
        if not active.filter(Q(end__isnull=True) | Q(end__gte=established)).exists():
            raise refusal(
                "established",
                f"Personen hade inget biståndsbeslut vid {unit.name} den {established}; planen "
                "upprättas vid första mötet inom beslutet.",
            )
        plan = ImplementationPlan.objects.create(person=person, established=established)
        person_write_log(
            actor=actor, person=person, unit=unit, what="implementation_plan.establish"
        )
    return plan


def implementation_plan_update_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    updated: date,
    as_of: date | None = None,
) -> ImplementationPlan:
    """Record that the fast omsorgskontakt updated the plan (due within 14 days, seed 002)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    not_future(updated, as_of, "updated", "Datum för uppdateringen", problems)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "implementation_plan.update", as_of)
    with write_transaction():
        person_lock(person)
        require_home_care_at(person, unit)
        plan = _plan_of(person, "updated")
        if plan.updated_by_contact is not None:
            raise refusal(
                "updated",
                f"Den fasta omsorgskontaktens uppdatering är redan registrerad "
                f"({plan.updated_by_contact}); registrera en revidering i stället.",
            )
        if updated < plan.established:
            raise refusal(
                "updated",
                f"Uppdateringen kan inte vara före planen upprättades ({plan.established}).",
            )
        contact_then = Contact.objects.filter(
            person=person, unit=unit, kind="fast_omsorgskontakt", start__lte=updated
        ).filter(Q(end__isnull=True) | Q(end__gte=updated))
        if not contact_then.exists():
            raise refusal(
                "updated",
                f"Personen hade ingen fast omsorgskontakt vid {unit.name} den {updated}; "
                "uppdateringen görs av den fasta omsorgskontakten.",
            )
        plan.updated_by_contact = updated
        plan.save(update_fields=["updated_by_contact"])
        person_write_log(actor=actor, person=person, unit=unit, what="implementation_plan.update")
    return plan


def implementation_plan_revise(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    revised: date,
    as_of: date | None = None,
) -> PlanRevision:
    """Record a revision of the plan (when needed, and at least every 6 months)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    not_future(revised, as_of, "revised", "Datum för revideringen", problems)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "implementation_plan.revise", as_of)
    with write_transaction():
        person_lock(person)
        require_home_care_at(person, unit)
        plan = _plan_of(person, "revised")
        if revised < plan.established:
            raise refusal(
                "revised",
                f"Revideringen kan inte vara före planen upprättades ({plan.established}).",
            )
        latest = plan.revisions.order_by("-date").values_list("date", flat=True).first()
        if latest is not None and revised <= latest:
            raise refusal(
                "revised",
                f"Senaste registrerade revidering är {latest}; en ny revidering måste vara senare.",
            )
        revision = PlanRevision.objects.create(plan=plan, date=revised)
        person_write_log(actor=actor, person=person, unit=unit, what="implementation_plan.revise")
    return revision
