"""Findings of the rules engine → ``Task``: what must be done for a person, and by when.

A finding has no row of its own (the engine computes it), so its id is the person's pk and a
hash of the rule and the contact it concerns: ``<person pk>-<12 hex digits>``, stable as long
as the finding stands.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.task import Task, TaskRestriction

from fastkontakt.domain.rules.engine import Finding
from fastkontakt.fhir.mappers.codes import CANONICAL, RULE

FINDING_STATE = f"{CANONICAL}/CodeSystem/finding-state"


def task_id(person_pk: int, finding: Finding) -> str:
    key = f"{finding.rule}|{finding.contact or ''}".encode()
    return f"{person_pk}-{hashlib.sha256(key).hexdigest()[:12]}"


def _state(finding: Finding) -> tuple[str, str]:
    if finding.due is None:
        return "breach", "Brist"
    if finding.overdue:
        return "overdue", "Försenad"
    return "due_soon", "Förfaller snart"


def task_resource(person_pk: int, finding: Finding) -> Task:
    code, display = _state(finding)
    return Task(
        id=task_id(person_pk, finding),
        status="requested",
        intent="order",
        priority="urgent" if finding.overdue or finding.due is None else "routine",
        businessStatus=CodeableConcept(
            coding=[Coding(system=FINDING_STATE, code=code, display=display)]
        ),
        code=CodeableConcept(coding=[Coding(system=RULE, code=finding.rule)]),
        description=finding.message,
        focus=Reference(reference=f"CareTeam/{person_pk}"),
        for_fhir=Reference(reference=f"Patient/{person_pk}"),  # type: ignore[call-arg]
        restriction=TaskRestriction(
            period=Period(end=datetime.combine(finding.due, time(23, 59, 59), tzinfo=UTC))
        )
        if finding.due
        else None,
        note=[Annotation(text=f"Källa: {finding.source}")],
        input=None,
    )
