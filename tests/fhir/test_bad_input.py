"""Text no input may carry and bodies no one can read: 400 OperationOutcomes, nothing written.

The text rule is ADR 0011's (``domain.text``): the same characters are refused in a FHIR body,
a search parameter, a scenario file and a staff page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fastkontakt.demo.population import demo_scenario
from fastkontakt.fhir.mappers.codes import CONTACT_ROLE, EXT_LOCAL_TITLE
from fastkontakt.fhir.mappers.population import population_bundle
from fastkontakt.registry.models import Contact
from tests.conftest import RegistryState
from tests.factories import StaffFactory
from tests.fhir.conftest import Api, World, body

ZERO_WIDTH = "Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 7."
UNREADABLE_FORM = (
    "Kroppen kan inte läsas som formulär. Sökparametrar skickas som "
    "application/x-www-form-urlencoded i UTF-8 (multipart/form-data kräver en boundary)."
)


def issues(response: Any) -> list[tuple[str, str, list[str] | None]]:
    outcome = body(response)
    assert outcome["resourceType"] == "OperationOutcome"
    return [(i["code"], i["diagnostics"], i.get("expression")) for i in outcome["issue"]]


def _new_participant(world: World, today: date, local_title: str) -> dict[str, Any]:
    from fastkontakt.registry.models import StaffUnit

    doctor = StaffFactory(name="Nils Nyläkare", profession="lakare")
    StaffUnit.objects.create(staff=doctor, unit=world.centre)
    return {
        "role": [{"coding": [{"system": CONTACT_ROLE, "code": "fast_lakarkontakt"}]}],
        "member": {"reference": f"PractitionerRole/{doctor.pk}-{world.centre.pk}"},
        "onBehalfOf": {"reference": f"Organization/{world.centre.pk}"},
        "period": {"start": today.isoformat()},
        "extension": [{"url": EXT_LOCAL_TITLE, "valueString": local_title}],
    }


def test_a_care_team_with_a_zero_width_space_is_400_naming_the_element_and_writes_nothing(
    writer: Api, world: World, today: date, registry_state: Callable[[], RegistryState]
) -> None:
    # given the patient's team, its doctor replaced by one whose local title hides a U+200B
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    team["participant"] = [
        team["participant"][0],
        _new_participant(world, today, "läkare\u200b i team"),
    ]
    before = registry_state()
    # when
    response = writer.put(path, team)
    # then
    assert response.status_code == 400
    assert issues(response) == [
        ("invalid", ZERO_WIDTH, ["CareTeam.participant[1].extension[0].valueString"])
    ]
    assert registry_state() == before


def test_every_refused_string_key_and_number_of_a_body_is_an_issue(
    writer: Api, world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given a body with a lone surrogate, a bidi override in a key and a 5 000-digit number
    path = f"/fhir/CareTeam/{world.patient.pk}"
    text = (
        '{"resourceType": "CareTeam", "name": "Team\\ud800", "x\\u202e": 1, '
        '"participant": [{"period": {"start": ' + "9" * 5000 + "}}]}"
    )
    before = registry_state()
    # when
    response = writer.put(path, text)
    # then
    assert response.status_code == 400
    assert issues(response) == [
        (
            "invalid",
            "Otillåtet tecken U+D800 (ensamt surrogattecken, ogiltig Unicode) på plats 5.",
            ["CareTeam.name"],
        ),
        (
            "invalid",
            "Otillåtet tecken U+202E (osynligt styrtecken för textriktning) på plats 2.",
            ["CareTeam.x\\u202e"],
        ),
        (
            "invalid",
            "Talet har 5000 siffror; inget tal här har fler än 40.",
            ["CareTeam.participant[0].period.start"],
        ),
    ]
    assert registry_state() == before


def test_line_breaks_are_allowed_in_narrative_and_notes_only(writer: Api, world: World) -> None:
    # given the current team with a narrative and a note over several lines
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    multi_line = {
        **team,
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml">\n\t<p>Team</p>\r\n</div>',
        },
        "note": [{"text": "Första raden\nandra raden"}],
    }
    # when
    accepted = writer.put(path, multi_line)
    refused = writer.put(path, {**team, "name": "Team\nNorrby"})
    # then
    assert accepted.status_code == 200, accepted.content
    assert refused.status_code == 400
    assert issues(refused) == [
        ("invalid", "Otillåtet tecken U+000A (radbrytning) på plats 5.", ["CareTeam.name"])
    ]


def test_a_local_title_is_stored_in_nfc(writer: Api, world: World, today: date) -> None:
    # given a local title typed as "o" + combining diaeresis
    path = f"/fhir/CareTeam/{world.patient.pk}"
    team = body(writer.get(path))
    team["participant"] = [team["participant"][0], _new_participant(world, today, "Lo\u0308kal")]
    # when
    response = writer.put(path, team)
    # then
    assert response.status_code == 200, response.content
    new = Contact.objects.get(person=world.patient, end=None, kind="fast_lakarkontakt")
    assert new.local_title == "Lökal"


def test_an_import_with_a_bidi_override_in_a_name_is_400_and_writes_nothing(
    world: World,
    api_for: Callable[..., Api],
    today: date,
    registry_state: Callable[[], RegistryState],
) -> None:
    # given a population whose first person's name carries U+202E
    importer = api_for(world.centre, "system/*.read", "system/*.write")
    document = population_bundle(demo_scenario(people=5, seed=5, as_of=today))
    index, entry = next(
        (i, e)
        for i, e in enumerate(document["entry"])
        if e["resource"]["resourceType"] == "Patient"
    )
    entry["resource"]["name"][0]["text"] = "\u202eAnna Berg"
    before = registry_state()
    # when
    response = importer.post("/fhir/", document)
    # then
    assert response.status_code == 400
    assert issues(response) == [
        (
            "invalid",
            "Otillåtet tecken U+202E (osynligt styrtecken för textriktning) på plats 1.",
            [f"Bundle.entry[{index}].resource.name[0].text"],
        )
    ]
    assert registry_state() == before


@pytest.mark.parametrize(
    ("path", "params", "message", "expression"),
    [
        (
            "/fhir/Patient",
            {"name": "An\u202ena"},
            "Otillåtet tecken U+202E (osynligt styrtecken för textriktning) på plats 3.",
            "name",
        ),
        (
            "/fhir/Patient",
            {"name": "An\x00na"},
            "Otillåtet tecken U+0000 (nolltecken) på plats 3.",
            "name",
        ),
        (
            "/fhir/CareTeam",
            {"patient.identifier": "urn:oid:1.2.752.129.2.1.3.1|19121212\u200b1212"},
            "Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 37.",
            "patient.identifier",
        ),
        (
            "/fhir/Practitioner",
            {"name": "Sara\u2066"},
            "Otillåtet tecken U+2066 (osynligt styrtecken för textriktning) på plats 5.",
            "name",
        ),
    ],
)
def test_a_search_parameter_with_a_refused_character_is_400_naming_it(
    reader: Api, path: str, params: dict[str, str], message: str, expression: str
) -> None:
    # when
    response = reader.get(path, **params)
    # then
    assert response.status_code == 400
    assert issues(response) == [("invalid", message, [expression])]


def test_a_search_posted_as_a_form_follows_the_same_rule(reader: Api) -> None:
    # when
    response = reader.post_form("/fhir/Patient/_search", {"name": "Greta\u200b"})
    # then
    assert response.status_code == 400
    assert issues(response) == [
        ("invalid", "Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats 6.", ["name"])
    ]


@pytest.mark.parametrize("resource", ["Patient", "CareTeam"])
@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("multipart/form-data", b"name=Greta"),
        ("multipart/form-data; boundary=", b"name=Greta"),
        ("application/x-www-form-urlencoded; charset=latin-1", b"name=Gr\xe9ta"),
        (
            "application/x-www-form-urlencoded",
            "&".join(f"p{i}=1" for i in range(1100)).encode("ascii"),
        ),
    ],
    ids=["multipart-without-boundary", "empty-boundary", "latin-1", "too-many-fields"],
)
def test_a_search_body_that_cannot_be_read_is_400_not_500(
    reader: Api, resource: str, content_type: str, data: bytes
) -> None:
    # when
    response = reader.client.generic(
        "POST",
        f"/fhir/{resource}/_search",
        data,
        content_type=content_type,
        headers={"Authorization": f"Bearer {reader.token}"},
    )
    # then
    assert response.status_code == 400
    assert issues(response) == [("structure", UNREADABLE_FORM, None)]


def test_json_that_cannot_be_decoded_is_400(
    writer: Api, world: World, registry_state: Callable[[], RegistryState]
) -> None:
    # given JSON nested deeper than the decoder goes
    path = f"/fhir/CareTeam/{world.patient.pk}"
    deep = '{"resourceType": "CareTeam", "note": ' + "[" * 100_000 + "]" * 100_000 + "}"
    before = registry_state()
    # when
    response = writer.put(path, deep)
    # then
    assert response.status_code == 400
    assert issues(response) == [("structure", "Kroppen är inte giltig JSON.", None)]
    assert registry_state() == before
