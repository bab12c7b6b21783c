"""The FHIR side of importing a population: a transaction Bundle in, a transaction-response out.

The bundle is read into a scenario (``mappers.population``) and handed to the registry's
``population_import``, which checks ownership, the people already in the registry and the
rules, and writes everything in one transaction of its own (semantics there). Here is only the
translation:

- refusals → an ``OperationOutcome``, every issue naming its entry (``Bundle.entry[i]``, or the
  participant of a ``CareTeam`` entry for one contact): 400 when the bundle cannot be read, 403
  (``forbidden``) for what the client may not write, 422 for what the registry refuses
  (``invariant``: the format or ids already taken; ``duplicate``: people already in the
  registry; ``business-rule``: a rule, its id in ``details``);
- the result → one response entry per entry, ``201 Created`` for what the import created and
  ``200 OK`` for what it updated, each with the ``location`` the read endpoints serve it at:
  ``Organization/<pk>``, ``Practitioner/<pk>``, ``PractitionerRole/<staff pk>-<unit pk>``,
  ``Patient/<pk>`` and ``CareTeam/<person pk>``.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryResponse

from fastkontakt.access.actors import Actor
from fastkontakt.fhir.mappers.population import (
    IMPORT_TYPES,
    PopulationProblems,
    population_read,
)
from fastkontakt.fhir.mappers.practitioner_role import practitioner_role_id
from fastkontakt.fhir.outcomes import FhirError, Issue
from fastkontakt.registry.services.population import (
    ImportForbidden,
    ImportProblem,
    ImportRefused,
    ImportResult,
    Part,
    population_import,
)

__all__ = ["IMPORT_TYPES", "population_transaction"]

_ISSUE_CODE = {"invalid": "invariant", "exists": "duplicate", "rule": "business-rule"}


def _issues(problems: list[ImportProblem], code: str) -> list[Issue]:
    return [
        Issue(code=code, diagnostics=p.message, expression=p.path, rule=p.rule) for p in problems
    ]


def population_transaction(*, actor: Actor, bundle: Bundle) -> Bundle:
    """Import the bundle's population; returns the transaction-response."""
    try:
        population = population_read(bundle)
    except PopulationProblems as invalid:
        issues = [
            Issue(code="invalid", diagnostics=p.message, expression=p.path)
            for p in invalid.problems
        ]
        raise FhirError(400, issues) from None
    try:
        result = population_import(
            actor=actor, scenario=population.scenario, origin=population.origin, via="fhir"
        )
    except ImportForbidden as forbidden:
        raise FhirError(403, _issues(forbidden.problems, "forbidden")) from None
    except ImportRefused as refused:
        raise FhirError(422, _issues(refused.problems, _ISSUE_CODE[refused.kind])) from None
    return Bundle(
        type="transaction-response",
        entry=[_answer(part, result) for part in population.parts] or None,
    )


def _answer(part: Part, result: ImportResult) -> BundleEntry:
    kind, *keys = part
    if kind == "unit":
        unit = result.units[keys[0]]
        location, created = f"Organization/{unit.pk}", unit.created
    elif kind == "staff":
        staff = result.staff[keys[0]]
        location, created = f"Practitioner/{staff.pk}", staff.created
    elif kind == "role":
        role_id = practitioner_role_id(result.staff[keys[0]].pk, result.units[keys[1]].pk)
        location, created = f"PractitionerRole/{role_id}", result.roles[(keys[0], keys[1])]
    elif kind == "person":
        location, created = f"Patient/{result.people[keys[0]]}", True
    else:  # "team": every person of an import is new, and so is their care team
        location, created = f"CareTeam/{result.people[keys[0]]}", True
    status = "201 Created" if created else "200 OK"
    return BundleEntry(response=BundleEntryResponse(status=status, location=location))
