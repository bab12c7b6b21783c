"""FHIR resources of the feed profiles (ADR 0024), as a source system would send them."""

from __future__ import annotations

import json
from typing import Any

from fastkontakt.fhir.mappers.codes import (
    EXT_LICENSED,
    HSA_ID,
    PERSONNUMMER,
    PROFESSION,
    UNIT_TYPE,
)
from fastkontakt.fhir.mappers.feeds import (
    EXT_ADMISSION_NOTICE_UNIT,
    EXT_NEEDS_MUNICIPAL_CARE,
    EXT_READY_FOR_DISCHARGE,
    HOME_CARE_SERVICE,
)

HOSPITAL = "urn:oid:1.2.752.999.1"
MUNICIPALITY = "urn:oid:1.2.752.999.2"
T1 = "2026-12-01T02:00:00+01:00"
T2 = "2026-12-02T02:00:00+01:00"
T0 = "2026-11-30T02:00:00+01:00"


def _meta(updated: str) -> dict[str, Any]:
    return {"meta": {"lastUpdated": updated}}


def hsa_ref(hsa: str) -> dict[str, Any]:
    return {"identifier": {"system": HSA_ID, "value": hsa}}


def organization(hsa: str, name: str, kind: str, updated: str = T1) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        **_meta(updated),
        "identifier": [{"system": HSA_ID, "value": hsa}],
        "name": name,
        "type": [{"coding": [{"system": UNIT_TYPE, "code": kind}]}],
    }


def practitioner(
    hsa: str, name: str, profession: str, updated: str = T1, *, licensed: bool = False
) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        **_meta(updated),
        "identifier": [{"system": HSA_ID, "value": hsa}],
        "name": [{"text": name}],
        "qualification": [{"code": {"coding": [{"system": PROFESSION, "code": profession}]}}],
        "extension": [{"url": EXT_LICENSED, "valueBoolean": licensed}],
    }


def role(staff: str, unit: str, updated: str = T1, end: str | None = None) -> dict[str, Any]:
    period = {"start": "2020-01-01", **({"end": end} if end else {})}
    return {
        "resourceType": "PractitionerRole",
        **_meta(updated),
        "identifier": [{"system": HSA_ID, "value": f"{staff}-r"[:31]}],
        "practitioner": hsa_ref(staff),
        "organization": hsa_ref(unit),
        "period": period,
    }


def patient(number: str, name: str, listed: str | None, updated: str = T1) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        **_meta(updated),
        "identifier": [{"system": PERSONNUMMER, "value": number}],
        "name": [{"text": name}],
        **({"generalPractitioner": [hsa_ref(listed)]} if listed else {}),
    }


def encounter(
    ident: str,
    number: str,
    unit: str,
    admitted: str,
    *,
    updated: str = T1,
    outpatient: str | None = None,
    ready: str | None = None,
    discharged: str | None = None,
    needs_municipal_care: bool = False,
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [
        {"url": EXT_NEEDS_MUNICIPAL_CARE, "valueBoolean": needs_municipal_care}
    ]
    if outpatient:
        extensions.append({"url": EXT_ADMISSION_NOTICE_UNIT, "valueReference": hsa_ref(outpatient)})
    if ready:
        extensions.append({"url": EXT_READY_FOR_DISCHARGE, "valueDate": ready})
    return {
        "resourceType": "Encounter",
        **_meta(updated),
        "identifier": [{"system": HOSPITAL, "value": ident}],
        "status": "finished" if discharged else "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"identifier": {"system": PERSONNUMMER, "value": number}},
        "serviceProvider": hsa_ref(unit),
        "period": {"start": admitted, **({"end": discharged} if discharged else {})},
        "extension": extensions,
    }


def service_request(
    ident: str,
    number: str,
    unit: str,
    start: str,
    services: tuple[str, ...] = ("personlig_omvardnad",),
    *,
    updated: str = T1,
    end: str | None = None,
) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        **_meta(updated),
        "identifier": [{"system": MUNICIPALITY, "value": ident}],
        "status": "active",
        "intent": "order",
        "subject": {"identifier": {"system": PERSONNUMMER, "value": number}},
        "performer": [hsa_ref(unit)],
        "occurrencePeriod": {"start": start, **({"end": end} if end else {})},
        "orderDetail": [
            {"coding": [{"system": HOME_CARE_SERVICE, "code": s} for s in services]}
        ],
    }


def ndjson(resources: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in resources)


def personnummer(birth: str, serial: int) -> str:
    """A valid personnummer born ``birth`` (YYYYMMDD) with a three-digit ``serial``."""
    from fastkontakt.domain.identifiers import luhn_check_digit

    body = f"{birth}{serial:03d}"
    return f"{body}{luhn_check_digit(body[2:])}"
