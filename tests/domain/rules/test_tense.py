"""Findings speak of what has happened in the past tense and of what will happen in the present."""

from __future__ import annotations

import pytest

from fastkontakt.domain.rules import POLICIES, Directory, evaluate_patient
from fastkontakt.domain.vocabulary import tensed
from tests.domain.rules.builders import AS_OF, UNITS, contact, d, person, staff_with

FVK = "fast_vardkontakt"


def _vacancy_message(**staff_changes: object) -> str:
    patient = person(contacts=(contact(FVK, staff="NURSE"),))
    directory = Directory.of(UNITS, staff_with("NURSE", **staff_changes))
    found = [
        f.message
        for f in evaluate_patient(patient, directory, as_of=AS_OF, policy=POLICIES["national"])
        if f.rule == "contact-vacancy"
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("changes", "start"),
    [
        ({"employment_end": d("2026-11-01")}, "Karin Sköterska slutade 2026-11-01;"),
        ({"employment_end": AS_OF}, f"Karin Sköterska slutar {AS_OF.isoformat()};"),
        ({"employment_end": d("2026-12-01")}, "Karin Sköterska slutar 2026-12-01;"),
        (
            {"absences": [("2026-11-01", "2027-03-01")]},
            "Karin Sköterska är borta en längre period sedan 2026-11-01;",
        ),
        (
            {"absences": [(AS_OF.isoformat(), "2027-03-01")]},
            f"Karin Sköterska är borta en längre period sedan {AS_OF.isoformat()};",
        ),
        (
            {"absences": [("2026-12-01", "2027-03-01")]},
            "Karin Sköterska är borta en längre period från 2026-12-01;",
        ),
    ],
)
def test_a_vacancy_in_the_past_is_told_in_the_past_tense(
    changes: dict[str, object], start: str
) -> None:
    assert _vacancy_message(**changes).startswith(start)


def test_tensed_turns_at_today() -> None:
    assert tensed(d("2026-11-21"), d("2026-11-22"), past="slutade", present="slutar") == "slutade"
    assert tensed(d("2026-11-22"), d("2026-11-22"), past="slutade", present="slutar") == "slutar"
