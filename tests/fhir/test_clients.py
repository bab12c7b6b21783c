"""Third-party FHIR clients against a live test server (issue 15, item 4): fhirpy reads, searches
with the type-qualified chain and ``_include`` it sends, and updates a care team; fhirclient (the
SMART client, with its own R4 models) reads the CapabilityStatement and a care team. Every body
the server answers is checked against the R4 schema and the models, as in the other API tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests
from fhirpy import SyncFHIRClient

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.fhir.mappers.codes import PERSONNUMMER
from fastkontakt.registry.models import Contact
from tests.factories import PersonFactory
from tests.fhir.conftest import Api, World
from tests.fhir.validation import assert_valid_fhir


@pytest.fixture
def checked_http(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the clients make; each FHIR body answered is validated."""
    made: list[str] = []
    send = requests.Session.send

    def checked(self: requests.Session, prepared: Any, **kwargs: Any) -> Any:
        response = send(self, prepared, **kwargs)
        made.append(f"{prepared.method} {prepared.url} {response.status_code}")
        if response.content and "/fhir/" in (prepared.url or ""):
            assert response.headers["Content-Type"].startswith("application/fhir+json")
            assert_valid_fhir(response.json(), f"{prepared.method} {prepared.url}")
        return response

    monkeypatch.setattr(requests.Session, "send", checked)
    return made


def test_fhirpy_reads_searches_and_updates_a_care_team(
    live_server: Any,
    world: World,
    api_for: Callable[..., Api],
    checked_http: list[str],
    today: date,
) -> None:
    # given: a system client of the health centre, and a second person in its care
    api = api_for(world.centre, "system/*.read", "system/CareTeam.write")
    PersonFactory(listed_at=world.centre)
    client = SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {api.token}")
    pk = str(world.patient.pk)

    # when: read
    team = client.reference("CareTeam", pk).to_resource()
    # then
    assert team["subject"]["reference"] == f"Patient/{pk}"
    assert [p["id"] for p in team["participant"]] == [world.fvk.external_id, world.flk.external_id]

    # when: search with the chain fhirpy builds (patient:Patient.identifier)
    chained = (
        client.resources("CareTeam")
        .search(patient__Patient__identifier=f"{PERSONNUMMER}|{world.patient.personal_id}")
        .fetch_all()
    )
    # then: that person's team only, not every team of the unit
    assert [t.id for t in chained] == [pk]
    sent = "CareTeam?patient:Patient.identifier="
    assert any(sent in line for line in checked_http), checked_http

    # when: search with _include=CareTeam:participant:PractitionerRole
    raw = (
        client.resources("CareTeam")
        .search(patient=pk)
        .include("CareTeam", "participant", "PractitionerRole")
        .fetch_raw()
    )
    # then
    included = sorted(e.resource.id for e in raw.entry if e.search.mode == "include")
    assert included == sorted(
        [f"{world.nurse.pk}-{world.centre.pk}", f"{world.doctor.pk}-{world.centre.pk}"]
    )

    # when: update, ending the doctor's contact today
    version = team["meta"]["versionId"]
    team["participant"][1]["period"]["end"] = today.isoformat()
    team.save()
    # then
    assert Contact.objects.get(pk=world.flk.pk).end == today
    again = client.reference("CareTeam", pk).to_resource()
    assert again["participant"][1]["period"]["end"] == today.isoformat()
    assert again["meta"]["versionId"] != version
    # and every read of the person was logged once per interaction
    reads = AccessLogEntry.objects.filter(personal_id=world.patient.personal_id)
    assert reads.filter(what="fhir.CareTeam.read").count() == 2
    assert all(line.split()[-1] in ("200",) for line in checked_http), checked_http


def test_fhirclient_reads_the_capability_statement_and_a_care_team(
    live_server: Any, world: World, api_for: Callable[..., Api], checked_http: list[str]
) -> None:
    from fhirclient import client as smart_client
    from fhirclient.models.careteam import CareTeam

    # given
    api = api_for(world.centre, "system/*.read")
    smart = smart_client.FHIRClient(
        settings={"app_id": "fastkontakt-test", "api_base": f"{live_server.url}/fhir/"}
    )
    smart.server.session.headers["Authorization"] = f"Bearer {api.token}"
    # when: fhirclient parses the CapabilityStatement with its R4 models
    smart.prepare()
    team = CareTeam.read(str(world.patient.pk), smart.server)
    # then
    assert smart.server.capabilityStatement.fhirVersion == "4.0.1"
    assert team.subject.reference == f"Patient/{world.patient.pk}"
    assert [p.id for p in team.participant] == [world.fvk.external_id, world.flk.external_id]
