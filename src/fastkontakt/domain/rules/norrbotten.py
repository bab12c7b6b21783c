"""Pack ``norrbotten``: Region Norrbotten's guideline on fast vårdkontakt.

Rule ids and sources (``spec/rules.md``):
- ``coordinator-setting``: Region Norrbottens anvisning om fast vårdkontakt
"""

from __future__ import annotations

from collections.abc import Iterator

from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.model import MUNICIPAL_HEALTH_CARE, REGION_FINANCED, Patient
from fastkontakt.domain.rules.base import Context, Hit, Rule, unit_name


def coordinator_setting(patient: Patient, context: Context) -> Iterator[Hit]:
    municipal = patient.home_health_care or patient.residence == "sarskilt_boende"
    allowed = MUNICIPAL_HEALTH_CARE if municipal else REGION_FINANCED
    expected = "kommunal hälso- och sjukvård" if municipal else "regionfinansierad vård"
    for contact in patient.contacts:
        if not (
            contact.kind == "fast_vardkontakt"
            and contact.coordinating
            and active_on(contact.start, contact.end, context.as_of)
        ):
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
