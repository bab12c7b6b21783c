"""The feed profiles (ADR 0024): a resource of a source system → a ``FeedItem`` of the registry.

Each profile is a canonical URL the CapabilityStatement names (``supportedProfile``); its
content is what this module reads, and ADR 0024 describes it. References between records are
logical (``Reference.identifier``: an HSA-id or a personnummer), because a record of a feed
stands alone: a line of the nightly file or a conditional update names what it refers to by the
source's identifiers, never by the registry's ids.

Read from plain JSON (one resource of a line or a request body), because the nightly file has
hundreds of thousands of lines: the fields the registry takes are checked here, each problem
with its path, and the rest of the resource is not the registry's business.

- ``Organization`` (HSA catalogue): ``identifier`` HSA-id, ``name``, ``type`` (unit-type).
- ``Practitioner`` (HSA catalogue): ``identifier`` HSA-id, ``name``, ``qualification`` (profession),
  the extensions ``licensed``, ``eligible`` and ``employment-end`` (valueDate).
- ``PractitionerRole`` (HSA catalogue): ``practitioner`` and ``organization`` by HSA-id,
  ``period``; an end before the day applied = the staff member is no longer at the unit.
- ``Patient`` (listing system): ``identifier`` personnummer/samordningsnummer, ``name``,
  ``generalPractitioner`` the health centre by HSA-id (absent: not listed).
- ``Encounter`` (hospital record), class ``IMP``: ``identifier``, ``subject`` by personnummer,
  ``serviceProvider`` the inpatient unit, ``period`` (start = admitted, end = discharged), the
  extensions ``admission-notice-unit`` (valueReference by HSA-id: the outpatient unit that got
  the admission notice), ``ready-for-discharge`` (valueDate) and ``needs-municipal-care``.
- ``ServiceRequest`` (municipal case system), a biståndsbeslut: ``identifier``, ``subject``,
  ``performer`` the home-care unit by HSA-id, ``occurrencePeriod``, ``orderDetail`` the services
  (home-care-service codes).

Every resource needs ``meta.lastUpdated`` with a time zone: the source's time orders changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.identifiers import is_hsa_id, is_personal_id
from fastkontakt.domain.model import PROFESSIONS, SERVICES, UNIT_TYPES
from fastkontakt.fhir.mappers.codes import (
    CANONICAL,
    EXT_ELIGIBLE,
    EXT_LICENSED,
    HSA_ID,
    PERSON_SYSTEMS,
    PROFESSION,
    UNIT_TYPE,
)
from fastkontakt.registry.models import ID_LENGTH, NAME_LENGTH
from fastkontakt.registry.services.feeds import (
    FEED_KINDS,
    ROLE_KEY_SEPARATOR,
    DecisionFact,
    FeedItem,
    ListingFact,
    RoleFact,
    StaffFact,
    StayFact,
    UnitFact,
    feed_item,
)

__all__ = ["FEED_KINDS", "PROFILES", "FeedProblems", "feed_read", "identifier_matches"]

PROFILES = {
    "Organization": f"{CANONICAL}/StructureDefinition/fk-feed-organization",
    "Practitioner": f"{CANONICAL}/StructureDefinition/fk-feed-practitioner",
    "PractitionerRole": f"{CANONICAL}/StructureDefinition/fk-feed-practitionerrole",
    "Patient": f"{CANONICAL}/StructureDefinition/fk-feed-patient",
    "Encounter": f"{CANONICAL}/StructureDefinition/fk-feed-inpatient-stay",
    "ServiceRequest": f"{CANONICAL}/StructureDefinition/fk-feed-home-care-decision",
}
EXT_EMPLOYMENT_END = f"{CANONICAL}/StructureDefinition/employment-end"
EXT_ADMISSION_NOTICE_UNIT = f"{CANONICAL}/StructureDefinition/admission-notice-unit"
EXT_READY_FOR_DISCHARGE = f"{CANONICAL}/StructureDefinition/ready-for-discharge"
EXT_NEEDS_MUNICIPAL_CARE = f"{CANONICAL}/StructureDefinition/needs-municipal-care"
HOME_CARE_SERVICE = f"{CANONICAL}/CodeSystem/home-care-service"
INPATIENT = "IMP"


class FeedProblems(InvalidInput):
    """A resource that cannot be read as its profile says; every problem with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "; ".join(str(p) for p in problems[:10]))


