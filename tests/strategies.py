"""Hypothesis strategies for valid scenarios: small, but with every kind of nested data.

Everything drawn is what ``parse_scenario`` accepts: unique ids, references to units and staff of
the same scenario, periods that do not end before they start, valid personnummer and
samordningsnummer. Dates cluster within about two years of 2026-11-22 so that the rules'
deadlines, horizons and windows are actually exercised.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import strategies as st

from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import (
    CONTACT_KINDS,
    NEEDS,
    POLICY_NAMES,
    PROFESSIONS,
    REQUEST_KINDS,
    RESIDENCES,
    SERVICES,
    UNIT_TYPES,
    VISIT_KINDS,
    Absence,
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Patient,
    PostalAddress,
    Scenario,
    Sip,
    Staff,
    Unit,
    Visit,
)

AS_OF = date(2026, 11, 22)

_NAME_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖé -"
_ID_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

# Names start with a letter: the format refuses blank strings.
names = st.builds(
    str.__add__, st.sampled_from("AEIOUÅÄÖBCDFGHJKLMNPRSTVZ"), st.text(_NAME_LETTERS, max_size=23)
)
days = st.dates(min_value=AS_OF - timedelta(days=730), max_value=AS_OF + timedelta(days=365))
near_days = st.dates(min_value=AS_OF - timedelta(days=60), max_value=AS_OF + timedelta(days=60))
# Often the day the visits cluster around (continuity), otherwise a month either side.
as_of_dates = st.just(AS_OF) | st.dates(
    min_value=AS_OF - timedelta(days=30), max_value=AS_OF + timedelta(days=30)
)
policies = st.sampled_from(POLICY_NAMES)


def _optional(strategy: st.SearchStrategy[date]) -> st.SearchStrategy[date | None]:
    return st.none() | strategy


@st.composite
def periods(
    draw: st.DrawFn, *, open_ended: bool = True, start: st.SearchStrategy[date] = days
) -> tuple[date, date | None]:
    """``(from, to)`` with ``to >= from``; ``to`` may be None when ``open_ended``."""
    first = draw(start)
    if open_ended and draw(st.booleans()):
        return first, None
    return first, first + timedelta(days=draw(st.integers(0, 400)))


@st.composite
def hsa_ids(draw: st.DrawFn, count: int) -> list[str]:
    """``count`` distinct HSA-ids with mixed-case suffixes (databases may sort them otherwise)."""
    # The position as last character keeps them distinct, also to a case-insensitive database.
    stems = draw(
        st.lists(st.text(_ID_LETTERS, min_size=1, max_size=5), min_size=count, max_size=count)
    )
    organisation = draw(st.integers(2_000_000_000, 2_999_999_999))
    return [f"SE{organisation}-{stem}{n}" for n, stem in enumerate(stems)]


@st.composite
def personal_ids(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1915, 1, 1), max_value=date(2024, 12, 31)))
    return make_personal_id(born, draw(st.integers(0, 999)), coordination=draw(st.booleans()))


postal_addresses = st.builds(
    PostalAddress,
    street=names,
    postal_code=st.builds("{} {:02d}".format, st.integers(100, 984), st.integers(0, 99)),
    city=names,
    care_of=st.none() | names,
)


@st.composite
def units(draw: st.DrawFn) -> tuple[Unit, ...]:
    ids = draw(hsa_ids(draw(st.integers(1, 4))))
    return tuple(
        Unit(
            id=i,
            name=draw(names),
            type=draw(st.sampled_from(UNIT_TYPES)),
            address=draw(st.none() | postal_addresses),
        )
        for i in ids
    )


@st.composite
def staff_members(draw: st.DrawFn, unit_ids: list[str]) -> tuple[Staff, ...]:
    ids = draw(hsa_ids(draw(st.integers(1, 6))))
    members = []
    for staff_id in ids:
        absences = tuple(
            Absence(start=start, end=end)
            for start, end in draw(st.lists(periods(open_ended=False, start=near_days), max_size=2))
            if end is not None
        )
        members.append(
            Staff(
                id=staff_id,
                name=draw(names),
                profession=draw(st.sampled_from(PROFESSIONS)),
                units=tuple(draw(st.lists(st.sampled_from(unit_ids), unique=True, max_size=3))),
                licensed=draw(st.booleans()),
                eligible=draw(st.booleans()),
                employment_end=draw(_optional(near_days)),
                absences=absences,
            )
        )
    return tuple(members)


@st.composite
def contacts(
    draw: st.DrawFn, unit_ids: list[str], staff_ids: list[str], first_id: int
) -> tuple[Contact, ...]:
    result = []
    for offset in range(draw(st.integers(0, 4))):
        start, end = draw(periods(start=near_days))
        result.append(
            Contact(
                id=f"k{first_id + offset}",
                # Weighted towards fast vårdkontakt so that "more than one coordinator" occurs.
                kind=draw(st.just("fast_vardkontakt") | st.sampled_from(CONTACT_KINDS)),
                staff=draw(st.sampled_from(staff_ids)),
                unit=draw(st.sampled_from(unit_ids)),
                start=start,
                end=end,
                coordinating=draw(st.booleans()),
                informed=draw(_optional(near_days)),
                local_title=draw(st.none() | names),
            )
        )
    return tuple(result)


@st.composite
def visits(draw: st.DrawFn, staff_ids: list[str]) -> tuple[Visit, ...]:
    """A few visits, or (a busy home-care customer) 10-20 visits, mostly care, in the 14 days up
    to AS_OF and a little around them: enough for the continuity rule to count."""
    count = draw(st.integers(0, 3) | st.integers(10, 20))
    return tuple(
        Visit(
            date=draw(st.dates(AS_OF - timedelta(days=15), AS_OF + timedelta(days=1))),
            staff=draw(st.sampled_from(staff_ids)),
            kind=draw(st.just("omsorg") | st.sampled_from(VISIT_KINDS)),
        )
        for _ in range(count)
    )


@st.composite
def patients(
    draw: st.DrawFn, unit_ids: list[str], staff_ids: list[str], ids: list[str]
) -> tuple[Patient, ...]:
    result = []
    next_contact = next_sip = 0
    unit = st.sampled_from(unit_ids)
    member = st.sampled_from(staff_ids)
    for personal_id in ids:
        patient_contacts = draw(contacts(unit_ids, staff_ids, next_contact))
        next_contact += len(patient_contacts)
        sip_count = draw(st.integers(0, 2))
        sips = tuple(
            Sip(
                id=f"sip{next_sip + n}",
                created=draw(near_days),
                invited=draw(_optional(near_days)),
                coordinator=draw(st.none() | member),
            )
            for n in range(sip_count)
        )
        next_sip += sip_count
        home_care = []
        for _ in range(draw(st.integers(0, 2))):
            start, end = draw(periods(start=near_days))
            home_care.append(
                HomeCareDecision(
                    unit=draw(unit),
                    start=start,
                    end=end,
                    services=tuple(
                        draw(st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4))
                    ),
                    no_contact_reason=draw(st.one_of(st.none(), st.none(), names)),
                )
            )
        plan = draw(
            st.none()
            | st.builds(
                ImplementationPlan,
                # Wide dates: a revision falls due six months after the latest of them.
                established=days,
                updated_by_contact=_optional(days),
                revisions=st.lists(days, max_size=3).map(tuple),
            )
        )
        result.append(
            Patient(
                id=personal_id,
                name=draw(names),
                address=draw(st.none() | postal_addresses),
                residence=draw(st.sampled_from(RESIDENCES)),
                residence_from=draw(_optional(days)),
                residence_no_contact_reason=draw(
                    st.none() | st.just("Har avböjt efter information om rätten")
                ),
                home_health_care=draw(st.booleans()),
                listed_at=draw(st.none() | unit),
                life_threatening_since=draw(_optional(near_days)),
                needs=tuple(draw(st.lists(st.sampled_from(NEEDS), max_size=3))),
                contacts=patient_contacts,
                requests=tuple(
                    draw(
                        st.lists(
                            st.builds(
                                ContactRequest,
                                kind=st.sampled_from(REQUEST_KINDS),
                                unit=unit,
                                date=near_days,
                            ),
                            max_size=2,
                        )
                    )
                ),
                inpatient_stays=tuple(
                    draw(
                        st.lists(
                            st.builds(
                                InpatientStay,
                                unit=unit,
                                admitted=near_days,
                                outpatient_unit=st.none() | unit,
                                needs_municipal_care=st.booleans(),
                                ready_for_discharge=_optional(near_days),
                                discharged=_optional(near_days),
                            ),
                            max_size=2,
                        )
                    )
                ),
                home_care=tuple(home_care),
                implementation_plan=plan,
                sips=sips,
                information_transfers=tuple(
                    draw(
                        st.lists(
                            st.builds(
                                InformationTransfer,
                                recipient=names,
                                date=near_days,
                                consent=st.booleans(),
                            ),
                            max_size=2,
                        )
                    )
                ),
                visits=draw(visits(staff_ids)),
            )
        )
    return tuple(result)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario: ≤ 4 units, ≤ 6 staff, ≤ 5 patients, in no particular order."""
    scenario_units = draw(units())
    unit_ids = [u.id for u in scenario_units]
    scenario_staff = draw(staff_members(unit_ids))
    staff_ids = [s.id for s in scenario_staff]
    ids = draw(st.lists(personal_ids(), max_size=5, unique=True))
    return Scenario(
        units=scenario_units,
        staff=scenario_staff,
        patients=draw(patients(unit_ids, staff_ids, ids)),
        as_of=draw(st.none() | as_of_dates),
        policy=draw(st.none() | policies),
    )


def sorted_scenario(scenario: Scenario) -> Scenario:
    """The scenario with its top-level lists sorted by id, as the registry exports it."""
    return dataclasses.replace(
        scenario,
        units=tuple(sorted(scenario.units, key=lambda u: u.id)),
        staff=tuple(sorted(scenario.staff, key=lambda s: s.id)),
        patients=tuple(sorted(scenario.patients, key=lambda p: p.id)),
    )
