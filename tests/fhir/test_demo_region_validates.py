"""Every resource the API returns, over a whole demo region, validates against R4B."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fastkontakt.demo.population import demo_scenario
from fastkontakt.registry.models import Person, Unit
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.registry.services import scenario_load
from tests.fhir.conftest import Api, body


def _validated(document: dict[str, Any]) -> dict[str, Any]:
    get_fhir_model_class(document["resourceType"]).model_validate(document)
    return document


def _pages(api: Api, path: str, **params: str) -> Iterator[dict[str, Any]]:
    """Every resource of a search, page by page through the ``next`` links, each validated."""
    response = api.get(path, _count="200", **params)
    while True:
        assert response.status_code == 200, response.content[:500]
        bundle = _validated(body(response))
        for entry in bundle.get("entry", []):
            yield entry["resource"]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        if "next" not in links:
            return
        response = api.get(links["next"].removeprefix("http://testserver"))


def test_every_resource_of_the_demo_region_validates(
    api_for: Callable[..., Api], today: date
) -> None:
    # given: a demo region of 200 people; one client per unit and a log reviewer
    scenario_load(scenario=demo_scenario(people=200, seed=3, as_of=today))
    units = list(Unit.objects.order_by("pk"))
    clients = [api_for(unit, "system/*.read") for unit in units]
    reviewer = api_for(units[0], "system/AuditEvent.read")
    seen: dict[str, set[str]] = {}

    def check(api: Api, path: str, **params: str) -> list[dict[str, Any]]:
        found = list(_pages(api, path, **params))
        for resource in found:
            seen.setdefault(resource["resourceType"], set()).add(resource["id"])
        return found

    # when: every search of every client, and a read of what each search found
    everyone = clients[0]
    for path in ("/fhir/Organization", "/fhir/Practitioner", "/fhir/PractitionerRole"):
        check(everyone, path)
    for api in clients:
        teams = check(api, "/fhir/CareTeam", _include="CareTeam:participant")
        check(api, "/fhir/Patient")
        for plan in check(api, "/fhir/CarePlan")[:2]:
            assert _validated(body(api.get(f"/fhir/CarePlan/{plan['id']}")))["id"] == plan["id"]
        check(api, "/fhir/Consent")
        check(api, "/fhir/Task")
        for team in [t for t in teams if t["resourceType"] == "CareTeam"][:3]:
            assert _validated(body(api.get(f"/fhir/CareTeam/{team['id']}")))["id"] == team["id"]
            for task in check(api, "/fhir/Task", patient=team["id"]):
                _validated(body(api.get(f"/fhir/Task/{task['id']}")))
    check(reviewer, "/fhir/AuditEvent")
    _validated(body(everyone.get("/fhir/metadata")))
    _validated(body(everyone.get("/fhir/CodeSystem/contact-role")))

    # then: every person with a care relationship somewhere was seen, with every kind of data
    related = Person.objects.filter(care_relationship_q([u.pk for u in units], today))
    assert {str(pk) for pk in related.values_list("pk", flat=True)} == seen["CareTeam"]
    assert seen["Patient"] == seen["CareTeam"]
    assert {
        "Organization",
        "Practitioner",
        "PractitionerRole",
        "CarePlan",
        "Consent",
        "Task",
        "AuditEvent",
    } <= set(seen)
    assert len(seen["Organization"]) == len(units)
    assert any(p.startswith("sip-") for p in seen["CarePlan"])
    assert any(p.startswith("gp-") for p in seen["CarePlan"])
    json.dumps(sorted(seen))  # the ids are plain strings
