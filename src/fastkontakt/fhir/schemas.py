"""What the OpenAPI description says of the API's bodies and search parameters.

The resources themselves are validated against the full R4B models on the way in and out; the
schemas here are the truthful outline a client generator or a fuzzer needs: the
``resourceType``, the ``id`` and any further FHIR elements (``additionalProperties``).
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from fastkontakt.domain.text import text_normalised, text_problem


class _Resource(Schema):
    model_config = ConfigDict(extra="allow")
    id: str | None = None


class PatientOut(_Resource):
    resourceType: Literal["Patient"]


class PractitionerOut(_Resource):
    resourceType: Literal["Practitioner"]


class PractitionerRoleOut(_Resource):
    resourceType: Literal["PractitionerRole"]


class OrganizationOut(_Resource):
    resourceType: Literal["Organization"]


class CareTeamOut(_Resource):
    resourceType: Literal["CareTeam"]


class CarePlanOut(_Resource):
    resourceType: Literal["CarePlan"]


class TaskOut(_Resource):
    resourceType: Literal["Task"]


class ConsentOut(_Resource):
    resourceType: Literal["Consent"]


class AuditEventOut(_Resource):
    resourceType: Literal["AuditEvent"]


class CodeSystemOut(_Resource):
    resourceType: Literal["CodeSystem"]


class CapabilityStatementOut(_Resource):
    resourceType: Literal["CapabilityStatement"]


class BundleLink(Schema):
    relation: str
    url: str


class BundleOut(_Resource):
    resourceType: Literal["Bundle"]
    type: str
    total: int | None = None
    link: list[BundleLink] | None = None
    entry: list[dict[str, Any]] | None = None


class OutcomeIssue(Schema):
    model_config = ConfigDict(extra="allow")
    severity: Literal["fatal", "error", "warning", "information"]
    code: str
    diagnostics: str | None = None


class OperationOutcomeOut(_Resource):
    resourceType: Literal["OperationOutcome"]
    issue: list[OutcomeIssue]


#: The errors every authenticated operation may answer.
ERRORS: dict[int, type[Schema]] = {
    400: OperationOutcomeOut,
    401: OperationOutcomeOut,
    403: OperationOutcomeOut,
}


def responses(ok: type[Schema], *extra: int, not_found: bool = True) -> dict[int, type[Schema]]:
    """The statuses an operation answers: ``ok`` on 200, OperationOutcomes otherwise."""
    codes: dict[int, type[Schema]] = {200: ok, **ERRORS}
    if not_found:
        codes[404] = OperationOutcomeOut
    codes.update({code: OperationOutcomeOut for code in extra})
    return codes


def fhir_body(schema_ref: str) -> dict[str, Any]:
    """``openapi_extra`` for an operation that reads a FHIR resource from its body."""
    schema = {"$ref": f"#/components/schemas/{schema_ref}"}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/fhir+json": {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


# --- search parameters -------------------------------------------------------------------------

_COUNT = Field(
    None, alias="_count", ge=0, description="Resurser per sida; över 200 ger 200."
)
_OFFSET = Field(None, alias="_offset", ge=0, le=1_000_000, description="Hoppa över så många.")


def _text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("text", problem)
    return text_normalised(value)


class Paging(Schema):
    """The base of every search: paging, and the text rule of ADR 0011 for every parameter."""

    count: int | None = _COUNT
    offset: int | None = _OFFSET

    @field_validator("*")
    @classmethod
    def _text_allowed(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _text(value)
        if isinstance(value, list):
            return [_text(item) if isinstance(item, str) else item for item in value]
        return value


class PatientSearch(Paging):
    identifier: str | None = Field(
        None,
        description="system|värde: urn:oid:1.2.752.129.2.1.3.1 (personnummer) eller "
        "urn:oid:1.2.752.129.2.1.3.3 (samordningsnummer).",
    )
    id: str | None = Field(None, alias="_id")
    name: str | None = None


class CareTeamSearch(Paging):
    patient: str | None = Field(None, description="Patient/<id>; kommaseparerat = eller.")
    subject: str | None = Field(None, description="Samma som patient.")
    patient_identifier: str | None = Field(
        None, alias="patient.identifier", description="Personens personnummer: system|värde."
    )
    participant: str | None = Field(
        None, description="PractitionerRole/<id> eller Practitioner/<id>."
    )
    role: str | None = Field(None, description="Kontakttyp eller samordningsansvar.")
    status: str | None = Field(None, description="active eller inactive.")
    date: list[str] = Field(default_factory=list, description="T.ex. ge2026-01-01.")
    include: list[str] = Field(
        default_factory=list,
        alias="_include",
        description="CareTeam:participant (även :PractitionerRole) och/eller CareTeam:subject.",
    )
    sort: str | None = Field(None, alias="_sort", description="date eller -date.")


class DirectorySearch(Paging):
    identifier: str | None = Field(None, description="HSA-id, urn:oid:1.2.752.29.4.19|värde.")
    name: str | None = None


class PractitionerRoleSearch(Paging):
    practitioner: str | None = None
    organization: str | None = None


class PatientScopedSearch(Paging):
    patient: str | None = Field(None, description="Patient/<id>.")


class CarePlanSearch(PatientScopedSearch):
    category: str | None = Field(None, description="genomforandeplan eller sip.")


class TaskSearch(PatientScopedSearch):
    code: str | None = Field(None, description="Regelns id.")


class AuditEventSearch(Paging):
    patient: str | None = None
    patient_identifier: str | None = Field(None, alias="patient.identifier")
    altid: str | None = Field(None, description="Användaren (api:<klient> för system).")
    date: list[str] = Field(default_factory=list)
    last_updated: list[str] = Field(
        default_factory=list, alias="_lastUpdated", description="Som date: när posten skrevs."
    )
    sort: str | None = Field(None, alias="_sort", description="date, -date (förval), _lastUpdated.")
    snapshot: int | None = Field(
        None, alias="_snapshot", ge=0, description="Sidornas ögonblicksbild (sätts i länkarna)."
    )
