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

The region's units and names are in ``demo.catalogue``; the breaches, one function per rule,
in ``demo.breaches``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Final

from faker import Faker

from fastkontakt.demo.breaches import plant_all
from fastkontakt.demo.catalogue import (
    _ALLOWED,
    _CARE_EXTRAS,
    _CARERS,
    _CLINIC_TITLES,
    _CONDITION_CLINICS,
    _CORE,
    _LICENSED,
    _LOCAL_FEMALE,
    _LOCAL_MALE,
    _LOCAL_SURNAMES,
    _MIX,
    _MUNICIPALITIES,
    _NEED_ORDER,
    _NO_CONTACT_REASONS,
    _NURSES,
    _PROFESSION_CODE,
    _SERVICE_ONLY_LIST,
    _SERVICE_ORDER,
    _TYPE_SHARE,
    REGION_ORG,
    _Region,
)
from fastkontakt.domain.calendar import active_on, current
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import (
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
    Visit,
)

__all__ = ["demo_scenario"]

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
    wants_fast_lakarkontakt: bool = False
    wants_fast_vardkontakt_at_centre: bool = False
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
            p.wants_fast_lakarkontakt = rng.random() < _band(age, 0.03, 0.12, 0.35, 0.5, 0.5)
            p.wants_fast_vardkontakt_at_centre = (
                rng.random() < _band(age, 0.005, 0.015, 0.06, 0.08, 0.08)
            )
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

        def physician(p: _Person) -> None:
            p.wants_fast_lakarkontakt = True

        def nurse(p: _Person) -> None:
            p.wants_fast_vardkontakt_at_centre = True

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
        self.top_up(14, lambda p: p.wants_fast_lakarkontakt, listed_adult, physician)
        self.top_up(10, lambda p: p.wants_fast_vardkontakt_at_centre, listed_adult, nurse)
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
            self.build_fast_omsorgskontakt(p, unit, start)

    def build_fast_omsorgskontakt(self, p: _Person, unit: str, decided: date) -> None:
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
        if listed is not None and p.wants_fast_lakarkontakt:
            start = self.days_ago(20, 3000, not_before=p.born)
            if (start - p.born).days > 800 and rng.random() < 0.15:
                earlier = max(start - timedelta(days=rng.randrange(200, 2000)), p.born)
                self.appoint(p, "fast_lakarkontakt", self.pick_sure(listed, ("lakare",)),
                             listed, earlier, end=start - timedelta(days=1), handover=False)
            self.appoint(p, "fast_lakarkontakt", self.pick_sure(listed, ("lakare",)), listed,
                         start)
        if listed is not None and p.wants_fast_vardkontakt_at_centre:
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
        has_contact = any(c.kind == "fast_omsorgskontakt" and current(c.end, as_of)
                      for c in p.contacts)
        updated: date | None = None
        if has_contact:
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
        contact_staff: _StaffDraft | None = None
        for c in p.contacts:
            if c.kind == "fast_omsorgskontakt" and active_on(c.start, c.end, as_of):
                contact_staff = self.staff_by_id[c.staff]
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
            contact_here = contact_staff is not None and not any(
                a.start <= day <= a.end for a in contact_staff.absences
            )
            for _ in range(per_day):
                if contact_staff is not None and contact_here and rng.random() < share:
                    visits.append(Visit(day, contact_staff.id))
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
        plant_all(self)
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
