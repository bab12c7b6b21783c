"""A transaction ``Bundle`` of a whole population → a ``domain.model.Scenario`` (the import).

``Organization`` → unit, ``Practitioner`` → staff, ``PractitionerRole`` → where staff work,
``Patient`` → person, ``CareTeam`` → the person's contacts: the reverse of the other mappers.
References resolve within the bundle, by an entry's ``fullUrl`` or by ``Type/id``. Every
problem is collected with its path and raised together (:class:`PopulationProblems`).

:func:`population_read` also says which part of the population each entry is (the keys of
``registry.services.population``), so that the import's refusals name the entry
(``Bundle.entry[3]``, or ``Bundle.entry[3].resource.participant[0]`` for one contact) and its
response gives each entry the location of what it wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from fhir.resources.R4B.bundle import Bundle

from fastkontakt.domain import model as domain
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.model import CONTACT_KINDS, PROFESSIONS, RESIDENCES, UNIT_TYPES, UnitType
from fastkontakt.fhir.mappers.address import address_json, address_read
from fastkontakt.fhir.mappers.codes import (
    CONTACT_ROLE,
    COORDINATING,
    EXT_ELIGIBLE,
    EXT_HOME_HEALTH_CARE,
    EXT_INFORMED,
    EXT_LICENSED,
    EXT_LOCAL_TITLE,
    EXT_RESIDENCE,
    HSA_ID,
    PERSON_SYSTEMS,
    PROFESSION,
    UNIT_TYPE,
)
from fastkontakt.registry.services.population import Part

IMPORT_TYPES = frozenset({"Organization", "Practitioner", "PractitionerRole", "Patient"})
ACCEPTED_TYPES = IMPORT_TYPES | {"CareTeam"}


class PopulationProblems(InvalidInput):
    """A population Bundle that cannot be read; every problem with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "; ".join(str(p) for p in problems[:10]))


def _identifier(resource: Any, systems: Iterable[str]) -> str | None:
    wanted = tuple(systems)
    for identifier in resource.identifier or []:
        if identifier.system in wanted and identifier.value:
            return str(identifier.value)
    return None


def _name(resource: Any) -> str | None:
    names = resource.name if isinstance(resource.name, list) else None
    if not names:
        return str(resource.name) if isinstance(resource.name, str) else None
    first = names[0]
    if first.text:
        return str(first.text)
    parts = [*(first.given or []), first.family or ""]
    text = " ".join(p for p in parts if p)
    return text or None


def _code(concepts: Iterable[Any] | None, system: str) -> list[str]:
    return [
        str(coding.code)
        for concept in concepts or []
        for coding in concept.coding or []
        if coding.system == system and coding.code
    ]


def _ext(resource: Any, url: str, attribute: str) -> Any:
    for extension in resource.extension or []:
        if extension.url == url:
            return getattr(extension, attribute, None)
    return None


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return cast(date, value.date() if hasattr(value, "hour") else value)


@dataclass(frozen=True, slots=True)
class Population:
    scenario: domain.Scenario
    parts: tuple[Part, ...]
    """The part each entry is, in entry order."""
    origin: dict[Part, str]
    """Where each part came from (its first entry)."""


def population_scenario(bundle: Bundle) -> domain.Scenario:
    """The bundle's population as a scenario; raises :class:`PopulationProblems`."""
    return population_read(bundle).scenario


def entry_path(i: int) -> str:
    return f"Bundle.entry[{i}]"


