"""Every body the FHIR API answers, checked against the official FHIR R4 JSON schema
(``schema/fhir.schema.json``) and the R4B models of ``fhir.resources``.

The schema's root is a ``oneOf`` over all 145 resource types; each body is checked against the
definition its ``resourceType`` names instead, which gives the same verdict with a readable
error and in a fraction of the time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from jsonschema import Draft7Validator

SCHEMA = Path(__file__).parent / "schema" / "fhir.schema.json"
FHIR_JSON = "application/fhir+json"


@cache
def _schema() -> dict[str, Any]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The file is the schema of the R4 ballot build (its FHIRVersion codes end at 4.0.0); the
    # technical correction 4.0.1 changed no structure and added its own code to that value
    # set, so it is added here rather than by editing the vendored file (see schema/README.md).
    _add_version(schema)
    _resource_list_by_type(schema["definitions"])
    return schema


def _resource_list_by_type(definitions: dict[str, Any]) -> None:
    """A resource inside another (``Bundle.entry.resource``, ``contained``) is a ``oneOf`` of
    every resource type, tried one after another; as each type fixes its ``resourceType`` by
    ``const``, exactly one can match, so checking the one its ``resourceType`` names (draft 7's
    ``if``/``then``) is the same verdict, without trying 145 definitions for each entry."""
    types = [ref["$ref"].rpartition("/")[2] for ref in definitions["ResourceList"]["oneOf"]]
    definitions["ResourceList"] = {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"enum": types}},
        "allOf": [
            {
                "if": {"properties": {"resourceType": {"const": kind}}},
                "then": {"$ref": f"#/definitions/{kind}"},
            }
            for kind in types
        ],
    }


def _add_version(node: Any) -> None:
    if isinstance(node, dict):
        enum = node.get("enum")
        if isinstance(enum, list) and "4.0.0" in enum and "4.0.1" not in enum:
            enum.append("4.0.1")
        for value in node.values():
            _add_version(value)
    elif isinstance(node, list):
        for value in node:
            _add_version(value)


@cache
def _validator(resource_type: str) -> Draft7Validator:
    schema = _schema()
    if resource_type not in schema["definitions"]:
        raise AssertionError(f"{resource_type} is not a FHIR R4 resource")
    # Draft 7 for the ``if``/``then`` above; the schema's draft-06 keywords mean the same there.
    return Draft7Validator(
        {"$ref": f"#/definitions/{resource_type}", "definitions": schema["definitions"]}
    )


def schema_problems(resource: Any) -> list[str]:
    """What in ``resource`` (parsed JSON) the R4 schema refuses; [] when it is valid."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return ["not a FHIR resource (no resourceType)"]
    validator = _validator(resource["resourceType"])
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message[:300]}"
        for error in validator.iter_errors(resource)
    ][:10]


def model_problems(resource: Any) -> list[str]:
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except Exception as invalid:  # noqa: BLE001 - any refusal is the finding
        return [str(invalid)[:1000]]
    return []


def assert_valid_fhir(resource: Any, where: str = "") -> None:
    problems = schema_problems(resource)
    assert not problems, f"{where}: not valid FHIR R4 (fhir.schema.json): {problems}"
    problems = model_problems(resource)
    assert not problems, f"{where}: not valid for the R4B models: {problems}"


def assert_valid_response(response: Any, where: str = "") -> None:
    """A response of the API: a FHIR JSON body (if any) valid against schema and models."""
    content = getattr(response, "content", b"")
    if not content:
        return
    content_type = response.get("Content-Type", "") if hasattr(response, "get") else ""
    assert content_type.startswith(FHIR_JSON), f"{where}: Content-Type {content_type!r}"
    assert_valid_fhir(json.loads(content), where)
