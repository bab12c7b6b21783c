"""Importing a population from a transaction Bundle, all or nothing.

The bundle is mapped to a scenario (``mappers.population``) and loaded with
``registry.services.scenario_load``, the loader of scenario files: one transaction, bulk
statements, every problem reported before anything is written. People already in the registry
are refused: a load replaces a person's whole state (stays, home-care decisions, plans, ...),
which a Bundle of these resources does not carry, so their care teams are updated with
``PUT CareTeam`` instead. Every imported person gets a write entry in the access log.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryResponse

from fastkontakt.access.accesslog import LogRecord, accesslog_append, write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import Action, Basis
from fastkontakt.domain.errors import Problem
from fastkontakt.fhir.mappers.population import (
    IMPORT_TYPES,
    PopulationProblems,
    population_scenario,
)
from fastkontakt.fhir.outcomes import FhirError, Issue
from fastkontakt.registry.models import Person
from fastkontakt.registry.services import RegistryConflict, scenario_load

__all__ = ["IMPORT_TYPES", "population_import"]
_LOOKUP_CHUNK = 5000


def _issues(problems: list[Problem]) -> list[Issue]:
    return [Issue(code="invalid", diagnostics=p.message, expression=p.path) for p in problems]


def population_import(*, actor: Actor, bundle: Bundle) -> Bundle:
    """Load the bundle's population; returns the transaction-response (one entry per entry)."""
    try:
        scenario = population_scenario(bundle)
    except PopulationProblems as invalid:
        raise FhirError(400, _issues(invalid.problems)) from None
    numbers = [p.id for p in scenario.patients]
    existing: list[str] = []
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[start : start + _LOOKUP_CHUNK]
        existing.extend(
            Person.objects.filter(personal_id__in=chunk).values_list("personal_id", flat=True)
        )
    if existing:
        raise FhirError(
            422,
            [
                Issue(
                    code="business-rule",
                    diagnostics=f"{len(existing)} av personerna finns redan i registret; "
                    "uppdatera deras vårdteam med PUT CareTeam.",
                )
            ],
        )
    unit = actor.unit_hsa_ids[0][1] if actor.unit_hsa_ids else ""
    with write_transaction():
        try:
            scenario_load(scenario=scenario)
        except RegistryConflict as conflict:
            raise FhirError(422, _issues(conflict.problems)) from None
        accesslog_append(
            records=[
                LogRecord(
                    user_id=actor.user_id,
                    username=actor.username,
                    unit=unit,
                    personal_id=number,
                    action=Action.WRITE,
                    what="fhir.import",
                    basis=Basis.SYSTEM,
                    flags="",
                    request_id=actor.request_id,
                )
                for number in numbers
            ]
        )
    # The registry keys people by personnummer and has no row per resource of the bundle, so
    # each entry answers "201 Created" without a location.
    created = BundleEntry(response=BundleEntryResponse(status="201 Created"))
    return Bundle(type="transaction-response", entry=[created] * len(bundle.entry or []) or None)
