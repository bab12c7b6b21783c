"""The Patient's narrative shows the personnummer as people write it; searches take both forms."""

from __future__ import annotations

from fastkontakt.domain.identifiers import personal_id_display
from tests.fhir.conftest import Api, World, body
from tests.screen_text import screen_text_problems, visible_text


def test_the_narrative_shows_the_personnummer_with_its_hyphen(world: World, reader: Api) -> None:
    # when
    patient = body(reader.get(f"/fhir/Patient/{world.patient.pk}"))

    # then
    number = world.patient.personal_id
    assert patient["text"]["status"] == "generated"
    shown = visible_text(patient["text"]["div"])
    assert shown == f"{world.patient.name}, personnummer {personal_id_display(number)}"
    assert screen_text_problems(shown) == []
    # the identifier keeps the 12 digits of its OID
    assert patient["identifier"][0]["value"] == number


def test_a_search_takes_the_personnummer_with_or_without_hyphen(
    world: World, reader: Api
) -> None:
    number = world.patient.personal_id
    for written in (number, personal_id_display(number)):
        # when
        found = body(reader.get("/fhir/Patient", identifier=written))
        by_system = body(
            reader.get("/fhir/Patient", identifier=f"urn:oid:1.2.752.129.2.1.3.1|{written}")
        )
        # then
        assert [e["resource"]["id"] for e in found["entry"]] == [str(world.patient.pk)], written
        assert by_system["total"] == 1, written
