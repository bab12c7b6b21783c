"""The scenario model: frozen snapshots of units, staff and people that the rules look at.

These mirror ``spec/scenario.md`` one to one. JSON's ``from``/``to`` are ``start``/``end`` here
(``from`` is a Python keyword). The registry builds the same snapshots from the database, so one
rules engine serves the file checker, the worklists and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

UnitType = Literal[
    "slutenvard", "specialistoppenvard", "primarvard", "kommunal_hsv", "hemtjanst", "socialtjanst"
]
Profession = Literal[
    "lakare", "sjukskoterska", "specialistsjukskoterska", "barnmorska", "fysioterapeut",
    "arbetsterapeut", "dietist", "logoped", "kurator", "psykolog", "underskoterska",
    "vardbitrade", "skotare", "socialsekreterare", "administrator",
]
ContactKind = Literal[
    "fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt", "behandlande_roll",
    "sip_samordnare", "kontaktansvarig",
]
RequestKind = Literal["fast_vardkontakt", "fast_lakarkontakt"]
Residence = Literal["ordinart", "sarskilt_boende"]
Need = Literal[
    "stort_omvardnadsbehov", "instabilt_sjukdomsforlopp", "stora_rehabiliteringsbehov",
    "samordningsbehov",
]
Service = Literal[
    "personlig_omvardnad", "stod_och_service", "inkop", "tvatt", "stadning", "matdistribution",
    "trygghetslarm", "ledsagning", "dusch",
]
VisitKind = Literal["omsorg", "serviceinsats", "matdistribution", "larm"]
PolicyName = Literal["national", "norrbotten", "gavleborg"]

UNIT_TYPES: tuple[str, ...] = get_args(UnitType)
PROFESSIONS: tuple[str, ...] = get_args(Profession)
CONTACT_KINDS: tuple[str, ...] = get_args(ContactKind)
REQUEST_KINDS: tuple[str, ...] = get_args(RequestKind)
RESIDENCES: tuple[str, ...] = get_args(Residence)
NEEDS: tuple[str, ...] = get_args(Need)
SERVICES: tuple[str, ...] = get_args(Service)
VISIT_KINDS: tuple[str, ...] = get_args(VisitKind)
POLICY_NAMES: tuple[str, ...] = get_args(PolicyName)

#: Home care made only of these services makes a fixed care contact obviously unnecessary.
SERVICE_ONLY: frozenset[str] = frozenset(
    {"inkop", "tvatt", "stadning", "matdistribution", "trygghetslarm"}
)
REGION_FINANCED: frozenset[str] = frozenset({"slutenvard", "specialistoppenvard", "primarvard"})
REGION_OUTPATIENT: frozenset[str] = frozenset({"specialistoppenvard", "primarvard"})
MUNICIPAL_HEALTH_CARE: frozenset[str] = frozenset({"kommunal_hsv"})


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A Swedish postal address as it goes in an envelope's window: an optional c/o line, the
    street address (utdelningsadress), the postcode written ``NNN NN`` and the post town."""

    street: str
    postal_code: str
    city: str
    care_of: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    type: UnitType
    address: PostalAddress | None = None


@dataclass(frozen=True, slots=True)
class Absence:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    name: str
    profession: Profession
    units: tuple[str, ...]
    licensed: bool = False
    eligible: bool = True
    employment_end: date | None = None
    absences: tuple[Absence, ...] = ()


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    kind: ContactKind
    staff: str
    unit: str
    start: date
    end: date | None = None
    coordinating: bool = False
    informed: date | None = None
    local_title: str | None = None


@dataclass(frozen=True, slots=True)
class ContactRequest:
    kind: RequestKind
    unit: str
    date: date


@dataclass(frozen=True, slots=True)
class InpatientStay:
    unit: str
    admitted: date
    outpatient_unit: str | None = None
    needs_municipal_care: bool = False
    ready_for_discharge: date | None = None
    discharged: date | None = None


@dataclass(frozen=True, slots=True)
class HomeCareDecision:
    unit: str
    start: date
    services: tuple[Service, ...]
    end: date | None = None
    no_contact_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ImplementationPlan:
    established: date
    updated_by_contact: date | None = None
    revisions: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Sip:
    id: str
    created: date
    invited: date | None = None
    coordinator: str | None = None


@dataclass(frozen=True, slots=True)
class InformationTransfer:
    recipient: str
    date: date
    consent: bool


@dataclass(frozen=True, slots=True)
class Visit:
    date: date
    staff: str
    kind: VisitKind = "omsorg"


@dataclass(frozen=True, slots=True)
class Patient:
    id: str
    name: str
    residence: Residence = "ordinart"
    residence_from: date | None = None
    residence_no_contact_reason: str | None = None
    home_health_care: bool = False
    listed_at: str | None = None
    life_threatening_since: date | None = None
    needs: tuple[Need, ...] = ()
    contacts: tuple[Contact, ...] = ()
    requests: tuple[ContactRequest, ...] = ()
    inpatient_stays: tuple[InpatientStay, ...] = ()
    home_care: tuple[HomeCareDecision, ...] = ()
    implementation_plan: ImplementationPlan | None = None
    sips: tuple[Sip, ...] = ()
    information_transfers: tuple[InformationTransfer, ...] = ()
    visits: tuple[Visit, ...] = ()
    address: PostalAddress | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    units: tuple[Unit, ...] = ()
    staff: tuple[Staff, ...] = ()
    patients: tuple[Patient, ...] = ()
    as_of: date | None = None
    policy: PolicyName | None = None
