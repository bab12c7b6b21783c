"""What resolves each finding, who owns the fix, and which units' worklists show it.

One table, :data:`RESOLUTIONS`, covers every rule id of the engine's catalogue (a test keeps
it so). It serves twice: :func:`row_owners` decides which units own a row (a unit's worklist
shows only the rows it can resolve), and the worklist page renders the row's button from the
same entry (its workflow, the Swedish text and what the form is prefilled with). A row is never
on a worklist without a button that opens a form its user may use: roles that cannot use the
form do not see the row (:func:`resolution_for`).

How the owning units are found (``Owner``):

- ``contact_unit``: the unit of the contact the finding is about;
- ``request_unit``: the unit that received the unanswered request;
- ``discharge_unit``: the outpatient unit that received the admission notice of a followed-up
  stay (the ward when there is none, for the SIP invitation);
- ``decision_unit``: the home-care units of the person's home-care decisions active on
  ``as_of`` (the plan is theirs);
- ``coordinating_units``: the units of the coordinating fast vårdkontakter active on
  ``as_of``; each can end its own coordination;
- ``listed_unit``: the primary-care centre where the person is listed;
- ``omsorgskontakt_unit``: the unit of the fast omsorgskontakt active on ``as_of``;
- ``coordinator_setting``: the unit types the Norrbotten guideline asks the coordinator to come
  from for this person;
- ``unit_types``: any connected unit of the entry's ``unit_types``.

See ``docs/adr/0015-worklist-resolutions.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from fastkontakt.domain.calendar import active_on
from fastkontakt.domain.model import ContactKind, Patient
from fastkontakt.domain.rules.engine import Directory, Finding

__all__ = [
    "APPOINTING",
    "DECIDING",
    "RECORDING",
    "RESOLUTIONS",
    "Resolution",
    "resolution_for",
    "row_owners",
]

Owner = Literal[
    "contact_unit",
    "request_unit",
    "discharge_unit",
    "decision_unit",
    "coordinating_units",
    "listed_unit",
    "omsorgskontakt_unit",
    "coordinator_setting",
    "unit_types",
]
Workflow = Literal["appoint", "handover", "letters", "care"]

# The roles of ``access.models.Role`` that may use each kind of form (the services check again:
# ``registry.services.contacts.APPOINTING_ROLES``, ``registry.services.care.RECORDING_ROLES``
# and ``DECIDING_ROLES``, ``letters.selectors.LETTER_ROLES``; a test keeps them equal).
APPOINTING: frozenset[str] = frozenset({"head_of_unit", "unit_manager", "coordinator"})
DECIDING: frozenset[str] = APPOINTING
RECORDING: frozenset[str] = APPOINTING | {"staff"}

HEALTH_CARE: frozenset[str] = frozenset(
    {"slutenvard", "specialistoppenvard", "primarvard", "kommunal_hsv"}
)
REGION_CARE: frozenset[str] = frozenset({"slutenvard", "specialistoppenvard", "primarvard"})
ALL_UNITS: frozenset[str] = HEALTH_CARE | {"hemtjanst", "socialtjanst"}


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one rule's findings are resolved, by whom."""

    owner: Owner
    workflow: Workflow
    label: str
    """The Swedish text of the button."""
    roles: frozenset[str]
    """Roles at the owning unit that may use the form."""
    unit_types: frozenset[str] = ALL_UNITS
    """Only units of these types own the fix (and, for ``unit_types``, all of them do)."""
    kind: ContactKind | None = None
    """Appoint: the kind to appoint (None: the kind the row is about)."""
    replaces: bool = False
    """Appoint: the new contact replaces the row's contact (or the unit's coordinating one)."""
    coordinating: bool = False
    """Appoint: the new contact coordinates, taking over from the row's contact."""
    section: str = ""
    """Care page: the section (its anchor) whose form resolves the finding."""
    hint: str = ""
    """What to do in the form, in Swedish, shown under the button."""


