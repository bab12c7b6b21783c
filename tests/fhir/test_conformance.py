"""Conformance of the API to FHIR R4 (issue 15, item 3): what a third-party client or the official
schema found. Every body answered in these tests is also checked against the R4 JSON schema
(``conftest._every_response_is_valid_fhir``)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastkontakt.access.models import AccessLogEntry
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.fhir.mappers.codes import HSA_ID, PERSONNUMMER, RULE, SAMORDNINGSNUMMER
from fastkontakt.registry.models import Contact, Person
from tests.factories import ContactFactory, PersonFactory
from tests.fhir.conftest import Api, World, body
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




# --- search parameters ----------------------------------------------------------------------------

STRICT = {"Prefer": "handling=strict"}
SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [
        e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode
    ]


def _self(bundle: dict[str, Any]) -> str:
    return next(link["url"] for link in bundle["link"] if link["relation"] == "self")


def test_an_unknown_parameter_is_400_naming_it_when_strict(reader: Api, world: World) -> None:
    # when
    response = reader.get(
        "/fhir/CareTeam", headers=STRICT, colour="red", patient=str(world.patient.pk)
    )
    # then
    outcome = body(response)
    assert response.status_code == 400
    assert [i["expression"] for i in outcome["issue"]] == [["colour"]]
    assert "colour" in outcome["issue"][0]["diagnostics"]


def test_an_unknown_parameter_is_ignored_and_left_out_of_self_when_lenient(
    reader: Api, world: World
) -> None:
    # when
    bundle = body(reader.get("/fhir/CareTeam", colour="red", patient=str(world.patient.pk)))
    # then
    assert _ids(bundle) == [str(world.patient.pk)]
    assert "colour" not in _self(bundle)
    assert "patient=" in _self(bundle)
    (outcome,) = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert [(i["severity"], i["expression"]) for i in outcome["issue"]] == [
        ("warning", ["colour"])
    ]


def test_unsupported_modifiers_values_and_includes_are_refused_when_strict(reader: Api) -> None:
    for params in (
        {"status:not": "active"},
        {"_include": "CareTeam:nothing"},
        {"_summary": "text"},
        {"_sort": "status"},
        {"_elements": "subject,1x"},
    ):
        # when
        response = reader.get("/fhir/CareTeam", headers=STRICT, **params)
        # then
        assert response.status_code == 400, params
        assert body(response)["issue"][0]["expression"] == [next(iter(params))]
        # and lenient: ignored
        lenient = reader.get("/fhir/CareTeam", **params)
        assert lenient.status_code == 200, params
        assert next(iter(params)) not in _self(body(lenient)), params


def test_the_type_qualified_chain_fhirpy_sends_finds_one_team(reader: Api, world: World) -> None:
    # given: a second person in the unit's care, whom the chain must not find
    PersonFactory(listed_at=world.centre)
    value = f"{PERSONNUMMER}|{world.patient.personal_id}"
    for headers in ({}, STRICT):
        # when
        bundle = body(
            reader.get("/fhir/CareTeam", headers=headers, **{"patient:Patient.identifier": value})
        )
        # then
        assert bundle["total"] == 1
        assert _ids(bundle) == [str(world.patient.pk)]
    # a chain through another type is not the declared one
    wrong = reader.get("/fhir/CareTeam", headers=STRICT, **{"patient:Group.identifier": value})
    assert wrong.status_code == 400
    # and the type modifier on a reference
    bundle = body(
        reader.get("/fhir/CareTeam", headers=STRICT, **{"patient:Patient": str(world.patient.pk)})
    )
    assert _ids(bundle) == [str(world.patient.pk)]


def test_an_absolute_reference_to_this_server_is_understood(reader: Api, world: World) -> None:
    # when
    bundle = body(
        reader.get("/fhir/CareTeam", patient=f"http://testserver/fhir/Patient/{world.patient.pk}")
    )
    elsewhere = reader.get(
        "/fhir/CareTeam", patient=f"http://elsewhere.example/fhir/Patient/{world.patient.pk}"
    )
    # then
    assert _ids(bundle) == [str(world.patient.pk)]
    assert elsewhere.status_code == 400


def test_summary_count_gives_the_total_only_and_reads_no_one(reader: Api, world: World) -> None:
    # given
    logged = AccessLogEntry.objects.count()
    # when
    bundle = body(reader.get("/fhir/CareTeam", headers=STRICT, _summary="count", _total="accurate"))
    # then
    assert bundle["total"] == 1
    assert "entry" not in bundle
    assert AccessLogEntry.objects.count() == logged


def test_elements_gives_the_elements_asked_for_marked_subsetted(reader: Api, world: World) -> None:
    # when
    bundle = body(reader.get("/fhir/CareTeam", headers=STRICT, _elements="subject,status"))
    # then
    team = bundle["entry"][0]["resource"]
    assert set(team) == {"resourceType", "id", "meta", "subject", "status"}
    assert {"system": SUBSETTED_SYSTEM, "code": "SUBSETTED"} in team["meta"]["tag"]


def test_sort_by_date_orders_the_teams_by_their_first_day(
    reader: Api, world: World, today: date
) -> None:
    # given: a second person whose team began earlier
    earlier = PersonFactory(listed_at=world.centre)
    ContactFactory(
        person=earlier,
        kind="fast_lakarkontakt",
        staff=world.doctor,
        unit=world.centre,
        start=today - timedelta(days=400),
    )
    # when
    ascending = body(reader.get("/fhir/CareTeam", headers=STRICT, _sort="date"))
    descending = body(reader.get("/fhir/CareTeam", headers=STRICT, _sort="-date"))
    # then
    assert _ids(ascending) == [str(earlier.pk), str(world.patient.pk)]
    assert _ids(descending) == [str(world.patient.pk), str(earlier.pk)]


def test_date_takes_a_date_time(reader: Api, world: World, today: date) -> None:
    # when
    since = body(reader.get("/fhir/CareTeam", date=f"ge{today.isoformat()}T08:00:00+01:00"))
    before = body(reader.get("/fhir/CareTeam", date="lt2000-01-01T00:00:00Z"))
    # then
    assert _ids(since) == [str(world.patient.pk)]
    assert before["total"] == 0


def test_include_participant_practitioner_role_adds_the_roles(reader: Api, world: World) -> None:
    # when
    bundle = body(
        reader.get(
            "/fhir/CareTeam",
            headers=STRICT,
            patient=str(world.patient.pk),
            _include="CareTeam:participant:PractitionerRole",
        )
    )
    # then
    assert sorted(_ids(bundle, "include")) == sorted(
        [f"{world.nurse.pk}-{world.centre.pk}", f"{world.doctor.pk}-{world.centre.pk}"]
    )


def test_count_above_the_cap_is_capped_not_refused(reader: Api) -> None:
    # when
    response = reader.get("/fhir/CareTeam", _count="5000")
    # then
    assert response.status_code == 200
    assert "_count=200" in _self(body(response))


def test_the_capability_statement_declares_what_search_supports(reader: Api) -> None:
    # when
    statement = body(reader.get("/fhir/metadata"))
    # then
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    team = resources["CareTeam"]
    params = {p["name"] for p in team["searchParam"]}
    assert {"_count", "_summary", "_total", "_elements", "_sort", "patient", "date"} <= params
    assert "CareTeam:participant:PractitionerRole" in team["searchInclude"]
    assert "_lastUpdated" in {p["name"] for p in resources["AuditEvent"]["searchParam"]}
    assert "_lastUpdated" not in params  # the registry keeps no time a team was last changed
    # versions: updates against a version, but no history is kept (ADR 0022)
    assert team["versioning"] == "versioned-update"
    assert team["readHistory"] is False
    assert team["updateCreate"] is False
    assert {i["code"] for i in team["interaction"]} == {"read", "search-type", "update"}


# --- tokens ---------------------------------------------------------------------------------------


def test_a_token_matches_system_and_code_exactly(reader: Api, world: World) -> None:
    number = world.patient.personal_id
    cases = {
        f"{PERSONNUMMER}|{number}": [str(world.patient.pk)],
        number: [str(world.patient.pk)],
        f"{SAMORDNINGSNUMMER}|{number}": [],
        f"http://example.org|{number}": [],
        f"|{number}": [],
    }
    for value, expected in cases.items():
        # when
        patients = body(reader.get("/fhir/Patient", identifier=value))
        teams = body(reader.get("/fhir/CareTeam", **{"patient.identifier": value}))
        # then
        assert _ids(patients) == expected, value
        assert _ids(teams) == expected, value


def test_an_hsa_id_token_matches_only_in_the_hsa_system(reader: Api, world: World) -> None:
    hsa = world.centre.hsa_id
    cases = {
        f"{HSA_ID}|{hsa}": [str(world.centre.pk)],
        hsa: [str(world.centre.pk)],
        f"http://example.org|{hsa}": [],
        f"|{hsa}": [],
    }
    for value, expected in cases.items():
        assert _ids(body(reader.get("/fhir/Organization", identifier=value))) == expected, value


def test_task_code_and_care_plan_category_match_their_system(
    reader: Api, world: World, today: date
) -> None:
    # given: a finding (a fast vårdkontakt needed and missing)
    Person.objects.filter(pk=world.patient.pk).update(needs=["samordningsbehov"])
    Contact.objects.filter(pk=world.fvk.pk).update(end=today - timedelta(days=1))
    findings_refresh(as_of=today)
    patient = f"Patient/{world.patient.pk}"
    cases = {
        "contact-needed": 1,
        f"{RULE}|contact-needed": 1,
        "http://example.org|contact-needed": 0,
        "|contact-needed": 0,
    }
    for code, expected in cases.items():
        # when
        tasks = body(reader.get("/fhir/Task", patient=patient, code=code))
        # then
        assert tasks["total"] == expected, code
    for category in ("http://example.org|sip", "|sip"):
        assert body(reader.get("/fhir/CarePlan", category=category))["total"] == 0


# --- the access log: stable pages -----------------------------------------------------------------


def test_audit_event_pages_are_a_snapshot(
    reader: Api, world: World, api_for: Callable[..., Api]
) -> None:
    # given: 23 reads logged, and a reviewer paging through the log 5 at a time
    for _ in range(23):
        reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    reviewer = api_for(world.centre, "system/AuditEvent.read")
    url: str | None = "/fhir/AuditEvent?_count=5"
    totals, ids, pages = [], [], 0
    # when: following the next links (each page read is itself logged)
    while url is not None and pages < 20:
        page = body(reviewer.client.get(url, headers=reviewer._headers({})))
        pages += 1
        totals.append(page["total"])
        ids.extend(_ids(page))
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    # then
    assert url is None
    assert len(set(totals)) == 1
    assert len(ids) == len(set(ids)) == totals[0]
    assert pages == -(-totals[0] // 5)
    assert AccessLogEntry.objects.filter(what="fhir.AuditEvent.search").count() > 0


def test_audit_event_last_updated_and_sort(
    reader: Api, world: World, api_for: Callable[..., Api], today: date
) -> None:
    # given
    reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    reader.get(f"/fhir/CareTeam/{world.patient.pk}")
    reviewer = api_for(world.centre, "system/AuditEvent.read")
    tomorrow = (today + timedelta(days=1)).isoformat()
    # when
    future = body(reviewer.get("/fhir/AuditEvent", headers=STRICT, _lastUpdated=f"ge{tomorrow}"))
    oldest = body(reviewer.get("/fhir/AuditEvent", headers=STRICT, _sort="_lastUpdated"))
    newest = body(reviewer.get("/fhir/AuditEvent", headers=STRICT, _sort="-date"))
    # then
    assert future["total"] == 0
    assert [int(i) for i in _ids(oldest)] == sorted(int(i) for i in _ids(oldest))
    assert [int(i) for i in _ids(newest)] == sorted((int(i) for i in _ids(newest)), reverse=True)


# --- formats and HEAD ----------------------------------------------------------------------------


def test_xml_asked_for_is_406_and_json_among_others_is_served(reader: Api, world: World) -> None:
    path = f"/fhir/CareTeam/{world.patient.pk}"
    assert reader.get(path, headers={"Accept": "application/fhir+xml"}).status_code == 406
    assert reader.get(path, _format="xml").status_code == 406
    assert reader.get("/fhir/CareTeam", _format="application/fhir+xml").status_code == 406
    assert reader.get("/fhir/metadata", headers={"Accept": "application/xml"}).status_code == 406
    mixed = "application/fhir+xml, application/fhir+json;q=0.8"
    assert reader.get(path, headers={"Accept": mixed}).status_code == 200
    assert reader.get(path, headers={"Accept": "*/*"}).status_code == 200
    assert reader.get(path, _format="json").status_code == 200


def test_an_xml_body_is_415_and_nothing_is_written(writer: Api, world: World) -> None:
    # given
    before = list(Contact.objects.order_by("pk").values_list("pk", "end"))
    xml = f'<CareTeam xmlns="http://hl7.org/fhir"><id value="{world.patient.pk}"/></CareTeam>'
    # when
    response = writer.client.put(
        f"/fhir/CareTeam/{world.patient.pk}",
        xml,
        content_type="application/fhir+xml",
        headers=writer._headers({}),
    )
    # then
    assert response.status_code == 415
    assert body(response)["issue"][0]["code"] == "not-supported"
    assert list(Contact.objects.order_by("pk").values_list("pk", "end")) == before


def test_head_is_answered_as_get_without_a_body(reader: Api, world: World) -> None:
    # when
    read = reader.client.head(f"/fhir/CareTeam/{world.patient.pk}", headers=reader._headers({}))
    metadata = reader.client.head("/fhir/metadata")
    # then
    assert read.status_code == 200
    assert read.content == b""
    assert read["ETag"].startswith('W/"')
    assert metadata.status_code == 200
    assert metadata.content == b""


# --- writes ---------------------------------------------------------------------------------------


def test_a_write_answers_location_etag_last_modified_and_the_preferred_body(
    writer: Api, world: World
) -> None:
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    answers = {
        preference: writer.put(path, team, headers={"Prefer": f"return={preference}"})
        for preference in ("minimal", "representation", "OperationOutcome")
    }
    for preference, response in answers.items():
        assert response.status_code == 200, preference
        assert response["Location"] == f"http://testserver{path}", preference
        assert response["ETag"] == f'W/"{team["meta"]["versionId"]}"', preference
        assert response["Last-Modified"].endswith(" GMT"), preference
    assert answers["minimal"].content == b""
    assert body(answers["representation"])["resourceType"] == "CareTeam"
    outcome = body(answers["OperationOutcome"])
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["severity"] == "information"


def test_a_transaction_answers_each_entry_as_prefer_asks(writer: Api, world: World) -> None:
    # given
    team = body(writer.get(f"/fhir/CareTeam/{world.patient.pk}"))
    bundle = _transaction((team, None))
    for preference, has_resource, has_outcome in (
        ("minimal", False, False),
        ("representation", True, False),
        ("OperationOutcome", False, True),
    ):
        # when
        response = writer.post("/fhir/", bundle, headers={"Prefer": f"return={preference}"})
        # then
        (entry,) = body(response)["entry"]
        assert ("resource" in entry) is has_resource, preference
        assert ("outcome" in entry["response"]) is has_outcome, preference
        assert entry["response"]["location"] == f"CareTeam/{world.patient.pk}"
        assert entry["response"]["etag"] == f'W/"{team["meta"]["versionId"]}"'
        assert "lastModified" in entry["response"]


def test_task_search_for_an_unknown_patient_is_an_empty_bundle(reader: Api, world: World) -> None:
    # given
    refused = AccessLogEntry.objects.filter(personal_id=world.outsider.personal_id).count()
    # when
    unknown = reader.get("/fhir/Task", patient="Patient/987654")
    outsider = reader.get("/fhir/Task", patient=f"Patient/{world.outsider.pk}")
    # then
    for response in (unknown, outsider):
        assert response.status_code == 200
        bundle = body(response)
        assert bundle["total"] == 0
        assert "entry" not in bundle
    assert (
        AccessLogEntry.objects.filter(personal_id=world.outsider.personal_id).count()
        == refused + 1
    )


def _transaction(*entries: tuple[dict[str, Any], str | None]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:00000000-0000-0000-0000-00000000000{i}",
                "resource": team,
                "request": {"method": "PUT", "url": f"CareTeam/{team['id']}"}
                | ({"ifMatch": if_match} if if_match else {}),
            }
            for i, (team, if_match) in enumerate(entries)
        ],
    }


def test_a_failed_transaction_names_the_entry(writer: Api, world: World, today: date) -> None:
    # given: a good first entry (ending the doctor) and a second that fails in each way
    team = body(writer.get(f"/fhir/CareTeam/{world.patient.pk}"))
    other = PersonFactory(listed_at=world.centre)
    other_team = body(writer.get(f"/fhir/CareTeam/{other.pk}"))
    ending = copy.deepcopy(team)
    ending["participant"][1]["period"]["end"] = today.isoformat()
    unreadable = {**other_team, "participant": [{"role": [], "member": {"reference": "x"}}]}
    outsider = {
        **other_team,
        "id": str(world.outsider.pk),
        "subject": {"reference": f"Patient/{world.outsider.pk}"},
    }
    before = list(Contact.objects.order_by("pk").values_list("pk", "end"))
    cases = [
        ((other_team, 'W/"0000"'), 412, "Bundle.entry[1]"),
        ((other_team, "bad"), 412, None),
        ((unreadable, None), 400, "Bundle.entry[1].resource.participant[0]"),
        ((outsider, None), 404, "Bundle.entry[1]"),
    ]
    for second, status, expression in cases:
        # when
        response = writer.post("/fhir/", _transaction((ending, None), second))
        # then
        outcome = body(response)
        assert response.status_code == status, outcome
        if expression is not None:
            assert outcome["issue"][0]["expression"] == [expression], outcome
        assert list(Contact.objects.order_by("pk").values_list("pk", "end")) == before


def test_the_schema_check_looks_into_the_entries_of_a_bundle() -> None:
    # given: a Bundle whose entry holds a CareTeam R4 refuses, and one with no resourceType
    bad_entry = {"resource": {"resourceType": "CareTeam", "status": "busy"}}
    untyped = {"resource": {"status": "active"}}
    unknown_type = {"resource": {"resourceType": "Teapot"}}
    # then
    for entry in (bad_entry, untyped, unknown_type):
        bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [entry]}
        assert schema_problems(bundle) != [], entry
    good = {"resource": {"resourceType": "CareTeam", "status": "active"}}
    assert schema_problems({"resourceType": "Bundle", "type": "searchset", "entry": [good]}) == []
