"""A synthetic Swedish region for demos, load tests and benchmarks: :func:`demo_scenario`.

The region is modelled on Norrbotten: Region Norrbotten's hospitals, specialist clinics and
health centres, and three municipalities (Luleå, Kiruna, Gällivare) with home health care,
residential care, home care and social services. People of all ages get what people of that
age typically have (a listing, a fixed physician, home care, a hospital stay, a SIP ...), built
so that they follow the rules in ``spec/rules.md``; then, rule by rule, a few percent of the
people a rule applies to get a realistic breach planted (a request nobody acted on, a fixed care
contact who is not a physician for a life-threatening condition, ...). So every rule has both
people with a finding and people it applies to without one, at any size from a few hundred
people up, which is what demos, worklists and tests need.

Everything is drawn from one ``random.Random(seed)`` (names come from Faker's ``sv_SE`` locale,
seeded the same way, drawn once into pools), so a given ``(people, seed, as_of)`` always gives
the same scenario. Nothing reads the clock. The module builds domain objects only; the registry
loads them into the database elsewhere.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Final

from faker import Faker

from fastkontakt.domain.calendar import active_on, current
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import (
    NEEDS,
    SERVICE_ONLY,
    SERVICES,
    Absence,
    Contact,
    ContactKind,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Need,
    Patient,
    PostalAddress,
    Profession,
    RequestKind,
    Residence,
    Scenario,
    Service,
    Sip,
    Staff,
    Unit,
    UnitType,
    Visit,
)

__all__ = ["demo_scenario"]

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

# --- Shares ----------------------------------------------------------------------------
# Rough Swedish figures: about a quarter of Norrbotten is 65+, home care reaches a third of
# those over 80, residential care one in eight over 80, about 1 % are in hospital in a month.


def _age_weight(age: int) -> float:
    if age <= 64:
        return 1.0
    if age <= 79:
        return 1.2
    return 1.2 * 0.85 ** (age - 79)


_AGE_CUM_WEIGHTS: Final = tuple(accumulate(_age_weight(age) for age in range(101)))


def _band(age: int, young: float, adult: float, old: float, older: float, oldest: float) -> float:
    """A probability by age band: <18, 18-64, 65-79, 80-89, 90+."""
    if age < 18:
        return young
    if age < 65:
        return adult
    if age < 80:
        return old
    if age < 90:
        return older
    return oldest


# --- Builders ----------------------------------------------------------------------------


@dataclass(slots=True)
class _StaffDraft:
    id: str
    name: str
    profession: Profession
    units: list[str]
    licensed: bool
    core: bool
    eligible: bool = True
    employment_end: date | None = None
    absences: list[Absence] = field(default_factory=list)

    def freeze(self) -> Staff:
        return Staff(
            id=self.id,
            name=self.name,
            profession=self.profession,
            units=tuple(self.units),
            licensed=self.licensed,
            eligible=self.eligible,
            employment_end=self.employment_end,
            absences=tuple(self.absences),
        )


@dataclass(slots=True)
class _StayPlan:
    status: str  # "admitted", "ready" or "discharged"
    outpatient: bool
    municipal: bool
    #: Days since admission, the ready-for-discharge notice or discharge, by status.
    days: int

    @property
    def followed_up(self) -> bool:
        """Ready or discharged within the discharge follow-up window of the rules."""
        return self.status != "admitted" and self.days <= 30


@dataclass(slots=True)
class _Person:
    id: str
    name: str
    born: date
    age: int
    municipality: int
    listed_at: str | None
    residence: Residence = "ordinart"
    residence_from: date | None = None
    residence_no_contact_reason: str | None = None
    home_health_care: bool = False
    life_threatening_since: date | None = None
    # What the person will get; decided first, built afterwards.
    care: str | None = None  # "care" (personal care) or "service" (service only)
    care_start: date | None = None
    moved_to_residential: bool = False
    stay: _StayPlan | None = None
    flk: bool = False
    fvk_health_centre: bool = False
    clinic: bool = False
    request: bool = False
    sip: bool = False
    planted: bool = False
    # What the person has.
    needs: list[Need] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    requests: list[ContactRequest] = field(default_factory=list)
    stays: list[InpatientStay] = field(default_factory=list)
    home_care: list[HomeCareDecision] = field(default_factory=list)
    plan: ImplementationPlan | None = None
    sips: list[Sip] = field(default_factory=list)
    transfers: list[InformationTransfer] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    def add_need(self, need: Need) -> None:
        if need not in self.needs:
            self.needs.append(need)

    def freeze(self) -> Patient:
        return Patient(
            id=self.id,
            name=self.name,
            residence=self.residence,
            residence_from=self.residence_from,
            residence_no_contact_reason=self.residence_no_contact_reason,
            home_health_care=self.home_health_care,
            listed_at=self.listed_at,
            life_threatening_since=self.life_threatening_since,
            needs=tuple(sorted(self.needs, key=_NEED_ORDER.__getitem__)),
            contacts=tuple(self.contacts),
            requests=tuple(self.requests),
            inpatient_stays=tuple(self.stays),
            home_care=tuple(self.home_care),
            implementation_plan=self.plan,
            sips=tuple(self.sips),
            information_transfers=tuple(self.transfers),
            visits=tuple(sorted(self.visits, key=lambda v: v.date)),
        )


@dataclass(slots=True)
class _Names:
    female: list[str]
    male: list[str]
    last: list[str]

    @classmethod
    def drawn(cls, faker: Faker) -> _Names:
        # Faker's person provider is slow per call; draw pools once (Faker's own frequency
        # weights survive as repeats) and pick from them with the generator's Random.
        female = [str(faker.first_name_female()) for _ in range(500)]
        male = [str(faker.first_name_male()) for _ in range(500)]
        last = [str(faker.last_name()) for _ in range(700)]
        return cls(
            female + list(_LOCAL_FEMALE) * 6,
            male + list(_LOCAL_MALE) * 6,
            last + list(_LOCAL_SURNAMES) * 5,
        )

    def pick(self, rng: random.Random, *, female: bool) -> str:
        first = rng.choice(self.female if female else self.male)
        return f"{first} {rng.choice(self.last)}"


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


class _Builder:
    def __init__(self, people: int, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        faker = Faker("sv_SE")
        faker.seed_instance(seed)
        self.names = _Names.drawn(faker)
        self.people_count = people
        self.as_of = as_of
        self.region = _Region()
        self.staff: list[_StaffDraft] = []
        self.staff_by_id: dict[str, _StaffDraft] = {}
        self.serial: dict[str, int] = {}
        #: (unit, profession) -> staff, in three views: everyone, eligible as FVK, steady.
        self.everyone: dict[tuple[str, str], list[_StaffDraft]] = {}
        self.eligible: dict[tuple[str, str], list[_StaffDraft]] = {}
        self.steady: dict[tuple[str, str], list[_StaffDraft]] = {}
        self.contact_seq = 0
        self.sip_seq = 0
        self.persons: list[_Person] = []
        #: The people any rule is about (the rest have no contacts, care, stays or plans).
        self.involved: list[_Person] = []

    # --- small helpers ----------------------------------------------------------------

    def days_ago(self, low: int, high: int, *, not_before: date | None = None) -> date:
        """A day between ``high - 1`` and ``low`` days before ``as_of`` (not before a bound)."""
        day = self.as_of - timedelta(days=self.rng.randrange(low, high))
        return day if not_before is None or day >= not_before else not_before

    def after(self, day: date, low: int, high: int) -> date:
        return day + timedelta(days=self.rng.randrange(low, high))

    def away(self, staff: _StaffDraft) -> bool:
        """Leaving, or on (or about to go on) a long absence: not someone to appoint now."""
        return staff.employment_end is not None or any(
            (a.end - a.start).days + 1 >= 30 and a.end >= self.as_of for a in staff.absences
        )

    # --- staff ------------------------------------------------------------------------

    def new_staff(
        self, unit: str, profession: Profession, *, core: bool = False
    ) -> _StaffDraft:
        org = self.region.org_of[unit]
        code = _PROFESSION_CODE[profession]
        key = f"{org}-{code}"
        self.serial[key] = self.serial.get(key, 0) + 1
        licensed = profession in _LICENSED
        if profession == "lakare" and not core and self.region.type_of[unit] == "slutenvard":
            # AT-läkare on the wards work before their licence.
            licensed = self.rng.random() >= 0.15
        draft = _StaffDraft(
            id=f"{key}{self.serial[key]:05d}",
            name=self.names.pick(self.rng, female=self.rng.random() < 0.7),
            profession=profession,
            units=[unit],
            licensed=licensed,
            core=core,
        )
        self.staff.append(draft)
        self.staff_by_id[draft.id] = draft
        return draft

    def index(self, draft: _StaffDraft) -> None:
        for unit in draft.units:
            key = (unit, draft.profession)
            self.everyone.setdefault(key, []).append(draft)
            if draft.eligible:
                self.eligible.setdefault(key, []).append(draft)
            if draft.eligible and not self.away(draft):
                self.steady.setdefault(key, []).append(draft)

    def build_staff(self) -> None:
        rng = self.rng
        total = self.people_count // 15
        for unit in self.region.units:
            kind = unit.type
            core = _CORE[kind]
            for profession in core:
                self.new_staff(unit.id, profession, core=True)
            wanted = round(total * _TYPE_SHARE[kind] * self.region.share[unit.id])
            mix = _MIX[kind]
            professions = list(mix)
            weights = list(mix.values())
            for profession in rng.choices(professions, weights, k=max(1, wanted - len(core))):
                self.new_staff(unit.id, profession)
        present = {draft.profession for draft in self.staff}
        for profession in _PROFESSION_CODE:
            if profession not in present:
                self.new_staff(self.region.by_type[_ALLOWED[profession][0]][0], profession)
        as_of = self.as_of
        for draft in self.staff:
            if rng.random() < 0.12:
                self.add_second_unit(draft)
            if draft.core:
                continue
            roll = rng.random()
            if roll < 0.05:
                draft.eligible = False
            roll = rng.random()
            if roll < 0.025:
                draft.employment_end = self.after(as_of, 3, 75)
            elif roll < 0.05:
                start = self.days_ago(0, 90)
                end = start + timedelta(days=rng.randrange(45, 240))
                if end < as_of:
                    end = self.after(as_of, 10, 100)
                draft.absences.append(Absence(start, end))
            elif roll < 0.06:
                start = self.after(as_of, 5, 40)  # planned parental leave
                draft.absences.append(Absence(start, self.after(start, 60, 300)))
            elif roll < 0.14:
                start = as_of + timedelta(days=rng.randrange(-40, 60))
                draft.absences.append(Absence(start, self.after(start, 3, 21)))
            elif roll < 0.16:
                start = self.days_ago(200, 400)
                draft.absences.append(Absence(start, self.after(start, 30, 120)))
        for draft in self.staff:
            self.index(draft)

    def add_second_unit(self, draft: _StaffDraft) -> None:
        org = self.region.org_of[draft.units[0]]
        options = [
            unit
            for kind in _ALLOWED[draft.profession]
            for unit in self.region.by_type[kind]
            if self.region.org_of[unit] == org and unit not in draft.units
        ]
        if options:
            draft.units.append(self.rng.choice(options))

    def pick(
        self, unit: str, professions: Sequence[Profession], view: str = "all"
    ) -> _StaffDraft | None:
        table = {"all": self.everyone, "eligible": self.eligible, "steady": self.steady}[view]
        lists = [found for p in professions if (found := table.get((unit, p)))]
        if not lists:
            return None
        return self.rng.choice(self.rng.choice(lists))

    def pick_sure(
        self, unit: str, professions: Sequence[Profession], view: str = "all"
    ) -> _StaffDraft:
        """Like :meth:`pick`, falling back to the unit's steady core staff."""
        found = self.pick(unit, professions, view)
        if found is None:
            found = self.pick(unit, professions, "all") or self.pick(
                unit, _CORE[self.region.type_of[unit]], "steady"
            )
        if found is None:
            raise RuntimeError(f"no staff at {unit}")  # the core staff rule this out
        return found

    # --- people -----------------------------------------------------------------------

    def build_people(self) -> None:
        rng = self.rng
        as_of = self.as_of
        ages = rng.choices(range(101), cum_weights=_AGE_CUM_WEIGHTS, k=self.people_count)
        weights = [m.weight for m in _MUNICIPALITIES]
        places = rng.choices(range(len(_MUNICIPALITIES)), weights, k=self.people_count)
        seen: set[str] = set()
        for age, place in zip(ages, places, strict=True):
            try:
                anniversary = as_of.replace(year=as_of.year - age)
            except ValueError:  # 29 February
                anniversary = as_of.replace(year=as_of.year - age, day=28)
            born = anniversary - timedelta(days=rng.randrange(365))
            coordination = 18 <= age <= 70 and rng.random() < 0.018
            while True:
                serial = rng.randrange(1000)
                number = make_personal_id(born, serial, coordination=coordination)
                if number not in seen:
                    break
            seen.add(number)
            female = serial % 2 == 0  # the third serial digit is odd for men
            listed: str | None = None
            roll = rng.random()
            if roll < 0.95:
                listed = rng.choice(self.region.health_centres[place])
            elif roll < 0.96:
                listed = rng.choice(rng.choice(self.region.health_centres))
            self.persons.append(
                _Person(
                    id=number,
                    name=self.names.pick(rng, female=female),
                    born=born,
                    age=age,
                    municipality=place,
                    listed_at=listed,
                )
            )

    def decide(self, p: _Person) -> None:
        """What this person has, by the usual shares for their age."""
        rng = self.rng
        age = p.age
        if rng.random() < _band(age, 0, 0, 0.008, 0.06, 0.2):
            self.give_residential(p)
        elif rng.random() < _band(age, 0.002, 0.008, 0.09, 0.33, 0.5):
            p.care = "care" if rng.random() < (0.85 if age >= 65 else 0.7) else "service"
        if p.care == "care":
            p.home_health_care = rng.random() < _band(age, 0.1, 0.1, 0.2, 0.35, 0.4)
        elif p.residence == "ordinart" and age >= 75:
            p.home_health_care = rng.random() < 0.02
        if rng.random() < _band(age, 0.0002, 0.001, 0.01, 0.012, 0.01):
            self.give_life_threatening(p)
        if rng.random() < _band(age, 0.003, 0.005, 0.018, 0.035, 0.04):
            self.give_stay(p)
        if p.listed_at is not None:
            p.flk = rng.random() < _band(age, 0.03, 0.12, 0.35, 0.5, 0.5)
            p.fvk_health_centre = rng.random() < _band(age, 0.005, 0.015, 0.06, 0.08, 0.08)
            p.request = age >= 18 and rng.random() < 0.006
        p.clinic = age >= 40 and rng.random() < 0.02
        if p.care == "care" or p.home_health_care or p.residence == "sarskilt_boende":
            p.sip = rng.random() < 0.15

    def give_residential(self, p: _Person) -> None:
        p.residence = "sarskilt_boende"
        p.care = None
        p.home_health_care = False
        p.moved_to_residential = self.rng.random() < 0.4

    def give_life_threatening(self, p: _Person) -> None:
        p.life_threatening_since = self.days_ago(3, 400, not_before=p.born)

    def give_stay(self, p: _Person, plan: _StayPlan | None = None) -> None:
        rng = self.rng
        if plan is None:
            roll = rng.random()
            status = "admitted" if roll < 0.35 else "ready" if roll < 0.5 else "discharged"
            needs_municipal = rng.random() < (0.5 if p.age >= 65 else 0.05)
            days = {"admitted": 10, "ready": 6, "discharged": 45}[status]
            plan = _StayPlan(status, rng.random() < 0.9, needs_municipal, rng.randrange(days))
        p.stay = plan

    def top_up(
        self,
        minimum: int,
        has: Callable[[_Person], bool],
        can: Callable[[_Person], bool],
        give: Callable[[_Person], None],
    ) -> None:
        """Small regions still get a few people of every kind the rules are about."""
        count = sum(1 for p in self.persons if has(p))
        if count >= minimum:
            return
        candidates = [p for p in self.persons if not has(p) and can(p)]
        self.rng.shuffle(candidates)
        for p in candidates[: minimum - count]:
            give(p)

    def decide_all(self) -> None:
        for p in self.persons:
            self.decide(p)

        def care(p: _Person) -> None:
            p.care = "care"

        def service(p: _Person) -> None:
            p.care = "service"

        def home_health(p: _Person) -> None:
            p.home_health_care = True

        def moved(p: _Person) -> None:
            self.give_residential(p)
            p.moved_to_residential = True

        def followed_up(p: _Person) -> None:
            discharged = self.rng.random() < 0.5
            self.give_stay(p, _StayPlan("discharged" if discharged else "ready", True,
                                        p.age >= 65, self.rng.randrange(25 if discharged else 6)))

        def flk(p: _Person) -> None:
            p.flk = True

        def fvk(p: _Person) -> None:
            p.fvk_health_centre = True

        def clinic(p: _Person) -> None:
            p.clinic = True

        def request(p: _Person) -> None:
            p.request = True

        def sip(p: _Person) -> None:
            p.sip = True

        def ordinary_old(p: _Person) -> bool:
            return p.age >= 70 and p.residence == "ordinart" and p.care is None

        def listed_adult(p: _Person) -> bool:
            return p.age >= 18 and p.listed_at is not None
        self.top_up(8, lambda p: p.residence == "sarskilt_boende", ordinary_old, moved)
        self.top_up(6, lambda p: p.moved_to_residential, ordinary_old, moved)
        self.top_up(24, lambda p: p.care == "care" and p.age >= 65, ordinary_old, care)
        self.top_up(4, lambda p: p.care == "service", ordinary_old, service)
        self.top_up(
            8,
            lambda p: p.home_health_care,
            lambda p: p.care == "care" and p.age >= 65 and p.listed_at is not None,
            home_health,
        )
        self.top_up(
            8,
            lambda p: p.life_threatening_since is not None,
            lambda p: p.age >= 40,
            self.give_life_threatening,
        )
        self.top_up(
            16,
            lambda p: p.stay is not None and p.stay.followed_up and p.stay.outpatient,
            lambda p: p.stay is None and p.age >= 18 and p.listed_at is not None,
            followed_up,
        )
        self.top_up(
            12,
            lambda p: p.stay is not None and p.stay.followed_up and p.stay.municipal,
            lambda p: p.stay is None and p.age >= 65 and p.listed_at is not None,
            followed_up,
        )
        self.top_up(14, lambda p: p.flk, listed_adult, flk)
        self.top_up(10, lambda p: p.fvk_health_centre, listed_adult, fvk)
        self.top_up(5, lambda p: p.clinic, lambda p: p.age >= 40, clinic)
        self.top_up(10, lambda p: p.request, listed_adult, request)
        self.top_up(
            8,
            lambda p: p.sip,
            lambda p: p.care == "care" or p.home_health_care or p.residence != "ordinart",
            sip,
        )

    # --- contacts -----------------------------------------------------------------------

    def informed_for(self, start: date) -> date | None:
        if start > self.as_of:
            return self.days_ago(0, 5)  # told ahead about a contact starting later
        day = self.after(start, 0, 8)
        return day if day <= self.as_of else None

    def appoint(
        self,
        p: _Person,
        kind: ContactKind,
        staff: _StaffDraft,
        unit: str,
        start: date,
        *,
        end: date | None = None,
        title: str | None = None,
        handover: bool = True,
    ) -> Contact:
        """Record an appointment; a leaving holder has often already handed over."""
        self.contact_seq += 1
        leaving = staff.employment_end
        if end is None or end >= self.as_of:
            informed = self.informed_for(start)
        else:
            informed = min(self.after(start, 0, 8), end)
        contact = Contact(
            id=f"c{self.contact_seq:06d}",
            kind=kind,
            staff=staff.id,
            unit=unit,
            start=start,
            end=end,
            informed=informed,
            local_title=title,
        )
        p.contacts.append(contact)
        if (
            handover
            and leaving is not None
            and leaving >= start
            and (end is None or end > leaving)
            and self.rng.random() < 0.5
        ):
            self.hand_over(p, len(p.contacts) - 1)
        return contact

    def hand_over(self, p: _Person, position: int) -> bool:
        """End the contact on its holder's last day and appoint a successor from the next."""
        contact = p.contacts[position]
        holder = self.staff_by_id[contact.staff]
        leaving = holder.employment_end
        successor = self.pick(contact.unit, (holder.profession,), "steady")
        if leaving is None or successor is None or successor is holder:
            return False
        p.contacts[position] = replace(contact, end=leaving)
        self.contact_seq += 1
        p.contacts.append(
            replace(
                contact,
                id=f"c{self.contact_seq:06d}",
                staff=successor.id,
                start=leaving + timedelta(days=1),
                end=None,
                informed=self.days_ago(0, 7),
            )
        )
        return True

    # --- building one person -------------------------------------------------------------

    def build(self, p: _Person) -> None:
        self.build_home_care(p)
        self.build_residential(p)
        self.build_stay(p)
        self.build_health_contacts(p)
        self.build_needed_contact(p)
        self.set_coordinator(p)
        self.build_sips(p)
        self.build_request(p)
        self.build_plan(p)
        self.build_visits(p)

    def build_home_care(self, p: _Person) -> None:
        rng = self.rng
        if p.care is None:
            return
        unit = rng.choice(self.region.home_care[p.municipality])
        start = p.care_start or self.days_ago(
            0, int(min(rng.expovariate(1 / 600), 3000)) + 1, not_before=p.born
        )
        if p.care == "care":
            extras = rng.sample(_CARE_EXTRAS, rng.randrange(1, 5))
            services: list[Service] = ["personlig_omvardnad", *extras]
            if p.age >= 85 or rng.random() < 0.3:
                p.add_need("stort_omvardnadsbehov")
        else:
            services = rng.sample(_SERVICE_ONLY_LIST, rng.randrange(1, 4))
        services.sort(key=_SERVICE_ORDER.__getitem__)
        reason = None
        if p.care == "care" and rng.random() < 0.03:
            reason = rng.choice(_NO_CONTACT_REASONS)
        end = self.after(self.as_of, 10, 200) if rng.random() < 0.05 else None
        if (start - p.born).days > 400 and rng.random() < 0.08:
            # An earlier, time-limited decision after a hospital stay.
            earlier = start - timedelta(days=rng.randrange(70, 300))
            p.home_care.append(
                HomeCareDecision(
                    unit, max(earlier, p.born), ("personlig_omvardnad", "dusch"),
                    end=self.after(max(earlier, p.born), 14, 60),
                )
            )
        decision = HomeCareDecision(unit, start, tuple(services), end, reason)
        p.home_care.append(decision)
        # Everyone with personal care is offered a fast omsorgskontakt, whatever their age
        # (rules version 2).
        if p.care == "care" and reason is None:
            self.build_fok(p, unit, start)

    def build_fok(self, p: _Person, unit: str, decided: date) -> None:
        rng = self.rng
        as_of = self.as_of
        start = self.after(decided, 0, 10)
        if start > as_of:
            return  # a new customer: the contact is not appointed yet
        span = (as_of - decided).days
        if span > 900 and rng.random() < 0.5:
            # Before fast omsorgskontakt there was a kontaktman; it ended when FOK came.
            ended = self.after(decided, 100, span - 300)
            self.appoint(p, "kontaktansvarig", self.pick_sure(unit, _CARERS), unit, start,
                         end=ended, title="kontaktman", handover=False)
            start = ended + timedelta(days=1)
        elif span > 400 and rng.random() < 0.25:
            changed = self.after(start, 60, max(61, (as_of - start).days - 20))
            self.appoint(p, "fast_omsorgskontakt", self.pick_sure(unit, ("underskoterska",)),
                         unit, start, end=changed, handover=False)
            start = changed + timedelta(days=1)
        self.appoint(p, "fast_omsorgskontakt", self.pick_sure(unit, ("underskoterska",)), unit,
                     start)

    def build_residential(self, p: _Person) -> None:
        if p.residence != "sarskilt_boende":
            return
        rng = self.rng
        home = rng.choice(self.region.residential[p.municipality])
        moved = self.days_ago(10, 900, not_before=p.born)
        if p.moved_to_residential:
            area = rng.choice(self.region.home_care[p.municipality])
            start = moved - timedelta(days=rng.randrange(200, 1500))
            p.home_care.append(
                HomeCareDecision(area, start, ("personlig_omvardnad", "dusch", "inkop"),
                                 end=moved - timedelta(days=1))
            )
            self.appoint(p, "fast_omsorgskontakt", self.pick_sure(area, ("underskoterska",)),
                         area, self.after(start, 0, 10), end=moved - timedelta(days=1),
                         handover=False)
            p.transfers.append(
                InformationTransfer(self.region.name_of[home], moved, consent=True)
            )
        p.residence_from = moved
        nurse = self.pick_sure(home, ("sjukskoterska",), "eligible")
        self.appoint(p, "fast_vardkontakt", nurse, home, self.after(moved, 0, 7),
                     title="omvårdnadsansvarig sjuksköterska")
        p.add_need("stort_omvardnadsbehov")
        # A fast omsorgskontakt in särskilt boende (from 2026-07-01): appointed within two
        # weeks of moving in; someone who moved in days ago is still waiting for theirs.
        start = self.after(moved, 0, 14)
        if start <= self.as_of:
            self.appoint(p, "fast_omsorgskontakt", self.pick_sure(home, ("underskoterska",)),
                         home, start)

    def build_needed_contact(self, p: _Person) -> None:
        """Recorded needs call for a fast vårdkontakt (rule ``contact-needed``): the health
        centre appoints one. Someone not listed anywhere has nobody to do it."""
        if not p.needs or p.listed_at is None or any(
            c.kind == "fast_vardkontakt" and current(c.end, self.as_of) for c in p.contacts
        ):
            return
        rehab = p.needs == ["stora_rehabiliteringsbehov"]
        professions: tuple[Profession, ...] = (
            ("fysioterapeut", "arbetsterapeut") if rehab else _NURSES
        )
        staff = self.pick_sure(p.listed_at, professions, "eligible")
        title = "rehabkoordinator" if rehab else "distriktssköterska"
        self.appoint(p, "fast_vardkontakt", staff, p.listed_at,
                     self.days_ago(5, 600, not_before=p.born), title=title)

    def build_stay(self, p: _Person) -> None:
        plan = p.stay
        if plan is None:
            return
        rng = self.rng
        as_of = self.as_of
        if p.age >= 75 and rng.random() < 0.4:
            ward = f"{REGION_ORG}-SLV3"
        elif p.age < 65 and rng.random() < 0.1:
            ward = f"{REGION_ORG}-SLV6"
        else:
            ward = rng.choice(self.region.wards[p.municipality] + [f"{REGION_ORG}-SLV2"])
        ready: date | None = None
        discharged: date | None = None
        back = max(as_of - timedelta(days=plan.days), p.born)
        if plan.status == "admitted":
            admitted = back
        elif plan.status == "ready":
            ready = back
            admitted = max(ready - timedelta(days=rng.randrange(1, 15)), p.born)
        else:
            discharged = back
            ready = max(discharged - timedelta(days=rng.randrange(0, 4)), p.born)
            admitted = max(ready - timedelta(days=rng.randrange(1, 14)), p.born)
        outpatient: str | None = None
        if plan.outpatient:
            if p.clinic or p.life_threatening_since is not None or p.listed_at is None:
                outpatient = f"{REGION_ORG}-{rng.choice(_CONDITION_CLINICS)}"
            else:
                outpatient = p.listed_at
        stay = InpatientStay(ward, admitted, outpatient, plan.municipal, ready, discharged)
        p.stays.append(stay)
        if plan.municipal and p.age >= 65:
            p.add_need("samordningsbehov")
        if rng.random() < 0.3:
            p.add_need("stora_rehabiliteringsbehov")
        if outpatient is not None and (ready is not None or rng.random() < 0.5):
            start = min(self.after(admitted, 0, 3), as_of)
            staff = self.pick_sure(outpatient, (*_NURSES, "administrator"), "eligible")
            title = "vårdsamordnare" if staff.profession == "administrator" else (
                "samordningssjuksköterska"
            )
            self.appoint(p, "fast_vardkontakt", staff, outpatient, start, title=title)
        municipal_now = plan.municipal and p.residence == "ordinart" and p.care is None
        if municipal_now and p.age >= 65 and discharged is not None:
            # Home care starts the day the patient comes home.
            p.care = "care"
            p.care_start = discharged
            self.build_home_care(p)

    def build_health_contacts(self, p: _Person) -> None:
        rng = self.rng
        as_of = self.as_of
        listed = p.listed_at
        if listed is not None and p.flk:
            start = self.days_ago(20, 3000, not_before=p.born)
            if (start - p.born).days > 800 and rng.random() < 0.15:
                earlier = max(start - timedelta(days=rng.randrange(200, 2000)), p.born)
                self.appoint(p, "fast_lakarkontakt", self.pick_sure(listed, ("lakare",)),
                             listed, earlier, end=start - timedelta(days=1), handover=False)
            self.appoint(p, "fast_lakarkontakt", self.pick_sure(listed, ("lakare",)), listed,
                         start)
        if listed is not None and p.fvk_health_centre:
            rehab = rng.random() < 0.15
            professions: tuple[Profession, ...] = (
                ("fysioterapeut", "arbetsterapeut") if rehab else (*_NURSES, "administrator")
            )
            staff = self.pick_sure(listed, professions, "eligible")
            title = {
                "fysioterapeut": "rehabkoordinator", "arbetsterapeut": "rehabkoordinator",
                "administrator": "vårdcoach",
            }.get(staff.profession, rng.choice(("kontaktsjuksköterska", "distriktssköterska")))
            if rehab:
                p.add_need("stora_rehabiliteringsbehov")
            self.appoint(p, "fast_vardkontakt", staff, listed,
                         self.days_ago(5, 1500, not_before=p.born), title=title)
        if p.life_threatening_since is not None:
            p.add_need("instabilt_sjukdomsforlopp")
            municipal_care = p.home_health_care or p.residence == "sarskilt_boende"
            if municipal_care and listed is not None:
                unit = listed  # the health centre's physician serves home and residential care
            else:
                unit = f"{REGION_ORG}-{rng.choice(_CONDITION_CLINICS[:4])}"
            physician = self.pick_sure(unit, ("lakare",), "eligible")
            start = min(self.after(p.life_threatening_since, 0, 5), as_of)
            self.appoint(p, "fast_vardkontakt", physician, unit, start,
                         title="patientansvarig läkare")
            if unit != listed:
                nurse = self.pick_sure(unit, ("specialistsjukskoterska",))
                self.appoint(p, "behandlande_roll", nurse, unit, start,
                             title="kontaktsjuksköterska")
        if p.clinic:
            clinic = rng.choice(_CONDITION_CLINICS)
            unit = f"{REGION_ORG}-{clinic}"
            start = self.days_ago(10, 2000, not_before=p.born)
            kind: ContactKind = "fast_vardkontakt" if rng.random() < 0.5 else "behandlande_roll"
            staff = self.pick_sure(unit, ("specialistsjukskoterska",), "eligible")
            self.appoint(p, kind, staff, unit, start, title=_CLINIC_TITLES[clinic])
            if rng.random() < 0.3:
                doctor = self.pick_sure(unit, ("lakare",))
                self.appoint(p, "behandlande_roll", doctor, unit, start, title="ansvarig läkare")
        if p.home_health_care:
            unit = self.region.home_health[p.municipality]
            nurse = self.pick_sure(unit, ("sjukskoterska",), "eligible")
            self.appoint(p, "fast_vardkontakt", nurse, unit,
                         self.days_ago(5, 900, not_before=p.born),
                         title="omvårdnadsansvarig sjuksköterska")
            p.add_need("stort_omvardnadsbehov")

    def set_coordinator(self, p: _Person) -> None:
        """One active FVK coordinates: municipal for home and residential care (Norrbotten)."""
        as_of = self.as_of
        active = [
            i for i, c in enumerate(p.contacts)
            if c.kind == "fast_vardkontakt" and active_on(c.start, c.end, as_of)
        ]
        if not active or (len(active) == 1 and self.rng.random() < 0.25):
            return
        municipal = p.home_health_care or p.residence == "sarskilt_boende"

        def rank(i: int) -> tuple[int, int]:
            kind = self.region.type_of[p.contacts[i].unit]
            fits = (kind == "kommunal_hsv") == municipal
            return (0 if fits else 1, 0 if kind == "specialistoppenvard" else 1)

        main = min(active, key=rank)
        contact = p.contacts[main]
        p.contacts[main] = replace(contact, coordinating=True)
        for i, other in enumerate(p.contacts):
            # A successor appointed ahead takes over the coordination too.
            if (i != main and other.kind == contact.kind and other.unit == contact.unit
                    and other.start > as_of and other.end is None):
                p.contacts[i] = replace(other, coordinating=True)

    def build_sips(self, p: _Person) -> None:
        as_of = self.as_of
        for stay in p.stays:
            if stay.needs_municipal_care and stay.ready_for_discharge is not None:
                ready = stay.ready_for_discharge
                invited = min(self.after(ready, 0, 3), as_of)
                coordinator = self.sip_coordinator(p, stay.outpatient_unit)
                self.add_sip(p, ready, invited, coordinator)
        if p.sip:
            created = self.days_ago(20, 700, not_before=p.born)
            self.add_sip(p, created, self.after(created, 0, 4), self.sip_coordinator(p, None))
            p.add_need("samordningsbehov")

    def sip_coordinator(self, p: _Person, unit: str | None) -> tuple[_StaffDraft, str]:
        """The FVK who convenes the SIP; else a municipal nurse or a social worker."""
        for c in p.contacts:
            if c.kind == "fast_vardkontakt" and current(c.end, self.as_of) and (
                unit is None or c.unit == unit
            ):
                return self.staff_by_id[c.staff], c.unit
        if p.home_health_care or p.residence == "sarskilt_boende":
            unit = self.region.home_health[p.municipality]
            return self.pick_sure(unit, ("sjukskoterska",)), unit
        unit = self.region.social[p.municipality]
        return self.pick_sure(unit, ("socialsekreterare",)), unit

    def add_sip(
        self, p: _Person, created: date, invited: date, coordinator: tuple[_StaffDraft, str]
    ) -> None:
        self.sip_seq += 1
        staff, unit = coordinator
        p.sips.append(Sip(f"sip{self.sip_seq:06d}", created, invited, staff.id))
        if not any(c.kind == "sip_samordnare" and c.staff == staff.id for c in p.contacts):
            self.appoint(p, "sip_samordnare", staff, unit, invited, handover=False)

    def build_request(self, p: _Person) -> None:
        if not p.request or p.listed_at is None:
            return
        rng = self.rng
        unit = p.listed_at
        if rng.random() < 0.7:
            kind: RequestKind = "fast_lakarkontakt"
        else:
            kind = "fast_vardkontakt"
        existing = [c for c in p.contacts if c.kind == kind and c.unit == unit
                    and current(c.end, self.as_of)]
        if existing:
            asked = max(existing[0].start - timedelta(days=rng.randrange(0, 14)), p.born)
            p.requests.append(ContactRequest(kind, unit, asked))
            return
        asked = self.days_ago(0, 400, not_before=p.born)
        p.requests.append(ContactRequest(kind, unit, asked))
        start = self.after(asked, 1, 14)
        if start > self.as_of:
            return  # asked recently; the appointment is on its way
        if kind == "fast_lakarkontakt":
            staff = self.pick_sure(unit, ("lakare",))
            self.appoint(p, kind, staff, unit, start)
        else:
            staff = self.pick_sure(unit, _NURSES, "eligible")
            self.appoint(p, kind, staff, unit, start, title="kontaktsjuksköterska")

    def build_plan(self, p: _Person) -> None:
        as_of = self.as_of
        active = [d for d in p.home_care if active_on(d.start, d.end, as_of)]
        if not active:
            return
        established = min(d.start for d in active)
        has_fok = any(c.kind == "fast_omsorgskontakt" and current(c.end, as_of)
                      for c in p.contacts)
        updated: date | None = None
        if has_fok:
            updated = self.after(established, 2, 13)
            if updated > as_of:
                updated = None
        revisions: list[date] = []
        day = self.after(updated or established, 120, 181)
        while day <= as_of:
            revisions.append(day)
            day = self.after(day, 120, 181)
        p.plan = ImplementationPlan(established, updated, tuple(revisions))

    def build_visits(self, p: _Person) -> None:
        as_of = self.as_of
        active = [d for d in p.home_care if active_on(d.start, d.end, as_of)]
        if not active:
            return
        rng = self.rng
        decision = active[-1]
        unit = decision.unit
        services = set(decision.services)
        first = max(as_of - timedelta(days=13), decision.start)
        fok: _StaffDraft | None = None
        for c in p.contacts:
            if c.kind == "fast_omsorgskontakt" and active_on(c.start, c.end, as_of):
                fok = self.staff_by_id[c.staff]
        team = [self.pick_sure(unit, _CARERS) for _ in range(rng.randrange(5, 11))]
        share = rng.uniform(0.6, 0.85)
        days = (as_of - first).days + 1
        visits = p.visits
        personal = "personlig_omvardnad" in services
        per_day = 0
        if personal:
            heavy = p.age >= 90 or "stort_omvardnadsbehov" in p.needs
            per_day = rng.randrange(2, 5) if heavy else rng.randrange(1, 3)
        for offset in range(days):
            day = first + timedelta(days=offset)
            fok_here = fok is not None and not any(
                a.start <= day <= a.end for a in fok.absences
            )
            for _ in range(per_day):
                if fok is not None and fok_here and rng.random() < share:
                    visits.append(Visit(day, fok.id))
                else:
                    visits.append(Visit(day, rng.choice(team).id))
            if "matdistribution" in services:
                visits.append(Visit(day, rng.choice(team).id, "matdistribution"))
            if "trygghetslarm" in services and rng.random() < 0.08:
                visits.append(Visit(day, rng.choice(team).id, "larm"))
            if services & {"inkop", "stadning", "tvatt"} and (as_of - day).days % 7 == 0:
                visits.append(Visit(day, rng.choice(team).id, "serviceinsats"))

    # --- planted breaches ---------------------------------------------------------------

    def current_index(self, p: _Person, kinds: Sequence[str]) -> list[int]:
        return [
            i for i, c in enumerate(p.contacts)
            if c.kind in kinds and current(c.end, self.as_of)
        ]

    def reassign(self, p: _Person, position: int, staff: _StaffDraft) -> None:
        """Give an appointment to someone else; an FOK's visits move with it when the new
        holder works at the unit (someone elsewhere cannot have made them)."""
        contact = p.contacts[position]
        p.contacts[position] = replace(contact, staff=staff.id)
        if contact.kind == "fast_omsorgskontakt" and contact.unit in staff.units:
            p.visits = [
                replace(v, staff=staff.id) if v.staff == contact.staff else v for v in p.visits
            ]

    def staff_like(
        self,
        unit: str,
        professions: Sequence[Profession],
        wanted: Callable[[_StaffDraft], bool],
        make: Callable[[_StaffDraft], None],
    ) -> _StaffDraft:
        """Someone at the unit with one of the professions and a trait, hired if need be."""
        found = [
            s for profession in professions for s in self.everyone.get((unit, profession), [])
            if wanted(s)
        ]
        if found:
            return self.rng.choice(found)
        draft = self.new_staff(unit, professions[0])
        make(draft)
        self.index(draft)
        return draft

    def plant(
        self,
        rate: float,
        applies: Callable[[_Person], bool],
        can: Callable[[_Person], bool],
        breach: Callable[[_Person], bool],
        *,
        minimum: int = 2,
        spare: int = 3,
    ) -> None:
        """Breach the rule for ``rate`` of the people it applies to, and at least ``minimum``."""
        base = sum(1 for p in self.involved if applies(p))
        candidates = [p for p in self.involved if not p.planted and can(p)]
        wanted = min(max(minimum, round(rate * base)), len(candidates) - spare)
        if wanted <= 0:
            return
        self.rng.shuffle(candidates)
        planted = 0
        for p in candidates[: len(candidates) - spare]:
            if planted == wanted:
                break
            if breach(p):
                p.planted = True
                planted += 1

    def plant_all(self) -> None:
        """One short, realistic breach per rule, in the order of ``rules.md``."""
        rng = self.rng
        as_of = self.as_of
        region = self.region

        def fvk_current(p: _Person) -> list[int]:
            return self.current_index(p, ("fast_vardkontakt",))

        def flk_current(p: _Person) -> list[int]:
            return self.current_index(p, ("fast_lakarkontakt",))

        def fok_current(p: _Person) -> list[int]:
            return self.current_index(p, ("fast_omsorgskontakt",))

        def coordinators(p: _Person) -> list[int]:
            return [
                i for i, c in enumerate(p.contacts)
                if c.kind == "fast_vardkontakt" and c.coordinating
                and active_on(c.start, c.end, as_of)
            ]

        def needing(p: _Person) -> list[HomeCareDecision]:
            return [
                d for d in p.home_care
                if active_on(d.start, d.end, as_of)
                and not set(d.services) <= SERVICE_ONLY and not d.no_contact_reason
            ]

        def followed_stays(p: _Person) -> list[InpatientStay]:
            cut = as_of - timedelta(days=30)
            return [
                s for s in p.stays
                if (s.ready_for_discharge or s.discharged)
                and not (s.discharged is not None and s.discharged < cut)
            ]

        # contact-on-request: nobody acted on the request.
        def unanswered(p: _Person) -> bool:
            request = p.requests[0]
            p.contacts = [c for c in p.contacts
                          if not (c.kind == request.kind and c.unit == request.unit)]
            asked = self.days_ago(20, 120, not_before=p.born)
            p.requests[0] = replace(request, date=asked)
            return True

        self.plant(0.15, lambda p: bool(p.requests), lambda p: bool(p.requests), unanswered)

        # life-threatening-physician: the contact is the clinic's nurse, not a physician.
        def nurse_not_physician(p: _Person) -> bool:
            for i in fvk_current(p):
                contact = p.contacts[i]
                if contact.local_title == "patientansvarig läkare":
                    nurse = self.pick_sure(contact.unit, _NURSES, "eligible")
                    p.contacts[i] = replace(contact, staff=nurse.id,
                                            local_title="kontaktsjuksköterska")
                    return True
            return False

        def lt(p: _Person) -> bool:
            return p.life_threatening_since is not None

        self.plant(0.1, lt, lt, nurse_not_physician)

        # discharge-contact: no FVK at the unit that got the admission notice.
        def no_discharge_contact(p: _Person) -> bool:
            units = {s.outpatient_unit for s in followed_stays(p) if s.outpatient_unit}
            p.contacts = [c for c in p.contacts
                          if not (c.kind == "fast_vardkontakt" and c.unit in units)]
            return True

        def discharge_applies(p: _Person) -> bool:
            return any(s.outpatient_unit for s in followed_stays(p))

        self.plant(0.08, discharge_applies, discharge_applies, no_discharge_contact)

        # discharge-sip-invitation: the invitation was never sent.
        def municipal_stay(p: _Person) -> bool:
            return any(s.needs_municipal_care and s.ready_for_discharge
                       for s in followed_stays(p))

        def not_invited(p: _Person) -> bool:
            admitted = min(s.admitted for s in p.stays)
            p.sips = [replace(s, invited=None) if s.created >= admitted else s for s in p.sips]
            return True

        self.plant(0.1, municipal_stay, municipal_stay, not_invited)

        # home-care-contact: the FOK left the unit and nobody took over.
        def fok_gone(p: _Person) -> bool:
            for i in fok_current(p):
                contact = p.contacts[i]
                ended = self.days_ago(5, 40)
                if ended < contact.start:
                    del p.contacts[i]
                else:
                    p.contacts[i] = replace(contact, end=ended)
                return True
            return False

        def needs_fok(p: _Person) -> bool:
            return bool(needing(p))

        self.plant(0.04, needs_fok, lambda p: needs_fok(p) and bool(fok_current(p)), fok_gone)

        # omsorgskontakt-profession: a vårdbiträde was made FOK.
        def vardbitrade_fok(p: _Person) -> bool:
            i = fok_current(p)[0]
            unit = p.contacts[i].unit
            self.reassign(p, i, self.pick_sure(unit, ("vardbitrade",)))
            return True

        def has_fok(p: _Person) -> bool:
            return bool(fok_current(p))

        self.plant(0.02, has_fok, has_fok, vardbitrade_fok)

        # lakarkontakt-profession: the district nurse was registered as fixed physician.
        def nurse_as_physician(p: _Person) -> bool:
            i = flk_current(p)[0]
            self.reassign(p, i, self.pick_sure(p.contacts[i].unit, _NURSES))
            return True

        def has_flk(p: _Person) -> bool:
            return bool(flk_current(p))

        self.plant(0.01, has_flk, has_flk, nurse_as_physician)

        # lakarkontakt-listed-unit: the person listed elsewhere; the old FLK stayed.
        def relisted(p: _Person) -> bool:
            old = p.contacts[flk_current(p)[0]].unit
            options = [u for u in region.health_centres[p.municipality] if u != old] or [
                u for u in region.by_type["primarvard"] if u != old
            ]
            p.listed_at = rng.choice(options)
            return True

        self.plant(0.02, has_flk, lambda p: has_flk(p) and not p.requests, relisted)

        # contact-staff-at-unit: the holder works at another unit of the same kind.
        def elsewhere(p: _Person) -> bool:
            i = rng.choice(self.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt")))
            contact = p.contacts[i]
            holder = self.staff_by_id[contact.staff]
            kind = region.type_of[contact.unit]
            others = [u for u in region.by_type[kind] if u not in holder.units]
            for unit in rng.sample(others, len(others)):
                found = [s for s in self.eligible.get((unit, holder.profession), [])
                         if contact.unit not in s.units]
                if found:
                    self.reassign(p, i, rng.choice(found))
                    return True
            return False

        def has_main(p: _Person) -> bool:
            return bool(self.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt")))

        def has_any(p: _Person) -> bool:
            return any(current(c.end, as_of) for c in p.contacts)

        self.plant(0.005, has_any, has_main, elsewhere)

        # contact-informed: the written information never went out.
        def not_informed(p: _Person) -> bool:
            options = [i for i in self.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"))
                if p.contacts[i].start <= as_of - timedelta(days=20)]
            if not options:
                return False
            i = rng.choice(options)
            p.contacts[i] = replace(p.contacts[i], informed=None)
            return True

        self.plant(0.02, has_main, has_main, not_informed)

        # transfer-consent: records sent to the residential home without consent.
        def no_consent(p: _Person) -> bool:
            p.transfers[0] = replace(p.transfers[0], consent=False)
            return True

        def has_transfer(p: _Person) -> bool:
            return bool(p.transfers)

        self.plant(0.08, has_transfer, has_transfer, no_consent)

        # one-coordinator: the health centre appointed a second coordinator.
        def second_coordinator(p: _Person) -> bool:
            if p.listed_at is None:
                return False
            nurse = self.pick_sure(p.listed_at, _NURSES, "eligible")
            self.appoint(p, "fast_vardkontakt", nurse, p.listed_at,
                         self.days_ago(30, 200, not_before=p.born),
                         title="kontaktsjuksköterska", handover=False)
            p.contacts[-1] = replace(p.contacts[-1], coordinating=True)
            return True

        def has_coordinator(p: _Person) -> bool:
            return bool(coordinators(p))

        self.plant(
            0.02,
            has_coordinator,
            lambda p: has_coordinator(p) and p.listed_at is not None and not (
                p.home_health_care or p.residence == "sarskilt_boende"),
            second_coordinator,
        )

        # plan-initial-update: the FOK never updated the plan (or there is no plan).
        def plan_not_updated(p: _Person) -> bool:
            plan = p.plan
            if plan is None:
                return False
            if rng.random() < 0.3:
                p.plan = None
            else:
                p.plan = ImplementationPlan(plan.established)
            return True

        self.plant(0.04, needs_fok, lambda p: needs_fok(p) and p.plan is not None,
                   plan_not_updated)

        # plan-revision: revisions stopped long ago.
        def revision_overdue(p: _Person) -> bool:
            plan = p.plan
            if plan is None:
                return False
            stop = self.days_ago(220, 400)
            p.plan = replace(plan, revisions=tuple(r for r in plan.revisions if r <= stop))
            return True

        def has_plan(p: _Person) -> bool:
            return p.plan is not None and any(active_on(d.start, d.end, as_of)
                                              for d in p.home_care)

        self.plant(
            0.04,
            has_plan,
            lambda p: has_plan(p) and p.plan is not None
            and (p.plan.updated_by_contact or p.plan.established) < as_of - timedelta(days=420),
            revision_overdue,
        )

        # contact-vacancy: the holder is leaving and nothing is handed over ...
        def leaving(s: _StaffDraft) -> bool:
            # Within the worklist horizon, so the missing handover shows.
            end = s.employment_end
            return end is not None and end <= as_of + timedelta(days=25)

        def make_leaving(s: _StaffDraft) -> None:
            s.employment_end = self.after(as_of, 7, 28)

        def to_leaver(p: _Person, hand_over: bool) -> bool:
            i = rng.choice(has_main_steady(p))
            contact = p.contacts[i]
            holder = self.staff_by_id[contact.staff]
            if hand_over and not self.steady.get((contact.unit, holder.profession)):
                return False  # nobody to hand over to
            leaver = self.staff_like(contact.unit, (holder.profession,),
                                     lambda s: leaving(s) and s.eligible, make_leaving)
            self.reassign(p, i, leaver)
            return self.hand_over(p, i) if hand_over else True

        def has_main_steady(p: _Person) -> list[int]:
            return [
                i for i in self.current_index(
                    p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"))
                if p.contacts[i].start <= as_of and p.contacts[i].end is None
                and not self.away(self.staff_by_id[p.contacts[i].staff])
            ]

        def steady_main(p: _Person) -> bool:
            return bool(has_main_steady(p))

        self.plant(0.01, has_any, steady_main, lambda p: to_leaver(p, False))
        # ... and, so that the worklist has its good examples too, some that were.
        self.plant(0.0, has_any, steady_main, lambda p: to_leaver(p, True))

        # sip-coordinator: nobody was given samordningsansvar in the plan.
        def no_sip_coordinator(p: _Person) -> bool:
            sip = p.sips[-1]
            p.sips[-1] = replace(sip, coordinator=None)
            p.contacts = [c for c in p.contacts
                          if not (c.kind == "sip_samordnare" and c.staff == sip.coordinator)]
            return True

        def has_sip(p: _Person) -> bool:
            return bool(p.sips)

        self.plant(0.05, has_sip, has_sip, no_sip_coordinator)

        # continuity-share: the FOK does too few of the visits.
        window = as_of - timedelta(days=13)

        def continuity_applies(p: _Person) -> bool:
            fok = {p.contacts[i].staff for i in fok_current(p)
                   if active_on(p.contacts[i].start, p.contacts[i].end, as_of)}
            return bool(fok) and sum(
                1 for v in p.visits if v.kind == "omsorg" and v.date >= window) >= 10

        def scattered(p: _Person) -> bool:
            fok = {p.contacts[i].staff for i in fok_current(p)}
            others = [v.staff for v in p.visits if v.staff not in fok] or [
                self.pick_sure(p.home_care[-1].unit, _CARERS).id]
            keep = rng.uniform(0.15, 0.35)
            p.visits = [
                replace(v, staff=rng.choice(others))
                if v.staff in fok and v.kind == "omsorg" and rng.random() > keep else v
                for v in p.visits
            ]
            return True

        self.plant(0.1, continuity_applies, continuity_applies, scattered)

        # coordinator-setting (Norrbotten): the health centre kept coordination although
        # the person now has municipal home health care.
        def region_coordinates(p: _Person) -> bool:
            if p.listed_at is None:
                return False
            for i in coordinators(p):
                p.contacts[i] = replace(p.contacts[i], coordinating=False)
            regional = [i for i in fvk_current(p)
                        if region.type_of[p.contacts[i].unit] != "kommunal_hsv"
                        and active_on(p.contacts[i].start, p.contacts[i].end, as_of)]
            if regional:
                p.contacts[regional[0]] = replace(p.contacts[regional[0]], coordinating=True)
            else:
                nurse = self.pick_sure(p.listed_at, _NURSES, "eligible")
                self.appoint(p, "fast_vardkontakt", nurse, p.listed_at,
                             self.days_ago(30, 400, not_before=p.born),
                             title="distriktssköterska", handover=False)
                p.contacts[-1] = replace(p.contacts[-1], coordinating=True)
            return True

        self.plant(
            0.03,
            has_coordinator,
            lambda p: (p.home_health_care or p.residence == "sarskilt_boende")
            and p.listed_at is not None and len(coordinators(p)) == 1,
            region_coordinates,
        )

        # contact-eligible (Gävleborg): the FVK is not registered as selectable.
        def not_selectable(p: _Person) -> bool:
            options = [i for i in fvk_current(p)
                       if p.contacts[i].local_title != "patientansvarig läkare"]
            if not options:
                return False
            i = rng.choice(options)
            contact = p.contacts[i]
            holder = self.staff_by_id[contact.staff]

            def make_ineligible(s: _StaffDraft) -> None:
                s.eligible = False

            other = self.staff_like(contact.unit, (holder.profession,),
                                    lambda s: not s.eligible and not self.away(s),
                                    make_ineligible)
            self.reassign(p, i, other)
            return True

        def has_fvk(p: _Person) -> bool:
            return bool(fvk_current(p))

        self.plant(0.02, has_fvk, has_fvk, not_selectable)

        # contact-needed (v2): needs recorded at a visit, nobody appointed yet.
        def needs_recorded(p: _Person) -> bool:
            if fvk_current(p) or p.needs or p.age < 18:
                return False
            p.add_need(rng.choice(("samordningsbehov", "stora_rehabiliteringsbehov")))
            return True

        def has_needs(p: _Person) -> bool:
            return bool(p.needs)

        self.plant(0.03, has_needs, lambda p: not fvk_current(p) and not p.needs,
                   needs_recorded)

        # residential-care-contact (v2): in särskilt boende, the fast omsorgskontakt ended and
        # nobody took over; a few have a documented reason instead (they keep the rule).
        def in_residential(p: _Person) -> bool:
            return p.residence == "sarskilt_boende" and p.age >= 65

        def residential_fok_gone(p: _Person) -> bool:
            for i in fok_current(p):
                contact = p.contacts[i]
                ended = self.days_ago(5, 40)
                if ended < contact.start:
                    del p.contacts[i]
                else:
                    p.contacts[i] = replace(contact, end=ended)
                return True
            return False

        def reason_documented(p: _Person) -> bool:
            p.contacts = [c for c in p.contacts if c.kind != "fast_omsorgskontakt"]
            p.residence_no_contact_reason = rng.choice(_RESIDENCE_NO_CONTACT_REASONS)
            return True

        def residential_with_fok(p: _Person) -> bool:
            return in_residential(p) and bool(fok_current(p))

        # Few people live in särskilt boende, and other rules' plants took some: spare fewer.
        self.plant(0.1, in_residential, residential_with_fok, residential_fok_gone, spare=1)
        self.plant(0.05, in_residential, residential_with_fok, reason_documented, minimum=1,
                   spare=0)

    # --- the whole region -----------------------------------------------------------------

    def scenario(self) -> Scenario:
        self.build_staff()
        self.build_people()
        self.decide_all()
        for p in self.persons:
            self.build(p)
        self.involved = [
            p for p in self.persons
            if p.contacts or p.home_care or p.stays or p.requests or p.sips or p.transfers
        ]
        self.plant_all()
        return Scenario(
            units=tuple(sorted(self.region.units, key=lambda u: u.id)),
            staff=tuple(d.freeze() for d in sorted(self.staff, key=lambda d: d.id)),
            patients=tuple(p.freeze() for p in sorted(self.persons, key=lambda p: p.id)),
            as_of=self.as_of,
            policy="norrbotten",
        )


# --- postal addresses ------------------------------------------------------------------------

#: Streets, their postcodes and (where it is not the municipality's) post town, per
#: municipality in ``_MUNICIPALITIES`` order: made up, but in the real postcode ranges, so a
#: letter's window reads like a real one.
_STREETS: Final[tuple[tuple[tuple[str, ...], ...], ...]] = (
    (
        ("Storgatan", "972 31"), ("Kungsgatan", "972 41"), ("Smedjegatan", "972 33"),
        ("Skeppsbrogatan", "972 38"), ("Hertsövägen", "974 33"), ("Tärnstigen", "974 35"),
        ("Blåbärsvägen", "973 46"), ("Lingonstigen", "973 47"), ("Lulsundsgatan", "972 52"),
        ("Mjölkuddsvägen", "972 54"), ("Bergnäsvägen", "975 92"),
        ("Kyrkbyvägen", "954 33", "Gammelstad"), ("Strandvägen", "956 31", "Råneå"),
    ),
    (
        ("Föreningsgatan", "981 31"), ("Hjalmar Lundbohmsvägen", "981 32"),
        ("Lombolovägen", "981 37"), ("Högalidsgatan", "981 34"),
        ("Vittangivägen", "980 10", "Vittangi"),
    ),
    (
        ("Storgatan", "982 31"), ("Lasarettsgatan", "982 32"), ("Malmbergsvägen", "982 36"),
        ("Bolagsgatan", "983 33", "Malmberget"), ("Kvarngatan", "982 35"),
    ),
)
_TOWNS: Final = ("Luleå", "Kiruna", "Gällivare")
#: Where the region's hospital units get their post.
_HOSPITAL_TOWN: Final = {"SLV4": 2, "SLV5": 1}
#: Share of people with no address in the register (moved, protected, not yet recorded), so
#: the letters' refusal path shows in the demo; and of those whose post goes to someone else.
_NO_ADDRESS_SHARE: Final = 0.03
_CARE_OF_SHARE: Final = 0.03


def _street_address(rng: random.Random, place: int) -> PostalAddress:
    street, code, *town = rng.choice(_STREETS[place])
    number = f"{street} {rng.randint(1, 60)}"
    if rng.random() < 0.45:
        number += f" lgh {rng.randint(11, 15)}{rng.randint(1, 4):02d}"
    return PostalAddress(street=number, postal_code=code, city=town[0] if town else _TOWNS[place])


def _unit_town(unit: Unit) -> int:
    """The municipality (index) where the unit gets its post."""
    org, _, suffix = unit.id.partition("-")
    for place, m in enumerate(_MUNICIPALITIES):
        if org == m.org or unit.name.removeprefix("Hälsocentralen ") in m.health_centres:
            return place
    return _HOSPITAL_TOWN.get(suffix, 0)


def _with_addresses(scenario: Scenario, persons: Sequence[_Person], seed: int) -> Scenario:
    """Postal addresses for every unit and most people, from their own random stream: the
    rest of the region stays exactly as it was before the demo had addresses."""
    # The units and the homes are the region's and the same for every seed; people differ.
    fixed = random.Random("unit-addresses")  # noqa: S311 - synthetic data, not secrets
    rng = random.Random(f"addresses-{seed}")  # noqa: S311 - synthetic data, not secrets
    units = tuple(
        replace(
            unit,
            address=PostalAddress(
                street=f"Box {fixed.randint(100, 9899)}",
                postal_code=_STREETS[_unit_town(unit)][0][1],
                city=_TOWNS[_unit_town(unit)],
            ),
        )
        for unit in scenario.units
    )
    place_of = {p.id: p.municipality for p in persons}
    homes: list[list[PostalAddress]] = [[] for _ in _MUNICIPALITIES]
    for unit in scenario.units:
        if "-SAB" in unit.id:
            homes[_unit_town(unit)].append(_street_address(fixed, _unit_town(unit)))
    relatives = [p.name.split(" ")[0] for p in persons]
    patients = []
    for patient in scenario.patients:
        roll = rng.random()
        if roll < _NO_ADDRESS_SHARE:
            patients.append(patient)
            continue
        place = place_of[patient.id]
        address = _street_address(rng, place)
        if patient.residence == "sarskilt_boende":
            home = rng.choice(homes[place])
            street = home.street.split(" lgh ")[0]
            address = replace(home, street=f"{street} lgh {rng.randint(1001, 1040)}")
        if roll > 1 - _CARE_OF_SHARE:
            # Post to a relative (or a guardian) of the same family name.
            family = patient.name.rsplit(" ", 1)[-1]
            address = replace(address, care_of=f"{rng.choice(relatives)} {family}")
        patients.append(replace(patient, address=address))
    return replace(scenario, units=units, patients=tuple(patients))


def demo_scenario(*, people: int = 2000, seed: int = 1, as_of: date) -> Scenario:
    """A synthetic region of ``people`` people on ``as_of``, the same for the same arguments.

    Mostly compliant, with a few percent of realistic breaches of every rule in
    ``spec/rules.md`` planted, so every rule has people with and without a finding.
    """
    if people < 0:
        raise ValueError("people must be zero or more")
    builder = _Builder(people, seed, as_of)
    return _with_addresses(builder.scenario(), builder.persons, seed)