RESOLUTIONS: dict[str, tuple[Resolution, ...]] = {
    # --- pack lag
    "contact-on-request": (
        Resolution("request_unit", "appoint", "Utse", APPOINTING),
    ),
    "life-threatening-physician": (
        Resolution(
            "unit_types",
            "appoint",
            "Utse läkare",
            APPOINTING,
            unit_types=REGION_CARE,
            kind="fast_vardkontakt",
            hint="Utse en legitimerad läkare till fast vårdkontakt.",
        ),
    ),
    "discharge-contact": (
        Resolution(
            "discharge_unit",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=REGION_CARE,
            kind="fast_vardkontakt",
        ),
    ),
    "discharge-sip-invitation": (
        Resolution(
            "discharge_unit",
            "care",
            "Registrera kallelse",
            RECORDING,
            section="sip",
            hint="Registrera SIP:en med datum för kallelsen.",
        ),
    ),
    "home-care-contact": (
        Resolution(
            "decision_unit",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=frozenset({"hemtjanst"}),
            kind="fast_omsorgskontakt",
        ),
    ),
    "omsorgskontakt-profession": (
        Resolution("contact_unit", "appoint", "Ersätt", APPOINTING, replaces=True),
    ),
    "lakarkontakt-profession": (
        Resolution("contact_unit", "appoint", "Ersätt", APPOINTING, replaces=True),
    ),
    "lakarkontakt-listed-unit": (
        Resolution(
            "listed_unit",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=frozenset({"primarvard"}),
            kind="fast_lakarkontakt",
            replaces=True,
            hint="Utse en läkare vid vårdcentralen där personen är listad; den andra "
            "avslutas.",
        ),
    ),
    "contact-staff-at-unit": (
        Resolution("contact_unit", "appoint", "Ersätt", APPOINTING, replaces=True),
    ),
    "contact-informed": (
        Resolution(
            "contact_unit",
            "letters",
            "Skicka brev",
            RECORDING,
            hint="Skriv brevet och registrera när det lämnades.",
        ),
    ),
    "transfer-consent": (
        Resolution(
            "unit_types",
            "care",
            "Registrera samtycke",
            RECORDING,
            section="overforingar",
        ),
    ),
    "contact-needed": (
        Resolution(
            "unit_types",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=HEALTH_CARE,
            kind="fast_vardkontakt",
        ),
    ),
    "residential-care-contact": (
        Resolution(
            "unit_types",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=frozenset({"hemtjanst"}),
            kind="fast_omsorgskontakt",
        ),
        Resolution(
            "unit_types",
            "care",
            "Registrera boende",
            DECIDING,
            unit_types=frozenset({"kommunal_hsv", "socialtjanst"}),
            section="boende",
            hint="Registrera skälet om en fast omsorgskontakt uppenbart är obehövlig.",
        ),
    ),
    # --- pack rutin
    "one-coordinator": (
        Resolution(
            "coordinating_units",
            "appoint",
            "Ändra samordning",
            APPOINTING,
            unit_types=HEALTH_CARE,
            kind="fast_vardkontakt",
            replaces=True,
            hint="Utse samma medarbetare igen utan samordningsansvar, eller en annan.",
        ),
    ),
    "plan-initial-update": (
        Resolution(
            "decision_unit",
            "care",
            "Registrera",
            RECORDING,
            unit_types=frozenset({"hemtjanst"}),
            section="genomforandeplan",
        ),
    ),
    "plan-revision": (
        Resolution(
            "decision_unit",
            "care",
            "Registrera revidering",
            RECORDING,
            unit_types=frozenset({"hemtjanst"}),
            section="genomforandeplan",
        ),
    ),
    "contact-vacancy": (
        Resolution("contact_unit", "handover", "Lämna över", APPOINTING),
    ),
    "sip-coordinator": (
        Resolution("unit_types", "care", "Registrera samordnare", RECORDING, section="sip"),
    ),
    "continuity-share": (
        Resolution(
            "omsorgskontakt_unit",
            "appoint",
            "Utse",
            APPOINTING,
            unit_types=frozenset({"hemtjanst"}),
            kind="fast_omsorgskontakt",
            replaces=True,
            hint="Utse den som gör flest av kundens besök, eller planera om besöken.",
        ),
    ),
    # --- pack norrbotten
    "coordinator-setting": (
        Resolution(
            "coordinator_setting",
            "appoint",
            "Flytta samordning",
            APPOINTING,
            unit_types=HEALTH_CARE,
            kind="fast_vardkontakt",
            coordinating=True,
        ),
    ),
    # --- pack gavleborg
    "contact-eligible": (
        Resolution("contact_unit", "appoint", "Ersätt", APPOINTING, replaces=True),
    ),
}


