"""Conformance of the API to FHIR R4 (issue 15, item 3): what a third-party client or the official
schema found. Every body answered in these tests is also checked against the R4 JSON schema
(``conftest._every_response_is_valid_fhir``)."""

from __future__ import annotations

from typing import Any

from tests.fhir.conftest import Api, body
from tests.fhir.validation import schema_problems


def test_metadata_declares_fhir_r4_4_0_1(reader: Api) -> None:
    # when
    statement = body(reader.get("/fhir/metadata"))
    # then
    assert statement["fhirVersion"] == "4.0.1"
    assert schema_problems(statement) == []


def test_the_schema_check_refuses_what_r4_does_not_allow() -> None:
    # given: elements R4 does not have, and a code outside its value set
    bad: dict[str, Any] = {"resourceType": "CareTeam", "status": "busy", "colour": "red"}
    # when
    problems = schema_problems(bad)
    # then
    assert any("status" in p for p in problems)
    assert any("colour" in p for p in problems)
    assert schema_problems({"resourceType": "CareTeam", "status": "active"}) == []


def test_the_schema_check_refuses_a_fhir_version_r4_does_not_know() -> None:
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-01",
        "kind": "instance",
        "fhirVersion": "4.3.0",
        "format": ["json"],
    }
    assert schema_problems(statement) != []
    assert schema_problems({**statement, "fhirVersion": "4.0.1"}) == []


