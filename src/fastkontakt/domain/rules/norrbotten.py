"""Pack ``norrbotten``: Region Norrbotten's guideline on fast vårdkontakt.

Rule ids and sources (``spec/rules.md``):
- ``coordinator-setting``: Region Norrbottens anvisning om fast vårdkontakt
"""

from __future__ import annotations

from collections.abc import Iterator

from fastkontakt.domain.model import MUNICIPAL_HEALTH_CARE, REGION_FINANCED, Patient
from fastkontakt.domain.rules.base import Context, Hit, Rule, coordinates_on, unit_name


def coordinator_setting_for(patient: Patient) -> tuple[frozenset[str], str]:
    """The unit types the person's coordinating fast vårdkontakt may come from, and their name."""
    if patient.home_health_care or patient.residence == "sarskilt_boende":
        return MUNICIPAL_HEALTH_CARE, "kommunal hälso- och sjukvård"
    return REGION_FINANCED, "regionfinansierad vård"


def coordinator_setting(patient: Patient, context: Context) -> Iterator[Hit]:
    allowed, expected = coordinator_setting_for(patient)
    for contact in patient.contacts:
        if not coordinates_on(contact, context.as_of):
            continue
        unit = context.units.get(contact.unit)
        if unit is None or unit.type not in allowed:
            yield Hit(
                contact.id,
                None,
                f"Den samordnande fasta vårdkontakten finns vid {unit_name(context, contact.unit)}"
                f"; för den här personen ska den komma från {expected}.",
            )


RULES: tuple[Rule, ...] = (
    Rule("coordinator-setting", "norrbotten", "contact",
         "Region Norrbottens anvisning om fast vårdkontakt", coordinator_setting),
)
