"""The demo region's catalogue: Region Norrbotten's hospitals, clinics and health centres and
three municipalities (Luleå, Kiruna, Gällivare), their units, which professions work where and
in what mix, and the names the people of the region are drawn from.

Pure data and the ``_Region`` that lays the units out; ``demo.population`` builds the people and
staff on it, and ``demo.breaches`` plants one realistic breach per rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

from fastkontakt.domain.model import (
    NEEDS,
    SERVICES,
    Profession,
    Service,
    Unit,
    UnitType,
)

# --- The region ---------------------------------------------------------------------------

REGION_ORG: Final = "SE2321000230"


@dataclass(frozen=True, slots=True)
class _Municipality:
    name: str
    #: ``SE`` + a made-up organisation number in the municipal range 212000-xxxx.
    org: str
    #: Share of the region's population living here.
    weight: float
    health_centres: tuple[str, ...]
    home_care_areas: tuple[str, ...]
    residential_homes: tuple[str, ...]
    #: Suffixes of the region's inpatient wards nearest to the municipality.
    local_wards: tuple[str, ...]


_MUNICIPALITIES: Final = (
    _Municipality(
        "Luleå", "SE2120002742", 0.67,
        ("Hertsön", "Björkskatan", "Örnäset", "Mjölkudden", "Bergnäset", "Gammelstad", "Råneå"),
        ("Centrum", "Hertsön", "Björkskatan", "Gammelstad", "Råneå"),
        ("Ängsbacken", "Kronan"),
        ("SLV1", "SLV2", "SLV3"),
    ),
    _Municipality(
        "Kiruna", "SE2120000000", 0.19,
        ("Kiruna", "Vittangi"),
        ("Centrum", "Lombolo"),
        ("Thulegården",),
        ("SLV5",),
    ),
    _Municipality(
        "Gällivare", "SE2120002650", 0.14,
        ("Gällivare", "Malmberget"),
        ("Centrum", "Malmberget"),
        ("Dundergården",),
        ("SLV4",),
    ),
)

#: Inpatient wards and specialist clinics of the region: suffix, name, type.
_HOSPITAL_UNITS: Final[tuple[tuple[str, str, UnitType], ...]] = (
    ("SLV1", "Sunderby sjukhus, medicinavdelning 3", "slutenvard"),
    ("SLV2", "Sunderby sjukhus, kirurgavdelning 61", "slutenvard"),
    ("SLV3", "Sunderby sjukhus, geriatrisk avdelning", "slutenvard"),
    ("SLV4", "Gällivare sjukhus, medicinavdelning", "slutenvard"),
    ("SLV5", "Kiruna sjukhus, vårdavdelning", "slutenvard"),
    ("SLV6", "Sunderby sjukhus, psykiatrisk vårdavdelning", "slutenvard"),
    ("ONK1", "Onkologimottagningen Sunderby", "specialistoppenvard"),
    ("KAR1", "Hjärtmottagningen Sunderby", "specialistoppenvard"),
    ("LUN1", "Lungmottagningen Sunderby", "specialistoppenvard"),
    ("NEU1", "Neurologimottagningen Sunderby", "specialistoppenvard"),
    ("DIA1", "Diabetesmottagningen Sunderby", "specialistoppenvard"),
    ("PSY1", "Psykiatriska öppenvårdsmottagningen Luleå", "specialistoppenvard"),
    ("KVI1", "Kvinnohälsan Sunderby", "specialistoppenvard"),
)
#: Clinics that follow people with a serious chronic or life-threatening condition.
_CONDITION_CLINICS: Final = ("ONK1", "KAR1", "LUN1", "NEU1", "DIA1")
_CLINIC_TITLES: Final = {
    "ONK1": "kontaktsjuksköterska",
    "KAR1": "hjärtsviktssjuksköterska",
    "LUN1": "KOL-sjuksköterska",
    "NEU1": "kontaktsjuksköterska",
    "DIA1": "diabetessjuksköterska",
}

#: Share of all staff by unit type (home care is the largest workforce).
_TYPE_SHARE: Final[dict[UnitType, float]] = {
    "slutenvard": 0.22,
    "specialistoppenvard": 0.12,
    "primarvard": 0.16,
    "kommunal_hsv": 0.18,
    "hemtjanst": 0.28,
    "socialtjanst": 0.04,
}
#: Professions working at each type of unit, with weights for the staff beyond the core.
_MIX: Final[dict[UnitType, dict[Profession, int]]] = {
    "slutenvard": {
        "sjukskoterska": 32, "underskoterska": 32, "lakare": 14, "specialistsjukskoterska": 5,
        "fysioterapeut": 3, "arbetsterapeut": 2, "skotare": 3, "kurator": 1, "logoped": 1,
        "dietist": 1, "administrator": 2,
    },
    "specialistoppenvard": {
        "lakare": 28, "specialistsjukskoterska": 26, "sjukskoterska": 10, "underskoterska": 8,
        "psykolog": 4, "kurator": 4, "dietist": 3, "logoped": 2, "fysioterapeut": 3,
        "barnmorska": 3, "skotare": 2, "administrator": 5,
    },
    "primarvard": {
        "lakare": 20, "sjukskoterska": 24, "specialistsjukskoterska": 10, "barnmorska": 5,
        "fysioterapeut": 8, "arbetsterapeut": 3, "psykolog": 4, "kurator": 4, "dietist": 2,
        "underskoterska": 10, "administrator": 9,
    },
    "kommunal_hsv": {
        "sjukskoterska": 30, "specialistsjukskoterska": 5, "underskoterska": 45,
        "vardbitrade": 6, "fysioterapeut": 5, "arbetsterapeut": 8, "administrator": 2,
    },
    "hemtjanst": {"underskoterska": 70, "vardbitrade": 25, "administrator": 5},
    "socialtjanst": {"socialsekreterare": 80, "administrator": 20},
}
#: Staff every unit of a type has, steady (eligible, not leaving, not away): they make sure
#: every appointment the generator makes has someone suitable to go to.
_CORE: Final[dict[UnitType, tuple[Profession, ...]]] = {
    "slutenvard": ("lakare", "sjukskoterska", "sjukskoterska", "underskoterska", "underskoterska"),
    "specialistoppenvard": (
        "lakare", "lakare", "specialistsjukskoterska", "specialistsjukskoterska", "sjukskoterska",
    ),
    "primarvard": ("lakare", "lakare", "sjukskoterska", "specialistsjukskoterska", "administrator"),
    "kommunal_hsv": ("sjukskoterska", "sjukskoterska", "underskoterska", "arbetsterapeut"),
    "hemtjanst": (
        "underskoterska", "underskoterska", "underskoterska", "underskoterska", "vardbitrade",
        "administrator",
    ),
    "socialtjanst": ("socialsekreterare", "socialsekreterare"),
}
_PROFESSION_CODE: Final[dict[Profession, str]] = {
    "lakare": "L", "sjukskoterska": "S", "specialistsjukskoterska": "SS", "barnmorska": "BM",
    "fysioterapeut": "FT", "arbetsterapeut": "AT", "dietist": "DI", "logoped": "LO",
    "kurator": "KU", "psykolog": "PS", "underskoterska": "U", "vardbitrade": "V",
    "skotare": "SK", "socialsekreterare": "SO", "administrator": "AD",
}
#: Professions with a Swedish licence (legitimation); undersköterska is a protected title only.
_LICENSED: Final[frozenset[str]] = frozenset(
    {
        "lakare", "sjukskoterska", "specialistsjukskoterska", "barnmorska", "fysioterapeut",
        "arbetsterapeut", "dietist", "logoped", "kurator", "psykolog",
    }
)
_NURSES: Final[tuple[Profession, ...]] = ("sjukskoterska", "specialistsjukskoterska")
_CARERS: Final[tuple[Profession, ...]] = ("underskoterska", "vardbitrade")

_LOCAL_SURNAMES: Final = (
    "Keskitalo", "Niemi", "Pekkari", "Kuoppa", "Rautio", "Lantto", "Alatalo", "Mäki", "Vaara",
    "Labba", "Tuoma", "Sarri", "Kuhmunen", "Stenlund", "Wikström", "Lindbäck", "Öhman",
    "Nordmark", "Marklund", "Burman", "Lundström", "Wiklund", "Sandström", "Henriksson",
)
_LOCAL_FEMALE: Final = ("Aino", "Aili", "Lempi", "Siiri", "Märta", "Elna", "Hilja")
_LOCAL_MALE: Final = ("Eino", "Toivo", "Veikko", "Ante", "Nils", "Tore", "Arvo")

_NO_CONTACT_REASONS: Final = (
    "Kunden har avböjt fast omsorgskontakt efter information",
    "Tillfällig insats under anhörigs semester, avslutas inom två veckor",
    "Korttidsinsats i väntan på flytt till särskilt boende",
)
_RESIDENCE_NO_CONTACT_REASONS: Final = (
    "Vistas på korttidsplats i väntan på flytt till annan kommun",
    "Har avböjt fast omsorgskontakt efter information; anhöriga samordnar",
)
_CARE_EXTRAS: Final[tuple[Service, ...]] = (
    "dusch", "inkop", "tvatt", "stadning", "matdistribution", "trygghetslarm", "ledsagning",
    "stod_och_service",
)
_SERVICE_ONLY_LIST: Final[tuple[Service, ...]] = (
    "inkop", "tvatt", "stadning", "matdistribution", "trygghetslarm",
)
_SERVICE_ORDER: Final = {service: index for index, service in enumerate(SERVICES)}
_NEED_ORDER: Final = {need: index for index, need in enumerate(NEEDS)}


class _Region:
    """The units, by what the generator needs to look up."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.type_of: dict[str, UnitType] = {}
        self.org_of: dict[str, str] = {}
        #: Share of the unit's type that this unit carries (for staffing).
        self.share: dict[str, float] = {}
        self.by_type: dict[UnitType, list[str]] = {t: [] for t in _TYPE_SHARE}
        self.health_centres: list[list[str]] = []
        self.home_care: list[list[str]] = []
        self.home_health: list[str] = []
        self.residential: list[list[str]] = []
        self.social: list[str] = []
        self.wards: list[list[str]] = []
        self.name_of: dict[str, str] = {}
        of_kind = Counter(kind for _, _, kind in _HOSPITAL_UNITS)
        for suffix, name, kind in _HOSPITAL_UNITS:
            self._add(f"{REGION_ORG}-{suffix}", name, kind, 1 / of_kind[kind])
        number = 0
        for m in _MUNICIPALITIES:
            centres = []
            for place in m.health_centres:
                number += 1
                unit_id = f"{REGION_ORG}-VC{number:02d}"
                self._add(unit_id, f"Hälsocentralen {place}", "primarvard",
                          m.weight / len(m.health_centres))
                centres.append(unit_id)
            self.health_centres.append(centres)
            self.wards.append([f"{REGION_ORG}-{suffix}" for suffix in m.local_wards])
        for m in _MUNICIPALITIES:
            home_health = f"{m.org}-HSV1"
            homes = [f"{m.org}-SAB{i + 1}" for i in range(len(m.residential_homes))]
            municipal_hsv = 1 + len(homes)
            self._add(home_health, f"{m.name} kommun, hemsjukvård", "kommunal_hsv",
                      m.weight / municipal_hsv)
            for unit_id, home in zip(homes, m.residential_homes, strict=True):
                self._add(unit_id, f"{m.name} kommun, särskilt boende {home}", "kommunal_hsv",
                          m.weight / municipal_hsv)
            areas = [f"{m.org}-HT{i + 1:02d}" for i in range(len(m.home_care_areas))]
            for unit_id, area in zip(areas, m.home_care_areas, strict=True):
                self._add(unit_id, f"{m.name} kommun, hemtjänst {area}", "hemtjanst",
                          m.weight / len(areas))
            social = f"{m.org}-SOC1"
            self._add(social, f"{m.name} kommun, biståndsenheten", "socialtjanst", m.weight)
            self.home_health.append(home_health)
            self.residential.append(homes)
            self.home_care.append(areas)
            self.social.append(social)

    def _add(self, unit_id: str, name: str, kind: UnitType, share: float) -> None:
        self.units.append(Unit(id=unit_id, name=name, type=kind))
        self.type_of[unit_id] = kind
        self.org_of[unit_id] = unit_id.split("-", 1)[0]
        self.share[unit_id] = share
        self.by_type[kind].append(unit_id)
        self.name_of[unit_id] = name


def _allowed_types() -> dict[Profession, tuple[UnitType, ...]]:
    allowed: dict[Profession, list[UnitType]] = {}
    for kind, mix in _MIX.items():
        for profession in mix:
            allowed.setdefault(profession, []).append(kind)
    return {profession: tuple(kinds) for profession, kinds in allowed.items()}


_ALLOWED: Final = _allowed_types()
