"""The CapabilityStatement, generated from what the view modules register.

Each view module calls :func:`supports` for the interactions and search parameters it serves;
``GET /fhir/metadata`` lists exactly those, so the statement cannot claim what is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestInteraction,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension

from fastkontakt.fhir.smart import TOKEN_PATH

OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


@dataclass
class _Resource:
    interactions: list[str] = field(default_factory=list)
    search: dict[str, str] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)
    versioned: bool = False
    conditional_update: bool = False
    #: The feed profile (ADR 0024) of what the resource's conditional update reads.
    profile: str | None = None


_REGISTERED: dict[str, _Resource] = {}
_SYSTEM: list[str] = []


def supports(
    resource: str,
    *interactions: str,
    search: dict[str, str] | None = None,
    includes: tuple[str, ...] = (),
    versioned: bool = False,
    conditional_update: bool = False,
    profile: str | None = None,
) -> None:
    """Declare that ``resource`` supports ``interactions`` (read, search-type, update ...)."""
    entry = _REGISTERED.setdefault(resource, _Resource())
    entry.interactions.extend(i for i in interactions if i not in entry.interactions)
    entry.search.update(search or {})
    entry.includes.extend(includes)
    entry.versioned = entry.versioned or versioned
    entry.conditional_update = entry.conditional_update or conditional_update
    entry.profile = profile or entry.profile


def supports_system(*interactions: str) -> None:
    """System-level interactions (``transaction``)."""
    _SYSTEM.extend(i for i in interactions if i not in _SYSTEM)


@cache
def capability_statement(base_url: str) -> CapabilityStatement:
    resources = [
        CapabilityStatementRestResource(
            type=name,
            interaction=[
                CapabilityStatementRestResourceInteraction(code=code) for code in entry.interactions
            ],
            versioning="versioned-update" if entry.versioned else "no-version",
            readHistory=False,
            updateCreate=False,
            conditionalUpdate=entry.conditional_update,
            supportedProfile=[entry.profile] if entry.profile else None,
            searchInclude=list[str | None](entry.includes) or None,
            searchParam=[
                CapabilityStatementRestResourceSearchParam(name=param, type=kind)
                for param, kind in entry.search.items()
            ]
            or None,
        )
        for name, entry in sorted(_REGISTERED.items())
    ]
    return CapabilityStatement(
        status="active",
        date=datetime(2026, 11, 1, tzinfo=UTC),
        publisher="Fast kontakt",
        kind="instance",
        implementation=CapabilityStatementImplementation(
            description="Fast kontakt: registret över fasta kontakter (IHE DCTM)", url=base_url
        ),
        fhirVersion="4.3.0",
        format=["application/fhir+json"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                security=CapabilityStatementRestSecurity(
                    # SMART Backend Services (ADR 0023): where to get a token.
                    extension=[
                        Extension(
                            url=OAUTH_URIS,
                            extension=[
                                Extension(url="token", valueUri=f"{base_url}{TOKEN_PATH}")
                            ],
                        )
                    ],
                    service=[
                        CodeableConcept(
                            coding=[
                                Coding(
                                    system="http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    code="SMART-on-FHIR",
                                )
                            ]
                        )
                    ],
                    description="SMART Backend Services: client_credentials med signerad "
                    "JWT (RS384, ES384) ger en kortlivad åtkomsttoken per API-klient, bunden "
                    "till en enhet och behörigheter (system/<Resurs>.cruds, v1 .read|.write).",
                ),
                resource=resources,
                interaction=[CapabilityStatementRestInteraction(code=code) for code in _SYSTEM]
                or None,
            )
        ],
    )
