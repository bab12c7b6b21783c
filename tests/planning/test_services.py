"""Writing planning data: checked before anything is written, logged when it is a person's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry
from fastkontakt.domain.errors import InvalidInput, NotAllowed
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.planning import models as m
from fastkontakt.planning.services import (
    customer_location_set,
    planjob_request,
    visit_demands_derive,
)
from fastkontakt.registry.models import Absence, HomeCareDecision
from tests.factories import PersonFactory, StaffFactory, UnitFactory
from tests.planning.builders import World, build_world, hm


def coordinator(w: World) -> Actor:
    return Actor(
        user_id=None, username="koordinator", memberships=frozenset({("coordinator", w.unit.pk)})
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("staff", "first", "last", "problems"),
    [
        ("anna", 2, 1, [("end", "Sista dagen är före den första.")]),
        ("stranger", 1, 1, [("staff", "Välj en medarbetare som planeras vid enheten.")]),
        (
            None,
            None,
            None,
            [
                ("staff", "Välj en medarbetare som planeras vid enheten."),
                ("start", "Ange första dagen."),
                ("end", "Ange sista dagen."),
            ],
        ),
        ("anna", 0, 400, [("end", "Frånvaron får vara högst ett år i taget.")]),
        ("bo", 1, 2, [("start", "Medarbetaren har redan registrerad frånvaro under de dagarna.")]),
    ],
)
def test_a_bad_absence_is_refused_with_swedish_messages_and_nothing_is_written(
    staff: str | None,
    first: int | None,
    last: int | None,
    problems: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    w = build_world()
    Absence.objects.create(staff=w.bo, start=w.dates[2], end=w.dates[2])
    members = {"anna": w.anna.pk, "bo": w.bo.pk, "stranger": StaffFactory().pk, None: None}

    def day(offset: int | None) -> date | None:
        return None if offset is None else w.start + timedelta(days=offset)

    # when
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(InvalidInput) as refused,
    ):
        planjob_request(
            actor=coordinator(w),
            unit_pk=w.unit.pk,
            absence_staff_pk=members[staff],
            absence_start=day(first),
            absence_end=day(last),
        )

    # then
    assert [(p.path, p.message) for p in refused.value.problems] == problems
    assert list(Absence.objects.values_list("staff_id", flat=True)) == [w.bo.pk]
    assert (m.PlanJob.objects.count(), len(callbacks)) == (0, 0)


@pytest.mark.django_db
def test_re_planning_needs_a_planning_role_at_the_unit() -> None:
    # given staff of the unit
    w = build_world()
    staff = Actor(user_id=None, username="u", memberships=frozenset({("staff", w.unit.pk)}))

    # when
    with pytest.raises(NotAllowed):
        planjob_request(
            actor=staff,
            unit_pk=w.unit.pk,
            absence_staff_pk=w.anna.pk,
            absence_start=w.start,
            absence_end=w.start,
        )

    # then
    assert (Absence.objects.count(), m.PlanJob.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_customers_coordinates_are_checked_and_the_write_is_logged() -> None:
    # given
    w = build_world()
    actor = coordinator(w)

    # when
    with pytest.raises(InvalidInput) as refused:
        customer_location_set(actor=actor, unit=w.unit, person=w.greta, lat=91.0, lon=22.0)
    location = customer_location_set(actor=actor, unit=w.unit, person=w.greta, lat=65.6, lon=22.1)

    # then
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("lat", "Latituden ska vara mellan -90 och 90 grader.")
    ]
    assert (location.lat, location.lon) == (65.6, 22.1)
    writes = list(
        AccessLogEntry.objects.filter(personal_id=w.greta.personal_id).values_list(
            "action", "what", "unit"
        )
    )
    assert writes == [("write", "planning.location", w.unit.hsa_id)]


@pytest.mark.django_db
def test_a_decision_gets_the_usual_visits_for_its_services_once() -> None:
    # given a woman of 91 with a large care need, granted care, a shower, meals and an alarm
    unit = UnitFactory(type="hemtjanst")
    on = date(2026, 11, 23)  # a Monday
    person = PersonFactory(
        personal_id=make_personal_id(date(1935, 3, 1), 17), needs=["stort_omvardnadsbehov"]
    )
    decision = HomeCareDecision.objects.create(
        person=person,
        unit=unit,
        start=on,
        services=["personlig_omvardnad", "dusch", "matdistribution", "trygghetslarm"],
    )
    actor = Actor(user_id=None, username="cli:test", memberships=frozenset())

    # when
    created = visit_demands_derive(actor=actor, decision=decision, on=on)
    again = visit_demands_derive(actor=actor, decision=decision, on=on)

    # then
    rows = list(
        m.VisitDemand.objects.filter(decision=decision)
        .order_by("pk")
        .values_list(
            "code",
            "kind",
            "weekdays",
            "earliest",
            "latest",
            "duration",
            "staff_count",
            "competences",
            "delegations",
        )
    )
    daily = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    us, medicines = ["underskoterska"], ["lakemedel"]
    # Staggered by the person's number: the double-staffed mornings and the shower day.
    first = hm("07:15") + 40 * (person.pk % 3)
    shower_day = ["mon", "tue", "wed", "thu", "fri"][person.pk % 5]
    assert rows == [
        ("morgon", "omsorg", daily, first, first + 105, 35, 2, us, medicines),
        ("lunch", "omsorg", daily, hm("11:30"), hm("13:00"), 20, 1, us, []),
        ("middag", "omsorg", daily, hm("16:00"), hm("17:30"), 15, 1, [], []),
        ("kvall", "omsorg", daily, hm("19:00"), hm("21:00"), 30, 1, us, medicines),
        ("mat", "matdistribution", daily, hm("10:30"), hm("12:00"), 5, 1, [], []),
        ("dusch", "omsorg", [shower_day], hm("09:00"), hm("13:00"), 40, 1, us, []),
    ]
    assert (created, again) == (6, 0)
    assert AccessLogEntry.objects.filter(personal_id=person.personal_id).count() == 1
