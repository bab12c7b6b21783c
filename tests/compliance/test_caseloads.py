"""Caseloads: a staff member's contacts and deadlines, a unit's staff and their loads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.caseloads import staff_caseload_get, unit_caseload_get
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.domain.errors import NotAllowed, NotFound
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.registry.models import (
    Contact,
    HomeCareDecision,
    Person,
    Staff,
    Unit,
    UnitLocalTitle,
)
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory

TODAY = date(2026, 11, 22)
D = date.fromisoformat


def actor_with(*roles: tuple[str, Unit], staff: Staff | None = None) -> Actor:
    units = {unit.pk: unit.hsa_id for _, unit in roles}
    return Actor(
        user_id=None,
        username="lena",
        memberships=frozenset((role, unit.pk) for role, unit in roles),
        unit_hsa_ids=tuple(sorted(units.items(), key=lambda u: u[1])),
        staff_pk=staff.pk if staff else None,
    )


@dataclass
class Region:
    centre: Unit
    other_centre: Unit
    home_care: Unit
    nurse: Staff
    usk: Staff
    doctor: Staff
    head: Actor
    """Head of unit at the centre."""


@pytest.fixture
def region() -> Region:
    centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    other_centre = UnitFactory(name="Vårdcentralen Syd", type="primarvard")
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    nurse = StaffFactory(name="Karin Sköterska")
    nurse.units.add(centre, other_centre)
    usk = StaffFactory(name="Maja Undersköterska", profession="underskoterska", licensed=False)
    usk.units.add(home_care)
    doctor = StaffFactory(name="Per Läkare", profession="lakare", eligible=False)
    doctor.units.add(centre)
    head = actor_with((Role.HEAD_OF_UNIT, centre))
    return Region(centre, other_centre, home_care, nurse, usk, doctor, head)


def person(serial: int, name: str) -> Person:
    return PersonFactory(personal_id=make_personal_id(date(1940, 1, 1), serial), name=name)


def contact(
    who: Person, staff: Staff, unit: Unit, kind: str = "fast_vardkontakt", **f: object
) -> Contact:
    f.setdefault("start", D("2026-01-01"))
    f.setdefault("informed", D("2026-01-02"))
    return ContactFactory(person=who, staff=staff, unit=unit, kind=kind, **f)


def nurses_caseload(region: Region) -> dict[str, Person]:
    anna, bertil, cecilia, david = (
        person(1, "Anna Andersson"),
        person(2, "Bertil Berg"),
        person(3, "Cecilia Ek"),
        person(4, "David Dahl"),
    )
    contact(anna, region.nurse, region.centre, start=D("2026-11-15"), informed=None)
    contact(anna, region.nurse, region.centre, kind="behandlande_roll")
    contact(bertil, region.nurse, region.centre, coordinating=True, local_title="Vårdcoach")
    contact(cecilia, region.nurse, region.other_centre)  # a person the head may not read
    contact(david, region.nurse, region.centre, end=D("2026-10-01"))  # ended
    contact(bertil, region.doctor, region.centre, kind="fast_lakarkontakt")
    return {"anna": anna, "bertil": bertil, "cecilia": cecilia, "david": david}


@pytest.mark.django_db
def test_a_staff_members_caseload_lists_current_contacts_of_readable_people(
    region: Region,
) -> None:
    # given
    people = nurses_caseload(region)

    # when
    caseload = staff_caseload_get(actor=region.head, staff_pk=region.nurse.pk, as_of=TODAY)

    # then
    assert [
        (c.name, c.kind, c.unit_name, c.since, c.informed, c.coordinating, c.local_title)
        for c in caseload.contacts
    ] == [
        ("Anna Andersson", "behandlande_roll", "Vårdcentralen Norr", D("2026-01-01"),
         D("2026-01-02"), False, ""),
        ("Anna Andersson", "fast_vardkontakt", "Vårdcentralen Norr", D("2026-11-15"), None,
         False, ""),
        ("Bertil Berg", "fast_vardkontakt", "Vårdcentralen Norr", D("2026-01-01"),
         D("2026-01-02"), True, "Vårdcoach"),
    ]  # fmt: skip
    assert caseload.hidden == 1
    assert caseload.by_kind == {"fast_vardkontakt": 3, "behandlande_roll": 1}
    assert caseload.units == [
        (region.centre.pk, "Vårdcentralen Norr"),
        (region.other_centre.pk, "Vårdcentralen Syd"),
    ]
    reads = Counter(
        AccessLogEntry.objects.filter(action="read", what="caseload.staff").values_list(
            "personal_id", flat=True
        )
    )
    assert reads == Counter({people["anna"].personal_id: 1, people["bertil"].personal_id: 1})
    assert people["cecilia"].personal_id not in set(
        AccessLogEntry.objects.filter(action="read").values_list("personal_id", flat=True)
    )


@pytest.mark.django_db
def test_the_deadlines_are_those_that_concern_the_staff_member(region: Region) -> None:
    # given
    nurses_caseload(region)
    eva = person(5, "Eva Ström")
    HomeCareDecision.objects.create(
        person=eva, unit=region.home_care, start=D("2026-11-01"), services=["dusch"]
    )
    contact(eva, region.usk, region.home_care, kind="fast_omsorgskontakt", informed=None,
            start=D("2026-11-02"))  # fmt: skip
    usk_actor = actor_with((Role.STAFF, region.home_care), staff=region.usk)
    findings_refresh(as_of=TODAY)

    # when
    nurse = staff_caseload_get(actor=region.head, staff_pk=region.nurse.pk, as_of=TODAY)
    usk = staff_caseload_get(actor=usk_actor, staff_pk=region.usk.pk, as_of=TODAY)

    # then
    assert [(r.group, r.name, r.rule, r.due) for r in nurse.deadlines] == [
        ("due_soon", "Anna Andersson", "contact-informed", D("2026-11-29")),
    ]
    assert [(r.group, r.name, r.rule, r.due) for r in usk.deadlines] == [
        ("overdue", "Eva Ström", "plan-initial-update", D("2026-11-15")),
        ("overdue", "Eva Ström", "contact-informed", D("2026-11-16")),
    ]


@pytest.mark.django_db
def test_the_staff_caseload_is_for_the_staff_member_and_the_units_leaders(
    region: Region,
) -> None:
    # given
    nurses_caseload(region)
    colleague = actor_with((Role.STAFF, region.centre))
    elsewhere = actor_with((Role.HEAD_OF_UNIT, region.home_care))
    herself = actor_with((Role.STAFF, region.centre), staff=region.nurse)

    # when / then
    with pytest.raises(NotAllowed):
        staff_caseload_get(actor=colleague, staff_pk=region.nurse.pk, as_of=TODAY)
    # another unit's staff member is answered exactly as one who does not exist
    with pytest.raises(NotFound):
        staff_caseload_get(actor=elsewhere, staff_pk=region.nurse.pk, as_of=TODAY)
    with pytest.raises(NotFound):
        staff_caseload_get(actor=region.head, staff_pk=region.nurse.pk + 1000, as_of=TODAY)
    assert (
        len(staff_caseload_get(actor=herself, staff_pk=region.nurse.pk, as_of=TODAY).contacts) == 3
    )
    assert AccessLogEntry.objects.filter(username="lena").count() == 2


def _add_people(region: Region, first: int, count: int) -> None:
    for serial in range(first, first + count):
        who = person(serial, f"Person {serial}")
        contact(who, region.nurse, region.centre, informed=None, start=D("2026-11-10"))
        contact(who, region.nurse, region.centre, kind="behandlande_roll")
        HomeCareDecision.objects.create(
            person=who, unit=region.home_care, start=D("2026-11-01"), services=["dusch"]
        )


@pytest.mark.django_db
def test_the_staff_caseload_takes_as_many_queries_for_30_people_as_for_3(region: Region) -> None:
    # given
    _add_people(region, 100, 3)
    findings_refresh(as_of=TODAY)
    with CaptureQueriesContext(connection) as few:
        small = staff_caseload_get(actor=region.head, staff_pk=region.nurse.pk, as_of=TODAY)
    _add_people(region, 200, 27)
    findings_refresh(as_of=TODAY)

    # when
    with CaptureQueriesContext(connection) as many:
        large = staff_caseload_get(actor=region.head, staff_pk=region.nurse.pk, as_of=TODAY)

    # then
    assert (len(small.contacts), len(large.contacts)) == (6, 60)
    assert len(large.deadlines) == 30
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_units_caseload_shows_who_is_selectable_and_each_ones_load(region: Region) -> None:
    # given
    nurses_caseload(region)
    UnitLocalTitle.objects.create(unit=region.centre, title="Vårdcoach")
    UnitLocalTitle.objects.create(
        unit=region.centre, title="Kontaktläkare", kind="fast_lakarkontakt"
    )

    # when
    caseload = unit_caseload_get(actor=region.head, unit_pk=region.centre.pk, as_of=TODAY)

    # then
    assert [
        (s.name, s.profession, s.eligible, s.by_kind, s.people) for s in caseload.staff
    ] == [
        ("Karin Sköterska", "sjukskoterska", True,
         {"fast_vardkontakt": 3, "behandlande_roll": 1}, 3),
        ("Per Läkare", "lakare", False, {"fast_lakarkontakt": 1}, 1),
    ]  # fmt: skip
    assert caseload.kinds == ("fast_vardkontakt", "fast_lakarkontakt", "behandlande_roll")
    assert [(t.title, t.kind) for t in caseload.local_titles] == [
        ("Kontaktläkare", "fast_lakarkontakt"),
        ("Vårdcoach", "fast_vardkontakt"),
    ]
    assert AccessLogEntry.objects.count() == 0  # counts only: no person is shown


@pytest.mark.django_db
def test_a_units_caseload_is_for_its_leaders_and_takes_constant_queries(region: Region) -> None:
    # given
    staff_member = actor_with((Role.STAFF, region.centre))
    coordinator = actor_with((Role.COORDINATOR, region.centre))
    with CaptureQueriesContext(connection) as few:
        unit_caseload_get(actor=coordinator, unit_pk=region.centre.pk, as_of=TODAY)
    _add_people(region, 300, 20)
    for n in range(5):
        StaffFactory(name=f"Ny {n}").units.add(region.centre)

    # when
    with CaptureQueriesContext(connection) as many:
        caseload = unit_caseload_get(actor=coordinator, unit_pk=region.centre.pk, as_of=TODAY)

    # then
    assert len(caseload.staff) == 7
    assert len(many) == len(few) == 5
    with pytest.raises(NotAllowed):
        unit_caseload_get(actor=staff_member, unit_pk=region.centre.pk, as_of=TODAY)
    with pytest.raises(NotFound):
        unit_caseload_get(actor=coordinator, unit_pk=region.centre.pk + 1000, as_of=TODAY)
