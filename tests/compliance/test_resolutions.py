"""The resolution table: every rule of the catalogue has a way to resolve it, and the roles it
names are the roles the services check."""

from __future__ import annotations

from fastkontakt.compliance import resolutions
from fastkontakt.compliance.resolutions import RESOLUTIONS, resolution_for
from fastkontakt.compliance.worklists import RULE_KIND
from fastkontakt.domain.model import UNIT_TYPES
from fastkontakt.domain.rules.engine import RULES
from fastkontakt.letters.selectors import LETTER_ROLES
from fastkontakt.registry.services.care import DECIDING_ROLES, RECORDING_ROLES
from fastkontakt.registry.services.contacts import APPOINTING_ROLES


def test_the_table_covers_every_rule_of_the_engines_catalogue() -> None:
    # then: exactly the engine's rules, v1 and v2 alike
    assert set(RESOLUTIONS) == set(RULES)
    assert {"contact-needed", "residential-care-contact"} <= set(RESOLUTIONS)
    assert all(RESOLUTIONS[rule] for rule in RULES)


def test_every_patient_level_rule_names_the_kind_it_is_about() -> None:
    # given the rules whose findings name no contact (their kind comes from RULE_KIND)
    contact_level = {
        "omsorgskontakt-profession",
        "lakarkontakt-profession",
        "lakarkontakt-listed-unit",
        "contact-staff-at-unit",
        "contact-informed",
        "contact-vacancy",
        "coordinator-setting",
        "contact-eligible",
    }
    # then
    assert set(RULES) - contact_level == set(RULE_KIND)


def test_the_roles_of_the_table_are_the_roles_the_services_check() -> None:
    assert frozenset(APPOINTING_ROLES) == resolutions.APPOINTING
    assert frozenset(RECORDING_ROLES) == resolutions.RECORDING
    assert frozenset(DECIDING_ROLES) == resolutions.DECIDING
    assert frozenset(LETTER_ROLES) == resolutions.RECORDING


def test_every_way_has_swedish_button_text_and_known_unit_types() -> None:
    for rule, ways in RESOLUTIONS.items():
        for way in ways:
            assert way.label[:1].isupper(), rule
            assert way.unit_types <= set(UNIT_TYPES), rule
            assert (way.workflow == "care") == bool(way.section), rule


def test_plan_rules_are_resolved_only_at_home_care_units() -> None:
    # the dead end of issue 12: a health centre's "Registrera" opened a page without a form
    head = frozenset({"head_of_unit"})
    for rule in ("plan-revision", "plan-initial-update"):
        assert resolution_for(rule, "primarvard", head) is None
        way = resolution_for(rule, "hemtjanst", head)
        assert way is not None
        assert (way.workflow, way.section) == ("care", "genomforandeplan")


def test_staff_get_no_row_whose_form_needs_a_manager() -> None:
    staff = frozenset({"staff"})
    assert resolution_for("home-care-contact", "hemtjanst", staff) is None
    assert resolution_for("contact-vacancy", "hemtjanst", staff) is None
    assert resolution_for("plan-revision", "hemtjanst", staff) is not None