class _Reader:
    def __init__(self, resource: dict[str, Any], base: str) -> None:
        self.resource = resource
        self.base = base
        self.problems: list[Problem] = []

    def bad(self, field: str, message: str) -> None:
        self.problems.append(Problem(f"{self.base}.{field}", message))

    def identifier(self, field: str, value: Any, systems: tuple[str, ...]) -> str | None:
        for ident in value if isinstance(value, list) else [value]:
            if isinstance(ident, dict) and ident.get("system") in systems and ident.get("value"):
                return str(ident["value"])
        return None

    def hsa(self, field: str, value: Any, *, required: bool = True) -> str | None:
        found = self.identifier(field, value, (HSA_ID,))
        if found is None:
            if required:
                self.bad(field, f"ett HSA-id ({HSA_ID}) krävs")
            return None
        if not is_hsa_id(found):
            self.bad(field, f"ogiltigt HSA-id {found!r}")
            return None
        return found

    def reference_hsa(self, field: str, *, required: bool = True) -> str | None:
        value = self.resource.get(field)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None:
            if required:
                self.bad(field, "en referens med identifier (HSA-id) krävs")
            return None
        ident = value.get("identifier") if isinstance(value, dict) else None
        return self.hsa(f"{field}.identifier", ident, required=True)

    def subject(self) -> str | None:
        value = self.resource.get("subject")
        ident = value.get("identifier") if isinstance(value, dict) else None
        number = self.identifier("subject.identifier", ident, PERSON_SYSTEMS)
        if number is None or not is_personal_id(number):
            self.bad("subject.identifier", "ett giltigt personnummer eller samordningsnummer krävs")
            return None
        return number

    def source_key(self) -> str | None:
        for ident in self.resource.get("identifier") or []:
            if isinstance(ident, dict) and ident.get("system") and ident.get("value"):
                key = f"{ident['system']}|{ident['value']}"
                if len(key) > 2 * ID_LENGTH + 1:
                    self.bad("identifier", "identifieraren är för lång")
                    return None
                return key
        self.bad("identifier", "en identifier med system och value krävs")
        return None

    def name(self) -> str | None:
        value = self.resource.get("name")
        if isinstance(value, list):
            first = value[0] if value and isinstance(value[0], dict) else {}
            value = first.get("text") or " ".join(
                p for p in [*(first.get("given") or []), first.get("family") or ""] if p
            )
        if not isinstance(value, str) or not value.strip():
            self.bad("name", "namn krävs")
            return None
        if len(value) > NAME_LENGTH:
            self.bad("name", f"namnet är längre än {NAME_LENGTH} tecken")
            return None
        return value.strip()

    def codes(self, field: str, concepts: Any, system: str) -> list[str]:
        found = []
        for concept in concepts if isinstance(concepts, list) else [concepts]:
            if not isinstance(concept, dict):
                continue
            for coding in concept.get("coding") or []:
                if isinstance(coding, dict) and coding.get("system") == system:
                    found.append(str(coding.get("code") or ""))
        return found

    def extension(self, url: str) -> dict[str, Any] | None:
        for ext in self.resource.get("extension") or []:
            if isinstance(ext, dict) and ext.get("url") == url:
                return ext
        return None

    def day(self, field: str, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, str) and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.bad(field, f"ogiltigt datum {value!r}")
        return None

    def boolean(self, url: str, default: bool) -> bool:
        ext = self.extension(url)
        if ext is None:
            return default
        value = ext.get("valueBoolean")
        if not isinstance(value, bool):
            self.bad("extension", f"{url} kräver valueBoolean")
            return default
        return value

    def period(self, field: str) -> tuple[date | None, date | None]:
        value = self.resource.get(field) or {}
        if not isinstance(value, dict):
            self.bad(field, "en period krävs")
            return None, None
        start = self.day(f"{field}.start", value.get("start"))
        end = self.day(f"{field}.end", value.get("end"))
        if start and end and end < start:
            self.bad(f"{field}.end", "slutet är före början")
        return start, end


def _updated(reader: _Reader) -> datetime | None:
    meta = reader.resource.get("meta")
    text = meta.get("lastUpdated") if isinstance(meta, dict) else None
    if not isinstance(text, str):
        reader.bad("meta.lastUpdated", "källans tidpunkt (meta.lastUpdated) krävs")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        reader.bad("meta.lastUpdated", f"ogiltig tidpunkt {text!r} (tidszon krävs)")
        return None
    return moment


def feed_read(resource: Any, *, where: str, base: str | None = None) -> FeedItem:
    """The item of one resource of a feed; raises :class:`FeedProblems`. ``where`` names the
    record for the service's problems, ``base`` prefixes the paths (default: its type)."""
    if not isinstance(resource, dict):
        raise FeedProblems([Problem(base or "resource", "en FHIR-resurs (JSON-objekt) krävs")])
    kind = resource.get("resourceType")
    if kind not in FEED_KINDS:
        known = ", ".join(FEED_KINDS)
        path = f"{base or 'resource'}.resourceType"
        raise FeedProblems([Problem(path, f"{kind!r} tas inte emot i flöden ({known})")])
    reader = _Reader(resource, base or str(kind))
    updated = _updated(reader)
    key, fact = _READERS[kind](reader)
    if reader.problems or key is None or fact is None or updated is None:
        raise FeedProblems(reader.problems or [Problem(reader.base, "kunde inte läsas")])
    return feed_item(kind=kind, key=key, updated=updated, fact=fact, where=where)


def _organization(r: _Reader) -> tuple[str | None, Any]:
    hsa = r.hsa("identifier", r.resource.get("identifier"))
    name = r.name()
    types = [t for t in r.codes("type", r.resource.get("type"), UNIT_TYPE) if t in UNIT_TYPES]
    if not types:
        r.bad("type", f"en enhetstyp ur {UNIT_TYPE} krävs")
    if hsa is None or name is None or not types:
        return None, None
    return hsa, UnitFact(hsa_id=hsa, name=name, type=types[0])