def population_read(bundle: Bundle) -> Population:
    """The bundle's population and where each part came from; raises
    :class:`PopulationProblems`."""
    problems: list[Problem] = []
    parts: dict[int, Part] = {}
    origin: dict[Part, str] = {}

    def came_from(i: int, part: Part, path: str | None = None) -> None:
        parts.setdefault(i, part)
        origin.setdefault(part, path or entry_path(i))

    keys: dict[str, str] = {}  # reference (fullUrl or Type/id) -> entry key "Type:n"
    entries = list(bundle.entry or [])
    for i, entry in enumerate(entries):
        resource: Any = entry.resource
        if resource is None:
            problems.append(Problem(entry_path(i), "saknar resource"))
            continue
        kind = resource.get_resource_type()
        if kind not in ACCEPTED_TYPES:
            problems.append(Problem(entry_path(i), f"{kind} kan inte importeras"))
            continue
        key = f"{kind}:{i}"
        if entry.fullUrl:
            keys[str(entry.fullUrl)] = key
        if resource.id:
            keys[f"{kind}/{resource.id}"] = key

    def target(path: str, reference: Any, kind: str) -> int | None:
        ref = getattr(reference, "reference", None) if reference is not None else None
        key = keys.get(str(ref)) if ref else None
        if key is None or not key.startswith(f"{kind}:"):
            problems.append(Problem(path, f"ska referera till en {kind} i samma Bundle"))
            return None
        return int(key.split(":")[1])

    units: dict[int, domain.Unit] = {}
    staff: dict[int, dict[str, Any]] = {}
    people: dict[int, dict[str, Any]] = {}
    roles: list[tuple[int, int, int]] = []  # entry, staff entry, unit entry
    teams: list[tuple[int, Any]] = []
    for i, entry in enumerate(entries):
        resource = entry.resource
        if resource is None:
            continue
        kind = resource.get_resource_type()
        path = f"{entry_path(i)}.resource"
        if kind == "Organization":
            hsa = _identifier(resource, (HSA_ID,))
            types = [t for t in _code(resource.type, UNIT_TYPE) if t in UNIT_TYPES]
            if not hsa or not resource.name or not types:
                problems.append(Problem(path, "Organization kräver HSA-id, namn och enhetstyp"))
                continue
            units[i] = domain.Unit(
                id=hsa,
                name=str(resource.name),
                type=cast(UnitType, types[0]),
                address=address_read(resource.address, f"{path}.address", problems),
            )
            came_from(i, ("unit", hsa))
        elif kind == "Practitioner":
            hsa = _identifier(resource, (HSA_ID,))
            name = _name(resource)
            professions = [
                p
                for q in resource.qualification or []
                for p in _code([q.code], PROFESSION)
                if p in PROFESSIONS
            ]
            if not hsa or not name or not professions:
                problems.append(Problem(path, "Practitioner kräver HSA-id, namn och yrke"))
                continue
            staff[i] = {
                "id": hsa,
                "name": name,
                "profession": professions[0],
                "licensed": bool(_ext(resource, EXT_LICENSED, "valueBoolean")),
                "eligible": _ext(resource, EXT_ELIGIBLE, "valueBoolean") is not False,
                "units": [],
            }
            came_from(i, ("staff", hsa))
        elif kind == "PractitionerRole":
            who = target(f"{path}.practitioner", resource.practitioner, "Practitioner")
            where = target(f"{path}.organization", resource.organization, "Organization")
            if who is not None and where is not None:
                roles.append((i, who, where))
        elif kind == "Patient":
            number = _identifier(resource, PERSON_SYSTEMS)
            name = _name(resource)
            if not number or not name:
                problems.append(Problem(path, "Patient kräver personnummer och namn"))
                continue
            residence = _ext(resource, EXT_RESIDENCE, "valueCode") or "ordinart"
            if residence not in RESIDENCES:
                problems.append(Problem(f"{path}.extension", f"okänt boende {residence}"))
            listed = None
            if resource.generalPractitioner:
                listed = target(
                    f"{path}.generalPractitioner", resource.generalPractitioner[0], "Organization"
                )
            people[i] = {
                "id": number,
                "name": name,
                "residence": residence,
                "home_health_care": bool(_ext(resource, EXT_HOME_HEALTH_CARE, "valueBoolean")),
                "listed": listed,
                "address": address_read(resource.address, f"{path}.address", problems),
            }
            came_from(i, ("person", number))
        elif kind == "CareTeam":
            teams.append((i, resource))

    role_of: dict[int, tuple[int, int]] = {}
    for i, who, where in roles:
        role_of[i] = (who, where)
        if who in staff and where in units:
            unit_id = units[where].id
            came_from(i, ("role", staff[who]["id"], unit_id))
            if unit_id not in staff[who]["units"]:
                staff[who]["units"].append(unit_id)

    contacts: dict[int, list[domain.Contact]] = {}
    for i, team in teams:
        path = f"{entry_path(i)}.resource"
        owner = target(f"{path}.subject", team.subject, "Patient")
        if owner is None:
            continue
        if owner in people:
            came_from(i, ("team", people[owner]["id"]))
        for j, part in enumerate(team.participant or []):
            part_path = f"{path}.participant[{j}]"
            role_entry = target(f"{part_path}.member", part.member, "PractitionerRole")
            codes = _code(part.role, CONTACT_ROLE)
            kinds = [c for c in codes if c in CONTACT_KINDS]
            start = _day(part.period.start) if part.period else None
            if role_entry is None or len(kinds) != 1 or start is None:
                problems.append(
                    Problem(
                        part_path, "deltagaren kräver en roll, en kontakttyp och ett startdatum"
                    )
                )
                continue
            who, where = role_of.get(role_entry, (-1, -1))
            if who not in staff or where not in units or owner not in people:
                continue  # the referenced entry had its own problem
            staff_id, unit_id = staff[who]["id"], units[where].id
            contact_id = (
                part.id
                or "fhir-"
                + hashlib.sha256(
                    f"{people[owner]['id']}|{kinds[0]}|{staff_id}|{unit_id}|{start}".encode()
                ).hexdigest()[:16]
            )
            origin.setdefault(("contact", people[owner]["id"], str(contact_id)), part_path)
            contacts.setdefault(owner, []).append(
                domain.Contact(
                    id=str(contact_id),
                    kind=kinds[0],  # type: ignore[arg-type]
                    staff=staff_id,
                    unit=unit_id,
                    start=start,
                    end=_day(part.period.end) if part.period else None,
                    coordinating=COORDINATING in codes,
                    informed=_day(_ext(part, EXT_INFORMED, "valueDate")),
                    local_title=_ext(part, EXT_LOCAL_TITLE, "valueString") or None,
                )
            )
    if not problems:
        # Every entry is one part when nothing else was wrong; this keeps that promise.
        unread = [i for i in range(len(entries)) if i not in parts]
        problems = [Problem(entry_path(i), "kunde inte läsas") for i in unread]
    if problems:
        raise PopulationProblems(problems)
    scenario = domain.Scenario(
        units=tuple(units.values()),
        staff=tuple(
            domain.Staff(
                id=s["id"],
                name=s["name"],
                profession=s["profession"],
                units=tuple(s["units"]),
                licensed=s["licensed"],
                eligible=s["eligible"],
            )
            for s in staff.values()
        ),
        patients=tuple(
            domain.Patient(
                id=p["id"],
                name=p["name"],
                residence=p["residence"],
                home_health_care=p["home_health_care"],
                listed_at=units[p["listed"]].id if p["listed"] in units else None,
                contacts=tuple(contacts.get(i, ())),
                address=p["address"],
            )
            for i, p in people.items()
        ),
    )
    return Population(
        scenario=scenario,
        parts=tuple(parts[i] for i in range(len(entries))),
        origin=origin,
    )


