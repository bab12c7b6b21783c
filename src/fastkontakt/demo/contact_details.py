"""What the demo region needs beyond the scenario format: phone numbers and local titles.

The scenario format (``spec/scenario.md``) carries neither, so ``fastkontakt seed-demo`` fills
them in after loading, the same way every time, so that the pages and letters of the demo show
what a real region's would.
"""

from __future__ import annotations

import random

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.registry.models import Staff, Unit, UnitLocalTitle

#: Local titles the demo's health centres declare equal to fast vårdkontakt (seed 001 names
#: "patientansvarig sjuksköterska" and "patientansvarig läkare" as common local titles).
DEMO_LOCAL_TITLES = ("Patientansvarig sjuksköterska", "Patientansvarig läkare")

# Swedish area codes of the demo's kind of region (Norrbotten and Gävleborg).
_AREA_CODES = ("0920", "0970", "0980", "026", "0270", "0650")


@write_transaction()
def demo_contact_details_fill(*, seed: int = 1) -> None:
    """Give every unit and staff member a phone number and the health centres local titles."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    units = list(Unit.objects.order_by("hsa_id"))
    for unit in units:
        unit.phone = f"{rng.choice(_AREA_CODES)}-{rng.randrange(100_000, 999_999)}"
    Unit.objects.bulk_update(units, ["phone"], batch_size=1000)
    staff = list(Staff.objects.order_by("hsa_id"))
    for member in staff:
        # Direct numbers for about half; the others are reached through the unit.
        member.phone = f"010-{rng.randrange(100_000, 999_999)}" if rng.random() < 0.5 else ""
    Staff.objects.bulk_update(staff, ["phone"], batch_size=1000)
    UnitLocalTitle.objects.bulk_create(
        [
            UnitLocalTitle(unit=unit, title=title, kind="fast_vardkontakt")
            for unit in units
            if unit.type == "primarvard"
            for title in DEMO_LOCAL_TITLES
        ],
        ignore_conflicts=True,
    )