def _practitioner(r: _Reader) -> tuple[str | None, Any]:
    hsa = r.hsa("identifier", r.resource.get("identifier"))
    name = r.name()
    professions = [
        p
        for q in r.resource.get("qualification") or []
        if isinstance(q, dict)
        for p in r.codes("qualification.code", q.get("code"), PROFESSION)
        if p in PROFESSIONS
    ]
    if not professions:
        r.bad("qualification", f"ett yrke ur {PROFESSION} krävs")
    ext = r.extension(EXT_EMPLOYMENT_END)
    end = r.day("extension", ext.get("valueDate")) if ext else None
    if hsa is None or name is None or not professions:
        return None, None
    return hsa, StaffFact(
        hsa_id=hsa,
        name=name,
        profession=professions[0],
        licensed=r.boolean(EXT_LICENSED, False),
        eligible=r.boolean(EXT_ELIGIBLE, True),
        employment_end=end,
    )


def _practitioner_role(r: _Reader) -> tuple[str | None, Any]:
    staff = r.reference_hsa("practitioner")
    unit = r.reference_hsa("organization")
    start, end = r.period("period")
    if staff is None or unit is None:
        return None, None
    key = f"{staff}{ROLE_KEY_SEPARATOR}{unit}"
    return key, RoleFact(staff=staff, unit=unit, start=start, end=end)


def _patient(r: _Reader) -> tuple[str | None, Any]:
    number = r.identifier("identifier", r.resource.get("identifier"), PERSON_SYSTEMS)
    if number is None or not is_personal_id(number):
        r.bad("identifier", "ett giltigt personnummer eller samordningsnummer krävs")
        number = None
    name = r.name()
    listed = r.reference_hsa("generalPractitioner", required=False)
    if number is None or name is None:
        return None, None
    return number, ListingFact(personal_id=number, name=name, listed_at=listed)


def _encounter(r: _Reader) -> tuple[str | None, Any]:
    key = r.source_key()
    person = r.subject()
    klass = r.resource.get("class")
    if not isinstance(klass, dict) or klass.get("code") != INPATIENT:
        r.bad("class", f"bara slutenvård (class {INPATIENT}) tas emot")
    unit = r.reference_hsa("serviceProvider")
    admitted, discharged = r.period("period")
    if admitted is None:
        r.bad("period.start", "inskrivningsdagen (period.start) krävs")
    notice = r.extension(EXT_ADMISSION_NOTICE_UNIT)
    outpatient = None
    if notice is not None:
        target = notice.get("valueReference")
        outpatient = r.hsa(
            "extension.valueReference.identifier",
            target.get("identifier") if isinstance(target, dict) else None,
        )
    ready_ext = r.extension(EXT_READY_FOR_DISCHARGE)
    ready = r.day("extension", ready_ext.get("valueDate")) if ready_ext else None
    if admitted and ready and ready < admitted:
        r.bad("extension", "utskrivningsklar före inskrivningen")
    needs = r.boolean(EXT_NEEDS_MUNICIPAL_CARE, False)
    if key is None or person is None or unit is None or admitted is None or r.problems:
        return None, None
    return key, StayFact(
        personal_id=person,
        unit=unit,
        admitted=admitted,
        outpatient_unit=outpatient,
        needs_municipal_care=needs,
        ready_for_discharge=ready,
        discharged=discharged,
    )


def _service_request(r: _Reader) -> tuple[str | None, Any]:
    key = r.source_key()
    person = r.subject()
    unit = r.reference_hsa("performer")
    start, end = r.period("occurrencePeriod")
    if start is None:
        r.bad("occurrencePeriod.start", "beslutets första dag krävs")
    services = r.codes("orderDetail", r.resource.get("orderDetail"), HOME_CARE_SERVICE)
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        r.bad("orderDetail", f"okända insatser {', '.join(unknown)}")
    if not services:
        r.bad("orderDetail", f"minst en insats ur {HOME_CARE_SERVICE} krävs")
    if key is None or person is None or unit is None or start is None or r.problems:
        return None, None
    return key, DecisionFact(
        personal_id=person, unit=unit, start=start, end=end, services=tuple(services)
    )


_READERS = {
    "Organization": _organization,
    "Practitioner": _practitioner,
    "PractitionerRole": _practitioner_role,
    "Patient": _patient,
    "Encounter": _encounter,
    "ServiceRequest": _service_request,
}


def identifier_matches(resource: Any, search: str) -> bool:
    """Whether ``resource`` carries the identifier of a conditional update's
    ``identifier=system|value`` (both parts required)."""
    system, bar, value = search.partition("|")
    if not bar or not system or not value or not isinstance(resource, dict):
        return False
    return any(
        isinstance(ident, dict) and ident.get("system") == system and ident.get("value") == value
        for ident in resource.get("identifier") or []
    )
