"""Home care: the home-care decision, the documented reason that a fast omsorgskontakt is
obviously unnecessary (``home-care-contact``) and where the person lives (särskilt boende,
``residential-care-contact``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.calendar import overlaps
from fastkontakt.domain.errors import Problem
from fastkontakt.domain.model import RESIDENCES, SERVICES
from fastkontakt.registry.models import (
    Contact,
    HomeCareDecision,
    Person,
)
from fastkontakt.registry.services.care.checks import (
    DECIDING_ROLES,
    MUNICIPAL_UNIT_TYPES,
    person_lock,
    person_read_outside,
    raise_problems,
    reason_checked,
    refusal,
    require_related_to_unit,
    unit_checked,
)

#: How far ahead a home-care decision may start: decisions are granted ahead, not years ahead.
_DECISION_AHEAD_DAYS = 366


def _decision_of(person_pk: int, decision_pk: int) -> HomeCareDecision:
    decision = (
        HomeCareDecision.objects.filter(pk=decision_pk, person_id=person_pk)
        .select_related("unit")
        .first()
    )
    if decision is None:
        raise refusal("decision", "Biståndsbeslutet finns inte hos personen.")
    return decision


def home_care_decision_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    start: date,
    services: Collection[str],
    end: date | None = None,
    no_contact_reason: str = "",
    as_of: date | None = None,
) -> HomeCareDecision:
    """Record a biståndsbeslut carried out by the home-care unit ``unit_pk`` from ``start``.

    ``services`` are the granted insatser (``domain.model.SERVICES``); ``no_contact_reason``
    documents, when given, why a fast omsorgskontakt is obviously unnecessary.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    chosen = [s for s in SERVICES if s in services]
    unknown = sorted(set(services) - set(SERVICES))
    if unknown:
        problems.append(Problem("services", f"Okända insatser: {', '.join(unknown)}."))
    elif not chosen:
        problems.append(Problem("services", "Välj minst en beviljad insats."))
    if start > as_of + timedelta(days=_DECISION_AHEAD_DAYS):
        problems.append(Problem("start", "Startdatum får ligga högst ett år framåt i tiden."))
    if end is not None and end < start:
        problems.append(Problem("end", "Slutdatum kan inte vara före startdatum."))
    reason = reason_checked(no_contact_reason, "no_contact_reason", problems, required=False)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, DECIDING_ROLES, unit.pk)
    if unit.type != "hemtjanst":
        raise refusal("unit", f"{unit.name} är inte en hemtjänstenhet.")
    person = person_read_outside(actor, person_pk, "home_care_decision.record", as_of)
    with write_transaction():
        person_lock(person)
        for other in HomeCareDecision.objects.filter(person=person, unit=unit).order_by("start"):
            if overlaps(start, end, other.start, other.end):
                period = f"{other.start}–{other.end or ''}"
                raise refusal(
                    "start",
                    f"Personen har redan ett biståndsbeslut vid {unit.name} under en del av "
                    f"perioden ({period}).",
                )
        decision = HomeCareDecision.objects.create(
            person=person,
            unit=unit,
            start=start,
            end=end,
            services=chosen,
            no_contact_reason=reason,
        )
        person_write_log(actor=actor, person=person, unit=unit, what="home_care_decision.record")
    return decision


def home_care_no_contact_reason_record(
    *,
    actor: Actor,
    person_pk: int,
    decision_pk: int,
    reason: str,
    as_of: date | None = None,
) -> HomeCareDecision:
    """Document on a decision why a fast omsorgskontakt is obviously unnecessary.

    The rule ``home-care-contact`` then no longer asks for one for this decision.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    text = reason_checked(reason, "reason", problems, required=True)
    raise_problems(problems)
    person = person_read_outside(actor, person_pk, "home_care_decision.no_contact_reason", as_of)
    with write_transaction():
        person_lock(person)
        decision = _decision_of(person.pk, decision_pk)
        require_role(actor, DECIDING_ROLES, decision.unit_id)
        if decision.no_contact_reason:
            raise refusal("reason", "Ett skäl är redan dokumenterat för beslutet.")
        current_contact = Contact.objects.filter(
            person=person, unit_id=decision.unit_id, kind="fast_omsorgskontakt"
        ).filter(Q(end__isnull=True) | Q(end__gte=as_of))
        if current_contact.exists():
            raise refusal(
                "reason",
                "Personen har en fast omsorgskontakt vid enheten; avsluta uppdraget först om den "
                "inte behövs.",
            )
        decision.no_contact_reason = text
        decision.save(update_fields=["no_contact_reason"])
        person_write_log(
            actor=actor,
            person=person,
            unit=decision.unit,
            what="home_care_decision.no_contact_reason",
        )
    return decision


def person_residence_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    residence: str,
    residence_from: date | None,
    no_contact_reason: str = "",
    as_of: date | None = None,
) -> Person:
    """Record where the person lives, since when, and (in särskilt boende) why a fast
    omsorgskontakt is obviously unnecessary, on behalf of the municipal unit ``unit_pk``.

    The rule ``residential-care-contact`` reads all three.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    if residence not in RESIDENCES:
        problems.append(Problem("residence", "Välj ordinärt eller särskilt boende."))
    if residence_from is not None and residence_from > as_of + timedelta(
        days=_DECISION_AHEAD_DAYS
    ):
        problems.append(
            Problem("residence_from", "Inflyttningen får ligga högst ett år framåt i tiden.")
        )
    reason = reason_checked(no_contact_reason, "no_contact_reason", problems, required=False)
    if reason and residence != "sarskilt_boende":
        problems.append(
            Problem("no_contact_reason", "Skälet gäller bara den som bor i särskilt boende.")
        )
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, DECIDING_ROLES, unit.pk)
    if unit.type not in MUNICIPAL_UNIT_TYPES:
        raise refusal("unit", f"{unit.name} är inte en kommunal enhet.")
    person = person_read_outside(actor, person_pk, "person.residence", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
        if reason and not person.residence_no_contact_reason:
            current_contact = Contact.objects.filter(
                person=person, kind="fast_omsorgskontakt"
            ).filter(Q(end__isnull=True) | Q(end__gte=as_of))
            if current_contact.exists():
                raise refusal(
                    "no_contact_reason",
                    "Personen har en fast omsorgskontakt; avsluta uppdraget först om den inte "
                    "behövs.",
                )
        person.residence = residence
        person.residence_from = residence_from
        person.residence_no_contact_reason = reason
        person.save(update_fields=["residence", "residence_from", "residence_no_contact_reason"])
        person_write_log(actor=actor, person=person, unit=unit, what="person.residence")
    return person