def population_bundle(scenario: domain.Scenario) -> dict[str, Any]:
    """The reverse: a scenario's units, staff and people as a transaction Bundle (JSON form).

    Built as plain JSON for speed (benchmarks build one of 10 000 people); the import parses
    it through the R4B models like any other request.
    """
    entries: list[dict[str, Any]] = []

    def add(kind: str, key: str, resource: dict[str, Any]) -> None:
        entries.append(
            {
                "fullUrl": f"urn:uuid:{key}",
                "resource": {"resourceType": kind, **resource},
                "request": {"method": "POST", "url": kind},
            }
        )

    for unit in scenario.units:
        add(
            "Organization",
            f"unit-{unit.id}",
            {
                "identifier": [{"system": HSA_ID, "value": unit.id}],
                "name": unit.name,
                "type": [{"coding": [{"system": UNIT_TYPE, "code": unit.type}]}],
                **({"address": [address_json(unit.address, use="work")]} if unit.address else {}),
            },
        )
    for member in scenario.staff:
        add(
            "Practitioner",
            f"staff-{member.id}",
            {
                "identifier": [{"system": HSA_ID, "value": member.id}],
                "name": [{"text": member.name}],
                "qualification": [
                    {"code": {"coding": [{"system": PROFESSION, "code": member.profession}]}}
                ],
                "extension": [
                    {"url": EXT_LICENSED, "valueBoolean": member.licensed},
                    {"url": EXT_ELIGIBLE, "valueBoolean": member.eligible},
                ],
            },
        )
        for unit_id in member.units:
            add(
                "PractitionerRole",
                f"role-{member.id}-{unit_id}",
                {
                    "practitioner": {"reference": f"urn:uuid:staff-{member.id}"},
                    "organization": {"reference": f"urn:uuid:unit-{unit_id}"},
                },
            )
    roles = {(s.id, u) for s in scenario.staff for u in s.units}
    for patient in scenario.patients:
        system = PERSON_SYSTEMS[1] if int(patient.id[6:8]) > 60 else PERSON_SYSTEMS[0]
        add(
            "Patient",
            f"person-{patient.id}",
            {
                "identifier": [{"system": system, "value": patient.id}],
                "name": [{"text": patient.name}],
                "extension": [
                    {"url": EXT_RESIDENCE, "valueCode": patient.residence},
                    {"url": EXT_HOME_HEALTH_CARE, "valueBoolean": patient.home_health_care},
                ],
                **(
                    {"generalPractitioner": [{"reference": f"urn:uuid:unit-{patient.listed_at}"}]}
                    if patient.listed_at
                    else {}
                ),
                **(
                    {"address": [address_json(patient.address, use="home")]}
                    if patient.address
                    else {}
                ),
            },
        )
        participants = []
        for contact in patient.contacts:
            if (contact.staff, contact.unit) not in roles:
                # A contact at a unit the staff member no longer works at still needs a role.
                roles.add((contact.staff, contact.unit))
                add(
                    "PractitionerRole",
                    f"role-{contact.staff}-{contact.unit}",
                    {
                        "practitioner": {"reference": f"urn:uuid:staff-{contact.staff}"},
                        "organization": {"reference": f"urn:uuid:unit-{contact.unit}"},
                    },
                )
            role = [{"coding": [{"system": CONTACT_ROLE, "code": contact.kind}]}]
            if contact.coordinating:
                role.append({"coding": [{"system": CONTACT_ROLE, "code": COORDINATING}]})
            period = {"start": contact.start.isoformat()}
            if contact.end:
                period["end"] = contact.end.isoformat()
            extensions = []
            if contact.informed:
                extensions.append({"url": EXT_INFORMED, "valueDate": contact.informed.isoformat()})
            if contact.local_title:
                extensions.append({"url": EXT_LOCAL_TITLE, "valueString": contact.local_title})
            participants.append(
                {
                    "id": contact.id,
                    "role": role,
                    "member": {"reference": f"urn:uuid:role-{contact.staff}-{contact.unit}"},
                    "period": period,
                    **({"extension": extensions} if extensions else {}),
                }
            )
        if participants:
            add(
                "CareTeam",
                f"team-{patient.id}",
                {
                    "status": "active",
                    "subject": {"reference": f"urn:uuid:person-{patient.id}"},
                    "participant": participants,
                },
            )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
