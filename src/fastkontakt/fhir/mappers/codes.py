"""Code systems, identifier systems and extension URLs of the API.

The contact kinds and the coordinating flag are a code system of ours (``CONTACT_ROLE``); the
identifiers are Sweden's OIDs for personnummer, samordningsnummer and HSA-id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastkontakt.domain.identifiers import HSA_ID_OID, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID

CANONICAL = "https://fastkontakt.se/fhir"

PERSONNUMMER = f"urn:oid:{PERSONNUMMER_OID}"
SAMORDNINGSNUMMER = f"urn:oid:{SAMORDNINGSNUMMER_OID}"
HSA_ID = f"urn:oid:{HSA_ID_OID}"
PERSON_SYSTEMS = (PERSONNUMMER, SAMORDNINGSNUMMER)

#: The six contact kinds and the coordinating flag (``COORDINATING``).
CONTACT_ROLE = f"{CANONICAL}/CodeSystem/contact-role"
COORDINATING = "samordningsansvar"
CONTACT_ROLE_DISPLAY = {
    "fast_vardkontakt": "Fast vårdkontakt",
    "fast_lakarkontakt": "Fast läkarkontakt",
    "fast_omsorgskontakt": "Fast omsorgskontakt",
    "behandlande_roll": "Behandlande roll",
    "sip_samordnare": "Samordningsansvarig för SIP",
    "kontaktansvarig": "Kontaktansvarig",
    COORDINATING: "Fast vårdkontakt med samordningsansvar",
}
CONTACT_ROLE_DEFINITION = {
    "fast_vardkontakt": "Namngiven person som hjälper patienten att samordna vården "
    "(HSL 2017:30 6 kap. 2 §).",
    "fast_lakarkontakt": "Läkare vid den vårdcentral där patienten är listad.",
    "fast_omsorgskontakt": "Undersköterska i hemtjänsten som är den äldres fasta kontakt.",
    "behandlande_roll": "Personal som samordnar vården för ett organspecifikt eller "
    "komplext tillstånd (Region Gävleborg).",
    "sip_samordnare": "Den som kallar till och leder SIP-mötet.",
    "kontaktansvarig": "Den äldre rollen i hemtjänsten som fast omsorgskontakt ersätter.",
    COORDINATING: "Den fasta vårdkontakt som samordnar alla de andra (högst en).",
}
UNIT_TYPE = f"{CANONICAL}/CodeSystem/unit-type"
PROFESSION = f"{CANONICAL}/CodeSystem/profession"
RULE = f"{CANONICAL}/CodeSystem/rule"
CARE_PLAN_KIND = f"{CANONICAL}/CodeSystem/care-plan-kind"

EXT_REASON = f"{CANONICAL}/StructureDefinition/appointment-reason"
EXT_AGREED = f"{CANONICAL}/StructureDefinition/agreed-with-person"
EXT_END_REASON = f"{CANONICAL}/StructureDefinition/end-reason"
EXT_LOCAL_TITLE = f"{CANONICAL}/StructureDefinition/local-title"
EXT_INFORMED = f"{CANONICAL}/StructureDefinition/informed"
EXT_LICENSED = f"{CANONICAL}/StructureDefinition/licensed"
EXT_ELIGIBLE = f"{CANONICAL}/StructureDefinition/eligible"
EXT_RESIDENCE = f"{CANONICAL}/StructureDefinition/residence"
EXT_HOME_HEALTH_CARE = f"{CANONICAL}/StructureDefinition/home-health-care"


def fhir_day(day: date | None) -> Any:
    """A day where FHIR has a ``dateTime``: FHIR allows a bare date there, the R4B type hints
    say ``datetime`` only."""
    return day