@dataclass(frozen=True, slots=True)
class Owners:
    """Who owns a row's fix: units by HSA-id (each with the contact its form is about, if
    any) and, for ``unit_types`` owners, every unit of those types."""

    units: Mapping[str, str | None] = field(default_factory=dict)
    types: frozenset[str] = frozenset()

    def owns(self, unit_id: str, unit_type: str) -> bool:
        return unit_id in self.units or unit_type in self.types

    def contact_at(self, unit_id: str) -> str | None:
        return self.units.get(unit_id)


def row_owners(
    finding: Finding,
    patient: Patient,
    directory: Directory,
    as_of: date,
    *,
    request_unit: str | None = None,
) -> Owners:
    """The units that own the fix of ``finding`` (module docstring); ``request_unit`` is the
    unit of the request a ``contact-on-request`` finding is about."""
    ways = RESOLUTIONS.get(finding.rule, ())
    types = frozenset().union(*(way.unit_types for way in ways))

    def of_type(units: Mapping[str, str | None]) -> Owners:
        return Owners(
            units={
                unit: contact
                for unit, contact in units.items()
                if (u := directory.units.get(unit)) is not None and u.type in types
            }
        )

    if not ways:
        return Owners()
    owner = ways[0].owner
    contacts = {c.id: c for c in patient.contacts}
    if owner == "contact_unit":
        contact = contacts.get(finding.contact or "")
        return of_type({contact.unit: contact.id} if contact is not None else {})
    if owner == "request_unit":
        return of_type({request_unit: None} if request_unit is not None else {})
    if owner == "discharge_unit":
        return of_type(
            {
                stay.outpatient_unit or stay.unit: None
                for stay in patient.inpatient_stays
                if finding.rule != "discharge-contact" or stay.outpatient_unit is not None
            }
        )
    if owner == "decision_unit":
        return of_type(
            {d.unit: None for d in patient.home_care if active_on(d.start, d.end, as_of)}
        )
    if owner in ("coordinating_units", "omsorgskontakt_unit", "coordinator_setting"):
        kind = "fast_omsorgskontakt" if owner == "omsorgskontakt_unit" else "fast_vardkontakt"
        held = {
            c.unit: c.id
            for c in sorted(patient.contacts, key=lambda c: c.id, reverse=True)
            if c.kind == kind
            and active_on(c.start, c.end, as_of)
            and (owner == "omsorgskontakt_unit" or c.coordinating)
        }
        if owner != "coordinator_setting":
            return of_type(held)
        # The coordinator is to come from these unit types; the form takes over from the
        # coordinating contact the finding is about.
        municipal = patient.home_health_care or patient.residence == "sarskilt_boende"
        wanted = frozenset({"kommunal_hsv"}) if municipal else REGION_CARE
        return Owners(types=wanted, units={}) if finding.contact else Owners()
    if owner == "listed_unit":
        return of_type({patient.listed_at: None} if patient.listed_at else {})
    return Owners(types=types)


def resolution_for(rule: str, unit_type: str, roles: frozenset[str]) -> Resolution | None:
    """The way a user with ``roles`` at a unit of ``unit_type`` resolves ``rule``'s finding,
    or None when there is none (the row is then not on that user's worklist)."""
    return next(
        (
            way
            for way in RESOLUTIONS.get(rule, ())
            if unit_type in way.unit_types and roles & way.roles
        ),
        None,
    )
