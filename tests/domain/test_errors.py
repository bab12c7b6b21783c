"""One home for errors: every refusal carries problems of one shape, located where they are."""

from __future__ import annotations

from fastkontakt.domain.errors import (
    SUCCESSOR_PATH,
    AppointmentRefused,
    ChangeRefused,
    HandoverRefused,
    InvalidInput,
    InvalidScenario,
    Problem,
    Refusal,
    contact_pk_of,
)
from fastkontakt.domain.planning.formats import InvalidPlanningFile


def test_every_refusal_is_one_kind_with_one_problem_shape() -> None:
    problem = Problem("start", "Ange ett datum.")
    refusals = [
        InvalidInput([problem]),
        InvalidScenario([problem]),
        InvalidPlanningFile([problem]),
        ChangeRefused([problem]),
        AppointmentRefused([Problem("", "Ingen läkare.", "lakarkontakt-profession", "HSL")]),
    ]
    assert all(isinstance(r, Refusal) for r in refusals)
    assert [r.about_input for r in refusals] == [True, True, True, False, False]
    assert all(isinstance(p, Problem) for r in refusals for p in r.problems)
    assert str(refusals[0]) == "start: Ange ett datum."


def test_a_handovers_problems_are_located_at_their_contacts() -> None:
    refused = HandoverRefused(
        [
            Problem(SUCCESSOR_PATH.format(pk=7), "Inte legitimerad.", "a"),
            Problem(SUCCESSOR_PATH.format(pk=7), "Slutar.", "b"),
            Problem(SUCCESSOR_PATH.format(pk=9), "Fel enhet.", "c"),
            Problem("effective", "Ange ett datum."),
        ]
    )
    assert {pk: [p.rule for p in found] for pk, found in refused.by_contact.items()} == {
        7: ["a", "b"],
        9: ["c"],
    }
    assert contact_pk_of("successors[x]") is None
    assert contact_pk_of("effective") is None
