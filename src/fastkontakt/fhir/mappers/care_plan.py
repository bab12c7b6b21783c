"""Implementation plans (genomförandeplaner) and SIPs → ``CarePlan``.

Ids are ``gp-<plan pk>`` and ``sip-<sip pk>``: two tables behind one resource type.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from fastkontakt.fhir.mappers.codes import CANONICAL, CARE_PLAN_KIND, fhir_day
from fastkontakt.registry.models import ImplementationPlan, PlanRevision, Sip

IMPLEMENTATION_PLAN = "genomforandeplan"
SIP = "sip"
SIP_ID = f"{CANONICAL}/NamingSystem/sip-id"
PLAN_PREFIX = "gp-"
SIP_PREFIX = "sip-"


def _kind(code: str, display: str) -> list[CodeableConcept]:
    return [CodeableConcept(coding=[Coding(system=CARE_PLAN_KIND, code=code, display=display)])]


def _noon(day: date) -> datetime:
    # A note's time is a dateTime; the registry keeps dates. Noon UTC is the same day in Sweden.
    return datetime.combine(day, time(12), tzinfo=UTC)


def implementation_plan_resource(
    plan: ImplementationPlan, revisions: list[PlanRevision]
) -> CarePlan:
    notes = []
    if plan.updated_by_contact:
        notes.append(
            Annotation(
                text="Uppdaterad av fast omsorgskontakt", time=_noon(plan.updated_by_contact)
            )
        )
    notes.extend(Annotation(text="Reviderad", time=_noon(r.date)) for r in revisions)
    return CarePlan(
        id=f"{PLAN_PREFIX}{plan.pk}",
        status="active",
        intent="plan",
        category=_kind(IMPLEMENTATION_PLAN, "Genomförandeplan"),
        title="Genomförandeplan",
        subject=Reference(reference=f"Patient/{plan.person_id}"),
        period=Period(start=fhir_day(plan.established)),
        created=fhir_day(plan.established),
        careTeam=[Reference(reference=f"CareTeam/{plan.person_id}")],
        note=notes or None,
    )


def sip_resource(sip: Sip) -> CarePlan:
    return CarePlan(
        id=f"{SIP_PREFIX}{sip.pk}",
        identifier=[Identifier(system=SIP_ID, value=sip.external_id)],
        status="active",
        intent="plan",
        category=_kind(SIP, "Samordnad individuell plan"),
        title="Samordnad individuell plan (SIP)",
        subject=Reference(reference=f"Patient/{sip.person_id}"),
        created=fhir_day(sip.created),
        author=Reference(reference=f"Practitioner/{sip.coordinator_id}")
        if sip.coordinator_id
        else None,
        careTeam=[Reference(reference=f"CareTeam/{sip.person_id}")],
        note=[Annotation(text="Kallelse skickad", time=_noon(sip.invited))]
        if sip.invited
        else None,
    )
