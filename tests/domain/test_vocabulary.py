"""Every code the registry, the rules and the access log can produce has a Swedish name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given

from fastkontakt.access import selectors as access_selectors
from fastkontakt.access.models import Action, Basis
from fastkontakt.domain import model, vocabulary
from fastkontakt.domain.appointment import EXTRA_RULES
from fastkontakt.domain.identifiers import personal_id_display
from fastkontakt.domain.rules import POLICIES, RULES
from fastkontakt.domain.rules.engine import PACKS
from fastkontakt.letters.models import DeliveryMethod, Recipient
from fastkontakt.registry import models as registry_models
from tests.strategies import personal_ids

SOURCE = Path(__file__).resolve().parents[2] / "src" / "fastkontakt"


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        ("rule", {*RULES, *EXTRA_RULES}),
        ("policy", set(POLICIES)),
        ("pack", set(PACKS)),
        ("unit_type", set(model.UNIT_TYPES)),
        ("profession", set(model.PROFESSIONS)),
        ("contact_kind", set(model.CONTACT_KINDS)),
        ("residence", set(model.RESIDENCES)),
        ("need", set(model.NEEDS)),
        ("service", set(model.SERVICES)),
        ("visit_kind", set(model.VISIT_KINDS)),
        ("appointment_reason", {v for v, _ in registry_models.APPOINTMENT_REASON_CHOICES}),
        ("end_reason", {v for v, _ in registry_models.END_REASON_CHOICES}),
        ("handover_reason", {v for v, _ in registry_models.HANDOVER_REASON_CHOICES}),
        ("delivery_method", set(DeliveryMethod.values)),
        ("recipient", set(Recipient.values)),
        ("log_action", set(Action.values)),
        ("log_basis", set(Basis.values)),
        (
            "log_flag",
            {
                getattr(access_selectors, name)
                for name in dir(access_selectors)
                if name.startswith("FLAG_")
            },
        ),
    ],
)
def test_every_code_has_a_swedish_name(table: str, codes: set[str]) -> None:
    # given a table and every code that can be stored in it
    # when each is looked up
    names = {code: vocabulary.swedish(table, code) for code in codes}
    # then each has a name, and no name is the code itself
    assert codes
    assert [
        code for code, name in names.items() if not name or name == code and code != "1177"
    ] == []


def _logged_what_values() -> set[str]:
    """Every literal ``what`` the code writes to the access log (and the constants it passes)."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"\bwhat(?:: str)?\s*=\s*\"([a-z_]+(?:\.[A-Za-z_]+)*)\"", text))
        found |= set(re.findall(r"^CARE_TEAM_UPDATE = \"([^\"]+)\"", text, re.MULTILINE))
        found |= set(re.findall(r"\"(fhir\.[A-Za-z]+\.(?:read|search))\"", text))
    return found


def test_every_logged_what_has_a_swedish_name() -> None:
    # given every value written as the "what" of an access-log entry
    whats = _logged_what_values()
    # then
    assert {"person.page", "contact.handover", "person.residence", "worklist"} <= whats
    assert sorted(whats - set(vocabulary.LOG_WHAT)) == []


def test_an_unknown_code_is_an_error_not_a_code_on_screen() -> None:
    with pytest.raises(vocabulary.UnknownCode, match="ny-regel"):
        vocabulary.swedish("rule", "ny-regel")
    with pytest.raises(vocabulary.UnknownCode):
        vocabulary.swedish("no-such-table", "x")
    with pytest.raises(vocabulary.UnknownCode):
        vocabulary.swedish_flags("emergency,hemlig")


def test_flags_read_as_swedish() -> None:
    assert vocabulary.swedish_flags("emergency,no_relationship") == (
        "Nödåtkomst, Utan vårdrelation"
    )
    assert vocabulary.swedish_flags("") == ""


def test_the_registry_choices_are_the_vocabulary() -> None:
    assert dict(registry_models.CONTACT_KIND_CHOICES) == dict(vocabulary.CONTACT_KINDS)
    assert dict(registry_models.POLICY_CHOICES)["norrbotten"] == "Region Norrbotten"
    assert dict(registry_models.END_REASON_CHOICES)["samordning_overford"] == (
        "Samordningsansvaret fördes över"
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 uppdrag är överlämnade"),
        (1, "1 uppdrag är överlämnat"),
        (2, "2 uppdrag är överlämnade"),
        (21, "21 uppdrag är överlämnade"),
    ],
)
def test_count_phrase_agrees_with_the_number(count: int, expected: str) -> None:
    assert (
        vocabulary.count_phrase(count, "uppdrag är överlämnat", "uppdrag är överlämnade")
        == expected
    )


def test_a_personnummer_is_shown_with_its_hyphen() -> None:
    assert personal_id_display("195807095566") == "19580709-5566"
    assert personal_id_display("195807695566") == "19580769-5566"  # samordningsnummer
    # what is not 12 ASCII digits is shown as it is, never reshaped
    assert personal_id_display("") == ""
    assert personal_id_display("19580709-5566") == "19580709-5566"
    assert personal_id_display("１９５８０７０９５５６６") == "１９５８０７０９５５６６"


@given(personal_ids())
def test_display_and_parse_agree(number: str) -> None:
    from fastkontakt.domain.identifiers import parse_personal_id

    shown = personal_id_display(number)
    assert re.fullmatch(r"[0-9]{8}-[0-9]{4}", shown)
    assert parse_personal_id(shown).number == number
