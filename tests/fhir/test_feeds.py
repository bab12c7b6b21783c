"""Feeds over FHIR (issue 15, ADR 0024): conditional updates of each feed profile, Bundles."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.compliance.models import StoredFinding
from fastkontakt.fhir.mappers.codes import HSA_ID, PERSONNUMMER
from fastkontakt.fhir.mappers.feeds import PROFILES
from fastkontakt.registry.models import (
    FeedRecord,
    HomeCareDecision,
    InpatientStay,
    Person,
    Staff,
    StaffUnit,
    Unit,
)
from tests.conftest import RegistryState
from tests.feed_resources import (
    HOSPITAL,
    MUNICIPALITY,
    T0,
    T1,
    T2,
    encounter,
    organization,
    patient,
    personnummer,
    practitioner,
    role,
    service_request,
)
from tests.fhir.conftest import Api, World, body

NEW_UNIT = "SE2321000016-NY01"
NEW_STAFF = "SE2321000016-NY02"
NEWCOMER = personnummer("19450505", 123)


def _with_time(resource: dict[str, Any], updated: str) -> dict[str, Any]:
    changed = copy.deepcopy(resource)
    changed["meta"]["lastUpdated"] = updated
    return changed


Case = tuple[str, dict[str, Any], dict[str, Any], Callable[[], Any]]


def _cases(world: World) -> dict[str, Case]:
    """kind -> (condition, created version, changed version, what the registry holds)."""
    centre, home_care = world.centre.hsa_id, world.home_care.hsa_id
    pid = world.patient.personal_id
    return {
        "Organization": (
            f"{HSA_ID}|{NEW_UNIT}",
            organization(NEW_UNIT, "Nya vårdcentralen", "primarvard"),
            organization(NEW_UNIT, "Nya vårdcentralen Syd", "primarvard", updated=T2),
            lambda: Unit.objects.filter(hsa_id=NEW_UNIT).values_list("name", flat=True).first(),
        ),
        "Practitioner": (
            f"{HSA_ID}|{NEW_STAFF}",
            practitioner(NEW_STAFF, "Nils Ny", "sjukskoterska"),
            practitioner(NEW_STAFF, "Nils Ny", "lakare", updated=T2, licensed=True),
            lambda: Staff.objects.filter(hsa_id=NEW_STAFF)
            .values_list("profession", "licensed")
            .first(),
        ),
        "PractitionerRole": (
            f"{HSA_ID}|{world.nurse.hsa_id}-r"[: len(HSA_ID) + 1 + 31],
            role(world.nurse.hsa_id, world.other.hsa_id),
            role(world.nurse.hsa_id, world.other.hsa_id, updated=T2, end="2020-06-30"),
            lambda: StaffUnit.objects.filter(staff=world.nurse, unit=world.other).exists(),
        ),
        "Patient": (
            f"{PERSONNUMMER}|{NEWCOMER}",
            patient(NEWCOMER, "Nora Ny", centre),
            patient(NEWCOMER, "Nora Ny", world.other.hsa_id, updated=T2),
            lambda: Person.objects.filter(personal_id=NEWCOMER)
            .values_list("listed_at__hsa_id", flat=True)
            .first(),
        ),
        "Encounter": (
            f"{HOSPITAL}|E9",
            encounter("E9", pid, world.other.hsa_id, "2026-11-20", outpatient=centre),
            encounter(
                "E9", pid, world.other.hsa_id, "2026-11-20", outpatient=centre,
                ready="2026-11-25", discharged="2026-11-27", needs_municipal_care=True, updated=T2,
            ),
            lambda: InpatientStay.objects.values_list(
                "ready_for_discharge", "discharged", "needs_municipal_care"
            ).first(),
        ),
        "ServiceRequest": (
            f"{MUNICIPALITY}|B9",
            service_request("B9", pid, home_care, "2026-10-01"),
            service_request(
                "B9", pid, home_care, "2026-10-01", ("personlig_omvardnad", "dusch"),
                end="2026-12-31", updated=T2,
            ),
            lambda: HomeCareDecision.objects.values_list("services", "end").first(),
        ),
    }


KINDS = list(PROFILES)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.django_db
def test_a_conditional_update_creates_updates_and_ignores_repeats_and_late_versions(
    kind: str, world: World, region_importer: Api, registry_state: Callable[[], RegistryState]
) -> None:
    condition, first, second, held = _cases(world)[kind]
    url = f"/fhir/{kind}?identifier={condition}"
    # when: created
    created = region_importer.put(url, first)
    # then
    assert created.status_code == 201, created.content
    assert body(created)["issue"][0]["diagnostics"] == "Posten skapades."
    first_held = held()
    assert first_held is not None
    # when: the same again
    before = registry_state()
    with CaptureQueriesContext(connection) as queries:
        again = region_importer.put(url, first)
    # then: nothing written
    assert again.status_code == 200
    assert body(again)["issue"][0]["diagnostics"] == (
        "Samma innehåll som redan är infört: inget ändrades."
    )
    assert _writes(queries) == []
    assert registry_state() == before
    # when: a newer version
    updated = region_importer.put(url, second)
    # then
    assert updated.status_code == 200
    assert body(updated)["issue"][0]["diagnostics"] == "Posten uppdaterades."
    now = held()
    assert now != first_held
    # when: an older version arrives late (the first content, older than both)
    before = registry_state()
    log_rows = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        late = region_importer.put(url, _with_time(first, T0))
    # then: nothing changes, nothing is written
    assert late.status_code == 200
    assert body(late)["issue"][0]["diagnostics"] == (
        "Källans tidpunkt är äldre än den redan införda versionens: inget ändrades."
    )
    assert _writes(queries) == []
    assert registry_state() == before
    assert AccessLogEntry.objects.count() == log_rows
    assert held() == now


@pytest.mark.django_db
def test_the_registry_holds_what_each_profile_says(world: World, region_importer: Api) -> None:
    cases = _cases(world)
    for kind in KINDS:
        condition, first, second, _ = cases[kind]
        url = f"/fhir/{kind}?identifier={condition}"
        assert region_importer.put(url, first).status_code == 201
        assert region_importer.put(url, second).status_code == 200
    # then
    assert Unit.objects.get(hsa_id=NEW_UNIT).name == "Nya vårdcentralen Syd"
    assert Staff.objects.filter(hsa_id=NEW_STAFF).values_list("profession", "licensed").get() == (
        "lakare",
        True,
    )
    assert not StaffUnit.objects.filter(staff=world.nurse, unit=world.other).exists()
    assert Person.objects.get(personal_id=NEWCOMER).listed_at == world.other
    stay = InpatientStay.objects.get()
    assert (stay.person, stay.unit, stay.outpatient_unit, stay.admitted) == (
        world.patient, world.other, world.centre, date(2026, 11, 20)
    )
    assert (stay.ready_for_discharge, stay.discharged, stay.needs_municipal_care) == (
        date(2026, 11, 25), date(2026, 11, 27), True
    )
    decision = HomeCareDecision.objects.get()
    assert (decision.person, decision.unit, decision.start, decision.end, decision.services) == (
        world.patient, world.home_care, date(2026, 10, 1), date(2026, 12, 31),
        ["personlig_omvardnad", "dusch"],
    )
    # every person written has one write entry of the feed per request
    assert sorted(
        AccessLogEntry.objects.filter(what="feed.write").values_list("personal_id", flat=True)
    ) == sorted([NEWCOMER, NEWCOMER, *[world.patient.personal_id] * 4])


@pytest.mark.django_db
def test_a_staff_member_leaving_the_unit_is_on_the_worklist_at_once(
    world: World, region_importer: Api, today: date
) -> None:
    # given: the nurse holds the patient's fast vårdkontakt at the centre
    assert not StoredFinding.objects.filter(rule="contact-staff-at-unit").exists()
    yesterday = (today - timedelta(days=1)).isoformat()
    ended = role(world.nurse.hsa_id, world.centre.hsa_id, end=yesterday)
    # when
    response = region_importer.put(
        f"/fhir/PractitionerRole?identifier={HSA_ID}|{ended['identifier'][0]['value']}", ended
    )
    # then: the role the registry held is updated
    assert response.status_code == 200
    assert body(response)["issue"][0]["diagnostics"] == "Posten uppdaterades."
    assert not StaffUnit.objects.filter(staff=world.nurse, unit=world.centre).exists()
    finding = StoredFinding.objects.get(rule="contact-staff-at-unit", resolved_on__isnull=True)
    assert (finding.person, finding.contact) == (world.patient, world.fvk.external_id)


@pytest.mark.parametrize(
    ("scopes", "region", "status"),
    [
        (("system/*.read", "system/Patient.write"), True, 403),  # no Organization.write
        (("system/*.read", "system/*.write"), False, 403),  # not region-wide
    ],
)
@pytest.mark.django_db
def test_a_client_that_may_not_feed_is_refused_and_nothing_is_written(
    world: World,
    api_for: Callable[..., Api],
    system_admin: Any,
    registry_state: Callable[[], RegistryState],
    scopes: tuple[str, ...],
    region: bool,
    status: int,
) -> None:
    # given
    client = api_for(
        world.centre, *scopes, region=region, granted_by=system_admin.username if region else ""
    )
    before = registry_state()
    # when
    response = client.put(
        f"/fhir/Organization?identifier={HSA_ID}|{NEW_UNIT}",
        organization(NEW_UNIT, "Nya vårdcentralen", "primarvard"),
    )
    # then
    assert response.status_code == status
    assert body(response)["issue"][0]["code"] == "forbidden"
    assert registry_state() == before


@pytest.mark.parametrize(
    ("url", "resource", "expression", "message"),
    [
        (
            "/fhir/Organization",
            organization(NEW_UNIT, "Ny", "primarvard"),
            "Organization",
            "PUT Organization kräver villkoret ?identifier=system|value.",
        ),
        (
            f"/fhir/Organization?identifier={HSA_ID}|{NEW_UNIT}&name=x",
            organization(NEW_UNIT, "Ny", "primarvard"),
            "Organization",
            "Villkoret stöder bara identifier, inte name.",
        ),
        (
            f"/fhir/Organization?identifier={HSA_ID}|SE2321000016-ANNAN",
            organization(NEW_UNIT, "Ny", "primarvard"),
            "Organization.identifier",
            "Resursens ska bära identifieraren i villkoret.",
        ),
        (
            f"/fhir/Organization?identifier={HSA_ID}|{NEW_UNIT}",
            {k: v for k, v in organization(NEW_UNIT, "Ny", "primarvard").items() if k != "meta"},
            "Organization.meta.lastUpdated",
            "källans tidpunkt (meta.lastUpdated) krävs",
        ),
        (
            f"/fhir/Organization?identifier={HSA_ID}|{NEW_UNIT}",
            organization(NEW_UNIT, "Ny", "okand_typ"),
            "Organization.type",
            "en enhetstyp ur https://fastkontakt.se/fhir/CodeSystem/unit-type krävs",
        ),
        (
            f"/fhir/Patient?identifier={PERSONNUMMER}|194001019804",
            patient("194001019804", "Fel", None),
            "Patient.identifier",
            "ett giltigt personnummer eller samordningsnummer krävs",
        ),
        (
            f"/fhir/Encounter?identifier={HOSPITAL}|E1",
            {**encounter("E1", NEWCOMER, NEW_UNIT, "2026-11-20"), "class": {"code": "AMB"}},
            "Encounter.class",
            "bara slutenvård (class IMP) tas emot",
        ),
    ],
)
@pytest.mark.django_db
def test_what_cannot_be_read_is_400_naming_it_and_nothing_is_written(
    world: World,
    region_importer: Api,
    registry_state: Callable[[], RegistryState],
    url: str,
    resource: dict[str, Any],
    expression: str,
    message: str,
) -> None:
    # given
    before = registry_state()
    # when
    response = region_importer.put(url, resource)
    # then
    assert response.status_code == 400, response.content
    issue = body(response)["issue"][0]
    assert (issue["expression"], issue["diagnostics"]) == ([expression], message.replace(
        "Resursens ska", "Resursen ska"
    ))
    assert registry_state() == before


@pytest.mark.django_db
def test_an_unknown_reference_is_422_and_nothing_is_written(
    world: World, region_importer: Api, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    before = registry_state()
    log_rows = AccessLogEntry.objects.count()
    # when: the person of the stay is not in the registry
    response = region_importer.put(
        f"/fhir/Encounter?identifier={HOSPITAL}|E1",
        encounter("E1", NEWCOMER, world.other.hsa_id, "2026-11-20"),
    )
    # then
    assert response.status_code == 422
    issue = body(response)["issue"][0]
    assert (issue["code"], issue["diagnostics"]) == (
        "processing",
        f"personen {NEWCOMER} finns inte i registret",
    )
    assert registry_state() == before
    assert AccessLogEntry.objects.count() == log_rows


def _entry(kind: str, condition: str, resource: dict[str, Any]) -> dict[str, Any]:
    request = {"method": "PUT", "url": f"{kind}?identifier={condition}"}
    return {"resource": resource, "request": request}


@pytest.mark.django_db
def test_a_transaction_of_conditional_updates_is_applied_together(
    world: World, region_importer: Api
) -> None:
    cases = _cases(world)
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_entry(kind, cases[kind][0], cases[kind][1]) for kind in KINDS],
    }
    # when
    response = region_importer.post("/fhir/", bundle)
    # then
    assert response.status_code == 200, response.content
    answer = body(response)
    assert answer["type"] == "transaction-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 6
    assert FeedRecord.objects.count() == 6
    # when: the same again
    again = body(region_importer.post("/fhir/", bundle))
    # then
    assert [e["response"]["status"] for e in again["entry"]] == ["200 OK"] * 6
    assert {e["response"]["outcome"]["issue"][0]["diagnostics"] for e in again["entry"]} == {
        "Samma innehåll som redan är infört: inget ändrades."
    }


@pytest.mark.django_db
def test_a_transaction_with_a_failing_entry_writes_nothing_and_names_it(
    world: World, region_importer: Api, registry_state: Callable[[], RegistryState]
) -> None:
    cases = _cases(world)
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            _entry("Organization", cases["Organization"][0], cases["Organization"][1]),
            _entry("Patient", f"{PERSONNUMMER}|{NEWCOMER}",
                   patient(NEWCOMER, "Nora Ny", "SE2321000016-FINNSEJ")),
        ],
    }
    before = registry_state()
    # when
    response = region_importer.post("/fhir/", bundle)
    # then
    assert response.status_code == 422
    issue = body(response)["issue"][0]
    assert (issue["expression"], issue["diagnostics"]) == (
        ["Bundle.entry[1]"],
        "okänd vårdcentral SE2321000016-FINNSEJ",
    )
    assert registry_state() == before


@pytest.mark.django_db
def test_a_batch_applies_each_entry_on_its_own(world: World, region_importer: Api) -> None:
    cases = _cases(world)
    unreadable = patient(NEWCOMER, "Nora Ny", None)
    del unreadable["meta"]
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            _entry("Organization", cases["Organization"][0], cases["Organization"][1]),
            _entry("Patient", f"{PERSONNUMMER}|{NEWCOMER}", unreadable),
            _entry("Encounter", f"{HOSPITAL}|E1",
                   encounter("E1", NEWCOMER, world.other.hsa_id, "2026-11-20")),
        ],
    }
    # when
    response = region_importer.post("/fhir/", bundle)
    # then
    assert response.status_code == 200, response.content
    answer = body(response)
    assert answer["type"] == "batch-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created", "400", "422"]
    assert answer["entry"][1]["response"]["outcome"]["issue"][0]["expression"] == [
        "Bundle.entry[1].resource.meta.lastUpdated"
    ]
    assert Unit.objects.filter(hsa_id=NEW_UNIT).exists()
    assert not Person.objects.filter(personal_id=NEWCOMER).exists()
    assert not InpatientStay.objects.exists()


@pytest.mark.django_db
def test_the_capability_statement_names_the_feed_profiles(world: World, reader: Api) -> None:
    # when
    statement = body(reader.get("/fhir/metadata"))
    # then
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    for kind, profile in PROFILES.items():
        assert resources[kind]["supportedProfile"] == [profile]
        assert resources[kind]["conditionalUpdate"] is True
        assert {"code": "update"} in resources[kind]["interaction"]
    assert T1  # the resources' times are the source's


@pytest.mark.parametrize("kind", ["Encounter", "ServiceRequest"])
@pytest.mark.django_db
def test_the_feed_only_resources_are_written_by_put_and_not_served(
    kind: str, world: World, region_importer: Api
) -> None:
    # when: read, search and a PUT without a token
    search = region_importer.get(f"/fhir/{kind}")
    instance = region_importer.get(f"/fhir/{kind}/1")
    anonymous = Api(token=None, client=region_importer.client).put(
        f"/fhir/{kind}?identifier={HOSPITAL}|E1", {"resourceType": kind}
    )
    # then
    assert (search.status_code, body(search)["issue"][0]["code"]) == (405, "not-supported")
    assert instance.status_code == 404
    assert anonymous.status_code == 401
    assert FeedRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_body_of_another_type_is_400(world: World, region_importer: Api) -> None:
    # when
    response = region_importer.put(
        f"/fhir/Organization?identifier={PERSONNUMMER}|{NEWCOMER}",
        patient(NEWCOMER, "Nora Ny", None),
    )
    # then
    assert response.status_code == 400
    assert body(response)["issue"][0]["diagnostics"] == "Kroppen ska vara en Organization-resurs."
    assert not Person.objects.filter(personal_id=NEWCOMER).exists()
