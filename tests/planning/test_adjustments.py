"""A coordinator moves one visit of the plan: the checker refuses what breaks the plan (nothing
saved), a move the plan holds with shows its effect and, saved, is kept and logged; unplanned
visits say why and can be planned in from the page."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from django.urls import reverse

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.errors import ChangeRefused, NotFound
from fastkontakt.planning import models as m
from fastkontakt.planning.adjustments import planned_visit_move
from fastkontakt.planning.instances import plan_get
from fastkontakt.planning.plan_store import plan_store
from tests.access.helpers import make_user, signed_in
from tests.factories import UnitFactory
from tests.planning.builders import World, build_world, hand_made_plan, hm

SYSTEM = Actor(user_id=None, username="test", memberships=frozenset())


@pytest.fixture
def w() -> World:
    world = build_world()
    plan_store(actor=SYSTEM, unit=world.unit, plan=hand_made_plan(world))
    return world


@pytest.fixture
def coordinator(w: World) -> Actor:
    return actor_for_user(make_user("koordinator", [(Role.COORDINATOR, w.unit)]), request_id="t")


def shower(w: World) -> m.PlannedVisit:
    return m.PlannedVisit.objects.get(run__status="current", demand=w.shower)


def saved_state(w: World) -> tuple[Any, ...]:
    run = m.PlanRun.objects.get(unit=w.unit, status="current")
    return (
        list(m.PlannedVisit.objects.filter(run=run).order_by("pk").values_list(
            "start", "staff_id", "partner_id"
        )),
        list(
            m.PlannedBreak.objects.filter(run=run).order_by("pk").values_list("staff_id", "start")
        ),
        run.travel_minutes,
        m.PlanAdjustment.objects.count(),
        AccessLogEntry.objects.filter(action="write", what="planning.move").count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "rule", "message"),
    [
        ("13:10", "window", "besöket ”Dusch” kl. 13:10 börjar 13:10, utanför fönstret 09:00–13:00"),
        ("10:50", "break-overlap", "rasten för Bo Berg krockar med besöket ”Dusch” kl. 10:50"),
    ],
)
def test_a_move_that_breaks_the_window_or_a_break_is_refused_and_nothing_is_saved(
    w: World, coordinator: Actor, start: str, rule: str, message: str
) -> None:
    # given Bo's shower for Olle at 10:00 and Bo's break at 11:00
    before = saved_state(w)
    # when Bo is to start it at 13:10 (window 09:00-13:00) or at 10:50 (into the break)
    with pytest.raises(ChangeRefused) as refused:
        planned_visit_move(
            actor=coordinator, unit_pk=w.unit.pk, visit_pk=shower(w).pk,
            staff_pk=w.bo.pk, start=hm(start), save=True,
        )
    # then
    assert [(p.rule, p.message) for p in refused.value.problems] == [(rule, message)]
    assert saved_state(w) == before


@pytest.mark.django_db
def test_a_move_to_someone_without_the_competence_is_refused(
    w: World, coordinator: Actor
) -> None:
    # when Cecilia (vårdbiträde, evening shift) is to shower Olle at 14:30
    with pytest.raises(ChangeRefused) as refused:
        planned_visit_move(
            actor=coordinator, unit_pk=w.unit.pk, visit_pk=shower(w).pk,
            staff_pk=w.cecilia.pk, start=hm("12:30"), save=False,
        )
    # then
    rules = {p.rule for p in refused.value.problems}
    assert "qualification" in rules
    assert "Cecilia Ek saknar underskoterska" in {p.message for p in refused.value.problems}


@pytest.mark.django_db
def test_trying_a_move_shows_its_effect_without_saving(w: World, coordinator: Actor) -> None:
    # given
    before = saved_state(w)
    # when Anna, Karin's contact, is to shower Olle at 12:00 on her day
    effect = planned_visit_move(
        actor=coordinator, unit_pk=w.unit.pk, visit_pk=shower(w).pk,
        staff_pk=w.anna.pk, start=hm("12:00"), save=False,
    )
    # then
    assert effect.saved is False
    run = m.PlanRun.objects.get(unit=w.unit, status="current")
    assert effect.travel_before == plan_get(run=run).travel_minutes()
    assert effect.travel_after != effect.travel_before
    assert effect.before.distinct_staff == effect.after.distinct_staff == 1
    assert saved_state(w) == before


@pytest.mark.django_db
def test_a_saved_move_is_kept_figured_and_logged_once(w: World, coordinator: Actor) -> None:
    # when Anna takes Olle's shower at 12:00
    row = shower(w)
    effect = planned_visit_move(
        actor=coordinator, unit_pk=w.unit.pk, visit_pk=row.pk,
        staff_pk=w.anna.pk, start=hm("12:00"), save=True,
    )
    # then
    row.refresh_from_db()
    assert (row.start, row.staff_id) == (hm("12:00"), w.anna.pk)
    run = row.run
    run.refresh_from_db()
    assert run.travel_minutes == effect.travel_after
    adjustment = m.PlanAdjustment.objects.get()
    assert (adjustment.from_start, adjustment.from_staff_id) == (hm("10:00"), w.bo.pk)
    assert (adjustment.to_start, adjustment.to_staff_id) == (hm("12:00"), w.anna.pk)
    assert adjustment.made_by == "koordinator"
    writes = Counter(
        AccessLogEntry.objects.filter(action="write", what="planning.move").values_list(
            "personal_id", flat=True
        )
    )
    assert writes == Counter({w.olle.personal_id: 1})


@pytest.mark.django_db
def test_a_member_with_a_free_day_gets_the_break_the_shift_needs(
    w: World, coordinator: Actor
) -> None:
    # given Bo has no visits on the first day, so no break is planned for him
    run = m.PlanRun.objects.get(unit=w.unit, status="current")
    morning = m.PlannedVisit.objects.get(run=run, demand=w.morning, day=w.start)
    assert not m.PlannedBreak.objects.filter(run=run, staff=w.bo, day=w.start).exists()
    # when Bo takes Karin's first morning at 09:00
    planned_visit_move(
        actor=coordinator, unit_pk=w.unit.pk, visit_pk=morning.pk,
        staff_pk=w.bo.pk, start=hm("09:00"), save=True,
    )
    # then his break is planned in its window (10:30-13:00)
    (start,) = m.PlannedBreak.objects.filter(run=run, staff=w.bo, day=w.start).values_list(
        "start", flat=True
    )
    assert hm("10:30") <= start <= hm("13:00")


@pytest.mark.django_db
def test_bad_input_and_another_units_visit(w: World, coordinator: Actor) -> None:
    from fastkontakt.domain.errors import InvalidInput

    other = UnitFactory(name="Hemtjänst Syd", type="hemtjanst")
    with pytest.raises(InvalidInput) as invalid:
        planned_visit_move(
            actor=coordinator, unit_pk=w.unit.pk, visit_pk=shower(w).pk,
            staff_pk=None, start=None, save=True,
        )
    assert {p.path for p in invalid.value.problems} == {"start", "staff"}
    boss = actor_for_user(make_user("chef", [(Role.COORDINATOR, other)]), request_id="c")
    with pytest.raises(NotFound):
        planned_visit_move(
            actor=boss, unit_pk=other.pk, visit_pk=shower(w).pk,
            staff_pk=w.bo.pk, start=hm("10:00"), save=True,
        )


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
def test_the_move_page_tries_refuses_and_saves(w: World) -> None:
    # given
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))
    url = reverse("web:planning_move", args=[w.unit.pk, shower(w).pk])
    # when
    page = client.get(url)
    refused = client.post(url, {"staff": w.bo.pk, "start": "13:10", "action": "prova"})
    tried = client.post(url, {"staff": w.anna.pk, "start": "12:00", "action": "prova"})
    bad = client.post(url, {"staff": w.anna.pk, "start": "25:99", "action": "spara"})
    saved = client.post(url, {"staff": w.anna.pk, "start": "12.00", "action": "spara"})
    # then
    assert page.status_code == 200
    assert "Olle Berg" in text(page)
    assert "Dusch" in text(page)
    assert refused.status_code == 400
    assert "Planen håller inte med den ändringen." in text(refused)
    assert "utanför fönstret 09:00–13:00" in text(refused)
    assert tried.status_code == 200
    assert "Planen håller." in text(tried)
    assert "Planens restid:" in text(tried)
    assert bad.status_code == 400
    assert "Ange en starttid som TT:MM" in text(bad)
    assert saved.status_code == 302
    assert m.PlanAdjustment.objects.count() == 1
    assert "Besöket är flyttat." in text(client.get(saved["Location"]))


@pytest.mark.django_db
def test_the_move_page_is_for_planners_of_the_unit_only(w: World) -> None:
    url = reverse("web:planning_move", args=[w.unit.pk, shower(w).pk])
    staff = signed_in(make_user("medarbetare", [(Role.STAFF, w.unit)]))
    other_unit = UnitFactory(name="Hemtjänst Syd", type="hemtjanst")
    elsewhere = signed_in(make_user("annan", [(Role.COORDINATOR, other_unit)]))
    wrong_url = reverse("web:planning_move", args=[other_unit.pk, shower(w).pk])
    assert staff.get(url).status_code == 403
    assert elsewhere.get(url).status_code == 403
    assert elsewhere.get(wrong_url).status_code == 404
    assert elsewhere.post(wrong_url, {"staff": w.bo.pk, "start": "10:00", "action": "spara"}
                          ).status_code == 404
    assert m.PlanAdjustment.objects.count() == 0


@pytest.mark.django_db
def test_an_unplanned_visit_says_why_and_can_be_planned_in(w: World) -> None:
    # given a plan where Karin's first morning is left out although Anna is free
    made = hand_made_plan(w)
    left = next(p for p in made.visits if f"/d{w.morning.pk}/{w.start}" in p.visit)
    made = replace(
        made,
        visits=tuple(p for p in made.visits if p is not left),
        unplanned=(left.visit,),
    )
    plan_store(actor=SYSTEM, unit=w.unit, plan=made)
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))
    # when
    page = client.get(reverse("web:planning_plan", args=[w.unit.pk]), {"dag": w.start})
    row = m.PlannedVisit.objects.get(run__status="current", demand=w.morning, day=w.start)
    move = client.get(reverse("web:planning_move", args=[w.unit.pk, row.pk]))
    # then
    assert row.explanation["reason"] == "left-out"
    assert "Det finns plats för besöket" in text(page)
    assert reverse("web:planning_move", args=[w.unit.pk, row.pk]) in text(page)
    assert "Planera in besök" in text(move)
    assert re.search(r"Anna Alm kan ta besöket kl\. \d\d:\d\d", text(move))
    assert 'value="07:' in text(move) or 'value="08:' in text(move) or 'value="09:' in text(move)
